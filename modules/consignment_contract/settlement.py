# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
import datetime as dt
from collections import defaultdict, namedtuple
from decimal import Decimal

from sql import Null
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice, sqlite_apply_types
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateView, Wizard

from stock_regency.bounds import AMOUNT_MAX, Bound

from .document import DocumentReport
from .exceptions import (
    SettlementConcurrencyError, SettlementError, SettlementModifyError,
    SettlementDraftIntakeWarning)

ZERO = Decimal(0)
# The figures of a settled line, read in bulk without instantiating lines
SettledLine = namedtuple('SettledLine', [
        'quantity', 'unit_price', 'consignment_selling_price',
        'consignment_contract', 'write_off', 'amount'])
SQL_IN = fields.SQL_OPERATORS['in']
# The lines whose taxes are updated together: the ORM instantiates the lines
# of the invoices it reads together, each checking the list of all their ids
TAXES_CHUNK = 250
# The lines validated together after an UPDATE, for the same reason
VALIDATE_CHUNK = 200


def forget_cache(*models):
    """Forget what the transaction cached of the records of the models, after
    an UPDATE in SQL (as ModelStorage.write does for the records it
    writes), so that a later read in the same transaction sees the new
    values"""
    transaction = Transaction()
    transaction.counter += 1
    names = {m.__name__ for m in models}
    for cache in transaction.cache.values():
        for name in names:
            if name in cache:
                cache[name].clear()


def months_between(start, end):
    "Return the number of calendar months touched from start to end"
    return max((end.year - start.year) * 12 + end.month - start.month + 1, 0)


class Contract(metaclass=PoolMeta):
    __name__ = 'consignment.contract'

    display_fee = Monetary(
        "Display Fee per Month", currency='currency', digits='currency',
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="Deducted at settlement for each month of the period.")
    settlement_fee = Monetary(
        "Settlement Fee", currency='currency', digits='currency',
        states={
            'readonly': Eval('state') != 'draft',
            },
        help="Deducted once from each settlement paid out.")

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'display_fee': Bound(0, AMOUNT_MAX),
            'settlement_fee': Bound(0, AMOUNT_MAX),
            }


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    consignment_settlement = fields.Many2One(
        'consignment.settlement', "Consignment Settlement", readonly=True,
        ondelete='RESTRICT',
        states={
            'invisible': ~Eval('consignment_settlement'),
            })
    consignment_date = fields.Date(
        "Consignment Sale Date", readonly=True,
        states={
            'invisible': ~Eval('consignment_contract'),
            },
        help="The date the consigned goods were sold or returned.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The settlement run looks for the consigned lines still open
        cls._sql_indexes.add(
            Index(t,
                (t.party, Index.Range()),
                (t.consignment_date, Index.Range()),
                where=(t.consignment_settlement == Null)
                & (t.invoice == Null)
                & (t.consignment_outlet != Null)))

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + [
            'consignment.settlement', 'consignment.return.line']

    @classmethod
    def _account_domain(cls, type_):
        domain = super()._account_domain(type_)
        if type_ == 'in':
            # Fees deducted from consignors are the company's revenue
            domain = domain + [('type.revenue', '=', True)]
        return domain

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('consignment_settlement')
        default.setdefault('consignment_date')
        return super().copy(lines, default=default)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    # The statement of a settlement counts the moves in and out of the
    # consignor's locations linked to it when it was created: each move is
    # on one statement (per side: a transfer between two outlets of the same
    # consignor may be on the statements of both outlets)
    consignment_settlement_in = fields.Many2One(
        'consignment.settlement', "Consignment Statement (In)",
        readonly=True, ondelete='SET NULL',
        states={
            'invisible': ~Eval('consignment_settlement_in'),
            },
        help="The settlement whose statement counts the goods coming into "
        "the consignment location.")
    consignment_settlement_out = fields.Many2One(
        'consignment.settlement', "Consignment Statement (Out)",
        readonly=True, ondelete='SET NULL',
        states={
            'invisible': ~Eval('consignment_settlement_out'),
            },
        help="The settlement whose statement counts the goods leaving the "
        "consignment location.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.consignment_settlement_in, Index.Range()),
                    where=t.consignment_settlement_in != Null),
                Index(t, (t.consignment_settlement_out, Index.Range()),
                    where=t.consignment_settlement_out != Null),
                })

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['consignment.return.line']

    @classmethod
    def copy(cls, moves, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('consignment_settlement_in')
        default.setdefault('consignment_settlement_out')
        return super().copy(moves, default=default)

    def _set_consignment_contract(self, line, location):
        pool = Pool()
        Date = pool.get('ir.date')
        super()._set_consignment_contract(line, location)
        with Transaction().set_context(company=self.company.id):
            line.consignment_date = (
                self.effective_date or self.planned_date or Date.today())


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    consignment_settlements = fields.One2Many(
        'consignment.settlement', 'invoice', "Consignment Settlements",
        readonly=True)

    @classmethod
    def _post(cls, invoices):
        pool = Pool()
        Settlement = pool.get('consignment.settlement')
        super()._post(invoices)
        Settlement.mark_posted(
            [s for i in invoices for s in i.consignment_settlements])

    @classmethod
    def paid(cls, invoices):
        pool = Pool()
        Settlement = pool.get('consignment.settlement')
        super().paid(invoices)
        Settlement.mark_paid(
            [s for i in invoices for s in i.consignment_settlements])


class Settlement(Workflow, ModelSQL, ModelView):
    "Consignment Settlement"
    __name__ = 'consignment.settlement'
    _rec_name = 'number'
    _history = True

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    supplier = fields.Many2One(
        'party.party', "Supplier", required=True, readonly=True,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    outlet = fields.Many2One(
        'stock.location', "Outlet", readonly=True,
        domain=[('type', '=', 'warehouse')],
        help="Empty when the settlement covers all outlets.")
    currency = fields.Many2One(
        'currency.currency', "Currency", required=True, readonly=True)
    cutoff_date = fields.Date("Cut-off Date", required=True, readonly=True)
    start_date = fields.Date(
        "Start Date", readonly=True,
        help="The first day of the period, after the previous settlement.")
    date = fields.Date("Date", required=True, states=_states)
    lines = fields.One2Many(
        'account.invoice.line', 'consignment_settlement', "Lines",
        readonly=True)
    invoice = fields.Many2One(
        'account.invoice', "Invoice", readonly=True,
        domain=[('type', '=', 'in')])
    gross_sales = Monetary(
        "Gross Sales", currency='currency', digits='currency', readonly=True)
    supplier_amount = Monetary(
        "Supplier Share", currency='currency', digits='currency',
        readonly=True)
    commission = Monetary(
        "Commission", currency='currency', digits='currency', readonly=True)
    display_fee = Monetary(
        "Display Fee", currency='currency', digits='currency', readonly=True)
    damaged_goods = Monetary(
        "Damaged Goods", currency='currency', digits='currency',
        readonly=True)
    settlement_fee = Monetary(
        "Settlement Fee", currency='currency', digits='currency',
        readonly=True)
    deductions = Monetary(
        "Deductions", currency='currency', digits='currency', readonly=True)
    net_amount = Monetary(
        "Net of the Period", currency='currency', digits='currency',
        readonly=True)
    carried_in = Monetary(
        "Carried from Earlier Periods", currency='currency',
        digits='currency', readonly=True)
    payable = Monetary(
        "Net Payable", currency='currency', digits='currency', readonly=True)
    minimum_payout = Monetary(
        "Minimum Payout", currency='currency', digits='currency',
        readonly=True)
    held = fields.Boolean(
        "Held Back", readonly=True,
        help="The payout is under the contract's minimum: it is carried to "
        "the next settlement.")
    carried_to = fields.Many2One(
        'consignment.settlement', "Carried to", readonly=True,
        states={
            'invisible': ~Eval('held'),
            })
    carried_from = fields.One2Many(
        'consignment.settlement', 'carried_to', "Carried from",
        readonly=True)
    payment_reference = fields.Function(
        fields.Char("Payment Reference"), 'get_payment_reference')
    state = fields.Selection([
            ('draft', "Draft"),
            ('confirmed', "Confirmed"),
            ('posted', "Posted"),
            ('paid', "Paid"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(['draft', 'confirmed'])),
                Index(t,
                    (t.supplier, Index.Range()),
                    (t.cutoff_date, Index.Range())),
                })
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
            ('posted', 'cancelled'),
            }
        cls._buttons.update({
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'confirmed', 'posted']),
                    'depends': ['state'],
                    },
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'post': {
                    'invisible': ((Eval('state') != 'confirmed')
                        | Eval('held', False)),
                    'depends': ['state', 'held'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_held(cls):
        return False

    def get_rec_name(self, name):
        if not self.number:
            return self.supplier.rec_name
        return f'{self.number} ({self.supplier.rec_name})'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, value),
            ('supplier.rec_name', operator, value),
            ]

    def get_payment_reference(self, name):
        if self.invoice:
            return self.invoice.number
        if self.carried_to:
            return self.carried_to.number

    @classmethod
    def check_modification(
            cls, mode, settlements, values=None, external=False):
        super().check_modification(
            mode, settlements, values=values, external=external)
        if mode == 'delete':
            for settlement in settlements:
                if settlement.state not in {'draft', 'cancelled'}:
                    raise SettlementModifyError(gettext(
                            'consignment_contract.msg_settlement_delete',
                            settlement=settlement.rec_name))
        elif mode == 'write' and external and values:
            for settlement in settlements:
                if settlement.state != 'draft':
                    raise SettlementModifyError(gettext(
                            'consignment_contract.msg_settlement_modify',
                            settlement=settlement.rec_name))

    @classmethod
    def delete(cls, settlements):
        # Release the lines of drafts so that the next run settles them
        cls._release_lines(settlements)
        super().delete(settlements)

    @classmethod
    def copy(cls, settlements, default=None):
        # A copy settles nothing: the lines stay with their settlement
        default = default.copy() if default is not None else {}
        for field in ['number', 'lines', 'invoice', 'carried_to',
                'carried_from']:
            default.setdefault(field)
        default.setdefault('held', False)
        return super().copy(settlements, default=default)

    # ---- The settlement run -------------------------------------------

    @classmethod
    def settle(cls, cutoff_date, company=None, suppliers=None, outlets=None):
        """Create and return the draft settlements of every consignor with
        consigned lines not yet settled sold on or before cutoff_date.

        A line is linked to one settlement only: the link is written with a
        conditional UPDATE so that a concurrent run fails and is retried
        instead of settling the line twice."""
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
        groups = cls._open_lines(cutoff_date, company, suppliers, outlets)
        if not groups:
            return []
        cls.check_draft_intakes(
            cutoff_date, company, {k[0] for k in groups})
        previous = cls._previous_cutoffs(company, cutoff_date)
        settlements = []
        for (supplier, outlet, currency), (start, _) in groups.items():
            # The period follows the previous settlement's cut-off (the same
            # day when settling twice on one cut-off date)
            if (supplier, outlet) in previous:
                start = min(
                    previous[(supplier, outlet)] + dt.timedelta(days=1),
                    cutoff_date)
            settlements.append(cls(
                    company=company, supplier=supplier, outlet=outlet,
                    currency=currency, cutoff_date=cutoff_date,
                    start_date=start, date=today))
        cls.save(settlements)
        cls._link_lines(settlements, groups, cutoff_date)
        cls._link_moves(settlements, cutoff_date)
        return settlements

    @classmethod
    def _previous_cutoffs(cls, company, cutoff_date):
        """Return {(supplier id, outlet id or None): cut-off date} of the
        latest settlement not cancelled up to cutoff_date, in one query"""
        settlement = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*settlement.select(
                settlement.supplier, settlement.outlet,
                Max(settlement.cutoff_date),
                where=(settlement.company == company.id)
                & (settlement.state != 'cancelled')
                & (settlement.cutoff_date <= cutoff_date),
                group_by=[settlement.supplier, settlement.outlet]))
        result = {}
        for supplier, outlet, date in cursor:
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            result[(supplier, outlet)] = date
        return result

    @classmethod
    def _link_moves(cls, settlements, cutoff_date):
        """Link the done moves into and out of the consignor's locations (of
        the settlement's outlet) up to the cut-off that no statement counts
        yet to the settlement, with two UPDATEs per settlement.

        The columns are the statements' bookkeeping, not a change of the
        moves (done moves may not be written through the ORM): no access
        rule, check or history applies to them."""
        pool = Pool()
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        move = Move.__table__()
        cursor = Transaction().connection.cursor()
        for settlement in settlements:
            domain = [
                ('type', '=', 'supplier'),
                ('consignment_party', '=', settlement.supplier.id),
                ]
            if settlement.outlet:
                domain.append(('parent', 'child_of', [settlement.outlet.id]))
            locations = [l.id for l in Location.search(domain, order=[])]
            if not locations:
                continue
            done = ((move.state == 'done')
                & (move.effective_date <= cutoff_date))
            for column, side in [
                    (move.consignment_settlement_in, move.to_location),
                    (move.consignment_settlement_out, move.from_location)]:
                cursor.execute(*move.update([column], [settlement.id],
                        where=done & (column == Null)
                        & SQL_IN(side, locations)))
        forget_cache(Move)

    @classmethod
    def _grouping_by_outlet(cls, company):
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        return bool(Configuration(1).get_multivalue(
                'settle_per_outlet', company=company.id))

    @classmethod
    def _open_lines_where(cls, line, cutoff_date, company):
        """Return the condition of the consigned lines still to settle:
        those the user may write (record rules, as InvoiceLine.write would
        check them), on no invoice (so never on a posted one)"""
        pool = Pool()
        Rule = pool.get('ir.rule')
        where = ((line.company == company.id)
            & (line.invoice == Null)
            & (line.consignment_settlement == Null)
            & (line.consignment_outlet != Null)
            & (line.invoice_type == 'in')
            & (line.consignment_date <= cutoff_date))
        # Empty unless the access is checked (a user's call from the client)
        if Rule.domain_get('account.invoice.line', mode='write'):
            where &= line.id.in_(
                Rule.query_get('account.invoice.line', mode='write'))
        return where

    @classmethod
    def _open_lines(cls, cutoff_date, company, suppliers=None, outlets=None):
        """Return {(supplier, outlet or None, currency): (first date, count)}
        of the lines to settle, in one query"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        line = InvoiceLine.__table__()
        cursor = Transaction().connection.cursor()
        per_outlet = cls._grouping_by_outlet(company)
        where = cls._open_lines_where(line, cutoff_date, company)
        if suppliers:
            where &= SQL_IN(line.party, [int(s) for s in suppliers])
        if outlets:
            where &= SQL_IN(
                line.consignment_outlet, [int(o) for o in outlets])
        columns = [line.party, line.currency]
        if per_outlet:
            columns.append(line.consignment_outlet)
        cursor.execute(*line.select(*columns,
                Min(line.consignment_date), Count(line.id),
                where=where, group_by=columns))
        groups = {}
        for row in cursor:
            supplier, currency = row[:2]
            outlet = row[2] if per_outlet else None
            start, count = row[-2:]
            if isinstance(start, str):
                start = dt.date.fromisoformat(start)
            groups[(supplier, outlet, currency)] = (start, count)
        return groups

    @classmethod
    def _link_lines(cls, settlements, groups, cutoff_date):
        """Link the open lines to their settlement with one UPDATE per
        settlement, making the checks InvoiceLine.write of
        consignment_settlement would make (see "The checks of the SQL
        attach of lines" in doc/design.rst):

        * model and field access (ir.model.access, ir.model.field.access):
          checked below, as _before_write does;
        * record rules (ir.rule, write): in the WHERE of _open_lines_where;
        * check_modification (account_invoice: no line of an invoice not
          modifiable): holds by construction, the lines are on no invoice;
        * XML records, timestamps, history, translations, set-fields:
          do not apply (no such invoice line, no _timestamp context, no
          history, not translated, a Many2One column);
        * the validation of _validate (for consignment_settlement: the
          domains of product, unit and stock_moves and the required unit,
          which depend on a Function field, not on consignment_settlement),
          validate and validate_fields (not overridden): hold by
          construction, the UPDATE changes no column they depend on and
          they were validated when the line was last written; they are run
          again, with those of invoice, by _validate_lines on the same lines
          when confirm attaches them to the invoice, before it is posted;
        * on_modification (account_invoice_stock updates the unit price of
          the stock moves from the posted invoices): nothing to update, the
          lines are on no invoice;
        * triggers (ir.trigger on write of invoice lines): not run, there is
          none in NTT Mart."""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        ModelAccess = pool.get('ir.model.access')
        ModelFieldAccess = pool.get('ir.model.field.access')
        line = InvoiceLine.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        ModelAccess.check(InvoiceLine.__name__, 'write')
        ModelFieldAccess.check(
            InvoiceLine.__name__, ['consignment_settlement'], 'write')
        for settlement in settlements:
            company = settlement.company
            where = cls._open_lines_where(line, cutoff_date, company)
            where &= (line.party == settlement.supplier.id)
            where &= (line.currency == settlement.currency.id)
            if settlement.outlet:
                where &= (line.consignment_outlet == settlement.outlet.id)
            cursor.execute(*line.update(
                    [line.consignment_settlement, line.write_uid,
                        line.write_date],
                    [settlement.id, transaction.user, CurrentTimestamp()],
                    where=where))
            key = (settlement.supplier.id,
                settlement.outlet.id if settlement.outlet else None,
                settlement.currency.id)
            if cursor.rowcount != groups[key][1]:
                # Another run linked some of the lines meanwhile
                raise SettlementConcurrencyError(gettext(
                        'consignment_contract.msg_settlement_concurrent',
                        supplier=settlement.supplier.rec_name))
        forget_cache(InvoiceLine)

    @classmethod
    def _validate_lines(cls, column, ids, field_names):
        """Run InvoiceLine._validate for field_names on the lines whose
        column (a name) is in ids, by chunks of VALIDATE_CHUNK (each record
        instantiated checks the list of ids it was browsed with, so a chunk
        costs its size squared): the validation InvoiceLine.write of
        field_names would run"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        line = InvoiceLine.__table__()
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        line_ids = []
        for sub_ids in grouped_slice(ids, 1000):
            # The lines of one invoice together: the domains of a line
            # depend on its invoice (Eval('_parent_invoice')), so a chunk
            # of lines of many invoices evaluates as many domains and
            # reads as many invoices (sold at the tills of every consignor,
            # the lines are interleaved by id)
            cursor.execute(*line.select(line.id,
                    where=SQL_IN(getattr(line, column), list(sub_ids)),
                    order_by=[getattr(line, column).asc, line.id.asc]))
            line_ids.extend(i for i, in cursor)
        # The cache may hold the lines as they were before the UPDATE
        forget_cache(InvoiceLine)
        for sub_ids in grouped_slice(line_ids, VALIDATE_CHUNK):
            InvoiceLine._validate(
                InvoiceLine.browse(list(sub_ids)), field_names=field_names)

    @classmethod
    def _release_lines(cls, settlements):
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        line = InvoiceLine.__table__()
        cursor = Transaction().connection.cursor()
        Move = pool.get('stock.move')
        move = Move.__table__()
        for sub_ids in grouped_slice([s.id for s in settlements], 1000):
            sub_ids = list(sub_ids)
            cursor.execute(*line.update(
                    [line.consignment_settlement], [Null],
                    where=SQL_IN(line.consignment_settlement, sub_ids)
                    & (line.invoice == Null)))
            # Their movements go on the next statement
            for column in [move.consignment_settlement_in,
                    move.consignment_settlement_out]:
                cursor.execute(*move.update([column], [Null],
                        where=SQL_IN(column, sub_ids)))
        forget_cache(InvoiceLine, Move)

    @classmethod
    def check_draft_intakes(cls, cutoff_date, company, suppliers):
        "Warn when a supplier has an intake not yet received in the period"
        pool = Pool()
        Intake = pool.get('consignment.intake')
        Warning = pool.get('res.user.warning')
        intakes = Intake.search([
                ('company', '=', company.id),
                ('state', '=', 'draft'),
                ('date', '<=', cutoff_date),
                ('contract.supplier', 'in', list(suppliers)),
                ], limit=5)
        if intakes:
            key = Warning.format('settlement_draft_intake', intakes)
            if Warning.check(key):
                raise SettlementDraftIntakeWarning(key, gettext(
                        'consignment_contract.msg_settlement_draft_intake',
                        intakes=', '.join(i.rec_name for i in intakes)))

    @classmethod
    def settle_due(cls, date=None):
        "Create the settlements of the contracts whose period ended (cron)"
        pool = Pool()
        Contract = pool.get('consignment.contract')
        Date = pool.get('ir.date')
        Company = pool.get('company.company')
        for company in Company.search([]):
            with Transaction().set_context(company=company.id):
                today = date or Date.today()
                cutoff = today - dt.timedelta(days=1)
                contracts = Contract.search([
                        ('company', '=', company.id),
                        ('state', 'in', ['active', 'expired', 'terminated']),
                        ])
                suppliers = {c.supplier for c in contracts
                    if cls._period_ends(c.settlement_period, cutoff)}
                if suppliers:
                    cls.settle(cutoff, company=company, suppliers=suppliers)

    @classmethod
    def _period_ends(cls, period, date):
        "Tell if a settlement period ends on date"
        following = date + dt.timedelta(days=1)
        if period == 'weekly':
            return date.weekday() == 6
        elif period == 'two_weekly':
            return date.weekday() == 6 and date.isocalendar()[1] % 2 == 0
        return following.day == 1

    # ---- Amounts --------------------------------------------------------

    def _line_contracts(self, lines):
        return {l.consignment_contract for l in lines
            if l.consignment_contract}

    def _get_gross_sales(self, lines):
        return sum(
            (Decimal(str(l.quantity)) * (l.consignment_selling_price or ZERO)
                for l in lines), ZERO)

    def _previous_cutoff(self):
        "Return the cut-off of the previous settlement of the supplier"
        previous = self.__class__.search([
                ('company', '=', self.company.id),
                ('supplier', '=', self.supplier.id),
                ('outlet', '=', self.outlet.id if self.outlet else None),
                ('state', '!=', 'cancelled'),
                ('id', '!=', self.id),
                ('cutoff_date', '<=', self.cutoff_date),
                ], order=[('cutoff_date', 'DESC')], limit=1)
        if previous:
            return previous[0].cutoff_date

    def _get_display_fee(self, contracts):
        """Return the display fee of the months of the period: a month is
        charged by the first settlement whose period touches it"""
        start = self.start_date or self.cutoff_date
        months = months_between(start, self.cutoff_date)
        previous = self._previous_cutoff()
        if previous and (previous.year, previous.month) == (
                start.year, start.month):
            months -= 1
        return sum(((c.display_fee or ZERO) * months for c in contracts),
            ZERO)

    @staticmethod
    def _is_write_off(line):
        return line.write_off

    @classmethod
    def get_settled_lines(cls, settlements):
        "Return {settlement id: [SettledLine]} read in one query"
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        Contract = pool.get('consignment.contract')
        line = InvoiceLine.__table__()
        cursor = Transaction().connection.cursor()
        result = defaultdict(list)
        rows = []
        for sub_ids in grouped_slice([s.id for s in settlements], 1000):
            query = line.select(
                line.consignment_settlement, line.quantity,
                line.unit_price, line.consignment_selling_price,
                line.consignment_contract, line.origin,
                where=SQL_IN(line.consignment_settlement, list(sub_ids)))
            cursor.execute(*query)
            rows.extend(cursor)
        contracts = {c.id: c for c in Contract.browse(
                list({r[4] for r in rows if r[4]}))}
        currencies = {s.id: s.currency for s in settlements}
        for (settlement, quantity, unit_price, selling_price, contract,
                origin) in rows:
            quantity = Decimal(str(quantity or 0))
            unit_price = Decimal(str(unit_price or 0))
            if selling_price is not None:
                selling_price = Decimal(str(selling_price))
            result[settlement].append(SettledLine(
                    quantity, unit_price, selling_price,
                    contracts.get(contract),
                    bool(origin) and origin.startswith(
                        'consignment.return.line,'),
                    currencies[settlement].round(quantity * unit_price)))
        return result

    def _get_damaged_goods(self, lines):
        """Return the supplier's share of the goods written off in the
        period: the value less the part borne by the company (loss share)"""
        amount = ZERO
        for line in lines:
            if self._is_write_off(line):
                contract = line.consignment_contract
                share = (contract.write_off_loss_share or ZERO
                    if contract else ZERO)
                amount += line.amount * (1 - share)
        return amount

    def _get_settlement_fee(self, contracts):
        "Return the fee charged once per payout"
        return max((c.settlement_fee or ZERO for c in contracts),
            default=ZERO)

    def _get_minimum_payout(self, contracts):
        return max((c.minimum_payout or ZERO for c in contracts),
            default=ZERO)

    def _previous_held(self):
        "Return the held settlements of the supplier to pay with this one"
        return self.__class__.search([
                ('company', '=', self.company.id),
                ('supplier', '=', self.supplier.id),
                ('currency', '=', self.currency.id),
                ('outlet', '=', self.outlet.id if self.outlet else None),
                ('state', '=', 'confirmed'),
                ('held', '=', True),
                ('carried_to', '=', None),
                ('id', '!=', self.id),
                ])

    def compute_amounts(self, lines):
        "Set the amounts of the settlement from its SettledLine's"
        contracts = self._line_contracts(lines)
        round_ = self.currency.round
        self.gross_sales = round_(self._get_gross_sales(lines))
        self.supplier_amount = round_(sum((l.amount for l in lines), ZERO))
        self.commission = self.gross_sales - round_(sum(
                (l.amount for l in lines if not self._is_write_off(l)),
                ZERO))
        self.display_fee = round_(self._get_display_fee(contracts))
        self.damaged_goods = round_(self._get_damaged_goods(lines))
        self.settlement_fee = round_(self._get_settlement_fee(contracts))
        self.deductions = (
            self.display_fee + self.damaged_goods + self.settlement_fee)
        self.net_amount = self.supplier_amount - self.deductions
        held = self._previous_held()
        self.carried_in = sum(
            (s.net_amount + s.carried_in for s in held), ZERO)
        self.minimum_payout = round_(self._get_minimum_payout(contracts))
        total = self.net_amount + self.carried_in
        self.held = total < self.minimum_payout
        if self.held:
            # No fee is charged on a payout that is not made
            self.deductions -= self.settlement_fee
            self.net_amount += self.settlement_fee
            total += self.settlement_fee
            self.settlement_fee = round_(ZERO)
        self.payable = round_(ZERO) if self.held else total
        return held

    # ---- The supplier invoice -------------------------------------------

    def _get_invoice(self):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoice = Invoice(
            company=self.company, type='in', party=self.supplier,
            currency=self.currency, invoice_date=self.date,
            reference=self.number)
        invoice.on_change_type()
        invoice.on_change_party()
        return invoice

    def _get_deduction_line(self, invoice, description, amount, field=None):
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        Configuration = pool.get('consignment.configuration')
        config = Configuration(1)
        account = None
        if field == 'damaged_goods':
            # The consignor's share of a loss reduces the loss expensed
            account = config.get_multivalue(
                'write_off_account', company=self.company.id)
        if not account:
            account = config.get_multivalue(
                'settlement_deduction_account', company=self.company.id)
        if not account:
            raise SettlementError(gettext(
                    'consignment_contract.msg_settlement_no_deduction_account',
                    settlement=self.rec_name))
        return InvoiceLine(
            invoice=invoice, type='line', company=self.company,
            currency=self.currency, party=self.supplier, invoice_type='in',
            account=account, quantity=1, unit_price=-amount,
            description=description, origin=self)

    def _get_deduction_lines(self, invoice):
        "Return the invoice lines of the deductions of the settlement"
        lines = []
        for field, msg in [
                ('display_fee', 'msg_deduction_display_fee'),
                ('damaged_goods', 'msg_deduction_damaged_goods'),
                ('settlement_fee', 'msg_deduction_settlement_fee'),
                ]:
            amount = getattr(self, field)
            if amount:
                lines.append(self._get_deduction_line(
                        invoice,
                        gettext('consignment_contract.' + msg,
                            settlement=self.number),
                        amount, field=field))
        return lines

    @classmethod
    def create_invoices(cls, settlements):
        "Create the supplier invoice of each settlement paid out"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        invoices, new_lines = [], []
        for settlement in settlements:
            invoice = settlement._get_invoice()
            invoices.append(invoice)
            settlement.invoice = invoice
        Invoice.save(invoices)
        for settlement in settlements:
            invoice = settlement.invoice
            for paid in [settlement] + list(settlement.carried_from):
                new_lines.extend(paid._get_deduction_lines(invoice))
        InvoiceLine.save(new_lines)
        # Attach the settled lines in SQL: the run owns them and they match
        # the invoice (company, party, currency, type) by construction.
        # The checks of InvoiceLine.write of invoice (doc/design.rst):
        # access checked below; record rules checked when linked; the lines
        # are on no invoice (check_modification; checked again below, a
        # user may have put one on an invoice); _validate of invoice and
        # consignment_settlement (the account's domain: not closed, of the
        # company, not the invoice's payable account, of an
        # expense/debt/revenue type; the domains of taxes, origin, product,
        # unit, stock_moves) run after.
        ModelAccess = pool.get('ir.model.access')
        ModelFieldAccess = pool.get('ir.model.field.access')
        ModelAccess.check(InvoiceLine.__name__, 'write')
        ModelFieldAccess.check(InvoiceLine.__name__, ['invoice'], 'write')
        line = InvoiceLine.__table__()
        cursor = Transaction().connection.cursor()
        user = Transaction().user
        # A settled line put on an invoice meanwhile (by hand) is not moved
        all_ids = [s.id for p in settlements
            for s in [p] + list(p.carried_from)]
        for sub_ids in grouped_slice(all_ids, 1000):
            cursor.execute(*line.select(
                    line.id, line.consignment_settlement,
                    where=SQL_IN(line.consignment_settlement, list(sub_ids))
                    & (line.invoice != Null),
                    limit=1))
            row = cursor.fetchone()
            if row:
                invoiced = InvoiceLine(row[0])
                raise SettlementError(gettext(
                        'consignment_contract.msg_settlement_line_invoiced',
                        line=invoiced.rec_name,
                        settlement=cls(row[1]).rec_name,
                        invoice=invoiced.invoice.rec_name))
        for settlement in settlements:
            ids = [settlement.id] + [s.id for s in settlement.carried_from]
            cursor.execute(*line.update(
                    [line.invoice, line.write_uid, line.write_date],
                    [settlement.invoice.id, user, CurrentTimestamp()],
                    where=SQL_IN(line.consignment_settlement, ids)
                    & (line.invoice == Null)))
        forget_cache(InvoiceLine, Invoice)
        cls._validate_lines('invoice', [i.id for i in invoices],
            {'invoice', 'consignment_settlement'})
        cls._update_taxes(invoices)
        cls.save(settlements)

    @classmethod
    def _update_taxes(cls, invoices):
        """Update the taxes of the invoices by chunks of about TAXES_CHUNK
        lines, so that the time stays linear in the number of lines

        Only the invoices with a taxed line or a tax already: Tryton
        computes an invoice's taxes from the taxes of its lines, so for the
        others (the consignors that are no PKP, most UMKM) update_taxes
        would create, change and delete nothing."""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        InvoiceLineTax = pool.get('account.invoice.line-account.tax')
        InvoiceTax = pool.get('account.invoice.tax')
        line = InvoiceLine.__table__()
        line_tax = InvoiceLineTax.__table__()
        invoice_tax = InvoiceTax.__table__()
        cursor = Transaction().connection.cursor()
        counts, taxed = {}, set()
        for sub_ids in grouped_slice([i.id for i in invoices], 1000):
            sub_ids = list(sub_ids)
            cursor.execute(*line.select(line.invoice, Count(line.id),
                    where=SQL_IN(line.invoice, sub_ids),
                    group_by=[line.invoice]))
            counts.update(cursor)
            cursor.execute(*line.join(line_tax,
                    condition=line_tax.line == line.id).select(
                    line.invoice,
                    where=SQL_IN(line.invoice, sub_ids),
                    group_by=[line.invoice]))
            taxed.update(i for i, in cursor)
            cursor.execute(*invoice_tax.select(invoice_tax.invoice,
                    where=SQL_IN(invoice_tax.invoice, sub_ids),
                    group_by=[invoice_tax.invoice]))
            taxed.update(i for i, in cursor)
        chunk, size = [], 0
        for invoice in invoices:
            if invoice.id not in taxed:
                continue
            chunk.append(invoice.id)
            size += counts.get(invoice.id, 0)
            if size >= TAXES_CHUNK:
                Invoice.update_taxes(Invoice.browse(chunk))
                chunk, size = [], 0
        if chunk:
            Invoice.update_taxes(Invoice.browse(chunk))

    @classmethod
    def set_number(cls, settlements):
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        config = Configuration(1)
        for settlement in settlements:
            if not settlement.number:
                settlement.number = config.get_multivalue(
                    'settlement_sequence',
                    company=settlement.company.id).get()
        cls.save(settlements)

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, settlements):
        cls.set_number(settlements)
        to_invoice, carried = [], []
        figures = cls.get_settled_lines(settlements)
        for settlement in settlements:
            held = settlement.compute_amounts(figures.get(settlement.id, []))
            if not settlement.held:
                to_invoice.append(settlement)
                for previous in held:
                    previous.carried_to = settlement
                    carried.append(previous)
        cls.save(settlements + carried)
        if to_invoice:
            cls.create_invoices(cls.browse(to_invoice))

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, settlements):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        invoices = [s.invoice for s in settlements
            if s.invoice and s.invoice.state in {'draft', 'validated'}]
        if invoices:
            Invoice.post(invoices)

    @classmethod
    def mark_posted(cls, settlements):
        settlements = [s for s in settlements if s.state == 'confirmed']
        if settlements:
            cls.write(settlements, {'state': 'posted'})

    @classmethod
    def mark_paid(cls, settlements):
        settlements = [s for s in settlements if s.state == 'posted']
        if settlements:
            cls.write(settlements, {'state': 'paid'})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, settlements):
        """Cancel the settlements: a draft releases its lines; a confirmed or
        posted settlement cancels its invoice (a posted one by a reversing
        move) and gives the consignor's lines back to the next run"""
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        invoices = [s.invoice for s in settlements if s.invoice]
        to_copy, to_detach = [], []
        for settlement in settlements:
            if not settlement.invoice:
                continue
            supplier_lines = [l for s in [settlement]
                + list(settlement.carried_from) for l in s.lines]
            if settlement.invoice.state in {'draft', 'validated'}:
                to_detach.extend(supplier_lines)
            else:
                to_copy.extend(supplier_lines)
        if to_detach:
            InvoiceLine.write(to_detach, {'invoice': None})
        if invoices:
            Invoice.cancel(invoices)
        if to_copy:
            # The reversed lines stay on the cancelled invoice: open copies
            # carry what is still owed to the next settlement
            copies = InvoiceLine.copy(to_copy, default={
                    'invoice': None,
                    'consignment_settlement': None,
                    })
            values = []
            for original, copy in zip(to_copy, copies):
                values.extend(([copy], {
                            'consignment_contract': (
                                original.consignment_contract.id
                                if original.consignment_contract else None),
                            'consignment_outlet': (
                                original.consignment_outlet.id),
                            'consignment_selling_price': (
                                original.consignment_selling_price),
                            'consignment_date': original.consignment_date,
                            'stock_moves': [('add', [
                                        m.id for m in original.stock_moves])],
                            }))
            InvoiceLine.write(*values)
        cls._release_lines(settlements)
        carried = [p for s in settlements for p in s.carried_from]
        if carried:
            cls.write(carried, {'carried_to': None})

    # ---- The statement --------------------------------------------------

    def get_statement_rows(self):
        """Return the statement rows per outlet and product from the stock
        moves and the settled lines, in one query"""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        InvoiceLine = pool.get('account.invoice.line')
        Product = pool.get('product.product')
        move = Move.__table__()
        location = Location.__table__()
        warehouse = Location.__table__()
        line = InvoiceLine.__table__()
        cursor = Transaction().connection.cursor()

        consignment = location.select(
            location.id, location.left, location.right,
            where=(location.consignment_party == self.supplier.id)
            & (location.type == 'supplier'))
        # Each consignment location with its outlet (nested sets)
        loc_outlet = consignment.join(warehouse, condition=(
                (warehouse.type == 'warehouse')
                & (warehouse.left < consignment.left)
                & (warehouse.right > consignment.right))).select(
            consignment.id.as_('location'), warehouse.id.as_('outlet'))
        if self.outlet:
            loc_outlet.where = warehouse.id == self.outlet.id

        qty = move.internal_quantity
        held_here = Location.__table__()
        held_ids = held_here.select(held_here.id,
            where=(held_here.consignment_party == self.supplier.id)
            & (held_here.type == 'supplier'))
        inside_to = move.to_location.in_(held_ids)
        inside_from = move.from_location.in_(held_ids)

        # The moves of the period are those linked to this statement when
        # the settlement was created (Settlement._link_moves), the opening
        # stock those linked to the earlier statements of the supplier
        earlier = self.__class__.__table__()
        earlier_ids = earlier.select(earlier.id,
            where=(earlier.supplier == self.supplier.id)
            & (earlier.company == self.company.id)
            & (earlier.state != 'cancelled')
            & (earlier.id < self.id))
        in_ = loc_outlet.join(move, condition=(
                (move.to_location == loc_outlet.location)
                | (move.from_location == loc_outlet.location)))
        into = (move.to_location == loc_outlet.location)
        outof = (move.from_location == loc_outlet.location)
        into_now = into & (move.consignment_settlement_in == self.id)
        outof_now = outof & (move.consignment_settlement_out == self.id)
        into_before = into & move.consignment_settlement_in.in_(earlier_ids)
        outof_before = outof & move.consignment_settlement_out.in_(
            earlier_ids)

        def period(cond):
            return Sum(Case((cond, qty), else_=0))

        supplier_loc = Location.__table__()
        to_supplier = move.to_location.in_(supplier_loc.select(
                supplier_loc.id,
                where=(supplier_loc.type == 'supplier')
                & (supplier_loc.consignment_party == Null)))
        lost = Location.__table__()
        to_lost = move.to_location.in_(lost.select(
                lost.id, where=lost.type == 'lost_found'))
        from_supplier = move.from_location.in_(supplier_loc.select(
                supplier_loc.id,
                where=(supplier_loc.type == 'supplier')
                & (supplier_loc.consignment_party == Null)))
        opening = Sum(Case((into_before, qty), (outof_before, -qty),
                else_=0))
        moves = in_.select(
            loc_outlet.outlet, move.product,
            opening.as_('opening'),
            period(into_now & from_supplier).as_('received'),
            period(outof_now & ~to_supplier & ~to_lost & ~inside_to).as_(
                'sold'),
            period(into_now & ~from_supplier & ~inside_from).as_('refunded'),
            period(outof_now & to_supplier).as_('returned'),
            period(outof_now & to_lost).as_('written_off'),
            (opening + Sum(Case((into_now, qty), (outof_now, -qty),
                        else_=0))).as_('closing'),
            where=(move.state == 'done')
            & (into_now | outof_now | into_before | outof_before),
            group_by=[loc_outlet.outlet, move.product])
        # The amounts of the settled lines per outlet and product
        amounts = line.select(
            line.consignment_outlet.as_('outlet'), line.product,
            Sum(line.quantity * line.consignment_selling_price).as_('gross'),
            Sum(line.quantity * line.unit_price).as_('supplier'),
            where=line.consignment_settlement == self.id,
            group_by=[line.consignment_outlet, line.product])
        query = moves.join(amounts, 'FULL' if backend.name != 'sqlite'
            else 'LEFT', condition=(
                (moves.outlet == amounts.outlet)
                & (moves.product == amounts.product))).select(
            Coalesce(moves.outlet, amounts.outlet).as_('outlet'),
            Coalesce(moves.product, amounts.product).as_('product'),
            Coalesce(moves.opening, 0).as_('opening'),
            Coalesce(moves.received, 0).as_('received'),
            (Coalesce(moves.sold, 0) - Coalesce(moves.refunded, 0)).as_(
                'sold'),
            Coalesce(amounts.gross, 0).as_('gross'),
            Coalesce(amounts.supplier, 0).as_('supplier'),
            Coalesce(moves.returned, 0).as_('returned'),
            Coalesce(moves.written_off, 0).as_('written_off'),
            Coalesce(moves.closing, 0).as_('closing'))
        if backend.name == 'sqlite':
            sqlite_apply_types(query, [
                    None, None, 'NUMERIC', 'NUMERIC', 'NUMERIC', 'NUMERIC',
                    'NUMERIC', 'NUMERIC', 'NUMERIC', 'NUMERIC'])
        cursor.execute(*query)
        rows = cursor.fetchall()
        outlets = {o.id: o for o in Location.browse({r[0] for r in rows})}
        products = {p.id: p for p in Product.browse({r[1] for r in rows})}
        round_ = self.currency.round
        result = []
        for (outlet, product, opening, received, sold, gross, supplier,
                returned, written_off, closing) in rows:
            result.append({
                    'outlet': outlets[outlet],
                    'product': products[product],
                    'opening': float(opening),
                    'received': float(received),
                    'sold': float(sold),
                    'gross': round_(Decimal(str(gross))),
                    'supplier': round_(Decimal(str(supplier))),
                    'returned': float(returned),
                    'written_off': float(written_off),
                    'closing': float(closing),
                    })
        result.sort(key=lambda r: (r['outlet'].rec_name, r['product'].rec_name))
        return result


class SettlementStatement(DocumentReport):
    "Consignor Statement"
    __name__ = 'consignment.settlement.statement'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['rows'] = lambda s: s.get_statement_rows()
        return context


class SettleStart(ModelView):
    "Settle Consignments"
    __name__ = 'consignment.settle.start'

    cutoff_date = fields.Date("Cut-off Date", required=True)
    suppliers = fields.Many2Many(
        'party.party', None, None, "Suppliers",
        help="Leave empty to settle every consignor.")

    @classmethod
    def default_cutoff_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()


class Settle(Wizard):
    "Settle Consignments"
    __name__ = 'consignment.settle'
    start = StateView('consignment.settle.start',
        'consignment_contract.settle_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Settle", 'settle', 'tryton-ok', default=True),
            ])
    settle = StateAction('consignment_contract.act_settlement_form')

    def do_settle(self, action):
        pool = Pool()
        Settlement = pool.get('consignment.settlement')
        User = pool.get('res.user')
        # Outlet staff settle the sales of their outlets only
        outlets = User.get_limited_outlets()
        if outlets == ():
            settlements = []
        else:
            settlements = Settlement.settle(
                self.start.cutoff_date, suppliers=list(self.start.suppliers),
                outlets=outlets)
        action['domains'] = []
        return action, {'res_id': [s.id for s in settlements]}
