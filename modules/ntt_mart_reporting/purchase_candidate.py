# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""From consignment to beli putus: how the consigned goods sell per outlet,
consignor and product over a period, and the purchases of those that sell
well enough to be bought outright.

The figures come from the done stock moves into and out of the consignment
locations (one per consignor and outlet), read in one pass and grouped per
location and product: received from the consignor, sold (to customers from
the till, or picked for a sales order, less what customers bring back),
returned to the consignor and written off (to lost and found).  The goods
held at the start of the period and the unit-days they spend on the shelf
within it come from the same pass."""
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sql import Literal, Null, Union
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce, NullIf
from sql.functions import Round
from sql.operators import Concat

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

from consignment_contract.consignment_return import days_between
from stock_regency.bounds import DAYS_MAX, QUANTITY_MAX, RATE, Bound


class PurchaseCandidateError(UserError):
    pass


class Configuration(metaclass=PoolMeta):
    __name__ = 'consignment.configuration'

    candidate_period_days = fields.Integer(
        "Sell-Through Period",
        help="The number of days up to today that the sell-through report "
        "covers when it opens; the purchase of a candidate is for the "
        "quantity sold in it.")
    candidate_sell_through_min = fields.Numeric(
        "Minimum Sell-Through", digits=(1, 4),
        help="The part of the goods available in the period (held at its "
        "start and received) that a candidate to buy outright must have "
        "sold.")
    candidate_days_to_sell_max = fields.Integer(
        "Maximum Days to Sell",
        help="The most days on the shelf per unit sold of a candidate to "
        "buy outright.\nLeave empty for no limit.")
    candidate_return_rate_max = fields.Numeric(
        "Maximum Return Rate", digits=(1, 4),
        help="The largest part of the goods available in the period that a "
        "candidate to buy outright may have returned to its consignor.\n"
        "Leave empty for no limit.")
    candidate_write_off_rate_max = fields.Numeric(
        "Maximum Write-off Rate", digits=(1, 4),
        help="The largest part of the goods available in the period that a "
        "candidate to buy outright may have written off.\n"
        "Leave empty for no limit.")
    candidate_quantity_min = fields.Float(
        "Minimum Quantity Sold",
        help="The fewest units a candidate to buy outright must have sold "
        "in the period.")

    @classmethod
    def default_candidate_period_days(cls):
        return 90

    @classmethod
    def default_candidate_sell_through_min(cls):
        return Decimal('0.6')

    @classmethod
    def default_candidate_days_to_sell_max(cls):
        return 30

    @classmethod
    def default_candidate_return_rate_max(cls):
        return Decimal('0.1')

    @classmethod
    def default_candidate_write_off_rate_max(cls):
        return Decimal('0.05')

    @classmethod
    def default_candidate_quantity_min(cls):
        return 10

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'candidate_period_days': Bound(0, DAYS_MAX, zero=False),
            'candidate_sell_through_min': RATE,
            'candidate_days_to_sell_max': Bound(0, DAYS_MAX),
            'candidate_return_rate_max': RATE,
            'candidate_write_off_rate_max': RATE,
            'candidate_quantity_min': Bound(0, QUANTITY_MAX),
            }


def default_period(today=None):
    """Return the first and last day of the period of the sell-through
    report by default: the configured number of days up to today"""
    pool = Pool()
    Configuration = pool.get('consignment.configuration')
    Date = pool.get('ir.date')
    if today is None:
        today = Date.today()
    days = Configuration(1).candidate_period_days
    if days:
        return today - dt.timedelta(days=days - 1), today
    return today.replace(day=1), today


class SellThroughContext(ModelView):
    __name__ = 'consignment.sell_through.context'
    __string__ = "Consigned Sell-Through Context"

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date", required=True,
        domain=[
            If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')),
                ()),
            ])
    to_date = fields.Date(
        "To Date", required=True,
        domain=[
            If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')),
                ()),
            ])
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
        context = Transaction().context
        if context.get('from_date'):
            return context['from_date']
        return default_period()[0]

    @classmethod
    def default_to_date(cls):
        context = Transaction().context
        if context.get('to_date'):
            return context['to_date']
        return default_period()[1]

    @classmethod
    def default_outlet(cls):
        return Transaction().context.get('outlet')

    @classmethod
    def default_regency(cls):
        return Transaction().context.get('regency')


class SellThrough(ModelSQL, ModelView):
    __name__ = 'consignment.sell_through'
    __string__ = "Consigned Sell-Through"

    company = fields.Many2One('company.company', "Company")
    outlet = fields.Many2One(
        'stock.location', "Outlet",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    regency = fields.Many2One('country.subdivision', "Regency")
    supplier = fields.Many2One(
        'party.party', "Supplier",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    location = fields.Many2One(
        'stock.location', "Consignment Location",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    product = fields.Many2One(
        'product.product', "Product",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    unit = fields.Many2One('product.uom', "Unit")
    opening_quantity = fields.Float(
        "Held at Start", digits='unit',
        help="The units held at the start of the period.")
    received_quantity = fields.Float(
        "Received", digits='unit',
        help="The units received from the consignor in the period.")
    sold_quantity = fields.Float(
        "Sold", digits='unit',
        help="The units sold in the period, at the till or on sales orders, "
        "less those customers brought back.")
    returned_quantity = fields.Float(
        "Returned", digits='unit',
        help="The units sent back to the consignor in the period.")
    written_off_quantity = fields.Float(
        "Written Off", digits='unit',
        help="The units written off (damaged, expired or missing) in the "
        "period.")
    sell_through = fields.Float(
        "Sell-Through", digits=(1, 4),
        help="The units sold divided by the units available in the period: "
        "those held at its start and those received.")
    return_rate = fields.Float(
        "Return Rate", digits=(1, 4),
        help="The units returned divided by the units available in the "
        "period.")
    write_off_rate = fields.Float(
        "Write-off Rate", digits=(1, 4),
        help="The units written off divided by the units available in the "
        "period.")
    days_to_sell = fields.Float(
        "Days to Sell", digits=(16, 1),
        help="The average days a unit sold stays on the shelf: the days "
        "each unit was held within the period, added up, divided by the "
        "units sold (the stock held over the period at its selling pace).")
    currency = fields.Many2One('currency.currency', "Currency")
    revenue = Monetary(
        "Revenue", digits='currency', currency='currency',
        help="The selling price (tax excluded) of the units sold.")
    candidate = fields.Function(fields.Boolean(
            "Candidate",
            help="Meets the thresholds of the configuration to buy the "
            "product outright (beli putus)."),
        'get_candidate', searcher='search_candidate')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('outlet', 'ASC'),
            ('sell_through', 'DESC'),
            ('supplier', 'ASC'),
            ('product', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def period(cls):
        "Return the first and last day of the period of the context"
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        from_date, to_date = context.get('from_date'), context.get('to_date')
        if not from_date or not to_date:
            default_from, default_to = default_period(Date.today())
            from_date = from_date or default_from
            to_date = to_date or default_to
        return from_date, to_date

    @classmethod
    def _consignment_locations(cls):
        """Return the query of the consignment locations with their
        consignor and outlet, limited to the outlets of the context and of
        the user"""
        pool = Pool()
        Location = pool.get('stock.location')
        User = pool.get('res.user')
        context = Transaction().context
        location = Location.__table__()
        warehouse = Location.__table__()
        where = ((location.type == 'supplier')
            & (location.consignment_party != Null))
        if context.get('outlet'):
            where &= warehouse.id == context['outlet']
        if context.get('regency'):
            where &= warehouse.regency == context['regency']
        # The outlets of outlet staff, also in the query: the rule only
        # filters the rows, a regency's sum must not hold other outlets'
        outlets = User.get_limited_outlets()
        if outlets is not None:
            where &= warehouse.id.in_(list(outlets) or [-1])
        return location.join(warehouse, condition=(
                (warehouse.type == 'warehouse')
                & (warehouse.left < location.left)
                & (warehouse.right > location.right))).select(
            location.id.as_('id'),
            location.consignment_party.as_('supplier'),
            warehouse.id.as_('outlet'),
            warehouse.regency.as_('regency'),
            warehouse.input_location.as_('input_location'),
            warehouse.output_location.as_('output_location'),
            where=where)

    @classmethod
    def _moves_query(cls, from_date, to_date):
        """Return the query of the done moves into (positive quantity) and
        out of (negative) the consignment locations up to to_date, each
        with its figures: received, sold, returned, written off, revenue and
        the units held at the start of the period and their unit-days on
        the shelf within it"""
        pool = Pool()
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        TillLine = pool.get('sale.point.sale.line')
        context = Transaction().context
        days = (to_date - from_date).days + 1

        def side(into):
            move = Move.__table__()
            other = Location.__table__()
            # The selling price: a till sale's moves come from its line, the
            # picking of a sales order from the move to the customer (the
            # consigned moves themselves carry the consignor's price)
            till_line = TillLine.__table__()
            customer_move = Move.__table__()
            consignment = cls._consignment_locations()
            # quantity in the product's unit, move_quantity in the move's
            # (the unit of its selling price)
            if into:
                here, there = move.to_location, move.from_location
                quantity = move.internal_quantity
                move_quantity = move.quantity
            else:
                here, there = move.from_location, move.to_location
                quantity = -move.internal_quantity
                move_quantity = -move.quantity
            date = move.effective_date
            in_period = date >= from_date
            supplier = ((other.type == 'supplier')
                & (other.consignment_party == Null))
            customer = (other.type == 'customer') | (other.id == (
                    consignment.input_location if into
                    else consignment.output_location))
            lost = other.type == 'lost_found'
            price = Coalesce(
                till_line.unit_list_price, customer_move.unit_price, 0)
            held_days = Case((~in_period, days),
                else_=days_between(date, to_date) + 1)

            def within(condition, value=quantity):
                return Case((in_period & condition, value), else_=0.0)
            where = ((move.state == 'done')
                & (date <= to_date)
                & (move.company == context.get('company', -1)))
            return (move
                .join(consignment, condition=here == consignment.id)
                .join(other, condition=there == other.id)
                .join(till_line, 'LEFT',
                    condition=move.origin == Concat(
                        'sale.point.sale.line,', till_line.id))
                .join(customer_move, 'LEFT',
                    condition=move.origin == Concat(
                        'stock.move,', customer_move.id))
                .select(
                    (move.id * 2 + (0 if into else 1)).as_('row'),
                    consignment.id.as_('location'),
                    consignment.supplier.as_('supplier'),
                    consignment.outlet.as_('outlet'),
                    consignment.regency.as_('regency'),
                    move.product.as_('product'),
                    Case((~in_period, quantity), else_=0.0).as_('opening'),
                    within(supplier if into else Literal(False)).as_(
                        'received'),
                    within(customer, -quantity).as_('sold'),
                    within(supplier if not into else Literal(False),
                        -quantity).as_('returned'),
                    within(lost, -quantity).as_('written_off'),
                    within(customer, -move_quantity * price).as_('revenue'),
                    (quantity * held_days).as_('unit_days'),
                    where=where))
        return Union(side(True), side(False), all_=True)

    @classmethod
    def table_query(cls):
        """The consigned goods per consignment location (consignor and
        outlet) and product over the period of the context, from the stock
        moves read once"""
        pool = Pool()
        Company = pool.get('company.company')
        Currency = pool.get('currency.currency')
        Product = pool.get('product.product')
        Template = pool.get('product.template')
        context = Transaction().context
        from_date, to_date = cls.period()
        moves = cls._moves_query(from_date, to_date)
        names = ['opening', 'received', 'sold', 'returned', 'written_off',
            'revenue', 'unit_days']
        grouped = moves.select(
            Min(moves.row).as_('id'),
            moves.location.as_('location'),
            moves.supplier.as_('supplier'),
            moves.outlet.as_('outlet'),
            moves.regency.as_('regency'),
            moves.product.as_('product'),
            *(Sum(getattr(moves, n)).as_(n) for n in names),
            group_by=[moves.location, moves.supplier, moves.outlet,
                moves.regency, moves.product],
            # goods held before the period and gone before it are no
            # figure of it
            having=(Sum(moves.opening) != 0)
            | (Sum(moves.received) != 0) | (Sum(moves.sold) != 0)
            | (Sum(moves.returned) != 0) | (Sum(moves.written_off) != 0))
        company = Company.__table__()
        currency = Currency.__table__()
        product = Product.__table__()
        template = Template.__table__()
        available = NullIf(grouped.opening + grouped.received, 0)
        return (grouped
            .join(company, condition=company.id == context.get('company', -1))
            .join(currency, condition=company.currency == currency.id)
            .join(product, condition=grouped.product == product.id)
            .join(template, condition=product.template == template.id)
            .select(
                grouped.id.as_('id'),
                company.id.as_('company'),
                grouped.outlet.as_('outlet'),
                grouped.regency.as_('regency'),
                grouped.supplier.as_('supplier'),
                grouped.location.as_('location'),
                grouped.product.as_('product'),
                template.default_uom.as_('unit'),
                grouped.opening.as_('opening_quantity'),
                grouped.received.as_('received_quantity'),
                grouped.sold.as_('sold_quantity'),
                grouped.returned.as_('returned_quantity'),
                grouped.written_off.as_('written_off_quantity'),
                (grouped.sold / available).as_('sell_through'),
                (grouped.returned / available).as_('return_rate'),
                (grouped.written_off / available).as_('write_off_rate'),
                Case((grouped.sold > 0, grouped.unit_days / grouped.sold),
                    else_=Null).as_('days_to_sell'),
                currency.id.as_('currency'),
                Round(cls.revenue.sql_cast(grouped.revenue),
                    currency.digits).as_('revenue')))

    @classmethod
    def _candidate_domain(cls):
        """Return the domain of the rows that meet the thresholds of the
        configuration to buy outright"""
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        config = Configuration(1)
        domain = [('sold_quantity', '>', 0)]
        if config.candidate_quantity_min:
            domain.append(
                ('sold_quantity', '>=', config.candidate_quantity_min))
        if config.candidate_sell_through_min is not None:
            domain.append(('sell_through', '>=',
                    float(config.candidate_sell_through_min)))
        if config.candidate_days_to_sell_max is not None:
            domain.append(
                ('days_to_sell', '<=', config.candidate_days_to_sell_max))
        for name, threshold in [
                ('return_rate', config.candidate_return_rate_max),
                ('write_off_rate', config.candidate_write_off_rate_max),
                ]:
            if threshold is not None:
                domain.append(['OR',
                        (name, '=', None),
                        (name, '<=', float(threshold)),
                        ])
        return domain

    @classmethod
    def get_candidate(cls, rows, name):
        candidates = set(cls.search([
                    ('id', 'in', [r.id for r in rows]),
                    cls._candidate_domain(),
                    ]))
        return {r.id: r in candidates for r in rows}

    @classmethod
    def search_candidate(cls, name, clause):
        _, operator, value = clause
        positive = (operator == '=') == bool(value)
        query = cls.search(cls._candidate_domain(), query=True)
        return [('id', 'in' if positive else 'not in', query)]

    def get_rec_name(self, name):
        names = [r.rec_name for r in [self.product, self.supplier, self.outlet]
            if r]
        return ' — '.join(names)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('product.rec_name', operator, operand, *extra),
            ('supplier.rec_name', operator, operand, *extra),
            ('outlet.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def _contract_lines(cls, rows, date):
        """Return {(supplier, product, outlet): contract line} of the
        contracts active on the date that price the goods of the rows, in
        one search"""
        pool = Pool()
        ContractLine = pool.get('consignment.contract.line')
        lines = ContractLine.search([
                ('contract.state', '=', 'active'),
                ('contract.supplier', 'in',
                    list({r.supplier.id for r in rows})),
                ('product', 'in', list({r.product.id for r in rows})),
                ('contract.start_date', '<=', date),
                ['OR',
                    ('contract.end_date', '=', None),
                    ('contract.end_date', '>=', date),
                    ],
                ], order=[('contract.start_date', 'ASC')])
        result = {}
        for line in lines:
            for outlet in line.contract.outlets:
                result[(line.contract.supplier, line.product, outlet)] = line
        return result

    @classmethod
    def draft_purchases(cls, rows):
        """Draft one purchase per company, consignor and outlet of the goods
        of the rows: the quantity sold in the period at the price the
        active contract pays the consignor.  Return the purchases."""
        pool = Pool()
        Date = pool.get('ir.date')
        Lang = pool.get('ir.lang')
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        lang = Lang.get()
        from_date, to_date = cls.period()
        groups = defaultdict(list)
        for row in rows:
            if row.sold_quantity is None or row.sold_quantity <= 0:
                raise PurchaseCandidateError(gettext(
                        'ntt_mart_reporting.msg_purchase_candidate_not_sold',
                        product=row.product.rec_name,
                        supplier=row.supplier.rec_name,
                        outlet=row.outlet.rec_name,
                        from_date=lang.strftime(from_date),
                        to_date=lang.strftime(to_date)))
            groups[(row.company, row.supplier, row.outlet)].append(row)
        purchases, lines = [], []
        for (company, supplier, outlet), group in groups.items():
            with Transaction().set_context(company=company.id):
                today = Date.today()
            contract_lines = cls._contract_lines(group, today)
            purchase = cls._get_purchase(company, supplier, outlet, today)
            purchases.append(purchase)
            for row in group:
                contract_line = contract_lines.get(
                    (row.supplier, row.product, row.outlet))
                unit_price = None
                if contract_line:
                    with Transaction().set_context(company=company.id):
                        unit_price = contract_line.get_unit_price(
                            contract_line.selling_price)
                if unit_price is None:
                    raise PurchaseCandidateError(gettext(
                            'ntt_mart_reporting'
                            '.msg_purchase_candidate_no_contract_price',
                            product=row.product.rec_name,
                            supplier=row.supplier.rec_name,
                            outlet=row.outlet.rec_name,
                            date=lang.strftime(today)))
                lines.append(cls._get_purchase_line(
                        purchase, row, contract_line, unit_price))
        Purchase.save(purchases)
        PurchaseLine.save(lines)
        return purchases

    @classmethod
    def _get_purchase(cls, company, supplier, outlet, date):
        "Return the draft purchase from the supplier for the outlet"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        purchase = Purchase(company=company, party=supplier)
        purchase.on_change_party()
        purchase.warehouse = outlet
        purchase.currency = company.currency
        purchase.purchase_date = date
        return purchase

    @classmethod
    def _get_purchase_line(cls, purchase, row, contract_line, unit_price):
        """Return the purchase line of the quantity of the row sold in the
        period at the unit price of the contract line"""
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        line = PurchaseLine(
            purchase=purchase, type='line', product=row.product)
        line.unit = row.unit
        line.quantity = row.unit.round(row.sold_quantity)
        line.on_change_product()
        # the quantity sold and the contract's price are in the product's
        # unit, not in its purchase unit
        line.unit = row.unit
        line.quantity = row.unit.round(row.sold_quantity)
        line.unit_price = unit_price
        return line


class SellThroughDraftPurchase(Wizard):
    "Draft Purchases of Consigned Goods"
    __name__ = 'consignment.sell_through.draft_purchase'

    start = StateAction('purchase.act_purchase_form')

    def do_start(self, action):
        purchases = self.model.draft_purchases(self.records)
        ids = [p.id for p in purchases]
        if len(ids) == 1:
            action['views'].reverse()
        return action, {'res_id': ids}
