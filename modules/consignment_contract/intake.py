# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from collections import defaultdict

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

from party_umkm.certificate import document_name
from stock_regency.bounds import Bound, BoundsMixin

from .contract import check_certificates
from .document import DocumentReport
from .exceptions import IntakeCancelError, IntakeError


class Intake(Workflow, ModelSQL, ModelView):
    "Consignment Intake"
    __name__ = 'consignment.intake'
    _history = True
    _rec_name = 'number'

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    reference = fields.Char(
        "Reference", states=_states,
        help="The supplier's delivery note number.")
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    contract = fields.Many2One(
        'consignment.contract', "Contract", required=True, states=_states,
        domain=[
            ('company', '=', Eval('company', -1)),
            If(Eval('state') == 'draft',
                ('state', '=', 'active'),
                ()),
            ])
    supplier = fields.Function(
        fields.Many2One('party.party', "Supplier"),
        'on_change_with_supplier', searcher='search_supplier')
    outlet = fields.Many2One(
        'stock.location', "Outlet", required=True, states=_states,
        domain=[
            ('type', '=', 'warehouse'),
            If(Eval('state') == 'draft',
                ('consignment_contracts', '=', Eval('contract', -1)),
                ()),
            ])
    date = fields.Date("Date", required=True, states=_states)
    lines = fields.One2Many(
        'consignment.intake.line', 'intake', "Lines",
        states={
            'readonly': _states['readonly'] | ~Eval('contract'),
            },
        # the web client computes no function field of a new line: its
        # defaults get the contract (products offered) from the context
        context={
            'consignment_intake_contract': Eval('contract', -1),
            },
        depends={'contract'})
    location = fields.Function(
        fields.Many2One('stock.location', "Consignment Location"),
        'get_location')
    received_by = fields.Many2One(
        'company.employee', "Received by", states=_states,
        domain=[('company', '=', Eval('company', -1))])
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                where=t.state == 'draft'))
        cls._order = [
            ('date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            ('done', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'draft',
                    'readonly': ~Eval('lines', []),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') == 'cancelled',
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
    def default_date(cls):
        return Pool().get('ir.date').today()

    @fields.depends('contract')
    def on_change_with_supplier(self, name=None):
        return self.contract.supplier if self.contract else None

    @classmethod
    def search_supplier(cls, name, clause):
        return [('contract.supplier' + clause[0][len(name):], *clause[1:])]

    @fields.depends('contract', 'outlet')
    def on_change_contract(self):
        if self.contract and len(self.contract.outlets) == 1:
            self.outlet, = self.contract.outlets

    def get_location(self, name):
        pool = Pool()
        Location = pool.get('stock.location')
        if self.contract and self.outlet:
            locations = Location.search([
                    ('type', '=', 'supplier'),
                    ('consignment_party', '=', self.contract.supplier.id),
                    ('parent', '=', self.outlet.storage_location.id),
                    ], limit=1)
            if locations:
                return locations[0].id

    def get_rec_name(self, name):
        return self.number or self.document_name

    @property
    def document_name(self):
        "How messages name the intake: by number, or as the supplier's new one"
        return document_name(
            self, party=self.contract.supplier if self.contract else None,
            kind=gettext('consignment_contract.msg_document_kind_intake'))

    @classmethod
    def check_modification(cls, mode, intakes, values=None, external=False):
        super().check_modification(
            mode, intakes, values=values, external=external)
        if mode == 'delete':
            for intake in intakes:
                if intake.state == 'done':
                    raise AccessError(gettext(
                            'consignment_contract.msg_intake_delete_done',
                            intake=intake.document_name))

    @classmethod
    def copy(cls, intakes, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number')
        return super().copy(intakes, default=default)

    def check_contract(self):
        "Refuse an intake the contract does not cover"
        pool = Pool()
        Lang = pool.get('ir.lang')
        if not self.contract.covers(self.outlet, self.date):
            raise IntakeError(gettext(
                    'consignment_contract.msg_intake_contract_not_active',
                    intake=self.document_name,
                    contract=self.contract.rec_name,
                    outlet=self.outlet.rec_name,
                    date=Lang.get().strftime(self.date)))
        for line in self.lines:
            line.check_contract_line()
            line.check_shelf_life()
        check_certificates(
            [(l.product, self.contract.supplier) for l in self.lines],
            self.date)

    @classmethod
    def check_quantity_caps(cls, intakes):
        "Refuse receiving more than the quantity cap of a contract line"
        pool = Pool()
        Line = pool.get('consignment.intake.line')
        Uom = pool.get('product.uom')
        received = defaultdict(float)
        contracts = {i.contract for i in intakes}
        for line in Line.search([
                    ('intake.contract', 'in', [c.id for c in contracts]),
                    ('intake.state', '=', 'done'),
                    ]):
            received[(line.intake.contract, line.product)] += (
                Uom.compute_qty(
                    line.unit, line.quantity, line.product.default_uom,
                    round=False))
        for intake in intakes:
            for line in intake.lines:
                key = (intake.contract, line.product)
                received[key] += Uom.compute_qty(
                    line.unit, line.quantity, line.product.default_uom,
                    round=False)
                contract_line = intake.contract.get_line(line.product)
                if (contract_line.quantity_cap is not None
                        and received[key] > contract_line.quantity_cap):
                    raise IntakeError(gettext(
                            'consignment_contract.msg_intake_quantity_cap',
                            intake=intake.document_name,
                            product=line.product.rec_name,
                            cap=contract_line.quantity_cap,
                            quantity=received[key]))

    @classmethod
    def set_number(cls, intakes):
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        config = Configuration(1)
        for intake in intakes:
            if not intake.number:
                intake.number = config.get_multivalue(
                    'intake_sequence', company=intake.company.id).get()
        cls.save(intakes)

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def do(cls, intakes):
        pool = Pool()
        Location = pool.get('stock.location')
        Move = pool.get('stock.move')
        for intake in intakes:
            if not intake.lines:
                raise IntakeError(gettext(
                        'consignment_contract.msg_intake_no_line',
                        intake=intake.document_name))
            intake.check_contract()
        cls.check_quantity_caps(intakes)
        locations = Location.get_consignment_locations(
            {(i.contract.supplier, i.outlet) for i in intakes})
        moves, lines = [], []
        for intake in intakes:
            location = locations[(intake.contract.supplier, intake.outlet)]
            for line in intake.lines:
                line.move = line.get_move(location)
                moves.append(line.move)
                lines.append(line)
        Move.save(moves)
        Move.do(moves)
        pool.get('consignment.intake.line').save(lines)
        cls.set_number(intakes)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, intakes):
        "Cancel intakes; a done intake sends its goods back to the supplier"
        pool = Pool()
        Move = pool.get('stock.move')
        done = [i for i in intakes if i.state == 'done']
        returns = []
        cls.check_goods_still_held(done)
        for intake in done:
            for line in intake.lines:
                if line.move:
                    returns.append(line.get_return_move())
        if returns:
            Move.save(returns)
            Move.do(returns)

    @classmethod
    def check_goods_still_held(cls, intakes):
        "Refuse cancelling intakes whose goods have been sold already"
        pool = Pool()
        Product = pool.get('product.product')
        Uom = pool.get('product.uom')
        Date = pool.get('ir.date')
        needed = defaultdict(float)
        for intake in intakes:
            for line in intake.lines:
                if line.move:
                    needed[(line.move.to_location.id, line.product.id)] += (
                        Uom.compute_qty(
                            line.unit, line.quantity,
                            line.product.default_uom, round=False))
        if not needed:
            return
        location_ids = list({k[0] for k in needed})
        product_ids = list({k[1] for k in needed})
        with Transaction().set_context(stock_date_end=Date.today()):
            pbl = Product.products_by_location(
                location_ids, with_childs=True,
                grouping_filter=(product_ids,))
        for intake in intakes:
            for line in intake.lines:
                if not line.move:
                    continue
                key = (line.move.to_location.id, line.product.id)
                if pbl.get(key, 0) < needed[key]:
                    raise IntakeCancelError(gettext(
                            'consignment_contract.msg_intake_cancel_sold',
                            intake=intake.document_name,
                            product=line.product.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, intakes):
        pool = Pool()
        Line = pool.get('consignment.intake.line')
        lines = [l for i in intakes for l in i.lines if l.move]
        Line.write(lines, {'move': None})


class IntakeLine(BoundsMixin, ModelSQL, ModelView):
    "Consignment Intake Line"
    __name__ = 'consignment.intake.line'
    _history = True

    _states = {
        'readonly': Eval('intake_state') != 'draft',
        }

    intake = fields.Many2One(
        'consignment.intake', "Intake", required=True, ondelete='CASCADE',
        states=_states)
    product = fields.Many2One(
        'product.product', "Product", required=True, states=_states,
        domain=[
            ('type', '=', 'goods'),
            If(Eval('intake_state') == 'draft',
                ('id', 'in', Eval('contract_products', [])),
                ()),
            ],
        help="A product on the intake's contract.")
    quantity = fields.Float(
        "Quantity", digits='unit', required=True, states=_states,
        domain=[('quantity', '>', 0)])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    lot = fields.Many2One(
        'stock.lot', "Lot", states=_states,
        domain=[('product', '=', Eval('product', -1))])
    expiration_date = fields.Function(
        fields.Date("Expiration Date"), 'on_change_with_expiration_date')
    move = fields.Many2One(
        'stock.move', "Move", readonly=True, ondelete='RESTRICT')
    contract = fields.Function(
        fields.Many2One('consignment.contract', "Contract"),
        'on_change_with_contract')
    contract_products = fields.Function(
        fields.Many2Many('product.product', None, None, "Contract Products"),
        'on_change_with_contract_products')
    intake_state = fields.Function(
        fields.Selection('get_intake_states', "Intake State"),
        'on_change_with_intake_state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('intake')

    @classmethod
    def _field_bounds(cls):
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        maximum = Configuration(1).intake_quantity_max
        return super()._field_bounds() | {
            'quantity': Bound(0, maximum, zero=False),
            }

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('lot')
    def on_change_with_expiration_date(self, name=None):
        if self.lot:
            return (getattr(self.lot, 'expiration_date', None)
                or getattr(self.lot, 'shelf_life_expiration_date', None))

    @fields.depends('intake', '_parent_intake.contract')
    def on_change_with_contract(self, name=None):
        return self.intake.contract if self.intake else None

    @fields.depends('intake', '_parent_intake.contract')
    def on_change_with_contract_products(self, name=None):
        "Return the products the intake's contract prices"
        if self.intake and self.intake.contract:
            return [l.product for l in self.intake.contract.lines]
        return []

    @classmethod
    def default_intake_state(cls):
        # the client does not compute the function field for a new line,
        # which is only added to a draft intake
        return 'draft'

    @classmethod
    def default_contract_products(cls):
        pool = Pool()
        Contract = pool.get('consignment.contract')
        contract_id = Transaction().context.get(
            'consignment_intake_contract')
        if isinstance(contract_id, int) and contract_id >= 0:
            return [l.product.id for l in Contract(contract_id).lines]
        return []

    @classmethod
    def get_intake_states(cls):
        pool = Pool()
        Intake = pool.get('consignment.intake')
        return Intake.fields_get(['state'])['state']['selection']

    @fields.depends('intake', '_parent_intake.state')
    def on_change_with_intake_state(self, name=None):
        if self.intake:
            return self.intake.state

    def get_rec_name(self, name):
        return '%s @ %s' % (self.product.rec_name, self.intake.rec_name)

    @property
    def requires_lot(self):
        "Tell if the product is received by lot (food with an expiry)"
        template = self.product.template
        return (bool(getattr(template, 'lot_required', None))
            or getattr(template, 'expiration_state', 'none') != 'none'
            or getattr(template, 'shelf_life_state', 'none') != 'none')

    def check_contract_line(self):
        if not self.intake.contract.get_line(self.product):
            raise IntakeError(gettext(
                    'consignment_contract.msg_intake_product_not_on_contract',
                    intake=self.intake.document_name,
                    product=self.product.rec_name,
                    contract=self.intake.contract.rec_name))

    def check_shelf_life(self):
        "Refuse lots expiring before the contract's minimum shelf life"
        contract = self.intake.contract
        if self.requires_lot and not self.lot:
            raise IntakeError(gettext(
                    'consignment_contract.msg_intake_lot_required',
                    intake=self.intake.document_name,
                    product=self.product.rec_name))
        if not self.lot or not contract.min_shelf_life_days:
            return
        expiration_date = self.on_change_with_expiration_date()
        if not expiration_date:
            raise IntakeError(gettext(
                    'consignment_contract.msg_intake_lot_no_expiry',
                    intake=self.intake.document_name,
                    lot=self.lot.rec_name))
        days = (expiration_date - self.intake.date).days
        if days < contract.min_shelf_life_days:
            raise IntakeError(gettext(
                    'consignment_contract.msg_intake_shelf_life',
                    intake=self.intake.document_name,
                    lot=self.lot.rec_name,
                    days=days,
                    minimum=contract.min_shelf_life_days))

    def get_move(self, location):
        "Return the stock move that brings the line into consignment"
        pool = Pool()
        Move = pool.get('stock.move')
        intake = self.intake
        move = Move()
        move.company = intake.company
        move.product = self.product
        move.unit = self.unit
        move.quantity = self.quantity
        move.from_location = intake.contract.supplier.supplier_location
        move.to_location = location
        move.planned_date = move.effective_date = intake.date
        move.origin = self
        if self.lot:
            move.lot = self.lot
        return move

    def get_return_move(self):
        "Return the stock move that sends the line back to the supplier"
        pool = Pool()
        Move = pool.get('stock.move')
        Date = pool.get('ir.date')
        move = Move()
        move.company = self.move.company
        move.product = self.move.product
        move.unit = self.move.unit
        move.quantity = self.move.quantity
        move.from_location = self.move.to_location
        move.to_location = self.move.from_location
        with Transaction().set_context(company=move.company.id):
            move.planned_date = move.effective_date = Date.today()
        move.origin = self
        if self.lot:
            move.lot = self.lot
        return move


class IntakeReceipt(DocumentReport):
    "Consignment Intake Receipt"
    __name__ = 'consignment.intake.receipt'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['total_quantity'] = lambda intake: sum(
            l.quantity for l in intake.lines)
        return context
