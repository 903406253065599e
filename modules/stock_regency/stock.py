# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction
from trytond.wizard import Button, StateAction, StateTransition, StateView, Wizard

from .country import REGENCY_TYPES
from .exceptions import OutletValidationError

HOST_TYPES = [
    (None, ""),
    ('regency_government', "Regency Government"),
    ('school', "School"),
    ('religious_institution', "Religious Institution"),
    ('dekranasda', "Dekranasda"),
    ('village_cooperative', "Village Cooperative"),
    ('other', "Other"),
    ]


class Location(metaclass=PoolMeta):
    __name__ = 'stock.location'

    regency_outlet = fields.Boolean(
        "Regency Outlet",
        states={
            'invisible': Eval('type') != 'warehouse',
            },
        help="Check for a shop of the network serving a regency or city.")
    provincial_hub = fields.Boolean(
        "Provincial Hub",
        states={
            'invisible': Eval('type') != 'warehouse',
            },
        help="Check for the warehouse that receives goods for the province "
        "and redistributes them to the outlets.")
    secondary_outlet = fields.Boolean(
        "Additional Outlet",
        states={
            'invisible': ~Eval('regency_outlet'),
            },
        help="Check to allow this outlet beside another active outlet "
        "of the same regency.")
    regency = fields.Many2One(
        'country.subdivision', "Regency",
        domain=[
            ('type', 'in', REGENCY_TYPES),
            ],
        states={
            'invisible': Eval('type') != 'warehouse',
            },
        help="The regency (kabupaten) or city (kota) the warehouse serves.")
    host_institution = fields.Many2One(
        'party.party', "Host Institution",
        states={
            'invisible': ~Eval('regency_outlet'),
            },
        help="The institution that hosts the outlet "
        "(regency government, school, mosque or church, cooperative...).")
    host_type = fields.Selection(
        HOST_TYPES, "Host Type",
        states={
            'invisible': ~Eval('regency_outlet'),
            })
    outlet_manager = fields.Many2One(
        'company.employee', "Outlet Manager",
        states={
            'invisible': Eval('type') != 'warehouse',
            })
    opening_date = fields.Date(
        "Opening Date",
        states={
            'invisible': Eval('type') != 'warehouse',
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('provincial_hub', 'DESC NULLS LAST'))

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/form//separator[@id="regency_outlet"]', 'states', {
                    'invisible': Eval('type') != 'warehouse',
                    }),
            ]

    @classmethod
    def default_regency_outlet(cls):
        return False

    @classmethod
    def default_provincial_hub(cls):
        return False

    @classmethod
    def default_secondary_outlet(cls):
        return False

    @fields.depends('host_institution', 'host_type')
    def on_change_host_institution(self):
        if not self.host_institution:
            self.host_type = None

    @classmethod
    def get_quantity(cls, locations, name):
        return cls._outlet_values(locations, super().get_quantity, name)

    @classmethod
    def get_cost_value(cls, locations, name):
        return cls._outlet_values(locations, super().get_cost_value, name)

    @classmethod
    def _outlet_values(cls, locations, getter, name):
        """Return the values of getter for the locations whose stock the user
        may see, None for the locations of other users' outlets"""
        values = dict.fromkeys(map(int, locations))
        visible = set(outlet_visible_locations([l.id for l in locations]))
        visible = [l for l in locations if l.id in visible]
        if visible:
            values.update(getter(visible, name))
        return values

    @classmethod
    def validate_fields(cls, locations, field_names):
        super().validate_fields(locations, field_names)
        cls.check_outlet(locations, field_names)

    @classmethod
    def check_outlet(cls, locations, field_names=None):
        "Check that outlets have a regency and are alone in their regency"
        if field_names and not (field_names & {
                    'regency', 'regency_outlet', 'provincial_hub',
                    'secondary_outlet', 'active', 'type'}):
            return
        regencies = set()
        for location in locations:
            if not (location.regency_outlet or location.provincial_hub):
                continue
            if location.type != 'warehouse':
                raise OutletValidationError(gettext(
                        'stock_regency.msg_outlet_not_warehouse',
                        location=location.rec_name))
            if not location.regency:
                raise OutletValidationError(gettext(
                        'stock_regency.msg_outlet_regency_required',
                        outlet=location.rec_name))
            if (location.regency_outlet and location.active
                    and not location.secondary_outlet):
                regencies.add(location.regency.id)
        if not regencies:
            return
        outlets = cls.search([
                ('type', '=', 'warehouse'),
                ('regency_outlet', '=', True),
                ('secondary_outlet', '=', False),
                ('regency', 'in', list(regencies)),
                ], order=[('regency', 'ASC'), ('id', 'ASC')])
        by_regency = {}
        for outlet in outlets:
            by_regency.setdefault(outlet.regency, []).append(outlet)
        for regency, outlets in by_regency.items():
            if len(outlets) > 1:
                raise OutletValidationError(gettext(
                        'stock_regency.msg_outlet_regency_unique',
                        outlet=outlets[-1].rec_name,
                        regency=regency.rec_name,
                        other=outlets[0].rec_name))

    @classmethod
    def get_outlet(cls, regency):
        "Return the active main outlet of the regency or None"
        outlets = cls.search([
                ('type', '=', 'warehouse'),
                ('regency_outlet', '=', True),
                ('secondary_outlet', '=', False),
                ('regency', '=', regency.id),
                ], limit=1)
        return outlets[0] if outlets else None

    @classmethod
    def get_provincial_hub(cls):
        "Return the active provincial hub or None"
        hubs = cls.search([
                ('type', '=', 'warehouse'),
                ('provincial_hub', '=', True),
                ], limit=1)
        return hubs[0] if hubs else None


class CreateOutletStart(ModelView):
    "Create Regency Outlet"
    __name__ = 'stock.location.create_outlet.start'

    regency = fields.Many2One(
        'country.subdivision', "Regency", required=True,
        domain=[
            ('type', 'in', REGENCY_TYPES),
            ])
    name = fields.Char("Name", required=True)
    code = fields.Char("Code")
    provincial_hub = fields.Boolean(
        "Provincial Hub",
        help="Check to create the provincial hub instead of an outlet.")
    secondary_outlet = fields.Boolean(
        "Additional Outlet",
        states={
            'invisible': Bool(Eval('provincial_hub')),
            },
        help="Check to open another outlet in a regency that has one.")
    host_institution = fields.Many2One('party.party', "Host Institution",
        states={
            'invisible': Bool(Eval('provincial_hub')),
            })
    host_type = fields.Selection(HOST_TYPES, "Host Type",
        states={
            'invisible': Bool(Eval('provincial_hub')),
            })
    outlet_manager = fields.Many2One('company.employee', "Outlet Manager")
    opening_date = fields.Date("Opening Date")
    address = fields.Many2One('party.address', "Address",
        domain=[
            If(Bool(Eval('host_institution')),
                ('party', '=', Eval('host_institution', -1)),
                ()),
            ])
    hub = fields.Many2One(
        'stock.location', "Provincial Hub",
        domain=[
            ('type', '=', 'warehouse'),
            ('provincial_hub', '=', True),
            ],
        states={
            'invisible': Bool(Eval('provincial_hub')),
            },
        help="The hub that supplies the outlet.")
    lead_time = fields.TimeDelta(
        "Lead Time from Hub",
        domain=['OR',
            ('lead_time', '=', None),
            ('lead_time', '>=', 0),
            ],
        states={
            'invisible': Bool(Eval('provincial_hub')) | ~Eval('hub'),
            },
        help="The time goods take between the hub and the outlet, "
        "used to plan transfers in both directions.")

    @classmethod
    def default_hub(cls):
        pool = Pool()
        Location = pool.get('stock.location')
        hub = Location.get_provincial_hub()
        return hub.id if hub else None

    @fields.depends('regency', 'name', 'provincial_hub', 'code')
    def on_change_regency(self):
        if self.regency:
            self.name = self.outlet_name()
            if not self.code and self.regency.kemendagri_code:
                self.code = self.regency.kemendagri_code

    @fields.depends(methods=['on_change_regency'])
    def on_change_provincial_hub(self):
        self.on_change_regency()

    @fields.depends('regency', 'provincial_hub')
    def outlet_name(self):
        "Return the usual name of the outlet of the regency"
        regency = self.regency.name
        for prefix in ['Kabupaten ', 'Kab. ']:
            if regency.startswith(prefix):
                regency = regency[len(prefix):]
        if self.provincial_hub:
            return gettext('stock_regency.msg_hub_name', regency=regency)
        return gettext('stock_regency.msg_outlet_name', regency=regency)


class CreateOutlet(Wizard):
    "Create Regency Outlet"
    __name__ = 'stock.location.create_outlet'

    start = StateView(
        'stock.location.create_outlet.start',
        'stock_regency.location_create_outlet_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    open_ = StateAction('stock_regency.act_outlet_form')

    def transition_create_(self):
        self.outlet = self.create_outlet()
        return 'open_'

    def create_outlet(self):
        """Create the warehouse with its locations and lead times

        Returns the warehouse."""
        pool = Pool()
        Location = pool.get('stock.location')
        LeadTime = pool.get('stock.location.lead_time')
        ModelData = pool.get('ir.model.data')

        start = self.start
        if not start.provincial_hub and not start.secondary_outlet:
            # refuse before any location is written
            other = Location.get_outlet(start.regency)
            if other:
                raise OutletValidationError(gettext(
                        'stock_regency.msg_outlet_regency_unique',
                        outlet=start.name,
                        regency=start.regency.rec_name,
                        other=other.rec_name))
        # the children are saved first, without parent to satisfy the
        # warehouse domains, so the warehouse refers only to saved records
        children = [
            Location(
                name=gettext(f'stock_regency.msg_location_{field}',
                    outlet=start.name),
                code=self.location_code(suffix),
                type='storage')
            for field, suffix in [
                ('input', 'IN'), ('output', 'OUT'), ('storage', 'STO')]]
        lost_found = Location(
            name=gettext('stock_regency.msg_location_lost_found',
                warehouse=start.name),
            type='lost_found')
        try:
            lost_found.parent = ModelData.get_id(
                'stock', 'location_lost_found')
        except KeyError:
            pass
        Location.save(children + [lost_found])
        input_, output, storage = children
        warehouse = Location(
            name=start.name,
            code=start.code,
            type='warehouse',
            regency=start.regency,
            regency_outlet=not start.provincial_hub,
            provincial_hub=bool(start.provincial_hub),
            secondary_outlet=(
                bool(start.secondary_outlet)
                and not start.provincial_hub),
            host_institution=start.host_institution,
            host_type=start.host_type,
            outlet_manager=start.outlet_manager,
            opening_date=start.opening_date,
            address=self.outlet_address(),
            input_location=input_,
            output_location=output,
            storage_location=storage,
            lost_found_location=lost_found,
            )
        warehouse.save()
        # No picking location: an outlet is a shop, its sales orders are
        # picked from its storage, where the tills sell and where the
        # consignors' locations are (a picking location under the storage
        # would hide the consigned goods from the shipments)
        for child in children:
            child.parent = warehouse
        Location.save(children)

        hub = start.hub if not start.provincial_hub else None
        if hub and start.lead_time is not None:
            LeadTime.create([{
                        'warehouse_from': hub.id,
                        'warehouse_to': warehouse.id,
                        'lead_time': start.lead_time,
                        }, {
                        'warehouse_from': warehouse.id,
                        'warehouse_to': hub.id,
                        'lead_time': start.lead_time,
                        }])
        return warehouse

    def outlet_address(self):
        """Return the address of the new outlet: the one given, or a new
        address of the company in the regency, so that the sales of its
        tills, which have no customer address, are reported in the regency"""
        pool = Pool()
        Address = pool.get('party.address')
        Company = pool.get('company.company')
        start = self.start
        if start.address:
            return start.address
        company_id = Transaction().context.get('company')
        if company_id is None or company_id < 0:
            return None
        regency = start.regency
        address = Address(
            party=Company(company_id).party,
            country=regency.country,
            city=regency.regency_capital)
        # the regency, or its province where addresses take provinces only
        types = address.on_change_with_subdivision_types()
        subdivision = regency
        while subdivision and types and subdivision.type not in types:
            subdivision = subdivision.parent
        address.subdivision = subdivision
        address.save()
        return address

    def location_code(self, suffix):
        """Return the code of a location of the new outlet: the outlet's code
        with the suffix, so that every picker tells the outlets apart"""
        if self.start.code:
            return f'{self.start.code}-{suffix}'

    def do_open_(self, action):
        action['res_id'] = [self.outlet.id]
        action['views'].reverse()
        return action, {}



def outlet_visible_locations(location_ids):
    """Return the locations whose quantities the user may see

    Outlet staff see the quantities of the locations of their outlets and of
    the locations outside any warehouse (supplier, customer, transit) only."""
    pool = Pool()
    Location = pool.get('stock.location')
    User = pool.get('res.user')
    transaction = Transaction()
    if not location_ids:
        return location_ids
    outlets = User.get_limited_outlets()
    if outlets is None:
        return location_ids
    location_ids = list(map(int, location_ids))
    with transaction.set_context(_check_access=False, active_test=False):
        warehouses = Location.search([('type', '=', 'warehouse')])
        in_warehouses = Location.search([
                ('parent', 'child_of', [w.id for w in warehouses]),
                ('id', 'in', location_ids),
                ])
        visible = Location.search([
                ('parent', 'child_of', list(outlets)),
                ('id', 'in', location_ids),
                ])
    hidden = set(map(int, in_warehouses)) - set(map(int, visible))
    return [l for l in location_ids if l not in hidden]


class OutletButtonMixin:
    "Check the write rules of the records clicked before a button runs"
    __slots__ = ()

    @classmethod
    def log(cls, records, event, target=None, user=None, **extra):
        pool = Pool()
        Rule = pool.get('ir.rule')
        # ModelView.button checks only the read rules, logs the click with
        # the caller's access and runs the button without access check:
        # outlet staff read the transfers to their outlets, but only the
        # sender (the write rules) may click on them
        if event == 'button' and Transaction().check_access:
            Rule.check(cls.__name__, [r.id for r in records], mode='write')
        super().log(records, event, target=target, user=user, **extra)


class Move(OutletButtonMixin, metaclass=PoolMeta):
    __name__ = 'stock.move'


class ShipmentInternal(OutletButtonMixin, metaclass=PoolMeta):
    __name__ = 'stock.shipment.internal'


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    @classmethod
    def _quantity_locations(cls):
        # the templates sum the quantities of their variants
        return outlet_visible_locations(super()._quantity_locations())
