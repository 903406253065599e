# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"""The host institution's share: the third party of the consignment split.

An outlet hosted by a school, a regency office or a religious institution
gives its host either a share of the commission NTT Mart earns on the
consigned goods sold there or a fixed fee per month.  Each confirmed
settlement records the host's share of its commission per outlet
(``consignment.host_share.line``); a host share (``consignment.host_share``)
gathers, per outlet and period, the lines not yet paid and the fixed fee of
the months not yet charged, and becomes a supplier invoice to the host."""
import datetime as dt
from decimal import Decimal

from sql import Null
from sql.aggregate import Count, Max, Sum
from sql.conditionals import Case

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, sqlite_apply_types
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard
from trytond import backend

from stock_regency.bounds import AMOUNT_MAX, RATE, Bound, BoundsMixin

from .document import DocumentReport
from .exceptions import HostShareError, SettlementError
from .settlement import forget_cache, months_between

ZERO = Decimal(0)
SQL_IN = fields.SQL_OPERATORS['in']
HOST_SHARE_METHODS = [
    (None, ""),
    ('commission', "Share of Commission"),
    ('fixed', "Fixed Monthly Fee"),
    ]


class Location(BoundsMixin, metaclass=PoolMeta):
    __name__ = 'stock.location'

    host_share_method = fields.Selection(
        HOST_SHARE_METHODS, "Host Share",
        states={
            'invisible': ~Eval('regency_outlet'),
            },
        help="What the host institution of the outlet receives.")
    host_commission_rate = fields.Numeric(
        "Host Commission Rate", digits=(1, 4),
        domain=['OR',
            ('host_commission_rate', '=', None),
            [('host_commission_rate', '>=', 0),
                ('host_commission_rate', '<=', 1)],
            ],
        states={
            'invisible': Eval('host_share_method') != 'commission',
            'required': Eval('host_share_method') == 'commission',
            },
        help="The part of NTT Mart's commission on the consigned goods sold "
        "at the outlet that goes to the host.")
    host_monthly_fee = fields.Numeric(
        "Host Monthly Fee", digits=(16, 2),
        domain=['OR',
            ('host_monthly_fee', '=', None),
            ('host_monthly_fee', '>=', 0),
            ],
        states={
            'invisible': Eval('host_share_method') != 'fixed',
            'required': Eval('host_share_method') == 'fixed',
            },
        help="The fee paid to the host for each month.")
    host_share_start = fields.Date(
        "Host Share Start",
        states={
            'invisible': Eval('host_share_method') != 'fixed',
            },
        help="The first month of the fixed fee; the opening date when empty.")

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'host_commission_rate': RATE,
            'host_monthly_fee': Bound(0, AMOUNT_MAX),
            }

    @classmethod
    def validate_fields(cls, locations, field_names):
        super().validate_fields(locations, field_names)
        cls.check_host_share(locations, field_names)

    @classmethod
    def check_host_share(cls, locations, field_names=None):
        if field_names and not (field_names & {
                    'host_share_method', 'host_institution'}):
            return
        for location in locations:
            if location.host_share_method and not location.host_institution:
                raise HostShareError(gettext(
                        'consignment_contract.msg_host_share_no_host',
                        outlet=location.rec_name))

    def host_share_amount(self, commission, currency):
        "Return the host's share of commission earned at the outlet"
        if self.host_share_method != 'commission':
            return currency.round(ZERO)
        return currency.round(commission * (self.host_commission_rate or ZERO))


class SettlementHostLine(ModelSQL, ModelView):
    "Consignment Settlement Host Share"
    __name__ = 'consignment.host_share.line'
    _history = True

    settlement = fields.Many2One(
        'consignment.settlement', "Settlement", required=True,
        readonly=True, ondelete='CASCADE')
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    outlet = fields.Many2One(
        'stock.location', "Outlet", required=True, readonly=True,
        domain=[('type', '=', 'warehouse')])
    host = fields.Many2One(
        'party.party', "Host Institution", required=True, readonly=True)
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, readonly=True)
    cutoff_date = fields.Date("Cut-off Date", required=True, readonly=True)
    commission = Monetary(
        "Commission", currency='currency', digits='currency', readonly=True,
        help="NTT Mart's commission on the consigned goods sold at the "
        "outlet in the settlement.")
    rate = fields.Numeric("Rate", digits=(1, 4), readonly=True)
    amount = Monetary(
        "Host Share", currency='currency', digits='currency', readonly=True)
    host_share = fields.Many2One(
        'consignment.host_share', "Host Payment", readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t,
                (t.outlet, Index.Equality()),
                (t.cutoff_date, Index.Range()),
                where=t.host_share == Null))
        cls.__access__.add('settlement')
        cls._order.insert(0, ('cutoff_date', 'DESC'))

    def get_rec_name(self, name):
        return f'{self.outlet.rec_name} ({self.settlement.rec_name})'

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        "The lines follow their settlement: only its workflow changes them"
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            for line in lines:
                if line.settlement.state != 'draft':
                    raise AccessError(gettext(
                            'consignment_contract.msg_host_line_modify',
                            line=line.rec_name,
                            settlement=line.settlement.rec_name,
                            state=line.settlement.state_string))


class Settlement(metaclass=PoolMeta):
    __name__ = 'consignment.settlement'

    host_lines = fields.One2Many(
        'consignment.host_share.line', 'settlement', "Host Shares",
        readonly=True)
    host_share = Monetary(
        "Host Share", currency='currency', digits='currency', readonly=True,
        help="The part of the commission that goes to the host institutions "
        "of the outlets.")
    commission_move = fields.Many2One(
        'account.move', "Commission Move", readonly=True,
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        states={
            'invisible': ~Eval('commission_move'),
            },
        help="The move recognising the commission of the settlement "
        "(with agent accounting of consigned goods).")
    company_commission = fields.Function(Monetary(
            "NTT Mart Commission", currency='currency', digits='currency'),
        'get_company_commission')

    def get_company_commission(self, name):
        if self.commission is None:
            return None
        return self.commission - (self.host_share or ZERO)

    @classmethod
    def copy(cls, settlements, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('host_lines')
        default.setdefault('host_share')
        default.setdefault('commission_move')
        return super().copy(settlements, default=default)

    @classmethod
    def get_outlet_commissions(cls, settlements):
        """Return {(settlement id, outlet id): commission} of the settled
        lines, written-off goods excluded, in one query per 1000"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        line = InvoiceLine.__table__()
        cursor = Transaction().connection.cursor()
        write_off = line.origin.like('consignment.return.line,%')
        result = {}
        for sub_ids in grouped_slice([s.id for s in settlements], 1000):
            query = line.select(
                line.consignment_settlement, line.consignment_outlet,
                Sum(Case((write_off, 0),
                        else_=line.quantity * (
                            line.consignment_selling_price
                            - line.unit_price))).as_('commission'),
                where=SQL_IN(line.consignment_settlement, list(sub_ids)),
                group_by=[line.consignment_settlement,
                    line.consignment_outlet])
            if backend.name == 'sqlite':
                sqlite_apply_types(query, [None, None, 'NUMERIC'])
            cursor.execute(*query)
            for settlement, outlet, commission in cursor:
                result[settlement, outlet] = Decimal(str(commission or 0))
        return result

    @classmethod
    def create_host_lines(cls, settlements):
        """Record the host institutions' share of the commission of the
        settlements, per outlet"""
        pool = Pool()
        Location = pool.get('stock.location')
        HostLine = pool.get('consignment.host_share.line')
        commissions = cls.get_outlet_commissions(settlements)
        outlets = {o.id: o for o in Location.browse(
                list({o for _, o in commissions if o}))}
        by_id = {s.id: s for s in settlements}
        lines = []
        for (settlement_id, outlet_id), commission in commissions.items():
            outlet = outlets.get(outlet_id)
            if not outlet or outlet.host_share_method != 'commission':
                continue
            settlement = by_id[settlement_id]
            currency = settlement.currency
            commission = currency.round(commission)
            amount = outlet.host_share_amount(commission, currency)
            if not amount:
                continue
            lines.append(HostLine(
                    settlement=settlement, company=settlement.company,
                    outlet=outlet, host=outlet.host_institution,
                    currency=currency, cutoff_date=settlement.cutoff_date,
                    commission=commission,
                    rate=outlet.host_commission_rate, amount=amount))
        HostLine.save(lines)
        totals = {}
        for line in lines:
            totals[line.settlement.id] = (
                totals.get(line.settlement.id, ZERO) + line.amount)
        for settlement in settlements:
            settlement.host_share = settlement.currency.round(
                totals.get(settlement.id, ZERO))
        cls.save(settlements)

    @classmethod
    @ModelView.button
    def confirm(cls, settlements):
        drafts = [s for s in settlements if s.state == 'draft']
        super().confirm(settlements)
        if drafts:
            cls.create_host_lines(cls.browse(drafts))

    @classmethod
    @ModelView.button
    def cancel(cls, settlements):
        pool = Pool()
        HostLine = pool.get('consignment.host_share.line')
        settlements = [s for s in settlements
            if s.state in {'draft', 'confirmed', 'posted'}]
        lines = [l for s in settlements for l in s.host_lines]
        paid = [l for l in lines if l.host_share
            and l.host_share.state != 'cancelled']
        if paid:
            line = paid[0]
            raise SettlementError(gettext(
                    'consignment_contract.msg_settlement_cancel_host_paid',
                    settlement=line.settlement.rec_name,
                    host_share=line.host_share.rec_name))
        super().cancel(settlements)
        HostLine.delete(lines)
        if settlements:
            cls.write(settlements, {'host_share': None})


class HostShare(Workflow, ModelSQL, ModelView):
    "Host Institution Share"
    __name__ = 'consignment.host_share'
    _history = True

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    outlet = fields.Many2One(
        'stock.location', "Outlet", required=True, readonly=True,
        domain=[('type', '=', 'warehouse')])
    host = fields.Many2One(
        'party.party', "Host Institution", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, readonly=True)
    start_date = fields.Date("Start Date", readonly=True)
    cutoff_date = fields.Date("Cut-off Date", required=True, readonly=True)
    date = fields.Date(
        "Date", required=True,
        states={
            'readonly': Eval('state') != 'draft',
            })
    method = fields.Selection(
        HOST_SHARE_METHODS, "Method", readonly=True)
    lines = fields.One2Many(
        'consignment.host_share.line', 'host_share', "Lines",
        readonly=True)
    commission = Monetary(
        "Commission", currency='currency', digits='currency', readonly=True)
    commission_share = Monetary(
        "Share of Commission", currency='currency', digits='currency',
        readonly=True)
    months = fields.Integer("Months", readonly=True)
    monthly_fee = Monetary(
        "Monthly Fee", currency='currency', digits='currency', readonly=True)
    fixed_fee = Monetary(
        "Fixed Fee", currency='currency', digits='currency', readonly=True)
    amount = Monetary(
        "Amount", currency='currency', digits='currency', readonly=True)
    invoice = fields.Many2One(
        'account.invoice', "Invoice", readonly=True,
        domain=[('type', '=', 'in')])
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('posted', "Posted"),
            ('paid', "Paid"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t,
                (t.outlet, Index.Equality()),
                (t.cutoff_date, Index.Range())))
        cls._order = [
            ('cutoff_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'confirmed'),
            ('confirmed', 'posted'),
            ('posted', 'paid'),
            ('draft', 'cancelled'),
            ('confirmed', 'cancelled'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(['draft', 'confirmed']),
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        lang = Pool().get('ir.lang').get()
        return f'{self.outlet.rec_name} {lang.strftime(self.cutoff_date)}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('outlet.rec_name',) + tuple(clause[1:])]

    @classmethod
    def check_modification(
            cls, mode, shares, values=None, external=False):
        super().check_modification(
            mode, shares, values=values, external=external)
        if mode == 'delete':
            for share in shares:
                if share.state not in {'draft', 'cancelled'}:
                    raise HostShareError(gettext(
                            'consignment_contract.msg_host_share_delete',
                            host_share=share.rec_name))

    @classmethod
    def delete(cls, shares):
        cls._release_lines(shares)
        super().delete(shares)

    @classmethod
    def copy(cls, shares, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('lines')
        default.setdefault('invoice')
        return super().copy(shares, default=default)

    # ---- The run --------------------------------------------------------

    @classmethod
    def _hosted_outlets(cls, outlets=None):
        pool = Pool()
        Location = pool.get('stock.location')
        domain = [
            ('type', '=', 'warehouse'),
            ('host_share_method', '!=', None),
            ('host_institution', '!=', None),
            ]
        if outlets:
            domain.append(('id', 'in', [int(o) for o in outlets]))
        return Location.search(domain)

    @classmethod
    def _previous_cutoffs(cls, company, outlets):
        "Return {outlet id: cut-off of its last host share}"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for sub_ids in grouped_slice([o.id for o in outlets], 1000):
            cursor.execute(*table.select(
                    table.outlet, Max(table.cutoff_date),
                    where=SQL_IN(table.outlet, list(sub_ids))
                    & (table.company == company.id)
                    & (table.state != 'cancelled'),
                    group_by=[table.outlet]))
            for outlet, cutoff in cursor:
                if isinstance(cutoff, str):
                    cutoff = dt.date.fromisoformat(cutoff)
                result[outlet] = cutoff
        return result

    @classmethod
    def _open_lines(cls, cutoff_date, company, outlets):
        "Return {outlet id: count} of the host lines to pay"
        pool = Pool()
        HostLine = pool.get('consignment.host_share.line')
        line = HostLine.__table__()
        cursor = Transaction().connection.cursor()
        result = {}
        for sub_ids in grouped_slice([o.id for o in outlets], 1000):
            cursor.execute(*line.select(
                    line.outlet, Count(line.id),
                    where=cls._open_lines_where(line, cutoff_date, company)
                    & SQL_IN(line.outlet, list(sub_ids)),
                    group_by=[line.outlet]))
            result.update(dict(cursor))
        return result

    @classmethod
    def _open_lines_where(cls, line, cutoff_date, company):
        return ((line.host_share == Null)
            & (line.company == company.id)
            & (line.cutoff_date <= cutoff_date))

    def _fixed_months(self, previous_cutoff):
        """Return the first day and the number of the months of the fixed
        fee not yet charged up to the cut-off: a month is charged by the
        first host share whose period touches it"""
        outlet = self.outlet
        if previous_cutoff:
            start = previous_cutoff + dt.timedelta(days=1)
        else:
            start = (outlet.host_share_start or outlet.opening_date
                or self.cutoff_date.replace(day=1))
        months = months_between(start, self.cutoff_date)
        if previous_cutoff and (previous_cutoff.year, previous_cutoff.month) \
                == (start.year, start.month):
            months -= 1
        return start, max(months, 0)

    @classmethod
    def create_for(cls, cutoff_date, company=None, outlets=None):
        """Create and return the draft host shares of the hosted outlets up
        to cutoff_date: the commission shares not yet paid and the fixed
        fees of the months not yet charged."""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        if company is None:
            company = Company(Transaction().context['company'])
        with Transaction().set_context(company=company.id):
            today = Date.today()
        if cutoff_date > today:
            lang = pool.get('ir.lang').get()
            raise SettlementError(gettext(
                    'consignment_contract.msg_settlement_cutoff_future',
                    date=lang.strftime(cutoff_date),
                    today=lang.strftime(today)))
        outlets = cls._hosted_outlets(outlets)
        if not outlets:
            return []
        previous = cls._previous_cutoffs(company, outlets)
        counts = cls._open_lines(cutoff_date, company, outlets)
        shares = []
        for outlet in outlets:
            share = cls(
                company=company, outlet=outlet, host=outlet.host_institution,
                currency=company.currency, cutoff_date=cutoff_date,
                date=today, method=outlet.host_share_method)
            if previous.get(outlet.id):
                share.start_date = previous[outlet.id] + dt.timedelta(days=1)
            if outlet.host_share_method == 'fixed':
                share.start_date, share.months = share._fixed_months(
                    previous.get(outlet.id))
                if not share.months or not outlet.host_monthly_fee:
                    continue
            elif not counts.get(outlet.id):
                continue
            shares.append(share)
        cls.save(shares)
        cls._link_lines(shares, counts)
        cls.compute_amounts(shares)
        return shares

    @classmethod
    def _link_lines(cls, shares, counts):
        pool = Pool()
        HostLine = pool.get('consignment.host_share.line')
        line = HostLine.__table__()
        cursor = Transaction().connection.cursor()
        for share in shares:
            if not counts.get(share.outlet.id):
                continue
            cursor.execute(*line.update(
                    [line.host_share], [share.id],
                    where=cls._open_lines_where(
                        line, share.cutoff_date, share.company)
                    & (line.outlet == share.outlet.id)))
            if cursor.rowcount != counts[share.outlet.id]:
                raise SettlementError(gettext(
                        'consignment_contract.msg_host_share_concurrent',
                        outlet=share.outlet.rec_name))
        forget_cache(HostLine)

    @classmethod
    def _release_lines(cls, shares):
        pool = Pool()
        HostLine = pool.get('consignment.host_share.line')
        line = HostLine.__table__()
        cursor = Transaction().connection.cursor()
        for sub_ids in grouped_slice([s.id for s in shares], 1000):
            cursor.execute(*line.update(
                    [line.host_share], [Null],
                    where=SQL_IN(line.host_share, list(sub_ids))))
        forget_cache(HostLine)

    @classmethod
    def compute_amounts(cls, shares):
        pool = Pool()
        HostLine = pool.get('consignment.host_share.line')
        line = HostLine.__table__()
        cursor = Transaction().connection.cursor()
        sums = {}
        for sub_ids in grouped_slice([s.id for s in shares], 1000):
            query = line.select(
                line.host_share, Sum(line.commission).as_('commission'),
                Sum(line.amount).as_('amount'),
                where=SQL_IN(line.host_share, list(sub_ids)),
                group_by=[line.host_share])
            if backend.name == 'sqlite':
                sqlite_apply_types(query, [None, 'NUMERIC', 'NUMERIC'])
            cursor.execute(*query)
            for share, commission, amount in cursor:
                sums[share] = (
                    Decimal(str(commission or 0)), Decimal(str(amount or 0)))
        for share in shares:
            round_ = share.currency.round
            commission, amount = sums.get(share.id, (ZERO, ZERO))
            share.commission = round_(commission)
            share.commission_share = round_(amount)
            if share.method == 'fixed':
                share.monthly_fee = round_(
                    share.outlet.host_monthly_fee or ZERO)
                share.fixed_fee = round_(
                    share.monthly_fee * (share.months or 0))
            else:
                share.months = 0
                share.monthly_fee = share.fixed_fee = round_(ZERO)
            share.amount = share.commission_share + share.fixed_fee
        cls.save(shares)

    # ---- The invoice ----------------------------------------------------

    def _get_invoice(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoice = Invoice(
            company=self.company, type='in', party=self.host,
            currency=self.currency, invoice_date=self.date,
            reference=self.rec_name)
        invoice.on_change_type()
        invoice.on_change_party()
        return invoice

    def _get_invoice_lines(self, invoice):
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        lang = pool.get('ir.lang').get()
        Configuration = pool.get('consignment.configuration')
        account = Configuration(1).get_multivalue(
            'host_share_account', company=self.company.id)
        if not account:
            raise HostShareError(gettext(
                    'consignment_contract.msg_host_share_no_account',
                    host_share=self.rec_name))
        lines = []
        for amount, msg in [
                (self.commission_share, 'msg_host_share_commission_line'),
                (self.fixed_fee, 'msg_host_share_fixed_line'),
                ]:
            if not amount:
                continue
            lines.append(InvoiceLine(
                    invoice=invoice, type='line', company=self.company,
                    currency=self.currency, party=self.host,
                    invoice_type='in', account=account, quantity=1,
                    unit_price=amount, origin=self,
                    description=gettext(
                        'consignment_contract.' + msg,
                        outlet=self.outlet.rec_name,
                        start=(lang.strftime(self.start_date)
                            if self.start_date else ''),
                        end=lang.strftime(self.cutoff_date),
                        months=self.months or 0)))
        return lines

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, shares):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        to_invoice = [s for s in shares if s.amount]
        invoices = [s._get_invoice() for s in to_invoice]
        Invoice.save(invoices)
        lines = []
        for share, invoice in zip(to_invoice, invoices):
            share.invoice = invoice
            lines.extend(share._get_invoice_lines(invoice))
        InvoiceLine.save(lines)
        Invoice.update_taxes(invoices)
        cls.save(to_invoice)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, shares):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoices = [s.invoice for s in shares if s.invoice]
        for invoice in invoices:
            if invoice.state in {'posted', 'paid'}:
                raise HostShareError(gettext(
                        'consignment_contract.msg_host_share_cancel_posted',
                        host_share=invoice.rec_name))
        if invoices:
            Invoice.cancel(invoices)
        cls._release_lines(shares)

    @classmethod
    def mark_posted(cls, shares):
        shares = [s for s in shares if s.state == 'confirmed']
        if shares:
            cls.write(shares, {'state': 'posted'})

    @classmethod
    def mark_paid(cls, shares):
        shares = [s for s in shares if s.state == 'posted']
        if shares:
            cls.write(shares, {'state': 'paid'})

    @classmethod
    def create_due(cls, date=None):
        "Create and confirm the host shares of the month ended (cron)"
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        for company in Company.search([]):
            with Transaction().set_context(company=company.id):
                today = date or Date.today()
                cutoff = today - dt.timedelta(days=1)
                if today.day != 1:
                    continue
                shares = cls.create_for(cutoff, company=company)
                if shares:
                    cls.confirm(shares)


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    consignment_host_shares = fields.One2Many(
        'consignment.host_share', 'invoice', "Host Shares", readonly=True)

    @classmethod
    def _post(cls, invoices):
        pool = Pool()
        HostShare = pool.get('consignment.host_share')
        super()._post(invoices)
        HostShare.mark_posted(
            [s for i in invoices for s in i.consignment_host_shares])

    @classmethod
    def paid(cls, invoices):
        pool = Pool()
        HostShare = pool.get('consignment.host_share')
        super().paid(invoices)
        HostShare.mark_paid(
            [s for i in invoices for s in i.consignment_host_shares])


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['consignment.host_share']


class PayHostsStart(ModelView):
    "Pay Host Institutions"
    __name__ = 'consignment.host_share.create.start'

    cutoff_date = fields.Date("Cut-off Date", required=True)
    outlets = fields.Many2Many(
        'stock.location', None, None, "Outlets",
        domain=[
            ('type', '=', 'warehouse'),
            ('host_share_method', '!=', None),
            ],
        help="Leave empty for every hosted outlet.")

    @classmethod
    def default_cutoff_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()


class PayHosts(Wizard):
    "Pay Host Institutions"
    __name__ = 'consignment.host_share.create'
    start = StateView('consignment.host_share.create.start',
        'consignment_contract.host_share_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateAction('consignment_contract.act_host_share_form')

    def do_create_(self, action):
        pool = Pool()
        HostShare = pool.get('consignment.host_share')
        Location = pool.get('stock.location')
        User = pool.get('res.user')
        outlets = list(self.start.outlets)
        User.check_outlets(outlets)
        limited = User.get_limited_outlets()
        if not outlets and limited is not None:
            # Outlet staff pay the hosts of their outlets only
            outlets = Location.browse(limited)
        if outlets or limited is None:
            shares = HostShare.create_for(
                self.start.cutoff_date, outlets=outlets)
        else:
            shares = []
        action['domains'] = []
        return action, {'res_id': [s.id for s in shares]}


class HostShareStatement(DocumentReport):
    "Host Institution Share Statement"
    __name__ = 'consignment.host_share.statement'
