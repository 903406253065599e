# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from collections import defaultdict
from contextlib import contextmanager
from weakref import WeakKeyDictionary

from sql.aggregate import Min, Sum

from trytond import backend, config
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction
from trytond.wizard import StateAction, Wizard

from stock_regency.bounds import AMOUNT_MAX, QUANTITY_MAX, Bound, BoundsMixin

from .document import DocumentReport
from .exceptions import (
    ConsignmentStockBusyError, ConsignmentStockError, TillRefundError,
    TillSequenceError)
from .stock import order_sources, try_lock_stock

OWN = 'own'
# {transaction: {till line id: own quantity}} while a till sale is posted.
# Not in the context: a context value that changes with every sale makes
# every context-keyed cache (model names, access, field definitions) miss
# for the rest of the posting.
_own_quantities = WeakKeyDictionary()


@contextmanager
def own_quantities(quantities):
    "Take the quantities of own stock the lines post, within the block"
    transaction = Transaction()
    previous = _own_quantities.get(transaction)
    if quantities is None:
        _own_quantities.pop(transaction, None)
    else:
        _own_quantities[transaction] = quantities
    try:
        yield
    finally:
        if previous is None:
            _own_quantities.pop(transaction, None)
        else:
            _own_quantities[transaction] = previous


class POS(metaclass=PoolMeta):
    __name__ = 'sale.point'

    @classmethod
    def validate_fields(cls, points, field_names):
        super().validate_fields(points, field_names)
        cls.check_own_sequence(points, field_names)

    @classmethod
    def check_own_sequence(cls, points, field_names=None):
        """Refuse a numbering sequence shared with another till: the strict
        sequence row is locked while a sale is numbered, so a shared one
        makes all its tills wait for each other"""
        if field_names and 'sequence' not in field_names:
            return
        sequence_ids = [p.sequence.id for p in points if p.sequence]
        others = cls.search([
                ('sequence', 'in', sequence_ids),
                ], order=[])
        by_sequence = defaultdict(list)
        for point in others:
            by_sequence[point.sequence].append(point)
        for point in points:
            tills = by_sequence.get(point.sequence, [])
            if len(tills) > 1:
                raise TillSequenceError(gettext(
                        'consignment_contract.msg_till_sequence_shared',
                        sequence=point.sequence.rec_name,
                        tills=', '.join(t.rec_name for t in tills)))

    @classmethod
    def copy(cls, points, default=None):
        "Give each copy its own numbering sequence"
        default = default.copy() if default is not None else {}
        if 'sequence' not in default:
            default['sequence'] = lambda data: cls._copy_sequence(
                data['sequence'])
        return super().copy(points, default=default)

    @classmethod
    def _copy_sequence(cls, sequence_id):
        pool = Pool()
        SequenceStrict = pool.get('ir.sequence.strict')
        sequence, = SequenceStrict.copy([SequenceStrict(sequence_id)])
        return sequence.id


class POSCashSession(metaclass=PoolMeta):
    __name__ = 'sale.point.cash.session'

    @classmethod
    def get_current(cls, point):
        """Return the open session of the till, opening one if needed

        Unlike sale_point, lock only the till's row, not the whole session
        table: the table lock also conflicted with the key-share locks any
        till's cash payment takes on its session, so tills failed each other.
        It is enough: the sessions of a till only chain to that till's
        sessions (both exclusion constraints are per till), so only two
        requests of the same till may race, and they queue on its row; were
        one to miss a session committed meanwhile (REPEATABLE READ), the
        constraint "one open session per till" would refuse the duplicate."""
        sessions = cls.search([
                ('point', '=', point.id),
                ('state', '=', 'open'),
                ], limit=1)
        if sessions:
            session, = sessions
            return session
        cls._lock_point(point)
        last = cls.search([
                ('point', '=', point.id),
                ('next_session', '=', None),
                ], limit=1)
        last = last[0] if last else None
        session = cls(point=point, previous_session=last)
        session.save()
        return session

    @classmethod
    def _lock_point(cls, point):
        "Lock the till's row against another session opening for it"
        pool = Pool()
        POS = pool.get('sale.point')
        transaction = Transaction()
        if backend.name != 'postgresql':
            # SQLite has one writer at a time
            return
        # NO KEY UPDATE does not wait for the sales and payments of the
        # till, which take only key-share locks on its row
        cursor = transaction.connection.cursor()
        cursor.execute(
            'SELECT 1 FROM "%s" WHERE id = %%s FOR NO KEY UPDATE NOWAIT'
            % POS._table, (point.id,))


class POSSale(metaclass=PoolMeta):
    __name__ = 'sale.point.sale'
    # seconds a till waits for another till selling the same consigned
    # units: the other till's posting, longer on a busy server
    # ([consignment] till_lock_wait of trytond.conf)
    _stock_lock_wait = config.getfloat(
        'consignment', 'till_lock_wait', default=10)

    refunded_sales = fields.Function(fields.Many2Many(
            'sale.point.sale', None, None, "Refunded Sales",
            help="The sales whose goods this sale takes back."),
        'get_refunded_sales')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'refund': {
                    'invisible': ~Eval('state').in_(['done', 'posted']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def check_modification(cls, mode, sales, values=None, external=False):
        super().check_modification(
            mode, sales, values=values, external=external)
        if external and mode in {'write', 'delete'}:
            cls.check_closed(sales)

    @classmethod
    def check_closed(cls, sales):
        """Refuse a change by a user of a done or posted sale: only its
        workflow (process, post) writes it then"""
        for sale in sales:
            if sale.state in {'done', 'posted'}:
                raise AccessError(gettext(
                        'consignment_contract.msg_till_sale_closed',
                        sale=sale.till_sale_name,
                        state=cls.__names__('state', sale)['value']))

    def get_refunded_sales(self, name):
        return sorted({l.refunded_line.sale.id for l in self.lines
                if l.refunded_line})

    @property
    def till_sale_name(self):
        "How messages name the sale: by number, or as the till's new sale"
        if self.number:
            return gettext('consignment_contract.msg_till_sale_number',
                number=self.number)
        return gettext('consignment_contract.msg_till_sale_new',
            point=self.point.rec_name)

    @classmethod
    @ModelView.button_action('consignment_contract.wizard_till_refund')
    def refund(cls, sales):
        pass

    @classmethod
    def create_refunds(cls, sales):
        """Create and return a draft refund sale per sale, at its till, that
        takes back every unit not refunded yet, line by line"""
        pool = Pool()
        Line = pool.get('sale.point.sale.line')
        Date = pool.get('ir.date')
        refunds = []
        for sale in sales:
            if sale.state not in {'done', 'posted'}:
                raise TillRefundError(gettext(
                        'consignment_contract.msg_till_refund_state',
                        sale=sale.till_sale_name))
            cls.check_return_location(sale)
            with Transaction().set_context(company=sale.company.id):
                today = Date.today()
            refund = cls(point=sale.point, company=sale.company, date=today)
            lines = []
            for line in sale.lines:
                quantity = line.refundable_quantity
                if not quantity or quantity <= 0:
                    continue
                lines.append(Line(
                        product=line.product,
                        quantity=-quantity,
                        unit_list_price=line.unit_list_price,
                        unit_gross_price=line.unit_gross_price,
                        refunded_line=line))
            if not lines:
                raise TillRefundError(gettext(
                        'consignment_contract.msg_till_refund_nothing',
                        sale=sale.till_sale_name))
            refund.lines = lines
            refunds.append(refund)
        cls.save(refunds)
        return refunds

    @classmethod
    def check_return_location(cls, sale):
        "Refuse a refund at a till that has nowhere to put the goods back"
        if not sale.point.return_location:
            raise TillRefundError(gettext(
                    'consignment_contract.msg_till_no_return_location',
                    sale=sale.till_sale_name,
                    till=sale.point.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, sales):
        pool = Pool()
        Move = pool.get('stock.move')
        plan = cls.plan_consignment_stock(sales)
        own, consignment_moves = {}, []
        for line, (own_quantity, parts) in plan.items():
            own[line.id] = own_quantity
            consignment_moves.extend(line.get_consignment_stock_moves(parts))
        # The account moves are posted by Move.post_till_moves
        with own_quantities(own), Transaction().set_context(
                _post_till_moves_later=True):
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
        Uom = pool.get('product.uom')
        Date = pool.get('ir.date')

        outlet = storage.warehouse
        company = lines[0].company
        with Transaction().set_context(company=company.id):
            today = Date.today()
        selling, held = cls._consignment_locations(
            outlet, {l.product for l in lines}, today)
        # Own goods follow sale_point unless the till must check the stock
        lines = [l for l in lines
            if (selling if l.quantity > 0 else held).get(l.product.id)
            or (l.quantity > 0 and not config.till_negative_stock)]
        if not lines:
            return {}
        product_ids = list({l.product.id for l in lines})
        consignment_ids = sorted({i for p in product_ids
                for i in held.get(p, [])})

        keys = set()
        for line in lines:
            product_id = line.product.id
            if line.quantity > 0:
                keys.update((l, product_id) for l in selling.get(
                        product_id, []))
                if not config.till_negative_stock:
                    keys.add((storage.id, product_id))
            else:
                keys.update((l, product_id) for l in held.get(product_id, []))
        cls.lock_consigned_stock(lines, sorted(keys))
        # A refund of a sale gives back what that sale took, a free-standing
        # one what was sold latest
        returns = cls._consigned_returnable_query(
            [l for l in lines if l.quantity < 0 and not l.refunded_line],
            consignment_ids)
        refunds = [(l.id, l.refunded_line.id) for l in lines
            if l.quantity < 0 and l.refunded_line]
        asked = defaultdict(float)
        for line in lines:
            if line.quantity > 0:
                asked[line.product.id] += Uom.compute_qty(
                    line.unit, line.quantity, line.product.default_uom,
                    round=False)
        # Read the records outside: the snapshot is another transaction
        with cls._stock_snapshot(), Transaction().set_context(
                stock_date_end=today, company=company.id):
            consigned = cls._consigned_stock(consignment_ids, product_ids)
            if cls._own_stock_needed(asked, selling, consigned, config):
                own = cls._own_stock(storage, product_ids, held, consigned)
            else:
                own = None
            returned = Location.consignment_returnable(*returns)
            refunded = cls._refund_sources(refunds)

        available = defaultdict(float)
        for product_id in product_ids:
            for location_id in held.get(product_id, []):
                available[(location_id, product_id)] = consigned.get(
                    (location_id, product_id), 0)
            # Not read when the consignments cover the sale, taken first
            available[(OWN, product_id)] = (
                own[product_id] if own is not None else 0)

        plan = {}
        for line in lines:
            product = line.product
            quantity = Uom.compute_qty(
                line.unit, abs(line.quantity), product.default_uom,
                round=False)
            if line.quantity > 0:
                holding = {l: available[(l, product.id)]
                    for l in selling.get(product.id, [])
                    if available[(l, product.id)] > 0}
                fifo = Location.consignment_fifo_dates(
                    list(holding), product.id, holding)
                sources = order_sources(
                    [OWN], list(holding), fifo, config.stock_policy)
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
                    if (not config.till_negative_stock
                            or selling.get(product.id)):
                        asked = Uom.compute_qty(
                            line.unit, abs(line.quantity),
                            product.default_uom, round=False)
                        raise cls._oversell_error(
                            line.sale, product, asked, storage,
                            {l: consigned.get((l, product.id), 0)
                                for l in selling.get(product.id, [])},
                            own[product.id])
                    available[(OWN, product.id)] -= quantity
            else:
                parts = []
                if line.refunded_line:
                    allocation = cls._allocate_refund(
                        line, quantity, refunded)
                else:
                    allocation = cls._allocate_return(
                        line, quantity, returned)
                for location_id, taken in allocation:
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
    def check_till_stock(cls, sales):
        """Refuse the sales that sell more than their outlet holds of a
        product consigned there (or of any product when the till may not
        sell below zero), before they are paid and posted.

        The stock is read as it is, without locks: posting checks it again
        under the tills' locks."""
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        Date = pool.get('ir.date')
        Uom = pool.get('product.uom')
        config = Configuration(1)
        for sale in sales:
            if sale.state in {'done', 'posted', 'cancelled'}:
                continue
            if any(l.quantity and l.quantity < 0 for l in sale.lines):
                cls.check_return_location(sale)
            asked = defaultdict(float)
            for line in sale.lines:
                if (line.product and line.product.type == 'goods'
                        and line.quantity and line.quantity > 0):
                    asked[line.product] += Uom.compute_qty(
                        line.unit, line.quantity, line.product.default_uom,
                        round=False)
            storage = sale.point.storage_location
            if not asked or not storage:
                continue
            with Transaction().set_context(company=sale.company.id):
                today = Date.today()
            selling, held = cls._consignment_locations(
                storage.warehouse, list(asked), today)
            checked = [p for p in asked
                if selling.get(p.id) or not config.till_negative_stock]
            if not checked:
                continue
            location_ids = sorted({l for p in checked
                    for l in held.get(p.id, [])})
            product_ids = [p.id for p in checked]
            asked_ids = {p.id: asked[p] for p in checked}
            with Transaction().set_context(
                    stock_date_end=today, company=sale.company.id):
                consigned = cls._consigned_stock(location_ids, product_ids)
                if cls._own_stock_needed(
                        asked_ids, selling, consigned, config):
                    own = cls._own_stock(
                        storage, product_ids, held, consigned)
                else:
                    own = None
            for product in checked:
                selling_stock = {l: consigned.get((l, product.id), 0)
                    for l in selling.get(product.id, [])}
                holding = sum(max(q, 0) for q in selling_stock.values())
                if own is not None:
                    holding += max(own[product.id], 0)
                if product.default_uom.round(
                        asked[product] - holding) > 0:
                    raise cls._oversell_error(
                        sale, product, asked[product], storage,
                        selling_stock, own[product.id])

    @classmethod
    def _consigned_stock(cls, location_ids, product_ids):
        """Return {(location id, product id): quantity} of the products at
        the consignment locations

        A consignment location holds its goods itself (no child location):
        reading it without its children is many times cheaper."""
        pool = Pool()
        Product = pool.get('product.product')
        if not location_ids or not product_ids:
            return {}
        return Product.products_by_location(
            location_ids, with_childs=False,
            grouping_filter=(list(product_ids),))

    @classmethod
    def _own_stock_needed(cls, asked, selling, consigned, config):
        """Tell if the own stock of the outlet must be read for a sale
        asking {product id: quantity}: not when the consignments it is
        sold from cover it and are taken first (the stock policy) and the
        till may sell own goods below zero"""
        if (config.stock_policy == 'own_first'
                or not config.till_negative_stock):
            return True
        for product_id, quantity in asked.items():
            held = sum(max(consigned.get((l, product_id), 0), 0)
                for l in selling.get(product_id, []))
            if held < quantity:
                return True
        return False

    @classmethod
    def _own_stock(cls, storage, product_ids, held, consigned):
        """Return {product id: quantity} the outlet holds of its own at the
        storage location: its stock but the consignments below it"""
        pool = Pool()
        Location = pool.get('stock.location')
        Product = pool.get('product.product')
        consignment_ids = sorted({l for p in product_ids
                for l in held.get(p, [])})
        below = {l.id for l in Location.search([
                    ('id', 'in', consignment_ids),
                    ('parent', 'child_of', [storage.id]),
                    ])} if consignment_ids else set()
        pbl = Product.products_by_location(
            [storage.id], with_childs=True,
            grouping_filter=(list(product_ids),))
        return {p: pbl.get((storage.id, p), 0) - sum(
                consigned.get((l, p), 0)
                for l in held.get(p, []) if l in below)
            for p in product_ids}

    @staticmethod
    def _format_quantity(value, uom):
        "Return the quantity with the unit's symbol in the user's language"
        Lang = Pool().get('ir.lang')
        return Lang.get().format_number_symbol(value, uom, digits=uom.digits)

    @classmethod
    def _oversell_error(
            cls, sale, product, asked, storage, consigned, own):
        """Return the error of a till sale asking more of the product than
        the outlet holds: consigned is {location id: quantity}"""
        pool = Pool()
        Location = pool.get('stock.location')

        def quantity(value):
            return cls._format_quantity(max(value, 0), product.default_uom)
        holdings = [gettext('consignment_contract.msg_till_stock_own',
                quantity=quantity(own))]
        for location in Location.browse(sorted(consigned)):
            holdings.append(gettext(
                    'consignment_contract.msg_till_stock_consigned',
                    supplier=location.consignment_party.rec_name,
                    quantity=quantity(consigned[location.id])))
        return ConsignmentStockError(gettext(
                'consignment_contract.msg_till_oversell_detail',
                sale=sale.till_sale_name, product=product.rec_name,
                quantity=quantity(asked),
                outlet=(storage.warehouse or storage).rec_name,
                held=quantity(max(own, 0) + sum(
                        max(q, 0) for q in consigned.values())),
                holdings=', '.join(holdings)))

    @classmethod
    def do(cls, sales):
        # paid: refused before the sale is numbered and done
        cls.check_till_stock(sales)
        super().do(sales)

    @classmethod
    def _consignment_locations(cls, outlet, products, date):
        """Return ({product_id: [location_id]}, {product_id: [location_id]})
        the consignment locations of the outlet the products are sold from
        (suppliers under an active contract on the date) and those that may
        hold them (any contract that ran, for refunds and the own stock)"""
        pool = Pool()
        ContractLine = pool.get('consignment.contract.line')
        Location = pool.get('stock.location')
        if not outlet or not outlet.storage_location or not products:
            return {}, {}
        contract_lines = ContractLine.search([
                ('product', 'in', [p.id for p in products]),
                ('contract.outlets', '=', outlet.id),
                ('contract.state', 'in', ['active', 'expired', 'terminated']),
                ('contract.start_date', '<=', date),
                ], order=[])
        if not contract_lines:
            return {}, {}
        locations = {l.consignment_party.id: l.id for l in Location.search([
                    ('type', '=', 'supplier'),
                    ('consignment_party', 'in', list({
                                l.contract.supplier.id
                                for l in contract_lines})),
                    ('parent', '=', outlet.storage_location.id),
                    ], order=[])}
        selling, held = defaultdict(set), defaultdict(set)
        for line in contract_lines:
            contract = line.contract
            location_id = locations.get(contract.supplier.id)
            if location_id is None:
                continue
            held[line.product.id].add(location_id)
            if (contract.state == 'active'
                    and (not contract.end_date or date <= contract.end_date)):
                selling[line.product.id].add(location_id)
        return ({p: sorted(l) for p, l in selling.items()},
            {p: sorted(l) for p, l in held.items()})

    @classmethod
    def lock_consigned_stock(cls, lines, keys):
        """Lock the (location id, product id) keys of the stock the till
        lines take, in order, waiting a short while for another till

        Raises ConsignmentStockBusyError when another till keeps them."""
        missing = try_lock_stock(keys, cls._stock_lock_wait)
        if missing:
            pool = Pool()
            Location = pool.get('stock.location')
            Uom = pool.get('product.uom')
            # Name the consignor's goods rather than the outlet's storage
            # (locked too when the till may not sell below zero)
            location_id, product_id = next(
                ((l, p) for l, p in missing
                    if Location(l).consignment_party),
                missing[0])
            line = next(l for l in lines if l.product.id == product_id)
            uom = line.product.default_uom

            def quantity(value):
                return cls._format_quantity(value, uom)
            raise ConsignmentStockBusyError(gettext(
                    'consignment_contract.msg_till_stock_busy',
                    till=line.sale.point.rec_name,
                    product=line.product.rec_name,
                    quantity=quantity(sum(
                            Uom.compute_qty(l.unit, l.quantity, uom)
                            for l in lines if l.product.id == product_id)),
                    location=Location(location_id).rec_name,
                    held=quantity(max(
                            cls._stock_held(location_id, product_id), 0))))

    @classmethod
    def _stock_held(cls, location_id, product_id):
        "Return the quantity of the product at the location as committed"
        pool = Pool()
        Product = pool.get('product.product')
        # with its children: the key may be the outlet's storage
        with cls._stock_snapshot(), Transaction().set_context(
                stock_date_end=None):
            pbl = Product.products_by_location(
                [location_id], with_childs=True,
                grouping_filter=([product_id],))
        return pbl.get((location_id, product_id), 0)

    @classmethod
    @contextmanager
    def _stock_snapshot(cls):
        """Read the stock taken under lock_consigned_stock as committed now

        PostgreSQL runs Tryton's transactions in REPEATABLE READ: the
        snapshot is taken at the first query of the request, before the
        lock, so it may miss units another till sold and committed while
        this one waited.  A new read-only transaction, started once the
        locks are held, sees them; as this request has not moved the stock
        of these products yet, it misses nothing of its own."""
        transaction = Transaction()
        if backend.name != 'postgresql':
            yield
            return
        with transaction.new_transaction(readonly=True):
            yield

    @classmethod
    def _consigned_returnable_query(cls, lines, consignment_ids):
        """Return the arguments of Location.consignment_returnable for the
        consigned goods sold at the points of the returned lines"""
        if not lines or not consignment_ids:
            return [], [], [], []
        customer_ids = list({l.sale.point.customer_location.id for l in lines})
        product_ids = list({l.product.id for l in lines})
        return consignment_ids, product_ids, customer_ids, customer_ids

    @classmethod
    def _refund_sources(cls, refunds):
        """Return {refunded line id: [[source, quantity]]} what each refunded
        line took and was not given back yet by its posted refunds, per
        source (a consignment location id or OWN): the consignment locations
        first, in the order the sale took them, then the own stock;
        quantities in the product's default unit.
        refunds are the (refund line id, refunded line id) to post."""
        pool = Pool()
        Line = pool.get('sale.point.sale.line')
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        if not refunds:
            return {}
        originals = sorted({o for _, o in refunds})
        posted = Line.search([
                ('refunded_line', 'in', originals),
                ('id', 'not in', [l for l, _ in refunds]),
                ('sale.state', '=', 'posted'),
                ], order=[])
        origins = {f'{Line.__name__},{i}': (i, True) for i in originals}
        origins.update({f'{Line.__name__},{l.id}': (l.refunded_line.id, False)
                for l in posted})
        move = Move.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*move.select(
                move.origin, move.from_location, move.to_location,
                Sum(move.internal_quantity),
                where=(move.state == 'done')
                & move.origin.in_(list(origins)),
                group_by=[move.origin, move.from_location, move.to_location],
                order_by=[Min(move.id)]))
        rows = cursor.fetchall()
        consignments = {l.id for l in Location.browse(
                list({l for r in rows for l in r[1:3]})) if l.is_consignment}
        sources = defaultdict(lambda: defaultdict(float))
        for origin, from_, to, quantity in rows:
            original, sold = origins[origin]
            location = from_ if sold else to
            source = location if location in consignments else OWN
            sources[original][source] += quantity if sold else -quantity
        return {o: sorted(([s, q] for s, q in sources[o].items()),
                key=lambda i: i[0] == OWN)
            for o in originals}

    @classmethod
    def _allocate_refund(cls, line, quantity, refunded):
        """Yield (consignment location id, quantity) the refunded line took
        and the refund gives back; the rest returns to the own stock"""
        for source, taken in allocate(
                refunded.get(line.refunded_line.id, []), quantity):
            if source != OWN:
                yield source, taken

    @classmethod
    def _allocate_return(cls, line, quantity, returned):
        "Yield (consignment location id, quantity) the goods came from"
        return allocate(returned.get(line.product.id, []), quantity)


def allocate(items, quantity):
    """Yield (source, quantity) taking the quantity from the [source,
    available] items in order, decreasing what they have available"""
    for item in items:
        source, available = item
        taken = min(quantity, available)
        if taken <= 0:
            continue
        item[1] -= taken
        quantity -= taken
        yield source, taken
        if quantity <= 0:
            break


class SaleFollowerMixin:
    "A record of a till sale (line, payment) that users change with it only"
    __slots__ = ()

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        super().check_modification(
            mode, records, values=values, external=external)
        if external:
            Sale.check_closed({r.sale for r in records})


class POSSaleLine(SaleFollowerMixin, BoundsMixin, metaclass=PoolMeta):
    __name__ = 'sale.point.sale.line'

    refunded_line = fields.Many2One(
        'sale.point.sale.line', "Refunded Line", readonly=True,
        ondelete='RESTRICT',
        domain=[
            ('product', '=', Eval('product', -1)),
            ('sale.state', 'in', ['done', 'posted']),
            ],
        help="The line of the sale whose goods this line takes back.")
    refund_lines = fields.One2Many(
        'sale.point.sale.line', 'refunded_line', "Refund Lines",
        readonly=True)

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'quantity': Bound(-QUANTITY_MAX, QUANTITY_MAX, zero=False),
            'unit_list_price': Bound(0, AMOUNT_MAX),
            'unit_gross_price': Bound(0, AMOUNT_MAX),
            }

    @classmethod
    def validate_fields(cls, lines, field_names):
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        super().validate_fields(lines, field_names)
        if field_names is None or field_names & {
                'product', 'quantity', 'unit'}:
            # The clerk learns it when adding the line, not at payment
            Sale.check_till_stock(list({l.sale for l in lines}))
        if field_names is None or field_names & {
                'product', 'quantity', 'unit', 'refunded_line'}:
            cls.check_refunded_quantity(
                [l for l in lines if l.refunded_line])

    @classmethod
    def check_refunded_quantity(cls, lines):
        """Refuse a refund line that is not a negative quantity of the
        refunded product, or that takes back more than was sold"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        for line in lines:
            original = line.refunded_line
            if (line.product != original.product
                    or line.quantity is None or line.quantity >= 0):
                raise TillRefundError(gettext(
                        'consignment_contract.msg_till_refund_line',
                        sale=line.sale.till_sale_name,
                        product=original.product.rec_name,
                        refunded=original.sale.till_sale_name))
            refundable = original.refundable_quantity
            if original.unit.round(refundable) < 0:
                unit = original.unit
                raise TillRefundError(gettext(
                        'consignment_contract.msg_till_refund_too_much',
                        sale=line.sale.till_sale_name,
                        product=original.product.rec_name,
                        refunded=original.sale.till_sale_name,
                        sold=lang.format_number_symbol(
                            original.quantity, unit, digits=unit.digits),
                        refunds=lang.format_number_symbol(
                            original.quantity - refundable, unit,
                            digits=unit.digits)))

    @property
    def refundable_quantity(self):
        """The quantity of the line, in its unit, that no refund (but those
        of cancelled sales) takes back yet"""
        pool = Pool()
        Uom = pool.get('product.uom')
        if not self.quantity or self.quantity <= 0:
            return 0
        refunded = sum(Uom.compute_qty(l.unit, -l.quantity, self.unit,
                round=False)
            for l in self.refund_lines
            if l.quantity and l.sale.state != 'cancelled')
        return self.unit.round(self.quantity - refunded)

    def get_stock_move(self):
        move = super().get_stock_move()
        own = _own_quantities.get(Transaction()) or {}
        if move and self.id in own:
            move.quantity = self.unit.round(own[self.id])
            if move.quantity <= 0:
                return None
        return move

    def get_consignment_stock_moves(self, parts):
        """Return the stock moves of the consigned part of the line:
        from (or back to, for a refund) each consignment location"""
        moves = []
        with own_quantities(None):
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


class POSPayment(SaleFollowerMixin, BoundsMixin, metaclass=PoolMeta):
    __name__ = 'sale.point.payment'

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'amount': Bound(-AMOUNT_MAX, AMOUNT_MAX),
            }


class POSSaleRefund(Wizard):
    "Refund a Till Sale"
    __name__ = 'sale.point.sale.refund'
    start_state = 'refund'
    refund = StateAction('sale_point.act_sale_form')

    def do_refund(self, action):
        pool = Pool()
        Sale = pool.get('sale.point.sale')
        refunds = Sale.create_refunds(self.records)
        data = {'res_id': [s.id for s in refunds]}
        if len(refunds) == 1:
            action['views'].reverse()
        return action, data


class TillReceipt(DocumentReport):
    "Till Receipt"
    __name__ = 'sale.point.sale.receipt'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['outlet'] = lambda sale: sale.point.storage_location.warehouse
        # sale_point records the change given back as a negative payment
        context['tendered'] = lambda sale: [
            p for p in sale.payments if p.amount > 0]
        context['change'] = lambda sale: -sum(
            p.amount for p in sale.payments if p.amount < 0)
        return context
