# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
import datetime as dt
import logging
import time
from collections import defaultdict

from sql import Null, Union
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Case

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from trytond.modules.stock.exceptions import PeriodCloseError

from .exceptions import (
    ConsignmentLocationError, ConsignmentStockBusyError,
    ConsignmentTransferError)

logger = logging.getLogger(__name__)


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    consignment_contracts = fields.Many2Many(
        'consignment.contract-stock.location', 'outlet', 'contract',
        "Consignment Contracts", readonly=True,
        states={
            'invisible': Eval('type') != 'warehouse',
            })

    @property
    def is_consignment(self):
        "Tell if the location holds goods owned by a consignor"
        return self.type == 'supplier' and bool(self.consignment_party)

    @classmethod
    def validate_fields(cls, locations, field_names):
        super().validate_fields(locations, field_names)
        cls.check_consignment_leaf(locations, field_names)

    @classmethod
    def check_consignment_leaf(cls, locations, field_names=None):
        """Refuse a location under a consignment location: a consignor's
        goods are held at the consignment location itself (the tills read
        its stock without children)"""
        if field_names and not field_names & {'parent'}:
            return
        for location in locations:
            parent = location.parent
            if parent and parent.is_consignment:
                raise ConsignmentLocationError(gettext(
                        'consignment_contract.msg_consignment_location_leaf',
                        location=location.rec_name,
                        parent=parent.rec_name))

    @classmethod
    def _consignment_location_name(cls, supplier, outlet):
        return gettext(
            'consignment_contract.msg_consignment_location_name',
            supplier=supplier.name, outlet=outlet.name)

    @classmethod
    def get_consignment_locations(cls, pairs):
        """Return {(supplier, outlet): location} for the (supplier, outlet)
        pairs, creating the missing consignment locations under the outlet's
        storage (one per supplier and outlet)"""
        pairs = set(pairs)
        if not pairs:
            return {}
        storages = {o.storage_location for _, o in pairs}
        existing = cls.search([
                ('type', '=', 'supplier'),
                ('consignment_party', 'in', list({s.id for s, _ in pairs})),
                ('parent', 'in', [s.id for s in storages]),
                ])
        found = {(l.consignment_party, l.parent): l for l in existing}
        result, to_create = {}, []
        for supplier, outlet in pairs:
            location = found.get((supplier, outlet.storage_location))
            if not location:
                location = cls(
                    name=cls._consignment_location_name(supplier, outlet),
                    type='supplier',
                    parent=outlet.storage_location,
                    consignment_party=supplier)
                to_create.append(location)
                found[(supplier, outlet.storage_location)] = location
            result[(supplier, outlet)] = location
        if to_create:
            cls.save(to_create)
        return result

    @classmethod
    def get_outlet_consignment_locations(cls, outlet):
        "Return the consignment locations of the outlet (warehouse)"
        if not outlet or not outlet.storage_location:
            return []
        return cls.search([
                ('type', '=', 'supplier'),
                ('consignment_party', '!=', None),
                ('parent', 'child_of', [outlet.storage_location.id]),
                ])

    @classmethod
    def consignment_fifo_dates(cls, location_ids, product_id, quantities):
        """Return {location_id: (date, order)} when the oldest unit still held
        per consignment location came in, quantities being the stock held:
        its move's effective date, then the order in which the moves were
        done on that date (an intake received first is taken first, even
        when two consignors deliver on the same day)"""
        pool = Pool()
        Move = pool.get('stock.move')
        move = Move.__table__()
        cursor = Transaction().connection.cursor()
        if not location_ids:
            return {}
        date = Move.effective_date.sql_cast(move.effective_date)
        cursor.execute(*move.select(
                move.to_location, date, move.id, move.internal_quantity,
                where=(move.state == 'done')
                & (move.product == product_id)
                & move.to_location.in_(list(location_ids)),
                order_by=[date.desc, move.id.desc]))
        remaining = {l: quantities.get(l, 0) for l in location_ids}
        dates = {}
        for location_id, date, move_id, quantity in cursor:
            if location_id in dates:
                continue
            if isinstance(date, str):
                date = dt.date.fromisoformat(date)
            remaining[location_id] -= quantity
            if remaining[location_id] <= 0:
                dates[location_id] = (date, move_id)
                if len(dates) == len(remaining):
                    break
        for location_id in location_ids:
            dates.setdefault(location_id, FIFO_MIN)
        return dates

    @classmethod
    def consignment_returnable(
            cls, location_ids, product_ids, sold_to_ids, returned_from_ids):
        """Return {product_id: [[location_id, quantity]]} the consigned goods
        sold from the locations to sold_to_ids and not yet returned from
        returned_from_ids, the location of the latest sale first"""
        pool = Pool()
        Move = pool.get('stock.move')
        if not location_ids or not product_ids:
            return {}
        move = Move.__table__()
        cursor = Transaction().connection.cursor()
        sold = (move.from_location.in_(list(location_ids))
            & move.to_location.in_(list(sold_to_ids)))
        returned = (move.from_location.in_(list(returned_from_ids))
            & move.to_location.in_(list(location_ids)))
        moves = move.select(
            move.product.as_('product'),
            Case((sold, move.from_location),
                else_=move.to_location).as_('location'),
            Case((sold, move.internal_quantity),
                else_=-move.internal_quantity).as_('quantity'),
            Case((sold, move.effective_date), else_=Null).as_('sold_date'),
            where=(move.state == 'done')
            & move.product.in_(list(product_ids))
            & (sold | returned))
        cursor.execute(*moves.select(
                moves.product, moves.location, Sum(moves.quantity),
                Max(moves.sold_date),
                group_by=[moves.product, moves.location],
                having=Sum(moves.quantity) > 0))
        rows = sorted(
            cursor, key=lambda r: (str(r[3] or ''), r[1]), reverse=True)
        returnable = defaultdict(list)
        for product_id, location_id, quantity, _ in rows:
            returnable[product_id].append([location_id, quantity])
        return returnable


FIFO_MIN = (dt.date.min, 0)


def order_sources(own, consigned, fifo_dates, policy):
    """Return the pick order of the source locations: the own ones and the
    consigned ones (oldest intake first: by date, then by the order the
    intakes were received on that date, then by location) according to the
    policy"""
    def key(location):
        received = fifo_dates.get(location, FIFO_MIN)
        if isinstance(received, dt.date):
            received = (received, 0)
        return (received, location)
    consigned = sorted(consigned, key=key)
    if policy == 'own_first':
        return list(own) + consigned
    return consigned + list(own)


def try_lock_stock(keys, wait):
    """Take the PostgreSQL transaction advisory locks of the (location id,
    product id) keys, trying again the missing ones for up to wait seconds
    (never blocking, so two takers cannot deadlock).
    Return the keys not obtained, in order: none once all are held (or on
    another backend: SQLite has one writer at a time)"""
    if not keys or backend.name != 'postgresql':
        return []
    cursor = Transaction().connection.cursor()
    deadline = time.monotonic() + wait
    missing = sorted(set(keys))
    while True:
        # One statement per round; the locks end with the transaction
        cursor.execute('SELECT k.l, k.p '
            'FROM unnest(%s::integer[], %s::integer[]) AS k(l, p) '
            'WHERE NOT pg_try_advisory_xact_lock(k.l, k.p)',
            ([l for l, _ in missing], [p for _, p in missing]))
        missing = sorted(cursor)
        if not missing or time.monotonic() >= deadline:
            return missing
        time.sleep(0.02)


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'
    # seconds an assignment waits for a till selling the same consigned units
    _consignment_lock_wait = 10

    @classmethod
    def _assign_try_lock(
            cls, product_ids, location_ids, company_ids, date, grouping):
        pool = Pool()
        Location = pool.get('stock.location')
        super()._assign_try_lock(
            product_ids, location_ids, company_ids, date, grouping)
        # Meet the tills, which lock only the consigned units they take
        # (POSSale.lock_consigned_stock) and not the moves' rows
        consignments = Location.search([
                ('id', 'in', location_ids),
                ('type', '=', 'supplier'),
                ('consignment_party', '!=', None),
                ], order=[])
        keys = [(l.id, p) for l in consignments for p in product_ids]
        missing = try_lock_stock(keys, cls._consignment_lock_wait)
        if missing:
            location_id, product_id = missing[0]
            raise ConsignmentStockBusyError(gettext(
                    'consignment_contract.msg_assign_stock_busy',
                    location=Location(location_id).rec_name,
                    product=pool.get('product.product')(product_id).rec_name))

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['consignment.intake.line']

    @classmethod
    def validate_fields(cls, moves, field_names):
        super().validate_fields(moves, field_names)
        cls.check_consignment_owner(moves, field_names)

    @classmethod
    def check_consignment_owner(cls, moves, field_names=None):
        "Refuse moving consigned goods to another consignor's location"
        if field_names and not (
                field_names & {'from_location', 'to_location'}):
            return
        for move in moves:
            from_, to = move.from_location, move.to_location
            if (from_.is_consignment and to.is_consignment
                    and from_.consignment_party != to.consignment_party):
                raise ConsignmentTransferError(gettext(
                        'consignment_contract.msg_transfer_other_consignor',
                        move=move.rec_name,
                        from_=from_.rec_name, to=to.rec_name))

    @property
    def is_supplier_consignment_return(self):
        """Goods coming back from a customer into a consignment location,
        directly (till) or through the input of a customer return"""
        pool = Pool()
        Move = pool.get('stock.move')
        if not self.to_location.is_consignment:
            return False
        if self.from_location.type == 'customer':
            return True
        origin = self.origin
        return (self.from_location.type == 'storage'
            and isinstance(origin, Move) and origin.id >= 0
            and origin.from_location.type == 'customer')

    @property
    def is_consignment_buy_out(self):
        """Consigned goods bought outright at the end of a contract: the
        purchase line pays the consignor"""
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        return (bool(self.from_location)
            and self.from_location.is_consignment
            and isinstance(self.origin, PurchaseLine))

    @property
    def is_customer_consignment(self):
        # Goods a supplier consigned to us and sold from our own storage pay
        # the consignor through its supplier line; billing the consignor too
        # would book the sale twice.  A supplier's location placed inside a
        # customer's consignment location stays upstream's customer
        # consignment.
        from_ = self.from_location
        if from_.type == 'supplier':
            parent = from_.parent
            if not (parent and parent.type == 'storage'
                    and parent.consignment_party):
                return False
        return super().is_customer_consignment

    @property
    def is_supplier_consignment(self):
        # The purchase invoices the goods bought out: no consignment line
        return (super().is_supplier_consignment
            and not self.is_consignment_buy_out)

    @fields.depends('from_location', 'to_location')
    def on_change_with_unit_price_required(self, name=None):
        required = super().on_change_with_unit_price_required(name=name)
        if (required and self.from_location and self.to_location
                and self.from_location.type == 'storage'
                and self.to_location.is_consignment):
            # Goods handed back to their consignor are neither bought nor
            # sold: the consignor's line carries the price
            required = False
        return required

    @property
    def takes_consigned_stock(self):
        "Tell if the move may pick consigned goods held below its source"
        to = self.to_location
        return (to.type == 'customer'
            or (to.warehouse and to == to.warehouse.output_location))

    def get_invoice_lines_consignment(self):
        lines = super().get_invoice_lines_consignment()
        if self.is_supplier_consignment_return:
            lines.append(
                self._get_supplier_invoice_line_consignment_return())
        return lines

    def get_consignment_contract_line(self, location):
        "Return the contract line that prices the consigned goods"
        pool = Pool()
        ContractLine = pool.get('consignment.contract.line')
        Date = pool.get('ir.date')
        with Transaction().set_context(company=self.company.id):
            date = self.effective_date or self.planned_date or Date.today()
        return ContractLine.find_for(
            location.consignment_party, self.product, location.warehouse,
            date)

    def _get_consignment_selling_price(self):
        """Return the actual unit selling price (tax excluded) of the goods in
        the unit of the move and the company currency, or None"""
        pool = Pool()
        Uom = pool.get('product.uom')
        Currency = pool.get('currency.currency')
        Date = pool.get('ir.date')
        SaleLine = pool.get('sale.line')
        POSSaleLine = pool.get('sale.point.sale.line')

        move, origin = self, self.origin
        # Inventory moves of customer shipments come from the outgoing move
        while isinstance(origin, self.__class__) and origin != move:
            move, origin = origin, origin.origin
        if isinstance(origin, SaleLine) and origin.id >= 0:
            price, unit = origin.unit_price, origin.unit
            currency = origin.sale.currency
        elif isinstance(origin, POSSaleLine) and origin.id >= 0:
            price, unit = origin.unit_list_price, origin.unit
            currency = origin.currency
        elif move.unit_price is not None:
            price, unit, currency = move.unit_price, move.unit, move.currency
        else:
            return None
        if price is None:
            return None
        if unit and unit != self.unit:
            price = Uom.compute_price(unit, price, self.unit)
        if currency and currency != self.company.currency:
            with Transaction().set_context(company=self.company.id):
                date = self.effective_date or Date.today()
            with Transaction().set_context(date=date):
                price = Currency.compute(
                    currency, price, self.company.currency, round=False)
        return price

    def _get_consignment_unit_price(self, contract_line, selling_price):
        "Return the unit price owed to the consignor for the move"
        if selling_price is None:
            selling_price = contract_line.selling_price
        return contract_line.get_unit_price(selling_price, self.unit)

    def _set_consignment_contract(self, line, location):
        "Price the consignor's invoice line from the contract"
        line.consignment_outlet = location.warehouse
        contract_line = self.get_consignment_contract_line(location)
        if not contract_line:
            return
        selling_price = self._get_consignment_selling_price()
        unit_price = self._get_consignment_unit_price(
            contract_line, selling_price)
        line.consignment_contract = contract_line.contract
        line.consignment_selling_price = selling_price
        if unit_price is not None:
            line.currency = contract_line.contract.currency
            line.unit_price = unit_price

    def _get_supplier_invoice_line_consignment(self):
        line = super()._get_supplier_invoice_line_consignment()
        self._set_consignment_contract(line, self.from_location)
        return line

    def _get_supplier_invoice_line_consignment_return(self):
        "Return the credit line for consigned goods returned by a customer"
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        Product = pool.get('product.product')

        line = InvoiceLine()
        line.invoice_type = 'in'
        line.type = 'line'
        line.company = self.company
        line.party = self.to_location.consignment_party
        line.currency = self.company.currency
        line.product = self.product
        line.quantity = -self.quantity
        line.unit = self.unit
        line.stock_moves = [self]
        line.origin = self
        line.on_change_product()
        with Transaction().set_context(
                currency=line.currency.id,
                supplier=line.party.id,
                uom=line.unit.id,
                taxes=[t.id for t in line.taxes]):
            line.unit_price = Product.get_purchase_price(
                [line.product], abs(line.quantity))[line.product.id]
        self._set_consignment_contract(line, self.to_location)
        return line

    def sort_quantities(self, quantities, locations, grouping):
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        Location = pool.get('stock.location')
        quantities = super().sort_quantities(quantities, locations, grouping)
        if self.from_location.is_consignment:
            return quantities
        consigned = {l.id for l in locations if l.is_consignment}
        if not consigned:
            return quantities
        quantities = list(quantities)
        if not self.takes_consigned_stock:
            # Consigned goods keep their owner: only sales may take them
            return [q for q in quantities if q[0][0] not in consigned]
        held = defaultdict(float)
        for key, qty in quantities:
            if key[0] in consigned:
                held[key[0]] += qty
        fifo = Location.consignment_fifo_dates(
            list(held), self.product.id, held)
        policy = Configuration(1).stock_policy
        own = [l.id for l in locations if l.id not in consigned]
        order = order_sources(own, list(held), fifo, policy)
        rank = {l: i for i, l in enumerate(order)}
        return sorted(
            quantities, key=lambda q: rank.get(q[0][0], len(rank)))


class ShipmentInternal(metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'

    @property
    def is_consignment_transfer(self):
        "A transfer of consigned goods between outlets"
        return bool(self.from_location and self.to_location
            and self.from_location.is_consignment
            and self.to_location.is_consignment)

    @fields.depends('from_location', 'to_location', 'state')
    def on_change_with_transit_location(self, name=None):
        # A transit location is company stock: consigned goods would be
        # invoiced by the consignor on the way, so they travel directly
        if self.state in {'request', 'draft'} and self.is_consignment_transfer:
            return None
        return super().on_change_with_transit_location(name=name)


class ShipmentOutReturn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.out.return'

    def _get_inventory_move(self, incoming_move):
        move = super()._get_inventory_move(incoming_move)
        if move:
            location = self._get_consignment_return_location(move)
            if location:
                move.to_location = location
        return move

    def _get_consignment_return_location(self, move):
        """Return the consignment location the returned goods were sold
        from, if one outstanding sale covers the whole quantity"""
        pool = Pool()
        Location = pool.get('stock.location')
        Uom = pool.get('product.uom')
        warehouse = self.warehouse
        consignments = Location.get_outlet_consignment_locations(warehouse)
        if not consignments:
            return
        customer_ids = [self.customer_location.id]
        sold_to = customer_ids + [warehouse.output_location.id]
        returned_from = customer_ids + [move.from_location.id]
        returnable = Location.consignment_returnable(
            [l.id for l in consignments], [move.product.id],
            sold_to, returned_from)
        quantity = Uom.compute_qty(
            move.unit, move.quantity, move.product.default_uom, round=False)
        for location_id, held in returnable.get(move.product.id, []):
            if held >= quantity:
                return Location(location_id)


class ConsignmentStock(ModelSQL, ModelView):
    "Consignment Stock"
    __name__ = 'consignment.stock'

    company = fields.Many2One('company.company', "Company")
    outlet = fields.Many2One('stock.location', "Outlet")
    product = fields.Many2One('product.product', "Product")
    supplier = fields.Many2One(
        'party.party', "Consignor",
        help="The owner of the goods; empty for the company's own stock.")
    ownership = fields.Selection([
            ('own', "Own"),
            ('consigned', "Consigned"),
            ], "Ownership")
    quantity = fields.Float("Quantity")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('outlet', 'ASC'),
            ('product', 'ASC'),
            ('supplier', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        move = Move.__table__()
        location = Location.__table__()
        storage = Location.__table__()
        warehouse = Location.__table__()

        done = move.state == 'done'
        moves = Union(
            move.select(
                (move.id * 2).as_('row'),
                move.company.as_('company'),
                move.to_location.as_('location'),
                move.product.as_('product'),
                move.internal_quantity.as_('quantity'),
                where=done),
            move.select(
                (move.id * 2 + 1).as_('row'),
                move.company.as_('company'),
                move.from_location.as_('location'),
                move.product.as_('product'),
                (-move.internal_quantity).as_('quantity'),
                where=done),
            all_=True)
        consigned = ((location.type == 'supplier')
            & (location.consignment_party != Null))
        supplier = Case((consigned, location.consignment_party), else_=Null)
        ownership = Case((consigned, 'consigned'), else_='own')
        query = (moves
            .join(location, condition=moves.location == location.id)
            .join(storage,
                condition=(location.left >= storage.left)
                & (location.right <= storage.right))
            .join(warehouse,
                condition=(warehouse.storage_location == storage.id)
                & (warehouse.type == 'warehouse')))
        # Owner computed below, grouped above: PostgreSQL cannot match a
        # parametrised CASE of the select with the one of the GROUP BY
        rows = query.select(
            moves.row.as_('row'),
            moves.company.as_('company'),
            warehouse.id.as_('outlet'),
            moves.product.as_('product'),
            supplier.as_('supplier'),
            ownership.as_('ownership'),
            moves.quantity.as_('quantity'))
        return rows.select(
            Min(rows.row).as_('id'),
            rows.company.as_('company'),
            rows.outlet.as_('outlet'),
            rows.product.as_('product'),
            rows.supplier.as_('supplier'),
            rows.ownership.as_('ownership'),
            Sum(rows.quantity).as_('quantity'),
            group_by=[
                rows.company, rows.outlet, rows.product, rows.supplier,
                rows.ownership],
            having=Sum(rows.quantity) != 0)


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    consignment_contract_lines = fields.One2Many(
        'consignment.contract.line', 'product', "Consignment Contract Lines",
        readonly=True)
    consignment_stock = fields.One2Many(
        'consignment.stock', 'product', "Consigned Stock", readonly=True,
        filter=[('ownership', '=', 'consigned')],
        help="The goods held on consignment per outlet and consignor.")


    @classmethod
    def copy(cls, products, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('consignment_contract_lines', None)
        default.setdefault('consignment_stock', None)
        return super().copy(products, default=default)


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    consignment_stock = fields.Function(fields.Many2Many(
            'consignment.stock', None, None, "Consigned Stock",
            help="The goods of this product held on consignment, "
            "per variant, outlet and consignor."),
        'get_consignment_stock')

    @classmethod
    def get_consignment_stock(cls, templates, name):
        pool = Pool()
        ConsignmentStock = pool.get('consignment.stock')
        stock = {t.id: [] for t in templates}
        for sub_templates in grouped_slice(templates):
            for row in ConsignmentStock.search([
                        ('product.template', 'in',
                            [t.id for t in sub_templates]),
                        ('ownership', '=', 'consigned'),
                        ]):
                stock[row.product.template.id].append(row.id)
        return stock


class Period(metaclass=PoolMeta):
    __name__ = 'stock.period'

    @classmethod
    def close_previous_month(cls, date=None):
        """Close each company's stock period up to the end of the previous
        month (monthly cron), so that stock quantities are computed from the
        period's cache instead of the whole history of moves"""
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        for company in Company.search([]):
            with Transaction().set_context(company=company.id):
                today = date or Date.today()
            end = today.replace(day=1) - dt.timedelta(days=1)
            if cls.search([
                        ('company', '=', company.id),
                        ('state', '=', 'closed'),
                        ('date', '>=', end),
                        ], limit=1):
                continue
            periods = cls.search([
                    ('company', '=', company.id),
                    ('state', '=', 'draft'),
                    ('date', '=', end),
                    ], limit=1)
            if periods:
                period, = periods
            else:
                period = cls(company=company, date=end)
                period.save()
            try:
                cls.close([period])
            except PeriodCloseError as exception:
                # Moves still assigned in the month: next run tries again
                logger.warning(
                    "stock period %s of %s left open: %s",
                    end, company.rec_name, exception.message)
