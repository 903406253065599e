# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The money paid to UMKM: what NTT Mart owes and pays its UMKM suppliers,
per supplier, per origin regency and per programme.

The money is that of the supplier invoices posted or paid: the invoice of a
consignment settlement (the consignor's share of the goods sold, less the
fees and the consignor's share of the goods written off: what the settlement
pays out) and the lines of a supplier invoice that bill a purchase (beli
putus).  Each invoice line counts its amount without tax as booked in the
company currency (its line of the accounting move), at the invoice date, at
its outlet: the outlet of the consigned goods, of the settlement, or the
warehouse of the purchase.  The reports sum these lines in one SQL
statement."""
from dateutil.relativedelta import relativedelta
from sql import Column, Literal, Null
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import DateTrunc
from sql.operators import Concat

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction


class PaymentContext(ModelView):
    __name__ = 'umkm.payment.context'
    __string__ = "Money Paid to UMKM Context"

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date",
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ],
        help="The first invoice date counted.")
    to_date = fields.Date(
        "To Date",
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ],
        help="The last invoice date counted.")
    period = fields.Selection([
            ('year', "Year"),
            ('month', "Month"),
            ('day', "Day"),
            ], "Period", required=True,
        help="The period of the time series.")
    outlet = fields.Many2One(
        'stock.location', "Outlet",
        domain=[
            ('type', '=', 'warehouse'),
            ],
        help="Limit the figures to the outlet.")
    regency = fields.Many2One(
        'country.subdivision', "Regency",
        domain=[
            ('type', 'in', ['regency', 'city']),
            ],
        help="Limit the figures to the outlets of the regency.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'from_date' in context:
            return context['from_date']
        if context.get('current_year'):
            # the province dashboard opens on the company's current year
            return Date.today().replace(month=1, day=1)
        return Date.today() - relativedelta(years=1)

    @classmethod
    def default_to_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if 'to_date' in context:
            return context['to_date']
        return Date.today()

    @classmethod
    def default_period(cls):
        return Transaction().context.get('period', 'month')

    @classmethod
    def default_outlet(cls):
        return Transaction().context.get('outlet')

    @classmethod
    def default_regency(cls):
        return Transaction().context.get('regency')


class PaymentMixin:
    """The money paid to UMKM suppliers: the amounts of the supplier invoice
    lines of consignment settlements and of purchases, posted or paid, of
    the context's company, dates, outlet and regency"""
    __slots__ = ()

    company = fields.Many2One('company.company', "Company")
    currency = fields.Many2One('currency.currency', "Currency")
    number = fields.Integer(
        "Invoices", help="The number of supplier invoices.")
    amount = Monetary(
        "Invoiced", digits='currency', currency='currency',
        help="The money owed to the suppliers by their invoices posted or "
        "paid, without tax: the consignment payouts and the purchases.")
    consignment_amount = Monetary(
        "Consignment Payouts", digits='currency', currency='currency',
        help="The invoices of the consignment settlements: the consignors' "
        "share of the goods sold, less the fees and their share of the "
        "goods written off.")
    purchase_amount = Monetary(
        "Purchases", digits='currency', currency='currency',
        help="The supplier invoice lines of the goods bought outright "
        "(beli putus).")
    paid_amount = Monetary(
        "Paid", digits='currency', currency='currency',
        help="The money of the invoices that are paid.")

    @classmethod
    def _payment_lines(cls):
        """Return the query of the supplier invoice lines that pay UMKM
        suppliers, one row per line with its company, currency, invoice,
        supplier, date and outlet, and its amount split into consignment,
        purchase and paid; limited to the context (company, dates, outlet,
        regency) and to the outlets of outlet staff"""
        pool = Pool()
        Company = pool.get('company.company')
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        Location = pool.get('stock.location')
        MoveLine = pool.get('account.move.line')
        Party = pool.get('party.party')
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        Settlement = pool.get('consignment.settlement')
        User = pool.get('res.user')
        context = Transaction().context

        line = InvoiceLine.__table__()
        invoice = Invoice.__table__()
        company = Company.__table__()
        party = Party.__table__()
        move_line = MoveLine.__table__()
        settlement = Settlement.__table__()
        purchase_line = PurchaseLine.__table__()
        purchase = Purchase.__table__()
        outlet = Location.__table__()

        # The settlement that an invoice pays out (one per invoice)
        settled = settlement.select(
            settlement.invoice.as_('invoice'),
            Max(settlement.outlet).as_('outlet'),
            where=settlement.invoice != Null,
            group_by=[settlement.invoice])
        outlet_id = Coalesce(
            line.consignment_outlet, settled.outlet, purchase.warehouse)
        # The line's amount in company currency, as the invoice booked it
        amount = move_line.debit - move_line.credit
        is_consignment = settled.invoice != Null
        is_purchase = ~is_consignment & (purchase_line.id != Null)

        where = ((invoice.type == 'in')
            & invoice.state.in_(cls._invoice_states())
            & (invoice.company == context.get('company'))
            & (line.type == 'line')
            & (party.umkm_supplier == Literal(True))
            & (is_consignment | is_purchase))
        if context.get('from_date'):
            where &= invoice.invoice_date >= context['from_date']
        if context.get('to_date'):
            where &= invoice.invoice_date <= context['to_date']
        if context.get('outlet'):
            where &= outlet_id == context['outlet']
        if context.get('regency'):
            where &= outlet.regency == context['regency']
        # The outlets of outlet staff: the rows of a supplier, a regency or
        # a programme must not sum other outlets' money
        outlets = User.get_limited_outlets()
        if outlets is not None:
            where &= outlet_id.in_(list(outlets) or [-1])

        return (line
            .join(invoice, condition=line.invoice == invoice.id)
            .join(company, condition=invoice.company == company.id)
            .join(party, condition=invoice.party == party.id)
            .join(move_line,
                condition=(move_line.move == invoice.move)
                & (move_line.origin == Concat(
                        'account.invoice.line,', line.id)))
            .join(settled, 'LEFT', condition=settled.invoice == invoice.id)
            .join(purchase_line, 'LEFT',
                condition=line.origin.like('purchase.line,%')
                & (purchase_line.id == InvoiceLine.origin.sql_id(
                        line.origin, PurchaseLine)))
            .join(purchase, 'LEFT',
                condition=purchase_line.purchase == purchase.id)
            .join(outlet, 'LEFT', condition=outlet.id == outlet_id)
            .select(
                line.id.as_('id'),
                invoice.company.as_('company'),
                company.currency.as_('currency'),
                invoice.id.as_('invoice'),
                invoice.party.as_('supplier'),
                invoice.invoice_date.as_('date'),
                outlet_id.as_('outlet'),
                amount.as_('amount'),
                Case((is_consignment, amount), else_=0).as_(
                    'consignment_amount'),
                Case((is_purchase, amount), else_=0).as_('purchase_amount'),
                Case((invoice.state == 'paid', amount), else_=0).as_(
                    'paid_amount'),
                where=where))

    @classmethod
    def _invoice_states(cls):
        "The states of the supplier invoices that count"
        return ['posted', 'paid']

    @classmethod
    def _line_measures(cls, lines):
        "Return the measures summed from the query of the payment lines"
        return [
            Count(lines.invoice, distinct=True).as_('number'),
            *(cls._sum(lines, name).as_(name) for name in cls._amounts()),
            ]

    @classmethod
    def _amounts(cls):
        return [
            'amount', 'consignment_amount', 'purchase_amount', 'paid_amount']

    @classmethod
    def _sum(cls, table, name):
        return getattr(cls, name).sql_cast(Sum(getattr(table, name)))

    @classmethod
    def _supplier_totals(cls):
        """Return the query of the measures per supplier (with company and
        currency)"""
        lines = cls._payment_lines()
        return lines.select(
            lines.company.as_('company'),
            lines.currency.as_('currency'),
            lines.supplier.as_('supplier'),
            *cls._line_measures(lines),
            group_by=[lines.company, lines.currency, lines.supplier])


class SupplierProfileMixin:
    "The UMKM profile of the supplier of the row"
    __slots__ = ()

    supplier = fields.Many2One(
        'party.party', "Supplier",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    umkm_class = fields.Function(fields.Selection(
            'get_umkm_classes', "UMKM Class"),
        'get_supplier_profile')
    programme_codes = fields.Function(fields.Char(
            "Programmes",
            help="The development programmes the supplier takes part in."),
        'get_supplier_profile')

    @classmethod
    def get_umkm_classes(cls):
        pool = Pool()
        Party = pool.get('party.party')
        return Party.fields_get(['umkm_class'])['umkm_class']['selection']

    def get_supplier_profile(self, name):
        if not self.supplier:
            return None
        if name == 'programme_codes':
            return ', '.join(sorted(
                    p.code for p in self.supplier.programmes))
        return self.supplier.umkm_class

    def get_rec_name(self, name):
        return self.supplier.rec_name if self.supplier else None

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('supplier.rec_name', *clause[1:])]


class Supplier(SupplierProfileMixin, PaymentMixin, ModelSQL, ModelView):
    __name__ = 'umkm.payment.supplier'
    __string__ = "Money Paid to UMKM per Supplier"

    origin_regency = fields.Many2One(
        'country.subdivision', "Origin Regency",
        help="The regency or city where the supplier's products are made.")
    women_owned = fields.Boolean("Women-Owned")
    workforce_total = fields.Integer(
        "Workforce", help="The number of people working for the supplier.")
    workforce_women = fields.Integer("Women in Workforce")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('amount', 'DESC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Party = pool.get('party.party')
        totals = cls._supplier_totals()
        party = Party.__table__()
        return (totals
            .join(party, condition=totals.supplier == party.id)
            .select(
                totals.supplier.as_('id'),
                totals.company.as_('company'),
                totals.currency.as_('currency'),
                totals.supplier.as_('supplier'),
                party.origin_regency.as_('origin_regency'),
                Coalesce(party.women_owned, Literal(False)).as_(
                    'women_owned'),
                party.workforce_total.as_('workforce_total'),
                party.workforce_women.as_('workforce_women'),
                totals.number.as_('number'),
                *(getattr(totals, n).as_(n) for n in cls._amounts())))


class SupplierTimeseries(SupplierProfileMixin, PaymentMixin, ModelSQL,
        ModelView):
    __name__ = 'umkm.payment.supplier.time_series'
    __string__ = "Money Paid to UMKM per Supplier and Period"

    date = fields.Date("Date")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        context = Transaction().context
        lines = cls._payment_lines()
        # The period of each line in a subquery: PostgreSQL does not take
        # the expression (with its parameter) in GROUP BY for that of SELECT
        dated = lines.select(
            lines.id, lines.company, lines.currency, lines.supplier,
            lines.invoice,
            cls.date.sql_cast(
                DateTrunc(context.get('period', 'month'), lines.date)).as_(
                'date'),
            *(Column(lines, n) for n in cls._amounts()))
        return dated.select(
            Min(dated.id).as_('id'),
            dated.company.as_('company'),
            dated.currency.as_('currency'),
            dated.supplier.as_('supplier'),
            dated.date.as_('date'),
            *cls._line_measures(dated),
            group_by=[dated.company, dated.currency, dated.supplier,
                dated.date])


class GroupMixin(PaymentMixin):
    """The measures of the suppliers owed money of a group: how many, how
    many women-owned, their share of the money and their workforce"""
    __slots__ = ()

    suppliers = fields.Integer(
        "Suppliers",
        help="The number of UMKM suppliers owed money in the period.")
    women_owned_suppliers = fields.Integer(
        "Women-Owned Suppliers",
        help="The number of women-owned UMKM suppliers owed money in the "
        "period.")
    women_owned_amount = Monetary(
        "Women-Owned Amount", digits='currency', currency='currency',
        help="The money invoiced by women-owned suppliers.")
    women_owned_share = fields.Function(fields.Float(
            "Women-Owned Share", digits=(16, 4),
            help="The share of the money invoiced by women-owned "
            "suppliers."),
        'get_women_owned_share')
    workforce_total = fields.Integer(
        "Workforce",
        help="The people working for these suppliers (jobs supported).")
    workforce_women = fields.Integer(
        "Women in Workforce",
        help="The women working for these suppliers.")

    @classmethod
    def _group_columns(cls, totals, party):
        "Return the columns summed over the suppliers of a group"
        women_owned = party.women_owned == Literal(True)
        return [
            totals.company.as_('company'),
            totals.currency.as_('currency'),
            Sum(totals.number).as_('number'),
            *(cls._sum(totals, n).as_(n) for n in cls._amounts()),
            Count(totals.supplier).as_('suppliers'),
            Sum(Case((women_owned, 1), else_=0)).as_(
                'women_owned_suppliers'),
            cls.women_owned_amount.sql_cast(
                Sum(Case((women_owned, totals.amount), else_=0))).as_(
                'women_owned_amount'),
            Sum(Coalesce(party.workforce_total, 0)).as_('workforce_total'),
            Sum(Coalesce(party.workforce_women, 0)).as_('workforce_women'),
            ]

    def get_women_owned_share(self, name):
        if self.amount and self.women_owned_amount is not None:
            return float(self.women_owned_amount / self.amount)


class OriginRegency(GroupMixin, ModelSQL, ModelView):
    __name__ = 'umkm.payment.origin_regency'
    __string__ = "Money Paid to UMKM per Origin Regency"

    origin_regency = fields.Many2One(
        'country.subdivision', "Origin Regency",
        help="The regency or city where the suppliers' products are made; "
        "empty for the suppliers without one.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('amount', 'DESC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Party = pool.get('party.party')
        totals = cls._supplier_totals()
        party = Party.__table__()
        # Each supplier is in one group: its least id names the group
        return (totals
            .join(party, condition=totals.supplier == party.id)
            .select(
                Min(party.id).as_('id'),
                party.origin_regency.as_('origin_regency'),
                *cls._group_columns(totals, party),
                group_by=[totals.company, totals.currency,
                    party.origin_regency]))

    def get_rec_name(self, name):
        return self.origin_regency.rec_name if self.origin_regency else ''

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('origin_regency.rec_name', *clause[1:])]


class Programme(GroupMixin, ModelSQL, ModelView):
    __name__ = 'umkm.payment.programme'
    __string__ = "Money Paid to UMKM per Programme"

    programme = fields.Many2One('party.umkm.programme', "Programme")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('amount', 'DESC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Party = pool.get('party.party')
        PartyProgramme = pool.get('party.party-party.umkm.programme')
        totals = cls._supplier_totals()
        party = Party.__table__()
        party_programme = PartyProgramme.__table__()
        # A supplier of several programmes counts in each of them
        return (totals
            .join(party, condition=totals.supplier == party.id)
            .join(party_programme,
                condition=party_programme.party == party.id)
            .select(
                party_programme.programme.as_('id'),
                party_programme.programme.as_('programme'),
                *cls._group_columns(totals, party),
                group_by=[totals.company, totals.currency,
                    party_programme.programme]))

    def get_rec_name(self, name):
        return self.programme.rec_name if self.programme else None

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('programme.rec_name', *clause[1:])]
