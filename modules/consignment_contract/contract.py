# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
import datetime as dt
from collections import defaultdict
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.currency.fields import Monetary
from trytond.modules.product import price_digits, round_price
from trytond.pool import Pool
from trytond.pyson import Bool, Date, Eval
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from stock_regency.bounds import (
    AMOUNT_MAX, DAYS_MAX, QUANTITY_MAX, RATE, Bound, BoundsMixin)

from .configuration import SETTLEMENT_PERIODS
from .document import DocumentReport
from .exceptions import (
    ContractAmendError, ContractModifyError,
    ConsignorPriceWarning, ContractDeleteError, ContractOverlapError,
    ContractValidationError, UnsoldGoodsError)

PRICING_MODES = [
    ('consignor_price', "Consignor Price"),
    ('commission', "Commission"),
    ]

UNSOLD_ACTIONS = [
    ('return', "Return to Supplier"),
    ('buy_out', "Convert to Outright Purchase"),
    ('write_off', "Donate or Write Off"),
    ]


def _format_date(date):
    "Return the date in the user's language"
    return Pool().get('ir.lang').get().strftime(date)


def check_contract_draft(contracts):
    "Refuse changing the lines or outlets of a contract that is not draft"
    for contract in contracts:
        if contract.state != 'draft':
            raise ContractModifyError(gettext(
                    'consignment_contract.msg_contract_modify_terms',
                    contract=contract.rec_name,
                    state=contract.state_string))


def check_certificates(items, date):
    """Check the certificates of (product, supplier) pairs with party_umkm.

    Raises party_umkm's CertificateGatingError listing what is missing."""
    pool = Pool()
    try:
        Certificate = pool.get('party.certificate')
    except KeyError:
        return
    items = list(items)
    if items and hasattr(Certificate, 'check_products'):
        Certificate.check_products(items, date)


class Contract(BoundsMixin, Workflow, ModelSQL, ModelView, ChatMixin):
    "Consignment Contract"
    __name__ = 'consignment.contract'
    _rec_name = 'number'
    _history = True

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    number = fields.Char("Number", readonly=True)
    version = fields.Integer(
        "Version", required=True, readonly=True,
        help="The contract's version: an amendment makes the next one.")
    previous_version = fields.Many2One(
        'consignment.contract', "Previous Version", readonly=True,
        ondelete='RESTRICT',
        help="The version this one amends: it ends the day before this "
        "one starts.")
    first_version = fields.Many2One(
        'consignment.contract', "First Version", readonly=True,
        ondelete='RESTRICT')
    versions = fields.Function(fields.Many2Many(
            'consignment.contract', None, None, "Versions", readonly=True,
            help="Every version of the contract, the first one first."),
        'get_versions')
    reference = fields.Char("Reference", states=_states)
    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    supplier = fields.Many2One(
        'party.party', "Supplier", required=True, states=_states,
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    currency = fields.Function(
        fields.Many2One('currency.currency', "Currency"),
        'on_change_with_currency')
    start_date = fields.Date("Start Date", required=True, states=_states)
    end_date = fields.Date(
        "End Date", states=_states,
        help="Leave empty for a contract without end.")
    outlets = fields.Many2Many(
        'consignment.contract-stock.location', 'contract', 'outlet',
        "Outlets", states=_states,
        domain=[('type', '=', 'warehouse')],
        help="The outlets (warehouses) where the supplier's goods are "
        "consigned.")
    default_commission = fields.Numeric(
        "Default Commission", digits=(1, 4), states=_states,
        help="The commission on the selling price (tax excluded) used by "
        "lines priced by commission without their own rate.")
    max_shelf_days = fields.Integer(
        "Maximum Days on Shelf", states=_states,
        domain=['OR',
            ('max_shelf_days', '=', None),
            ('max_shelf_days', '>', 0),
            ],
        help="Goods older than this are pulled out (aging limit).")
    min_shelf_life_days = fields.Integer(
        "Minimum Shelf Life at Intake", states=_states,
        domain=['OR',
            ('min_shelf_life_days', '=', None),
            ('min_shelf_life_days', '>=', 0),
            ],
        help="The minimum number of days before expiry a lot must have "
        "when it is received.")
    unsold_action = fields.Selection(
        UNSOLD_ACTIONS, "Unsold Goods", required=True, states=_states,
        help="What happens to goods not sold at the end of the contract.")
    write_off_loss_share = fields.Numeric(
        "Loss Share", digits=(1, 4),
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('unsold_action') != 'write_off',
            },
        help="The part of the loss on written-off goods borne by the "
        "company.")
    settlement_period = fields.Selection(
        SETTLEMENT_PERIODS, "Settlement Period", required=True,
        states=_states)
    minimum_payout = Monetary(
        "Minimum Payout", currency='currency', digits='currency',
        states=_states,
        help="Settlements below this amount are carried to the next period.")
    document = fields.Binary(
        "Signed Document", filename='document_name', states=_states)
    document_name = fields.Char("Document Name", states=_states)
    lines = fields.One2Many(
        'consignment.contract.line', 'contract', "Lines", states=_states)
    comment = fields.Text("Comment")
    unsold_processed = fields.Date(
        "Unsold Goods Processed", readonly=True,
        help="The date the goods still held at the end of the contract "
        "were returned, bought out or written off.")
    returns = fields.One2Many(
        'consignment.return', 'contract', "Returns and Write-offs",
        readonly=True)
    purchases = fields.One2Many(
        'purchase.purchase', 'origin', "Buy-Out Purchases", readonly=True,
        help="The purchases of the unsold goods bought outright.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('active', "Active"),
            ('expired', "Expired"),
            ('terminated', "Terminated"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.state, Index.Equality(cardinality='low')),
                where=t.state.in_(['draft', 'active'])))
        cls._order = [
            ('start_date', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'active'),
            ('active', 'expired'),
            ('active', 'terminated'),
            }
        cls._buttons.update({
                'activate': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'expire': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                'terminate': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                'amend': {
                    'invisible': Eval('state') != 'active',
                    'depends': ['state'],
                    },
                'unsold_goods': {
                    'invisible': (Bool(Eval('unsold_processed'))
                        | ~(Eval('state').in_(['expired', 'terminated'])
                            | ((Eval('state') == 'active')
                                & Bool(Eval('end_date'))
                                & (Eval('end_date', Date()) < Date())))),
                    'depends': ['state', 'end_date', 'unsold_processed'],
                    },
                })
        cls.__rpc__.update({
                'process_unsold': RPC(
                    readonly=False, instantiate=0, fresh_session=True,
                    result=lambda r: [list(map(int, d)) for d in r]),
                })

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def index_set_field(cls, name):
        index = super().index_set_field(name)
        if name == 'outlets':
            # the outlet rule of the lines reads the contract's outlets:
            # a contract saved with both must get its outlets first
            index -= 1
        return index

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_version(cls):
        return 1

    @classmethod
    def default_start_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_unsold_action(cls):
        return 'return'

    @classmethod
    def default_settlement_period(cls):
        Configuration = Pool().get('consignment.configuration')
        return Configuration(1).settlement_period or 'monthly'

    @classmethod
    def default_default_commission(cls):
        Configuration = Pool().get('consignment.configuration')
        return Configuration(1).default_commission

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    def get_rec_name(self, name):
        # a draft contract has no number yet: its supplier names it
        items = [self.number] if self.number else []
        if self.supplier:
            items.append(self.supplier.rec_name)
        return ' - '.join(items)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('number', *clause[1:]),
            ('reference', *clause[1:]),
            ('supplier.rec_name', *clause[1:]),
            ]

    @classmethod
    def validate_fields(cls, contracts, field_names):
        super().validate_fields(contracts, field_names)
        cls.check_dates(contracts, field_names)
        cls.check_rates(contracts, field_names)

    @classmethod
    def check_dates(cls, contracts, field_names=None):
        if field_names and not (field_names & {'start_date', 'end_date'}):
            return
        for contract in contracts:
            if (contract.end_date and contract.start_date
                    and contract.end_date < contract.start_date):
                raise ContractValidationError(gettext(
                        'consignment_contract.msg_contract_end_before_start',
                        contract=contract.rec_name))

    @classmethod
    def check_rates(cls, contracts, field_names=None):
        if field_names and not (
                field_names & {'default_commission', 'write_off_loss_share'}):
            return
        for contract in contracts:
            for rate in [
                    contract.default_commission,
                    contract.write_off_loss_share]:
                if rate is not None and not (0 <= rate <= 1):
                    raise ContractValidationError(gettext(
                            'consignment_contract.msg_commission_out_of_range',
                            record=contract.rec_name,
                            rate=rate * 100))

    @classmethod
    def check_modification(cls, mode, contracts, values=None, external=False):
        super().check_modification(
            mode, contracts, values=values, external=external)
        if (mode == 'write' and external
                and set(values) - cls._fields_editable_active()):
            for contract in contracts:
                if contract.state != 'draft':
                    raise ContractModifyError(gettext(
                            'consignment_contract.msg_contract_modify_terms',
                            contract=contract.rec_name,
                            state=contract.state_string))
        if mode == 'delete':
            for contract in contracts:
                if contract.state != 'draft':
                    raise ContractDeleteError(gettext(
                            'consignment_contract.msg_contract_delete_active',
                            contract=contract.rec_name))

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'default_commission': RATE,
            'write_off_loss_share': RATE,
            'max_shelf_days': Bound(0, DAYS_MAX, zero=False),
            'min_shelf_life_days': Bound(0, DAYS_MAX),
            'minimum_payout': Bound(0, AMOUNT_MAX),
            }

    @classmethod
    def _fields_editable_active(cls):
        "Return the fields a user may still change once the contract runs"
        return {'comment'}

    def get_versions(self, name):
        first = self.first_version or self
        return [c.id for c in self.search([
                    ['OR',
                        ('id', '=', first.id),
                        ('first_version', '=', first.id),
                        ],
                    ], order=[('version', 'ASC')])]

    @classmethod
    def copy(cls, contracts, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('number')
        default.setdefault('version', 1)
        default.setdefault('previous_version')
        default.setdefault('first_version')
        default.setdefault('document')
        default.setdefault('document_name')
        default.setdefault('unsold_processed')
        default.setdefault('returns')
        default.setdefault('purchases')
        return super().copy(contracts, default=default)

    def covers(self, outlet, date):
        "Tell if the contract covers the outlet (warehouse) on the date"
        return (self.state == 'active'
            and outlet in self.outlets
            and self.start_date <= date
            and (not self.end_date or date <= self.end_date))

    def get_line(self, product):
        "Return the contract line of the product or None"
        for line in self.lines:
            if line.product == product:
                return line

    @classmethod
    def set_number(cls, contracts):
        pool = Pool()
        Configuration = pool.get('consignment.configuration')
        config = Configuration(1)
        for contract in contracts:
            if not contract.number:
                contract.number = config.get_multivalue(
                    'contract_sequence',
                    company=contract.company.id).get()
        cls.save(contracts)

    @classmethod
    def check_overlap(cls, contracts):
        "Refuse a second active contract for a supplier, product and outlet"
        pool = Pool()
        Line = pool.get('consignment.contract.line')
        for contract in contracts:
            products = [l.product.id for l in contract.lines]
            outlets = [o.id for o in contract.outlets]
            if not products or not outlets:
                continue
            domain = [
                ('contract.state', '=', 'active'),
                ('contract.id', '!=', contract.id),
                ('contract.supplier', '=', contract.supplier.id),
                ('contract.company', '=', contract.company.id),
                ('contract.outlets', 'in', outlets),
                ('product', 'in', products),
                ['OR',
                    ('contract.end_date', '=', None),
                    ('contract.end_date', '>=', contract.start_date),
                    ],
                ]
            if contract.end_date:
                domain.append(
                    ('contract.start_date', '<=', contract.end_date))
            lines = Line.search(domain, limit=1)
            if lines:
                line, = lines
                raise ContractOverlapError(gettext(
                        'consignment_contract.msg_contract_overlap',
                        contract=contract.rec_name,
                        other=line.contract.rec_name,
                        product=line.product.rec_name,
                        supplier=contract.supplier.rec_name))

    @classmethod
    def check_lines(cls, contracts):
        for contract in contracts:
            if not contract.lines:
                raise ContractValidationError(gettext(
                        'consignment_contract.msg_contract_no_line',
                        contract=contract.rec_name))
            if not contract.outlets:
                raise ContractValidationError(gettext(
                        'consignment_contract.msg_contract_no_outlet',
                        contract=contract.rec_name))
            for line in contract.lines:
                if (line.pricing == 'commission'
                        and line.commission_used is None):
                    raise ContractValidationError(gettext(
                            'consignment_contract.msg_line_no_commission',
                            contract=contract.rec_name,
                            product=line.product.rec_name))
                if (line.pricing == 'consignor_price'
                        and line.consignor_price is None):
                    raise ContractValidationError(gettext(
                            'consignment_contract.msg_line_no_price',
                            contract=contract.rec_name,
                            product=line.product.rec_name))

    @classmethod
    def create_consignment_locations(cls, contracts):
        "Create or reuse the consignment location per supplier and outlet"
        pool = Pool()
        Location = pool.get('stock.location')
        pairs = {
            (c.supplier, o) for c in contracts for o in c.outlets}
        return Location.get_consignment_locations(pairs)

    @classmethod
    @ModelView.button
    @Workflow.transition('active')
    def activate(cls, contracts):
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        cls.check_lines(contracts)
        cls.end_previous_versions(contracts)
        cls.check_overlap(contracts)
        for contract in contracts:
            check_certificates(
                [(l.product, contract.supplier) for l in contract.lines],
                max(contract.start_date, today))
        cls.set_number(contracts)
        cls.create_consignment_locations(contracts)

    @classmethod
    @ModelView.button_action('consignment_contract.wizard_contract_amend')
    def amend(cls, contracts):
        pass

    @classmethod
    def create_amendments(cls, contracts, date):
        """Return the draft next versions of the active contracts, in force
        from date with the same terms, to change and activate"""
        amendments = []
        for contract in contracts:
            if contract.state != 'active':
                raise ContractAmendError(gettext(
                        'consignment_contract.msg_contract_amend_state',
                        contract=contract.rec_name,
                        state=contract.state_string))
            if (date <= contract.start_date
                    or (contract.end_date and date > contract.end_date)):
                raise ContractAmendError(gettext(
                        'consignment_contract.msg_contract_amend_date',
                        contract=contract.rec_name,
                        date=_format_date(date),
                        start=_format_date(contract.start_date),
                        end=_format_date(contract.end_date)
                        if contract.end_date else '-'))
            if cls.search([('previous_version', '=', contract.id)]):
                raise ContractAmendError(gettext(
                        'consignment_contract.msg_contract_amend_twice',
                        contract=contract.rec_name))
            first = contract.first_version or contract
            version = contract.version + 1
            amendment, = cls.copy([contract], default={
                    'version': version,
                    'previous_version': contract.id,
                    'first_version': first.id,
                    'start_date': date,
                    })
            # the number is the first version's with the version suffix
            amendment.number = '%s-V%s' % (first.number, version)
            amendments.append(amendment)
        cls.save(amendments)
        return amendments

    @classmethod
    def end_previous_versions(cls, contracts):
        """End the versions the contracts amend the day before they start;
        expire those whose end has passed"""
        pool = Pool()
        Date = pool.get('ir.date')
        today = Date.today()
        to_end, to_expire = [], []
        for contract in contracts:
            previous = contract.previous_version
            if not previous:
                continue
            if (previous.state != 'active'
                    or contract.start_date <= previous.start_date):
                raise ContractAmendError(gettext(
                        'consignment_contract.msg_contract_amend_previous',
                        contract=contract.rec_name,
                        previous=previous.rec_name,
                        state=previous.state_string,
                        start=_format_date(previous.start_date)))
            end = contract.start_date - dt.timedelta(days=1)
            if not previous.end_date or previous.end_date > end:
                previous.end_date = end
                to_end.append(previous)
            if previous.end_date < today:
                to_expire.append(previous)
        with without_check_access():
            cls.save(to_end)
            if to_expire:
                cls.expire(to_expire)

    @classmethod
    @ModelView.button
    @Workflow.transition('expired')
    def expire(cls, contracts):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('terminated')
    def terminate(cls, contracts):
        pass

    @classmethod
    def expire_ended(cls, date=None):
        "Expire the active contracts whose end date is passed (daily cron)"
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        contracts = cls.search([
                ('state', '=', 'active'),
                ('end_date', '<', date),
                ])
        cls.expire(contracts)

    # ---- Unsold goods at the end of the contract ------------------------

    @property
    def has_ended(self):
        "Tell if the contract is over: expired, terminated or past its end"
        pool = Pool()
        Date = pool.get('ir.date')
        company = getattr(self, 'company', None)
        with Transaction().set_context(
                company=company.id if company else None):
            today = Date.today()
        return (self.state in {'expired', 'terminated'}
            or (self.state == 'active'
                and self.end_date and self.end_date < today))

    @classmethod
    @ModelView.button_action('consignment_contract.wizard_contract_unsold')
    def unsold_goods(cls, contracts):
        pass

    @classmethod
    def check_unsold(cls, contracts):
        "Refuse processing the unsold goods of a running or processed contract"
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        for contract in contracts:
            if not contract.has_ended:
                raise UnsoldGoodsError(gettext(
                        'consignment_contract.msg_unsold_contract_running',
                        contract=contract.rec_name))
            if contract.unsold_processed:
                raise UnsoldGoodsError(gettext(
                        'consignment_contract.msg_unsold_processed',
                        contract=contract.rec_name,
                        date=lang.strftime(contract.unsold_processed)))

    @classmethod
    def get_unsold_held(cls, contracts):
        """Return the consignment.aging rows of the goods still held under the
        contracts (the contract that prices them today), in one search"""
        pool = Pool()
        Aging = pool.get('consignment.aging')
        if not contracts:
            return []
        return Aging.search([
                ('contract', 'in', [c.id for c in contracts]),
                ], order=[
                ('contract', 'ASC'), ('outlet', 'ASC'), ('product', 'ASC'),
                ('lot', 'ASC'), ('location', 'ASC'), ('id', 'ASC')])

    @classmethod
    def get_unsold_lines(cls, contracts, action=None):
        """Return the consignment.contract.unsold.line of the goods still held
        under the contracts, with the action per line: action (an action or
        {product id: action}), else the contract's unsold action"""
        pool = Pool()
        UnsoldLine = pool.get('consignment.contract.unsold.line')
        lines = []
        for row in cls.get_unsold_held(contracts):
            contract = row.contract
            if isinstance(action, dict):
                line_action = action.get(row.product.id)
            else:
                line_action = action
            contract_line = contract.get_line(row.product)
            lines.append(UnsoldLine(
                    contract=contract,
                    outlet=row.outlet,
                    location=row.location,
                    product=row.product,
                    lot=row.lot,
                    unit=row.product.default_uom,
                    held=row.quantity,
                    quantity=row.quantity,
                    action=line_action or contract.unsold_action,
                    unit_price=(contract_line.buy_out_unit_price
                        if contract_line else None),
                    currency=contract.currency))
        return lines

    @classmethod
    def check_unsold_lines(cls, contracts, lines):
        """Refuse quantities not held under the contracts, unknown actions
        and buy-outs without price or of goods that cannot be purchased"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        actions = dict(UNSOLD_ACTIONS)
        held = defaultdict(float)
        for row in cls.get_unsold_held(contracts):
            held[(row.location.id, row.product.id,
                    row.lot.id if row.lot else None)] += row.quantity
        wanted = defaultdict(float)
        for line in lines:
            key = (line.location.id, line.product.id,
                line.lot.id if line.lot else None)
            wanted[key] += line.quantity
        for line in lines:
            key = (line.location.id, line.product.id,
                line.lot.id if line.lot else None)
            if (line.contract not in contracts or line.quantity < 0
                    or line.unit.round(wanted[key] - held[key]) > 0):
                raise UnsoldGoodsError(gettext(
                        'consignment_contract.msg_unsold_quantity',
                        contract=line.contract.rec_name,
                        product=line.product.rec_name,
                        lot=line.lot.rec_name if line.lot else '-',
                        outlet=line.outlet.rec_name,
                        quantity=lang.format_number_symbol(
                            wanted[key], line.unit),
                        held=lang.format_number_symbol(
                            held[key], line.unit)))
            if line.action not in actions:
                raise UnsoldGoodsError(gettext(
                        'consignment_contract.msg_unsold_action',
                        contract=line.contract.rec_name,
                        product=line.product.rec_name,
                        action=line.action))
            if line.action != 'buy_out':
                continue
            if line.unit_price is None:
                raise UnsoldGoodsError(gettext(
                        'consignment_contract.msg_unsold_buy_out_no_price',
                        contract=line.contract.rec_name,
                        product=line.product.rec_name))
            if line.unit_price < 0:
                raise UnsoldGoodsError(gettext(
                        'consignment_contract.msg_price_negative',
                        line=line.product.rec_name))
            if not line.product.purchasable:
                raise UnsoldGoodsError(gettext(
                        'consignment_contract'
                        '.msg_unsold_buy_out_not_purchasable',
                        contract=line.contract.rec_name,
                        product=line.product.rec_name))

    @classmethod
    def process_unsold(cls, contracts, action=None, lines=None):
        """Return, buy out or write off the goods still held under the ended
        contracts and mark them processed.

        action is 'return', 'buy_out' or 'write_off' for all the goods, or
        {product id: action}; by default the contract's unsold action.
        lines are consignment.contract.unsold.line (by default all the goods
        held, see get_unsold_lines); a line of quantity 0 is left held.
        Return the consignment returns and the purchases created."""
        pool = Pool()
        Date = pool.get('ir.date')
        Return = pool.get('consignment.return')
        cls.check_unsold(contracts)
        if lines is None:
            lines = cls.get_unsold_lines(contracts, action=action)
        cls.check_unsold_lines(contracts, lines)
        lines = [l for l in lines if l.quantity]

        returns = cls._get_unsold_returns(
            [l for l in lines if l.action in {'return', 'write_off'}])
        Return.save(returns)
        Return.do(returns)
        purchases = cls._buy_out(
            [l for l in lines if l.action == 'buy_out'])

        ended = [c for c in contracts if c.state == 'active']
        if ended:
            cls.expire(ended)
        for contract in contracts:
            with Transaction().set_context(company=contract.company.id):
                contract.unsold_processed = Date.today()
        cls.save(contracts)
        return returns, purchases

    @classmethod
    def _get_unsold_returns(cls, lines):
        """Return a consignment return per contract, outlet and kind for the
        lines to return or write off"""
        pool = Pool()
        Return = pool.get('consignment.return')
        ReturnLine = pool.get('consignment.return.line')
        Date = pool.get('ir.date')
        groups = defaultdict(list)
        for line in lines:
            groups[(line.contract, line.outlet, line.action)].append(line)
        returns = []
        for (contract, outlet, kind), group in groups.items():
            with Transaction().set_context(company=contract.company.id):
                today = Date.today()
            returns.append(Return(
                    company=contract.company,
                    contract=contract,
                    outlet=outlet,
                    kind=kind,
                    date=today,
                    reason=gettext(
                        'consignment_contract.msg_unsold_reason',
                        contract=contract.rec_name),
                    lines=[ReturnLine(
                            product=l.product, quantity=l.quantity,
                            lot=l.lot)
                        for l in group]))
        return returns

    @classmethod
    def _buy_out(cls, lines):
        """Buy out the goods of the lines: one purchase per contract and
        outlet whose lines' stock moves take the goods from the consignment
        location into the outlet's storage (no second receipt), then
        confirm and process the purchases (invoiced per their invoice
        method; the consignor gets no consignment line for these goods)"""
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        Move = pool.get('stock.move')
        if not lines:
            return []
        groups = defaultdict(lambda: defaultdict(list))
        for line in lines:
            groups[(line.contract, line.outlet)][
                (line.product, line.unit_price)].append(line)
        purchases, line_moves = [], []
        for (contract, outlet), products in groups.items():
            purchase = contract._get_buy_out_purchase(outlet)
            for (product, unit_price), group in products.items():
                purchase_line = contract._get_buy_out_purchase_line(
                    purchase, product,
                    sum(l.quantity for l in group), unit_price)
                line_moves.append((purchase_line, group))
            purchases.append(purchase)
        Purchase.save(purchases)
        # Saved apart so that the moves can refer to them
        PurchaseLine.save([l for l, _ in line_moves])
        moves = [l.get_buy_out_move(purchase_line)
            for purchase_line, group in line_moves for l in group]
        Move.save(moves)
        Move.do(moves)
        Purchase.quote(purchases)
        Purchase.confirm(purchases)
        # Invoice now rather than after commit (confirm queues it)
        Purchase.process(purchases)
        return purchases

    def _get_buy_out_purchase(self, outlet):
        "Return the purchase of the goods of the contract bought out at outlet"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        Date = pool.get('ir.date')
        with Transaction().set_context(company=self.company.id):
            today = Date.today()
        purchase = Purchase(company=self.company, party=self.supplier)
        purchase.on_change_party()
        purchase.warehouse = outlet
        purchase.currency = self.currency
        purchase.purchase_date = today
        purchase.origin = self
        purchase.description = gettext(
            'consignment_contract.msg_buy_out_description',
            contract=self.rec_name)
        return purchase

    def _get_buy_out_purchase_line(self, purchase, product, quantity,
            unit_price):
        "Return the purchase line of the product bought out at unit price"
        pool = Pool()
        PurchaseLine = pool.get('purchase.line')
        line = PurchaseLine(purchase=purchase, type='line', product=product)
        line.unit = product.default_uom
        line.quantity = quantity
        line.on_change_product()
        line.unit = product.default_uom
        line.quantity = quantity
        line.unit_price = unit_price
        return line


class ContractOutlet(ModelSQL):
    "Consignment Contract - Outlet"
    __name__ = 'consignment.contract-stock.location'
    _history = True
    contract = fields.Many2One(
        'consignment.contract', "Contract", required=True,
        ondelete='CASCADE')
    outlet = fields.Many2One(
        'stock.location', "Outlet", required=True, ondelete='RESTRICT',
        domain=[('type', '=', 'warehouse')])

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if external:
            check_contract_draft(r.contract for r in records)


class ContractLine(BoundsMixin, ModelSQL, ModelView):
    "Consignment Contract Line"
    __name__ = 'consignment.contract.line'
    _history = True

    _states = {
        'readonly': Eval('contract_state') != 'draft',
        }

    contract = fields.Many2One(
        'consignment.contract', "Contract", required=True,
        ondelete='CASCADE', states=_states)
    product = fields.Many2One(
        'product.product', "Product", required=True, states=_states,
        domain=[
            ('type', '=', 'goods'),
            ('salable', '=', True),
            ])
    unit = fields.Function(
        fields.Many2One('product.uom', "Unit"), 'on_change_with_unit')
    pricing = fields.Selection(
        PRICING_MODES, "Pricing", required=True, states=_states,
        help="How the supplier is paid for each unit sold.")
    consignor_price = fields.Numeric(
        "Consignor Price", digits=price_digits,
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('pricing') != 'consignor_price',
            'required': Eval('pricing') == 'consignor_price',
            },
        help="The price paid to the supplier per unit sold (harga titip).")
    commission = fields.Numeric(
        "Commission", digits=(1, 4),
        states={
            'readonly': _states['readonly'],
            'invisible': Eval('pricing') != 'commission',
            },
        help="The company's share of the selling price (tax excluded).\n"
        "Leave empty to use the contract's default commission.")
    suggested_retail_price = fields.Numeric(
        "Suggested Retail Price", digits=price_digits, states=_states)
    quantity_cap = fields.Float(
        "Quantity Cap", digits='unit', states=_states,
        domain=['OR',
            ('quantity_cap', '=', None),
            ('quantity_cap', '>', 0),
            ],
        help="The maximum quantity received under the contract.")
    buy_out_price = fields.Numeric(
        "Buy-Out Price", digits=price_digits,
        states=_states,
        help="The price at which unsold goods are bought outright when the "
        "contract converts them to an outright purchase.")
    contract_state = fields.Function(
        fields.Selection('get_contract_states', "Contract State"),
        'on_change_with_contract_state')

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('contract')

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if external:
            check_contract_draft(l.contract for l in lines)

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'consignor_price': Bound(0, AMOUNT_MAX),
            'commission': RATE,
            'suggested_retail_price': Bound(0, AMOUNT_MAX),
            'quantity_cap': Bound(0, QUANTITY_MAX, zero=False),
            'buy_out_price': Bound(0, AMOUNT_MAX),
            }

    @classmethod
    def default_pricing(cls):
        return 'commission'

    @fields.depends('product')
    def on_change_with_unit(self, name=None):
        return self.product.default_uom if self.product else None

    @fields.depends('product')
    def on_change_product(self):
        if self.product and self.product.list_price_used is not None:
            self.suggested_retail_price = self.product.list_price_used

    @classmethod
    def default_contract_state(cls):
        # the web client computes no function field of a new line, which is
        # only added to a draft contract
        return 'draft'

    @classmethod
    def get_contract_states(cls):
        pool = Pool()
        Contract = pool.get('consignment.contract')
        return Contract.fields_get(['state'])['state']['selection']

    @fields.depends('contract', '_parent_contract.state')
    def on_change_with_contract_state(self, name=None):
        if self.contract:
            return self.contract.state

    @property
    def commission_used(self):
        if self.commission is not None:
            return self.commission
        return self.contract.default_commission

    def get_rec_name(self, name):
        return '%s @ %s' % (self.product.rec_name, self.contract.rec_name)

    @classmethod
    def validate_fields(cls, lines, field_names):
        super().validate_fields(lines, field_names)
        cls.check_prices(lines, field_names)

    @classmethod
    def check_prices(cls, lines, field_names=None):
        pool = Pool()
        Warning = pool.get('res.user.warning')
        if field_names and not (field_names & {
                    'commission', 'consignor_price', 'buy_out_price',
                    'suggested_retail_price', 'product'}):
            return
        for line in lines:
            if line.commission is not None and not (
                    0 <= line.commission <= 1):
                raise ContractValidationError(gettext(
                        'consignment_contract.msg_commission_out_of_range',
                        record=line.rec_name,
                        rate=line.commission * 100))
            for price in [line.consignor_price, line.buy_out_price,
                    line.suggested_retail_price]:
                if price is not None and price < 0:
                    raise ContractValidationError(gettext(
                            'consignment_contract.msg_price_negative',
                            line=line.rec_name))
            selling_price = line.selling_price
            if (line.pricing == 'consignor_price'
                    and line.consignor_price is not None
                    and selling_price is not None
                    and line.consignor_price > selling_price):
                key = Warning.format('consignor_price_above', [line])
                if Warning.check(key):
                    raise ConsignorPriceWarning(key, gettext(
                            'consignment_contract.msg_consignor_price_above',
                            line=line.rec_name,
                            price=line.consignor_price,
                            selling_price=selling_price))

    @property
    def selling_price(self):
        "The expected selling price (tax excluded) of the product"
        if self.suggested_retail_price is not None:
            return self.suggested_retail_price
        return self.product.list_price_used

    @property
    def buy_out_unit_price(self):
        """The price per unit at which unsold goods are bought outright: the
        buy-out price, else the price paid to the supplier for a sale"""
        if self.buy_out_price is not None:
            return self.buy_out_price
        with Transaction().set_context(company=self.contract.company.id):
            return self.get_unit_price(self.selling_price)

    def get_unit_price(self, selling_price, unit=None):
        """Return the price owed to the supplier per unit sold

        selling_price is the actual unit selling price (tax excluded) in unit
        (the product's default unit if None)."""
        pool = Pool()
        Uom = pool.get('product.uom')
        if self.pricing == 'consignor_price':
            price = self.consignor_price
            if unit and unit != self.unit:
                price = Uom.compute_price(self.unit, price, unit)
            return round_price(price)
        if selling_price is None:
            return None
        commission = self.commission_used or Decimal(0)
        return round_price(selling_price * (1 - commission))

    @classmethod
    def find_for(cls, supplier, product, outlet, date):
        """Return the contract line for the supplier's product at the outlet
        on the date: the active contract, else the last one that ran"""
        if not supplier or not product or not outlet:
            return None
        domain = [
            ('contract.supplier', '=', supplier.id),
            ('contract.outlets', '=', outlet.id),
            ('product', '=', product.id),
            ('contract.start_date', '<=', date),
            ]
        lines = cls.search(domain + [
                ('contract.state', '=', 'active'),
                ['OR',
                    ('contract.end_date', '=', None),
                    ('contract.end_date', '>=', date),
                    ],
                ], limit=1)
        if not lines:
            lines = cls.search(domain + [
                    ('contract.state', 'in', ['active', 'expired',
                            'terminated']),
                    ], order=[('contract.start_date', 'DESC')], limit=1)
        return lines[0] if lines else None


class ContractAmend(Wizard):
    "Amend Contract"
    __name__ = 'consignment.contract.amend'
    start = StateView('consignment.contract.amend.start',
        'consignment_contract.contract_amend_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Amend", 'amend', 'tryton-ok', default=True),
            ])
    amend = StateAction('consignment_contract.act_contract_form')

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        return {
            'contract': self.record.id,
            'date': max(Date.today(),
                self.record.start_date + dt.timedelta(days=1)),
            }

    def do_amend(self, action):
        amendments = self.model.create_amendments(
            [self.record], self.start.date)
        action['views'].reverse()
        return action, {'res_id': [a.id for a in amendments]}


class ContractAmendStart(ModelView):
    "Amend Contract"
    __name__ = 'consignment.contract.amend.start'
    contract = fields.Many2One(
        'consignment.contract', "Contract", readonly=True)
    date = fields.Date(
        "Effective Date", required=True,
        help="The first day of the new version: the current one ends the "
        "day before when the new one is activated.")


class ContractUnsold(Wizard):
    "Process Unsold Goods"
    __name__ = 'consignment.contract.unsold'
    start = StateView('consignment.contract.unsold.start',
        'consignment_contract.contract_unsold_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Process", 'process', 'tryton-ok', default=True),
            ])
    process = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Contract = pool.get('consignment.contract')
        Contract.check_unsold(self.records)
        lines = []
        for line in Contract.get_unsold_lines(self.records):
            values = {}
            for name in [
                    'contract', 'outlet', 'location', 'product', 'lot',
                    'unit', 'currency']:
                value = getattr(line, name)
                values[name] = value.id if value else None
            for name in ['held', 'quantity', 'action', 'unit_price']:
                values[name] = getattr(line, name)
            lines.append(values)
        return {'lines': lines}

    def transition_process(self):
        pool = Pool()
        Contract = pool.get('consignment.contract')
        User = pool.get('res.user')
        # Processing marks the whole contract: all its outlets must be the
        # user's
        User.check_outlets(
            {l.outlet for l in self.start.lines if l.outlet}
            | {o for c in self.records for o in c.outlets})
        Contract.process_unsold(self.records, lines=self.start.lines)
        return 'end'


class ContractUnsoldStart(ModelView):
    "Process Unsold Goods"
    __name__ = 'consignment.contract.unsold.start'
    lines = fields.One2Many(
        'consignment.contract.unsold.line', None, "Goods Held",
        help="The consigned goods still held under the contract and what "
        "happens to them.")


class ContractUnsoldLine(ModelView):
    "Unsold Goods"
    __name__ = 'consignment.contract.unsold.line'
    contract = fields.Many2One(
        'consignment.contract', "Contract", readonly=True)
    outlet = fields.Many2One('stock.location', "Outlet", readonly=True)
    location = fields.Many2One(
        'stock.location', "Consignment Location", readonly=True)
    product = fields.Many2One('product.product', "Product", readonly=True)
    lot = fields.Many2One('stock.lot', "Lot", readonly=True)
    unit = fields.Many2One('product.uom', "Unit", readonly=True)
    held = fields.Float("Held", digits='unit', readonly=True)
    quantity = fields.Float(
        "Quantity", digits='unit', required=True,
        domain=[
            ('quantity', '>=', 0),
            ('quantity', '<=', Eval('held', 0)),
            ],
        help="The quantity to process; 0 leaves the goods held.")
    action = fields.Selection(UNSOLD_ACTIONS, "Action", required=True)
    unit_price = fields.Numeric(
        "Buy-Out Price", digits=price_digits,
        states={
            'invisible': Eval('action') != 'buy_out',
            'required': Eval('action') == 'buy_out',
            },
        domain=['OR',
            ('unit_price', '=', None),
            ('unit_price', '>=', 0),
            ])
    currency = fields.Many2One('currency.currency', "Currency", readonly=True)

    def get_buy_out_move(self, purchase_line):
        """Return the move of the goods bought by the purchase line from the
        consignment location into the outlet's storage (own stock)"""
        pool = Pool()
        Move = pool.get('stock.move')
        Date = pool.get('ir.date')
        purchase = purchase_line.purchase
        with Transaction().set_context(company=purchase.company.id):
            today = Date.today()
        move = Move()
        move.company = purchase.company
        move.product = self.product
        move.unit = self.unit
        move.quantity = self.quantity
        move.lot = self.lot
        move.from_location = self.location
        move.to_location = self.outlet.storage_location
        move.planned_date = move.effective_date = today
        move.unit_price = purchase_line.unit_price
        move.currency = purchase.currency
        move.origin = purchase_line
        return move


class ContractReport(DocumentReport):
    "Consignment Contract"
    __name__ = 'consignment.contract.report'
