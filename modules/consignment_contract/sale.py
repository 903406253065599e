# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .exceptions import ConsignmentStockError
from .stock import order_sources

OWN = 'own'


class POSSale(metaclass=PoolMeta):
    __name__ = 'sale.point.sale'

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, sales):
        pool = Pool()
        Move = pool.get('stock.move')
        plan = cls.plan_consignment_stock(sales)
        own_quantities, consignment_moves = {}, []
        for line, (own_quantity, parts) in plan.items():
            own_quantities[str(line.id)] = own_quantity
            consignment_moves.extend(line.get_consignment_stock_moves(parts))
        with Transaction().set_context(
                _consignment_own_quantities=own_quantities):
            super().post(sales)
        if consignment_moves:
            Move.save(consignment_moves)
            Move.do(consignment_moves)

    @classmethod
    def plan_consignment_stock(cls, sales):
        """Return {line: (own quantity, [(consignment location, quantity)])}
        for the lines of goods sold or returned at outlets holding
        consignments, quantities in the line unit"""
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        config = Configuration(1)
        plan = {}
        by_storage = defaultdict(list)
        for sale in sales:
            for line in sale.lines:
                if line.product.type == 'goods' and line.quantity:
                    by_storage[sale.point.storage_location].append(line)
        for storage, lines in by_storage.items():
            plan.update(cls._plan_consignment_stock(storage, lines, config))
        return plan

    @classmethod
    def _plan_consignment_stock(cls, storage, lines, config):
        pool = Pool()
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        Date = pool.get('ir.date')

        outlet = storage.warehouse
        consignments = Location.get_outlet_consignment_locations(outlet)
        if not consignments and config.till_negative_stock:
            return {}
        consignment_ids = [l.id for l in consignments]
        below = {l.id for l in Location.search([
                    ('id', 'in', consignment_ids),
                    ('parent', 'child_of', [storage.id]),
                    ])} if consignment_ids else set()
        product_ids = list({l.product.id for l in lines})
        company = lines[0].company
        with Transaction().set_context(company=company.id):
            today = Date.today()
        # Two tills must not sell the same consigned units
        Move._assign_try_lock(
            product_ids, [storage.id] + consignment_ids, [company.id],
            today, ('product',))
        with Transaction().set_context(
                stock_date_end=today, company=company.id):
            pbl = Product.products_by_location(
                [storage.id] + consignment_ids, with_childs=True,
                grouping_filter=(product_ids,))
        available = defaultdict(float)
        for product_id in product_ids:
            own = pbl.get((storage.id, product_id), 0)
            for location_id in consignment_ids:
                quantity = pbl.get((location_id, product_id), 0)
                available[(location_id, product_id)] = quantity
                if location_id in below:
                    own -= quantity
            available[(OWN, product_id)] = own

        plan = {}
        returned = cls._consigned_returnable(
            storage, [l for l in lines if l.quantity < 0], consignment_ids)
        for line in lines:
            product = line.product
            quantity = Uom.compute_qty(
                line.unit, abs(line.quantity), product.default_uom,
                round=False)
            if line.quantity > 0:
                held = {l: available[(l, product.id)]
                    for l in consignment_ids
                    if available[(l, product.id)] > 0}
                fifo = Location.consignment_fifo_dates(
                    list(held), product.id, held)
                sources = order_sources(
                    [OWN], list(held), fifo, config.stock_policy)
                parts = []
                for source in sources:
                    taken = min(quantity, max(
                            available[(source, product.id)], 0))
                    if taken <= 0:
                        continue
                    available[(source, product.id)] -= taken
                    quantity -= taken
                    if source != OWN:
                        parts.append((source, taken))
                if product.default_uom.round(quantity) > 0:
                    if not config.till_negative_stock:
                        raise ConsignmentStockError(gettext(
                                'consignment_contract.msg_till_oversell',
                                line=line.rec_name,
                                product=product.rec_name,
                                outlet=(outlet or storage).rec_name))
                    available[(OWN, product.id)] -= quantity
            else:
                parts = []
                for location_id, taken in cls._allocate_return(
                        line, quantity, returned):
                    parts.append((location_id, taken))
                    quantity -= taken
            if not parts:
                continue
            consigned = sum(q for _, q in parts)
            own_quantity = Uom.compute_qty(
                product.default_uom,
                Uom.compute_qty(
                    line.unit, abs(line.quantity), product.default_uom,
                    round=False) - consigned,
                line.unit)
            plan[line] = (own_quantity, [
                    (Location(l), Uom.compute_qty(
                            product.default_uom, q, line.unit))
                    for l, q in parts])
        return plan

    @classmethod
    def _consigned_returnable(cls, storage, lines, consignment_ids):
        """Return {product_id: [[location_id, quantity]]} the consigned goods
        sold at the points and not yet returned, the latest sale first"""
        pool = Pool()
        Location = pool.get('stock.location')
        if not lines or not consignment_ids:
            return {}
        customer_ids = list({l.sale.point.customer_location.id for l in lines})
        product_ids = list({l.product.id for l in lines})
        return Location.consignment_returnable(
            consignment_ids, product_ids, customer_ids, customer_ids)

    @classmethod
    def _allocate_return(cls, line, quantity, returned):
        "Yield (consignment location id, quantity) the goods came from"
        for item in returned.get(line.product.id, []):
            location_id, returnable = item
            taken = min(quantity, returnable)
            if taken <= 0:
                continue
            item[1] -= taken
            quantity -= taken
            yield location_id, taken
            if quantity <= 0:
                break


class POSSaleLine(metaclass=PoolMeta):
    __name__ = 'sale.point.sale.line'

    def get_stock_move(self):
        move = super().get_stock_move()
        own_quantities = Transaction().context.get(
            '_consignment_own_quantities') or {}
        if move and str(self.id) in own_quantities:
            move.quantity = self.unit.round(own_quantities[str(self.id)])
            if move.quantity <= 0:
                return None
        return move

    def get_consignment_stock_moves(self, parts):
        """Return the stock moves of the consigned part of the line:
        from (or back to, for a refund) each consignment location"""
        moves = []
        with Transaction().set_context(_consignment_own_quantities=None):
            for location, quantity in parts:
                move = self.get_stock_move()
                if not move:
                    continue
                move.quantity = quantity
                if self.quantity >= 0:
                    move.from_location = location
                else:
                    move.to_location = location
                # The selling price stays on the till line (the origin)
                if not move.on_change_with_unit_price_required():
                    move.unit_price = move.currency = None
                moves.append(move)
        return moves
