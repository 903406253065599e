# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The province figures on Tryton's sale reporting.

Every line that sale reporting reads (sales orders from ``sale``, till sales
from ``sale_point``) carries, besides upstream's columns, the outlet that
sold it and its reference; the reports of this module join to the lines,
from two queries grouped by that reference, the part of their quantity
taken from consignors' locations, the consignor, the unit cost of the own
goods and what the consignors are owed for them.  They group the lines by
outlet, outlet regency, origin regency or supplier and sum revenue,
quantity, consigned and own revenue, local revenue and the company's
margin, in one SQL statement.  Each line's moves are read once for all
lines (hash joins), not in subqueries run per line."""
from sql import Null, Union
from sql.aggregate import Max, Sum
from sql.conditionals import Case, Coalesce, NullIf
from sql.functions import Round
from sql.operators import Concat

from trytond.i18n import lazy_gettext
from trytond.model import ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.sale.sale_reporting import Abstract, AbstractTimeseries
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


class AbstractMixin:
    """Add to the lines of sale reporting the outlet that sold them and the
    reference of the line (the origin of its stock moves); report till
    sales at the outlet's address"""
    __slots__ = ()

    @classmethod
    def _joins(cls):
        from_item, tables, withs = super()._joins()
        # The lines of the sources never repeat (each has its own id): a
        # UNION ALL spares the database hashing every line to drop
        # duplicates, which took most of the time of the Sales report
        line = tables['line']
        if isinstance(line, Union):
            line.all_ = True
        return from_item, tables, withs

    @classmethod
    def _where(cls, tables, withs):
        """Limit outlet staff to the lines of their outlets, in every sale
        report (Tryton's own too): the rules of the reports only filter
        their rows, a total over the outlets must not hold others'"""
        pool = Pool()
        User = pool.get('res.user')
        where = super()._where(tables, withs)
        outlets = User.get_limited_outlets()
        if outlets is not None:
            where &= tables['line'].outlet.in_(list(outlets) or [-1])
        return where

    @classmethod
    def _sale_line_columns(cls, line, sale):
        return super()._sale_line_columns(line, sale) + cls._fact_columns(
            Concat('sale.line,', line.id), sale.warehouse)

    @classmethod
    def _pos_sale_line(cls, length, index, company_id=None):
        """Return upstream's query of the till sale lines, joined to the
        outlet of their till: the outlet is looked up once per till, not
        once per line"""
        pool = Pool()
        Company = pool.get('company.company')
        Line = pool.get('sale.point.sale.line')
        Point = pool.get('sale.point')
        Sale = pool.get('sale.point.sale')

        line = Line.__table__()
        point = Point.__table__()
        sale = Sale.__table__()
        till = cls._till_outlets()
        if company_id is not None and company_id >= 0:
            company = Company(company_id)
            currency_id = company.currency.id
        else:
            currency_id = None
        columns = cls._pos_sale_line_columns(line, point, sale, currency_id)
        # A till has no customer address: its sales are made at the outlet
        columns = [
            Coalesce(point.address, till.address).as_('shipment_address')
            if c.output_name == 'shipment_address' else c
            for c in columns]
        return (line
            .join(sale, condition=line.sale == sale.id)
            .join(point, condition=sale.point == point.id)
            .join(till, condition=till.point == point.id)
            .select(
                (line.id * length + index).as_('id'),
                *columns,
                *cls._fact_columns(
                    Concat('sale.point.sale.line,', line.id), till.outlet),
                where=sale.state.in_(cls._pos_sale_states())
                & (sale.company == company_id),
                ))

    @classmethod
    def _fact_columns(cls, origin, outlet):
        """Return the columns of the sales fact for the line, given the
        reference of the line (the origin of its stock moves) and its
        outlet; each line source returns them in the same order"""
        return [
            outlet.as_('outlet'),
            origin.as_('line_origin'),
            ]

    @classmethod
    def _till_outlets(cls):
        """Return the query of each till's outlet (the innermost warehouse
        of its storage location: the one with the greatest left of the
        nested set) and the outlet's address.  Grouped, so that the
        database computes it once per till and does not repeat it on each
        line it is joined to"""
        pool = Pool()
        Location = pool.get('stock.location')
        Point = pool.get('sale.point')
        point = Point.__table__()
        location = Location.__table__()
        warehouse = Location.__table__()
        outlet = Location.__table__()
        innermost = (point
            .join(location, 'LEFT',
                condition=location.id == point.storage_location)
            .join(warehouse, 'LEFT',
                condition=(warehouse.left <= location.left)
                & (warehouse.right >= location.right)
                & (warehouse.type == 'warehouse'))
            .select(point.id.as_('point'), Max(warehouse.left).as_('left'),
                group_by=[point.id]))
        return (innermost
            .join(outlet, 'LEFT', condition=outlet.left == innermost.left)
            .select(innermost.point.as_('point'), outlet.id.as_('outlet'),
                outlet.address.as_('address')))

    @classmethod
    def _sale_line_origin(cls, origin):
        "The condition of the origins that are lines of sale reporting"
        return (origin.like('sale.line,%')
            | origin.like('sale.point.sale.line,%'))

    @classmethod
    def _line_moves(cls):
        """Return the query of the stock moves that deliver (or take back)
        the goods of the lines, with the line as origin: their moves and
        the inventory moves of their outgoing moves, where a shipment picks
        consigned goods"""
        pool = Pool()
        Move = pool.get('stock.move')
        move = Move.__table__()
        outgoing = Move.__table__()
        inventory = Move.__table__()

        def columns(move):
            return [
                move.id.as_('move'),
                move.quantity.as_('quantity'),
                move.from_location.as_('from_location'),
                move.to_location.as_('to_location'),
                move.cost_price.as_('cost_price'),
                ]
        direct = move.select(move.origin.as_('origin'), *columns(move),
            where=cls._sale_line_origin(move.origin)
            & (move.state != 'cancelled'))
        picked = (outgoing
            .join(inventory,
                condition=inventory.origin == Concat(
                    'stock.move,', outgoing.id))
            .select(outgoing.origin.as_('origin'), *columns(inventory),
                where=cls._sale_line_origin(outgoing.origin)
                & (outgoing.state != 'cancelled')
                & (inventory.state != 'cancelled')))
        return Union(direct, picked, all_=True)

    @classmethod
    def _line_stock_facts(cls):
        """Return the query, per line (origin), of the quantity taken from
        (or back to) consignors, the consignor and the unit cost of the own
        goods (the cost price of its moves of own goods to or back from the
        customer)"""
        pool = Pool()
        Location = pool.get('stock.location')
        moves = cls._line_moves()
        from_ = Location.__table__()
        to = Location.__table__()
        own = (moves.cost_price != Null) & (from_.consignment_party == Null)
        own_quantity = Case(
            (own & (to.type == 'customer'), moves.quantity),
            (own & (from_.type == 'customer'), -moves.quantity),
            else_=0)
        return (moves
            .join(from_, condition=moves.from_location == from_.id)
            .join(to, condition=moves.to_location == to.id)
            .select(
                moves.origin.as_('origin'),
                Sum(Case(
                        (from_.consignment_party != Null, moves.quantity),
                        (to.consignment_party != Null, -moves.quantity),
                        else_=0)).as_('consigned_quantity'),
                Max(Coalesce(from_.consignment_party,
                        to.consignment_party)).as_('consignor'),
                (Sum(own_quantity * moves.cost_price)
                    / NullIf(Sum(own_quantity), 0)).as_('unit_cost'),
                group_by=[moves.origin]))

    @classmethod
    def _line_consignor_amounts(cls):
        """Return the query, per line (origin), of what the consignors are
        owed for it: their invoice lines of the consigned moves (credits for
        goods taken back)"""
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        LineMove = pool.get('account.invoice.line-stock.move')
        invoice_line = InvoiceLine.__table__()
        line_move = LineMove.__table__()
        moves = cls._line_moves()
        return (moves
            .join(line_move, condition=line_move.stock_move == moves.move)
            .join(invoice_line,
                condition=(line_move.invoice_line == invoice_line.id)
                & (invoice_line.invoice_type == 'in'))
            .select(
                moves.origin.as_('origin'),
                Sum(invoice_line.quantity * invoice_line.unit_price).as_(
                    'amount'),
                group_by=[moves.origin]))


class FactMixin:
    """The measures of the sales fact: quantity, consigned and own revenue,
    local revenue and the company's margin; the regency of the context
    limits the lines (and the outlets of outlet staff, as in every sale
    report)"""
    __slots__ = ()

    quantity = fields.Float(
        lazy_gettext('ntt_mart_reporting.msg_fact_quantity'))
    consigned_revenue = Monetary(
        lazy_gettext('ntt_mart_reporting.msg_fact_consigned_revenue'),
        digits='currency', currency='currency',
        help=lazy_gettext(
            'ntt_mart_reporting.msg_fact_consigned_revenue_help'))
    own_revenue = Monetary(
        lazy_gettext('ntt_mart_reporting.msg_fact_own_revenue'),
        digits='currency', currency='currency',
        help=lazy_gettext('ntt_mart_reporting.msg_fact_own_revenue_help'))
    consigned_share = fields.Function(fields.Float(
            lazy_gettext('ntt_mart_reporting.msg_fact_consigned_share'),
            digits=(16, 4)),
        'get_share')
    local_revenue = Monetary(
        lazy_gettext('ntt_mart_reporting.msg_fact_local_revenue'),
        digits='currency', currency='currency',
        help=lazy_gettext('ntt_mart_reporting.msg_fact_local_revenue_help'))
    local_share = fields.Function(fields.Float(
            lazy_gettext('ntt_mart_reporting.msg_fact_local_share'),
            digits=(16, 4)),
        'get_share')
    margin = Monetary(
        lazy_gettext('ntt_mart_reporting.msg_fact_margin'),
        digits='currency', currency='currency',
        help=lazy_gettext('ntt_mart_reporting.msg_fact_margin_help'))

    @classmethod
    def _joins(cls):
        pool = Pool()
        Location = pool.get('stock.location')
        Product = pool.get('product.product')
        Subdivision = pool.get('country.subdivision')
        Template = pool.get('product.template')
        from_item, tables, withs = super()._joins()
        line = tables['line']
        if 'line.product' not in tables:
            product = tables['line.product'] = Product.__table__()
            from_item = from_item.join(
                product, condition=line.product == product.id)
        product = tables['line.product']
        if 'line.product.template' not in tables:
            template = tables['line.product.template'] = Template.__table__()
            from_item = from_item.join(
                template, condition=product.template == template.id)
        template = tables['line.product.template']
        if 'line.product.template.origin' not in tables:
            origin = Subdivision.__table__()
            tables['line.product.template.origin'] = origin
            from_item = from_item.join(origin, 'LEFT',
                condition=template.origin_regency == origin.id)
        # The stock facts and consignor amounts of the lines, each computed
        # once per line in a grouped query rather than per line
        if 'line.stock' not in tables:
            stock = tables['line.stock'] = cls._line_stock_facts()
            from_item = from_item.join(stock, 'LEFT',
                condition=stock.origin == line.line_origin)
        if 'line.consignor_amount' not in tables:
            amount = tables['line.consignor_amount'] = (
                cls._line_consignor_amounts())
            from_item = from_item.join(amount, 'LEFT',
                condition=amount.origin == line.line_origin)
        if 'line.outlet' not in tables:
            outlet = tables['line.outlet'] = Location.__table__()
            from_item = from_item.join(outlet, 'LEFT',
                condition=line.outlet == outlet.id)
        outlet = tables['line.outlet']
        if 'line.outlet.regency' not in tables:
            regency = Subdivision.__table__()
            tables['line.outlet.regency'] = regency
            from_item = from_item.join(regency, 'LEFT',
                condition=outlet.regency == regency.id)
        return from_item, tables, withs

    @classmethod
    def _revenue(cls, quantity, tables, withs):
        "Return the revenue of quantity of the lines in company currency"
        line = tables['line']
        currency = tables['line.company.currency']
        currency_company = withs['currency_company']
        currency_sale = withs['currency_sale']
        return Round(cls.revenue.sql_cast(
                Sum(quantity * line.unit_price
                    * currency_company.rate / currency_sale.rate)),
            currency.digits)

    @classmethod
    def _is_local(cls, tables, withs):
        """Return the condition of the goods made in the province of the
        outlet that sold them"""
        origin = tables['line.product.template.origin']
        regency = tables['line.outlet.regency']
        origin_province = Case(
            (origin.type == 'province', origin.id), else_=origin.parent)
        return (origin.id != Null) & (origin_province == regency.parent)

    @classmethod
    def _columns(cls, tables, withs):
        line = tables['line']
        stock = tables['line.stock']
        amount = tables['line.consignor_amount']
        currency = tables['line.company.currency']
        consigned_quantity = Coalesce(stock.consigned_quantity, 0)
        revenue = cls._revenue(line.quantity, tables, withs)
        consigned_revenue = cls._revenue(consigned_quantity, tables, withs)
        local_quantity = Case(
            (cls._is_local(tables, withs), line.quantity), else_=0)
        own_quantity = line.quantity - consigned_quantity
        cost = Sum(Coalesce(amount.amount, 0)
            + own_quantity * Coalesce(stock.unit_cost, 0))
        margin = revenue - Round(cls.margin.sql_cast(cost), currency.digits)
        return super()._columns(tables, withs) + [
            Sum(line.quantity).as_('quantity'),
            consigned_revenue.as_('consigned_revenue'),
            (revenue - consigned_revenue).as_('own_revenue'),
            cls._revenue(local_quantity, tables, withs).as_('local_revenue'),
            margin.as_('margin'),
            ]

    @classmethod
    def _where(cls, tables, withs):
        context = Transaction().context
        regency = tables['line.outlet.regency']
        where = super()._where(tables, withs)
        if context.get('regency'):
            where &= regency.id == context['regency']
        return where

    def get_share(self, name):
        "Return the share of the revenue of the measure"
        amount = getattr(self, name[:-len('_share')] + '_revenue')
        if self.revenue and amount is not None:
            return float(amount / self.revenue)


class OutletRegencyMixin:
    __slots__ = ()
    regency = fields.Many2One(
        'country.subdivision',
        lazy_gettext('ntt_mart_reporting.msg_fact_outlet_regency'))

    @classmethod
    def _columns(cls, tables, withs):
        regency = tables['line.outlet.regency']
        return super()._columns(tables, withs) + [regency.id.as_('regency')]

    @classmethod
    def _group_by(cls, tables, withs):
        regency = tables['line.outlet.regency']
        return super()._group_by(tables, withs) + [regency.id]

    @classmethod
    def _where(cls, tables, withs):
        regency = tables['line.outlet.regency']
        return super()._where(tables, withs) & (regency.id != Null)

    def get_rec_name(self, name):
        return self.regency.rec_name if self.regency else None

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('regency.rec_name', *clause[1:])]


class OutletRegency(OutletRegencyMixin, FactMixin, Abstract, ModelView):
    __name__ = 'sale.reporting.outlet_regency'
    __string__ = "Sales per Outlet Regency"

    time_series = fields.One2Many(
        'sale.reporting.outlet_regency.time_series', 'regency',
        lazy_gettext('sale.msg_sale_reporting_time_series'))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('regency', 'ASC'))

    @classmethod
    def _column_id(cls, tables, withs):
        return tables['line.outlet.regency'].id


class OutletRegencyTimeseries(
        OutletRegencyMixin, FactMixin, AbstractTimeseries, ModelView):
    __name__ = 'sale.reporting.outlet_regency.time_series'
    __string__ = "Sales per Outlet Regency and Period"


class OriginRegencyMixin:
    __slots__ = ()
    origin_regency = fields.Many2One(
        'country.subdivision',
        lazy_gettext('ntt_mart_reporting.msg_fact_origin_regency'))

    @classmethod
    def _columns(cls, tables, withs):
        origin = tables['line.product.template.origin']
        return super()._columns(tables, withs) + [
            origin.id.as_('origin_regency')]

    @classmethod
    def _group_by(cls, tables, withs):
        origin = tables['line.product.template.origin']
        return super()._group_by(tables, withs) + [origin.id]

    @classmethod
    def _where(cls, tables, withs):
        origin = tables['line.product.template.origin']
        return super()._where(tables, withs) & (origin.id != Null)

    def get_rec_name(self, name):
        return self.origin_regency.rec_name if self.origin_regency else None

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('origin_regency.rec_name', *clause[1:])]


class OriginRegency(OriginRegencyMixin, FactMixin, Abstract, ModelView):
    __name__ = 'sale.reporting.origin_regency'
    __string__ = "Sales per Origin Regency"

    time_series = fields.One2Many(
        'sale.reporting.origin_regency.time_series', 'origin_regency',
        lazy_gettext('sale.msg_sale_reporting_time_series'))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('origin_regency', 'ASC'))

    @classmethod
    def _column_id(cls, tables, withs):
        return tables['line.product.template.origin'].id


class OriginRegencyTimeseries(
        OriginRegencyMixin, FactMixin, AbstractTimeseries, ModelView):
    __name__ = 'sale.reporting.origin_regency.time_series'
    __string__ = "Sales per Origin Regency and Period"


class SupplierMixin:
    __slots__ = ()
    supplier = fields.Many2One(
        'party.party',
        lazy_gettext('ntt_mart_reporting.msg_fact_supplier'),
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    umkm_class = fields.Function(fields.Selection(
            'get_umkm_classes',
            lazy_gettext('ntt_mart_reporting.msg_fact_umkm_class')),
        'get_umkm_class')

    @classmethod
    def _column_supplier(cls, tables, withs):
        "The consignor of consigned goods, else the producer"
        stock = tables['line.stock']
        template = tables['line.product.template']
        return Coalesce(stock.consignor, template.producer)

    @classmethod
    def _columns(cls, tables, withs):
        return super()._columns(tables, withs) + [
            cls._column_supplier(tables, withs).as_('supplier')]

    @classmethod
    def _group_by(cls, tables, withs):
        return super()._group_by(tables, withs) + [
            cls._column_supplier(tables, withs)]

    @classmethod
    def _where(cls, tables, withs):
        return super()._where(tables, withs) & (
            cls._column_supplier(tables, withs) != Null)

    @classmethod
    def get_umkm_classes(cls):
        pool = Pool()
        Party = pool.get('party.party')
        return Party.fields_get(['umkm_class'])['umkm_class']['selection']

    def get_umkm_class(self, name):
        return self.supplier.umkm_class if self.supplier else None

    def get_rec_name(self, name):
        return self.supplier.rec_name if self.supplier else None

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('supplier.rec_name', *clause[1:])]


class Supplier(SupplierMixin, FactMixin, Abstract, ModelView):
    __name__ = 'sale.reporting.supplier'
    __string__ = "Sales per Supplier"

    time_series = fields.One2Many(
        'sale.reporting.supplier.time_series', 'supplier',
        lazy_gettext('sale.msg_sale_reporting_time_series'))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('supplier', 'ASC'))

    @classmethod
    def _column_id(cls, tables, withs):
        return cls._column_supplier(tables, withs)


class SupplierTimeseries(
        SupplierMixin, FactMixin, AbstractTimeseries, ModelView):
    __name__ = 'sale.reporting.supplier.time_series'
    __string__ = "Sales per Supplier and Period"


class OutletMixin:
    __slots__ = ()
    outlet = fields.Many2One(
        'stock.location',
        lazy_gettext('ntt_mart_reporting.msg_fact_outlet'),
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})

    @classmethod
    def _columns(cls, tables, withs):
        line = tables['line']
        return super()._columns(tables, withs) + [line.outlet.as_('outlet')]

    @classmethod
    def _group_by(cls, tables, withs):
        line = tables['line']
        return super()._group_by(tables, withs) + [line.outlet]

    @classmethod
    def _where(cls, tables, withs):
        line = tables['line']
        return super()._where(tables, withs) & (line.outlet != Null)

    def get_rec_name(self, name):
        return self.outlet.rec_name if self.outlet else None

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('outlet.rec_name', *clause[1:])]


class Outlet(OutletMixin, FactMixin, Abstract, ModelView):
    __name__ = 'sale.reporting.outlet'
    __string__ = "Sales per Outlet"

    time_series = fields.One2Many(
        'sale.reporting.outlet.time_series', 'outlet',
        lazy_gettext('sale.msg_sale_reporting_time_series'))

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('outlet', 'ASC'))

    @classmethod
    def _column_id(cls, tables, withs):
        return tables['line'].outlet


class OutletTimeseries(OutletMixin, FactMixin, AbstractTimeseries, ModelView):
    __name__ = 'sale.reporting.outlet.time_series'
    __string__ = "Sales per Outlet and Period"


class Context(metaclass=PoolMeta):
    __name__ = 'sale.reporting.context'

    regency = fields.Many2One(
        'country.subdivision', "Regency",
        domain=[
            ('type', 'in', ['regency', 'city']),
            ],
        help="Limit the figures to the outlets of the regency.")

    @classmethod
    def default_regency(cls):
        return Transaction().context.get('regency')

    @classmethod
    def default_from_date(cls):
        "The province dashboard opens on the company's current year"
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        if context.get('current_year') and 'from_date' not in context:
            return Date.today().replace(month=1, day=1)
        return super().default_from_date()
