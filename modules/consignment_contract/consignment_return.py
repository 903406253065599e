# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
import datetime as dt
from collections import defaultdict

from sql import Cast, Literal, Null, Window
from sql.aggregate import Min, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Function

from trytond import backend

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .document import DocumentReport
from .exceptions import ConsignmentReturnError


class ConsignmentReturn(Workflow, ModelSQL, ModelView):
    "Consignment Return"
    __name__ = 'consignment.return'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    contract = fields.Many2One(
        'consignment.contract', "Contract", required=True, states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            ('state', 'in', ['active', 'expired', 'terminated']),
            ])
    supplier = fields.Function(
        fields.Many2One('party.party', "Supplier"),
        'on_change_with_supplier')
    outlet = fields.Many2One(
        'stock.location', "Outlet", required=True, states=_states,
        domain=[
            ('type', '=', 'warehouse'),
            If(Eval('state') == 'draft',
                ('consignment_contracts', '=', Eval('contract', -1)),
                ()),
            ])
    kind = fields.Selection([
            ('return', "Return to Supplier"),
            ('write_off', "Write Off"),
            ], "Kind", required=True, states=_states,
        help="A write-off charges the supplier's share of the loss at the "
        "next settlement, under the contract's loss share.")
    date = fields.Date("Date", required=True, states=_states)
    reason = fields.Char("Reason", states=_states)
    lines = fields.One2Many(
        'consignment.return.line', 'return_', "Lines",
        states={
            'readonly': _states['readonly'] | ~Eval('contract'),
            })
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'cancelled',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'return'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('contract')
    def on_change_with_supplier(self, name=None):
        return self.contract.supplier if self.contract else None

    @fields.depends('contract', 'outlet')
    def on_change_contract(self):
        if self.contract and len(self.contract.outlets) == 1:
            self.outlet, = self.contract.outlets

    def get_rec_name(self, name):
        lang = Pool().get('ir.lang').get()
        return '%s — %s' % (
            self.contract.supplier.rec_name, lang.strftime(self.date))

    @property
    def consignment_location(self):
        pool = Pool()
        Location = pool.get('stock.location')
        return Location.get_consignment_locations(
            {(self.contract.supplier, self.outlet)})[
            (self.contract.supplier, self.outlet)]

    @classmethod
    def check_quantities(cls, returns):
        "Refuse sending away more than the consignment location holds"
        pool = Pool()
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        Date = pool.get('ir.date')
        needed = defaultdict(float)
        locations = {}
        for return_ in returns:
            location = locations[return_.id] = return_.consignment_location
            for line in return_.lines:
                needed[(location.id, line.product.id)] += Uom.compute_qty(
                    line.unit, line.quantity, line.product.default_uom,
                    round=False)
        if not needed:
            return
        with Transaction().set_context(stock_date_end=Date.today()):
            held = Product.products_by_location(
                list({k[0] for k in needed}), with_childs=True,
                grouping_filter=(list({k[1] for k in needed}),))
        for return_ in returns:
            for line in return_.lines:
                key = (locations[return_.id].id, line.product.id)
                if held.get(key, 0) < needed[key]:
                    raise ConsignmentReturnError(gettext(
                            'consignment_contract.msg_return_too_much',
                            product=line.product.rec_name,
                            quantity=needed[key],
                            held=held.get(key, 0),
                            location=locations[return_.id].rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, returns):
        pool = Pool()
        Move = pool.get('stock.move')
        InvoiceLine = pool.get('account.invoice.line')
        for return_ in returns:
            if not return_.lines:
                raise ConsignmentReturnError(gettext(
                        'consignment_contract.msg_return_no_line',
                        return_=return_.rec_name))
        cls.check_quantities(returns)
        moves, lines, invoice_lines = [], [], []
        for return_ in returns:
            location = return_.consignment_location
            for line in return_.lines:
                line.move = line.get_move(location)
                moves.append(line.move)
                lines.append(line)
                if return_.kind == 'write_off':
                    invoice_lines.append(line.get_write_off_invoice_line())
        Move.save(moves)
        Move.do(moves)
        pool.get('consignment.return.line').save(lines)
        InvoiceLine.save([l for l in invoice_lines if l])

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, returns):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, returns):
        pass


class ConsignmentReturnLine(ModelSQL, ModelView):
    "Consignment Return Line"
    __name__ = 'consignment.return.line'

    return_ = fields.Many2One(
        'consignment.return', "Return", required=True, ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Product", required=True,
        domain=[('type', '=', 'goods')])
    quantity = fields.Float("Quantity", digits='unit', required=True,
        domain=[('quantity', '>', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    lot = fields.Many2One(
        'stock.lot', "Lot", domain=[('product', '=', Eval('product', -1))])
    move = fields.Many2One('stock.move', "Move", readonly=True)

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    def get_move(self, location):
        "Return the move taking the goods out of the consignment location"
        pool = Pool()
        Move = pool.get('stock.move')
        return_ = self.return_
        move = Move()
        move.company = return_.company
        move.product = self.product
        move.unit = self.unit
        move.quantity = self.quantity
        move.from_location = location
        if return_.kind == 'write_off':
            move.to_location = return_.outlet.lost_found_used
        else:
            move.to_location = return_.contract.supplier.supplier_location
        move.planned_date = move.effective_date = return_.date
        move.origin = self
        move.lot = self.lot
        return move

    def get_write_off_invoice_line(self):
        """Return the supplier line of written-off goods at the consignor's
        value; the settlement deducts the supplier's share of the loss"""
        pool = Pool()
        ContractLine = pool.get('consignment.contract.line')
        Configuration = pool.get('consignment.configuration')
        InvoiceLine = pool.get('account.invoice.line')
        return_ = self.return_
        contract_line = ContractLine.find_for(
            return_.contract.supplier, self.product, return_.outlet,
            return_.date)
        if not contract_line:
            return
        line = InvoiceLine(
            invoice_type='in', type='line', company=return_.company,
            party=return_.contract.supplier,
            currency=return_.contract.currency,
            product=self.product, quantity=self.quantity, unit=self.unit,
            origin=self)
        line.on_change_product()
        account = Configuration(1).get_multivalue(
            'write_off_account', company=return_.company.id)
        if account:
            line.account = account
        with Transaction().set_context(company=return_.company.id):
            line.unit_price = contract_line.get_unit_price(
                contract_line.selling_price, self.unit)
        line.consignment_contract = contract_line.contract
        line.consignment_outlet = return_.outlet
        line.consignment_date = return_.date
        return line


class ReturnNote(DocumentReport):
    "Consignment Return Note"
    __name__ = 'consignment.return.note'


class _SQLiteJulianDay(Function):
    __slots__ = ()
    _function = 'JULIANDAY'


def days_between(start, end):
    "Return the SQL expression of the number of days from start to end"
    start, end = [Literal(d) if isinstance(d, dt.date) else d
        for d in [start, end]]
    if backend.name == 'sqlite':
        return Cast(
            _SQLiteJulianDay(end) - _SQLiteJulianDay(start), 'INTEGER')
    return end - start


def held_of_receipt(held, receipt):
    """Return the condition that joins the goods held (a query of location,
    product, lot and quantity) to their receipts (Aging.receipts_query) and
    the expression of the units held of the receipt: the units held less
    those received after it, within the receipt's quantity"""
    condition = ((receipt.location == held.location)
        & (receipt.product == held.product)
        & ((receipt.lot == held.lot)
            | ((receipt.lot == Null) & (held.lot == Null))))
    left = held.quantity - (receipt.received_since - receipt.quantity)
    remaining = Case(
        (left <= 0, 0.0),
        (left >= receipt.quantity, receipt.quantity),
        else_=left)
    return condition, remaining


class Aging(ModelSQL, ModelView):
    "Consigned Stock Aging"
    __name__ = 'consignment.aging'

    supplier = fields.Many2One('party.party', "Supplier")
    outlet = fields.Many2One('stock.location', "Outlet")
    location = fields.Many2One('stock.location', "Consignment Location")
    product = fields.Many2One('product.product', "Product")
    lot = fields.Many2One('stock.lot', "Lot")
    contract = fields.Many2One(
        'consignment.contract', "Contract",
        help="The contract that prices the goods today: the active one, "
        "else the last one that ran.")
    quantity = fields.Float("Quantity")
    intake_date = fields.Date("Intake Date")
    days_on_shelf = fields.Integer("Days on Shelf")
    days_to_contract_end = fields.Integer("Days to Contract End")
    days_to_expiry = fields.Integer("Days to Expiry")
    pull_out = fields.Function(fields.Boolean("Pull Out",
            help="Past the contract's shelf limit or end, or within the "
            "expiry margin of the lot."),
        'get_pull_out', searcher='search_pull_out')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('intake_date', 'ASC'), ('id', 'ASC')]

    @classmethod
    def expiry_margin(cls):
        """Return the number of days before expiry from which goods are
        pulled out: the context's expiry_margin, else the configuration"""
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        margin = Transaction().context.get('expiry_margin')
        if margin is None:
            margin = Configuration(1).pull_out_expiry_margin
        return int(margin or 0)

    @classmethod
    def _stock_held_query(cls):
        "Consigned stock held per location, product and lot"
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        move = Move.__table__()
        location = Location.__table__()
        warehouse = Location.__table__()
        consignment = location.join(warehouse, condition=(
                (warehouse.type == 'warehouse')
                & (warehouse.left < location.left)
                & (warehouse.right > location.right))).select(
            location.id, location.consignment_party,
            warehouse.id.as_('outlet'),
            where=(location.type == 'supplier')
            & (location.consignment_party != Null))
        into = move.to_location == consignment.id
        return consignment.join(move, condition=(
                (move.to_location == consignment.id)
                | (move.from_location == consignment.id))
            ).select(
                Min(Case((into, move.id), else_=Null)).as_('id'),
                consignment.consignment_party.as_('supplier'),
                consignment.outlet.as_('outlet'),
                consignment.id.as_('location'),
                move.product.as_('product'),
                move.lot.as_('lot'),
                Sum(Case((into, move.internal_quantity),
                        else_=-move.internal_quantity)).as_('quantity'),
                where=move.state == 'done',
                group_by=[consignment.consignment_party, consignment.outlet,
                    consignment.id, move.product, move.lot],
                having=Sum(Case((into, move.internal_quantity),
                        else_=-move.internal_quantity)) > 0)

    @classmethod
    def _held_query(cls):
        """Consigned stock held per location, product and lot, with the date
        of the oldest receipt it is left of: the goods leave first in, first
        out, so what is held is what was received last (a product restocked
        every month is as old as its oldest receipt not yet sold, not as
        its first receipt)"""
        held = cls._stock_held_query()
        receipt = cls.receipts_query()
        condition, remaining = held_of_receipt(held, receipt)
        key = [held.id, held.supplier, held.outlet, held.location,
            held.product, held.lot, held.quantity]
        return held.join(receipt, 'LEFT', condition=condition).select(
            *key,
            Min(Case((remaining > 0, receipt.date), else_=Null)).as_(
                'intake_date'),
            group_by=key)

    @classmethod
    def receipts_query(cls):
        """Return the query of the consigned goods received from their
        consignors (done moves into a consignment location from a supplier
        location that is no consignor's), each with the quantity of the
        same goods (location, product, lot) received with it or after it"""
        pool = Pool()
        Move = pool.get('stock.move')
        Location = pool.get('stock.location')
        move = Move.__table__()
        to = Location.__table__()
        source = Location.__table__()
        date = Coalesce(move.effective_date, move.planned_date)
        latest_first = Window(
            [move.to_location, move.product, move.lot],
            order_by=[date.desc, move.id.desc])
        return (move
            .join(to, condition=move.to_location == to.id)
            .join(source, condition=move.from_location == source.id)
            .select(
                move.to_location.as_('location'),
                move.product.as_('product'),
                move.lot.as_('lot'),
                date.as_('date'),
                move.internal_quantity.as_('quantity'),
                Sum(move.internal_quantity, window=latest_first).as_(
                    'received_since'),
                where=(move.state == 'done')
                & (to.type == 'supplier') & (to.consignment_party != Null)
                & (source.type == 'supplier')
                & (source.consignment_party == Null)))

    @classmethod
    def _contract_query(cls, held, today):
        """Return the scalar subquery of the contract pricing the held goods
        on the date, as ContractLine.find_for: the active contract covering
        the date, else the last one that ran"""
        pool = Pool()
        Contract = pool.get('consignment.contract')
        ContractLine = pool.get('consignment.contract.line')
        ContractOutlet = pool.get('consignment.contract-stock.location')
        contract = Contract.__table__()
        line = ContractLine.__table__()
        outlet = ContractOutlet.__table__()
        covers = ((contract.state == 'active')
            & ((contract.end_date == Null) | (contract.end_date >= today)))
        return line.join(contract, condition=line.contract == contract.id
            ).join(outlet, condition=outlet.contract == contract.id
            ).select(contract.id,
                where=(contract.supplier == held.supplier)
                & (outlet.outlet == held.outlet)
                & (line.product == held.product)
                & contract.state.in_(['active', 'expired', 'terminated'])
                & (contract.start_date <= today),
                order_by=[
                    Case((covers, 0), else_=1),
                    contract.start_date.desc,
                    contract.id.desc,
                    ],
                limit=1)

    @classmethod
    def table_query(cls):
        """Consigned stock held per location, product and lot with its day
        counts and pull-out flag, in one query"""
        pool = Pool()
        Contract = pool.get('consignment.contract')
        Lot = pool.get('stock.lot')
        Date = pool.get('ir.date')
        today = Date.today()
        margin = cls.expiry_margin()

        held = cls._held_query()
        priced = held.select(
            held.id, held.supplier, held.outlet, held.location,
            held.product, held.lot, held.quantity, held.intake_date,
            cls._contract_query(held, today).as_('contract'))
        contract = Contract.__table__()
        lot = Lot.__table__()
        on_shelf = days_between(priced.intake_date, today)
        to_end = days_between(today, contract.end_date)
        to_expiry = days_between(today, lot.expiration_date)
        pull_out = ((to_end < 0)
            | contract.state.in_(['expired', 'terminated'])
            | (on_shelf > contract.max_shelf_days)
            | (to_expiry <= margin))
        return priced.join(contract, 'LEFT',
                condition=priced.contract == contract.id
            ).join(lot, 'LEFT', condition=priced.lot == lot.id
            ).select(
                priced.id.as_('id'),
                priced.supplier.as_('supplier'),
                priced.outlet.as_('outlet'),
                priced.location.as_('location'),
                priced.product.as_('product'),
                priced.lot.as_('lot'),
                priced.contract.as_('contract'),
                priced.quantity.as_('quantity'),
                priced.intake_date.as_('intake_date'),
                on_shelf.as_('days_on_shelf'),
                to_end.as_('days_to_contract_end'),
                to_expiry.as_('days_to_expiry'),
                Case((pull_out, Literal(True)),
                    else_=Literal(False)).as_('pull_out'))

    @classmethod
    def get_pull_out(cls, records, name):
        "Read the pull-out flag computed by table_query"
        transaction = Transaction()
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        in_ = fields.SQL_OPERATORS['in']
        result = {}
        for sub_ids in grouped_slice(
                [r.id for r in records], backend.MAX_QUERY_PARAMS // 2):
            cursor.execute(*table.select(table.id, table.pull_out,
                    where=in_(table.id, list(sub_ids))))
            # SQLite returns the flag as 0 or 1
            result.update((id_, bool(flag)) for id_, flag in cursor)
        return result

    @classmethod
    def search_pull_out(cls, name, clause):
        _, operator, value = clause
        table = cls.__table__()
        Operator = fields.SQL_OPERATORS[operator]
        if operator in {'in', 'not in'}:
            value = [bool(v) for v in value]
        else:
            value = bool(value)
        return [('id', 'in', table.select(table.id,
                    where=Operator(table.pull_out, value)))]
