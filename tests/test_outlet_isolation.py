# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Outlet isolation over JSON-RPC (issue #12).

On the demo database served by one trytond (tests/conftest.py), the admin
runs the day of two outlets with proteus over XML-RPC: a till selling
consigned goods, a settlement, a host share, a sales order, a purchase, a
return, a count and a transfer.  A clerk of each outlet (Outlet Staff with
the groups of the till, sales, purchases, consignment and accounting) finds
and reads none of the other outlet's records and is refused every harmful
change of them; a province user with the same groups sees both outlets.
"""
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from proteus import Model, Wizard
from proteus.config import XmlrpcConfig

from consignment_contract.tests.tools import create_pos
from stock_regency.tests.tools import get_today

from rpc import Client, RPCError

CLERK_GROUPS = [
    'Stock', 'Sales', 'POS', 'POS Posting', 'Purchase', 'Accounting',
    'Consignment Clerk']
# the roles that work at an outlet
OUTLET_ROLES = ['Cashier', 'Outlet Manager', 'Consignment Officer']
# the models of an outlet's documents and what relates them to the outlet
OUTLET_MODELS = [
    'sale.point', 'sale.point.sale', 'sale.point.sale.line',
    'sale.point.payment', 'sale.point.cash.session',
    'sale.sale', 'sale.line', 'purchase.purchase',
    'account.invoice', 'account.invoice.line',
    'consignment.contract', 'consignment.contract.line',
    'consignment.intake', 'consignment.intake.line',
    'consignment.return', 'consignment.return.line',
    'consignment.settlement',
    'consignment.host_share', 'consignment.host_share.line',
    'consignment.aging', 'consignment.stock', 'consignment.stock_age',
    'stock.inventory', 'stock.inventory.line',
    'stock.move', 'stock.shipment.internal',
    ]
# the records of each model and outlet checked: the newest
SAMPLE = 40


def admin_config(admin):
    "Return a proteus configuration over XML-RPC in the admin's session"
    return XmlrpcConfig(
        admin.url, headers=[('Authorization', admin.authorization)])


class Outlet:
    "The documents of an outlet's day, created by the admin"

    def __init__(self, config, warehouse, tag, product, today):
        self.config, self.tag, self.today = config, tag, today
        self.product = product
        self.warehouse = Model.get('stock.location', config=config)(warehouse)
        self.storage = self.warehouse.storage_location

    def get(self, name):
        return Model.get(name, config=self.config)

    def set_up(self, journal, cash, customer, hub):
        "Run the outlet's day up to the settlement"
        Party = self.get('party.party')
        host = Party(name=f"Sekolah {self.tag}")
        host.save()
        warehouse = self.warehouse
        warehouse.host_institution = host
        warehouse.host_type = 'school'
        warehouse.host_share_method = 'commission'
        warehouse.host_commission_rate = Decimal('0.2')
        warehouse.save()
        self.pos = create_pos(
            f"Kasir {self.tag}", warehouse, journal, config=self.config)
        self.cash = cash
        self.supplier = Party(name=f"Pemasok {self.tag}")
        self.supplier.save()
        self.contract = self.create_contract()
        self.intake = self.receive(10)
        self.sell(2)
        self.order = self.create_order(customer)
        self.purchase = self.create_purchase()
        self.count = self.create_count(5)
        self.return_ = self.create_return(1)
        self.transfer = self.create_transfer(hub.storage_location)

    def create_contract(self):
        Contract = self.get('consignment.contract')
        Location = self.get('stock.location')
        contract = Contract(supplier=self.supplier)
        contract.start_date = self.today - dt.timedelta(days=30)
        contract.end_date = self.today + dt.timedelta(days=365)
        contract.default_commission = Decimal('0.2')
        contract.outlets.append(Location(self.warehouse.id))
        line = contract.lines.new()
        line.product = self.product
        line.pricing = 'commission'
        contract.click('activate')
        return contract

    def consignment_document(self, model, quantity):
        "Return a new document of the outlet for a quantity under contract"
        Document = self.get(model)
        document = Document(contract=self.contract)
        document.outlet = self.get('stock.location')(self.warehouse.id)
        document.lines.new(product=self.product, quantity=quantity)
        return document

    def receive(self, quantity):
        intake = self.consignment_document('consignment.intake', quantity)
        intake.click('do')
        return intake

    def sell(self, quantity):
        "Sell at the till, paid in cash, and post the sale"
        Sale = self.get('sale.point.sale')
        sale = Sale(point=self.pos)
        line = sale.lines.new()
        line.product = self.product
        line.quantity = quantity
        payment = sale.payments.new()
        payment.method = self.cash
        sale.save()
        sale.click('process')
        sale.click('post')
        return sale

    def create_order(self, customer):
        Sale = self.get('sale.sale')
        order = Sale(party=customer)
        order.warehouse = self.get('stock.location')(self.warehouse.id)
        line = order.lines.new()
        line.product = self.product
        line.quantity = 1
        order.save()
        return order

    def create_purchase(self):
        Purchase = self.get('purchase.purchase')
        purchase = Purchase(party=self.supplier)
        purchase.warehouse = self.get('stock.location')(self.warehouse.id)
        line = purchase.lines.new()
        line.product = self.product
        line.quantity = 1
        line.unit_price = Decimal('10000')
        purchase.save()
        return purchase

    def create_count(self, quantity):
        Inventory = self.get('stock.inventory')
        inventory = Inventory(location=self.storage)
        inventory.lines.new(product=self.product, quantity=quantity)
        inventory.click('confirm')
        return inventory

    def create_transfer(self, to):
        "Prepare a transfer of a unit from the outlet's storage to to"
        Shipment = self.get('stock.shipment.internal')
        shipment = Shipment(from_location=self.storage, to_location=to)
        move = shipment.moves.new(product=self.product, quantity=1)
        move.from_location = self.storage
        move.to_location = to
        shipment.save()
        return shipment

    def create_return(self, quantity):
        return_ = self.consignment_document('consignment.return', quantity)
        return_.save()
        return return_

    def settle(self):
        "Settle, confirm and post the outlet's sales, and pay its host"
        Settlement = self.get('consignment.settlement')
        settlement, = Settlement.find([
                ('supplier', '=', self.supplier.id),
                ('state', '=', 'draft'),
                ])
        settlement.click('confirm')
        settlement.click('post')
        self.settlement = settlement
        pay = Wizard('consignment.host_share.create', config=self.config)
        pay.form.cutoff_date = self.today
        pay.form.outlets.append(self.get('stock.location')(self.warehouse.id))
        pay.execute('create_')
        HostShare = self.get('consignment.host_share')
        self.host_share, = HostShare.find([
                ('outlet', '=', self.warehouse.id)])


def outlet_records(admin, outlet, other):
    """Return {model: ids} of the records of outlet as the admin finds them,
    less those that concern the other outlet too (a transfer between them)"""
    warehouse, other_warehouse = outlet.warehouse.id, other.warehouse.id
    domains = {
        'sale.point': [('id', '=', outlet.pos.id)],
        'sale.point.sale': [('point', '=', outlet.pos.id)],
        'sale.point.sale.line': [('sale.point', '=', outlet.pos.id)],
        'sale.point.payment': [('sale.point', '=', outlet.pos.id)],
        'sale.point.cash.session': [('point', '=', outlet.pos.id)],
        'sale.sale': [('warehouse', '=', warehouse)],
        'sale.line': [('sale.warehouse', '=', warehouse)],
        'purchase.purchase': [('warehouse', '=', warehouse)],
        'account.invoice': [
            ('lines.consignment_outlet', '=', warehouse)],
        'account.invoice.line': [('consignment_outlet', '=', warehouse)],
        # a contract may cover several outlets: those covering the other
        # one too (the shared demo database holds some) are both outlets'
        'consignment.contract': [('outlets', '=', warehouse),
            ('outlets', 'not where', [('id', '=', other_warehouse)])],
        'consignment.contract.line': [
            ('contract.outlets', '=', warehouse),
            ('contract.outlets', 'not where',
                [('id', '=', other_warehouse)])],
        'consignment.intake': [('outlet', '=', warehouse)],
        'consignment.intake.line': [('intake.outlet', '=', warehouse)],
        'consignment.return': [('outlet', '=', warehouse)],
        'consignment.return.line': [('return_.outlet', '=', warehouse)],
        'consignment.settlement': [('outlet', '=', warehouse)],
        'consignment.host_share': [('outlet', '=', warehouse)],
        'consignment.host_share.line': [('outlet', '=', warehouse)],
        'consignment.aging': [('outlet', '=', warehouse)],
        'consignment.stock': [('outlet', '=', warehouse)],
        'consignment.stock_age': [('outlet', '=', warehouse)],
        'stock.inventory': [
            ('location', 'child_of', [warehouse], 'parent')],
        'stock.inventory.line': [
            ('inventory.location', 'child_of', [warehouse], 'parent')],
        }
    for model in ['stock.move', 'stock.shipment.internal']:
        domains[model] = [
            ['OR',
                ('from_location', 'child_of', [warehouse], 'parent'),
                ('to_location', 'child_of', [warehouse], 'parent')],
            ('from_location', 'not child_of', [other_warehouse], 'parent'),
            ('to_location', 'not child_of', [other_warehouse], 'parent'),
            ]
    records = {}
    for model in OUTLET_MODELS:
        # the newest records, the day's own first: the shared demo
        # database may hold thousands of an outlet's (generated volume),
        # each read on its own below
        records[model] = admin.model(
            model, 'search', domains[model], 0, SAMPLE, [('id', 'DESC')])
        assert records[model], f"no {model} of {outlet.tag}"
    return records


def found(client, model, ids):
    "Return how many of ids client finds by search and reads by id"
    count = client.model(model, 'search_count', [('id', 'in', ids)])
    readable = 0
    for id_ in ids:
        try:
            readable += len(client.model(model, 'read', [id_], ['id']))
        except RPCError:
            pass
    return count, readable


def refused(call, *args, **kwargs):
    "Return the error of the server refusing the call (empty if it did not)"
    try:
        call(*args, **kwargs)
    except RPCError as error:
        return str(error.args[0])
    return ''


@pytest.fixture(scope='module')
def world(demo_server):
    "The two outlets' day and the clients of their clerks and the province"
    url, database, _ = demo_server
    admin = Client(url, database, 'admin').use_preferences()
    config = admin_config(admin)
    get = lambda name: Model.get(name, config=config)  # noqa: E731
    tag = uuid.uuid4().hex[:6]
    today = get_today(config=config)

    User = get('res.user')
    company, = get('company.company').find([])
    # the outlet of the demo users and another one
    warehouse_a, = get('stock.location').find([
            ('type', '=', 'warehouse'),
            ('regency_outlet', '=', True),
            ('regency.kemendagri_code', '=', '53.71'),
            ('secondary_outlet', '=', False),
            ])
    warehouse_b = get('stock.location').find([
            ('type', '=', 'warehouse'),
            ('regency_outlet', '=', True),
            ('id', '!=', warehouse_a.id),
            ], order=[('code', 'ASC')], limit=1)[0]

    configuration = get('consignment.configuration')(1)
    configuration.settle_per_outlet = True
    configuration.save()
    Category = get('product.category')
    category, = Category.find([
            ('name', '=', "Barang Konsinyasi"), ('accounting', '=', True)])
    unit, = get('product.uom').find([('name', '=', 'Unit')])
    template = get('product.template')(
        name=f"Kopi Bajawa {tag}", default_uom=unit, type='goods',
        salable=True, purchasable=True, list_price=Decimal('25000'),
        account_category=category)
    template.save()
    product, = template.products
    journal, = get('account.journal').find(
        [('type', '=', 'revenue')], limit=1)
    cash, = get('sale.point.payment.method').find([('cash', '=', True)])
    customer = get('party.party')(name=f"Pelanggan {tag}")
    customer.save()

    hub, = get('stock.location').find([
            ('type', '=', 'warehouse'), ('provincial_hub', '=', True)])
    outlets = {}
    for key, warehouse in [('a', warehouse_a), ('b', warehouse_b)]:
        outlets[key] = outlet = Outlet(
            config, warehouse.id, f"{key.upper()} {tag}", product, today)
        outlet.set_up(journal, cash, customer, hub)
    # settle this test's suppliers only: the demo database is shared with
    # other tests (a draft intake of another supplier would warn)
    settle = Wizard('consignment.settle', config=config)
    settle.form.cutoff_date = today
    for outlet in outlets.values():
        settle.form.suppliers.append(get('party.party')(outlet.supplier.id))
    settle.execute('settle')
    for outlet in outlets.values():
        outlet.settle()
        # a sale after the settlement: its line is open to settle
        outlet.open_sale = outlet.sell(1)

    # a transfer from B to A, prepared by B
    transfer = outlets['b'].create_transfer(outlets['a'].storage)

    Group = get('res.group')
    users = {}
    password = f'iso-{tag}-53'
    for key, outlet_staff, warehouses in [
            ('a', 'Outlet Staff', [warehouse_a]),
            ('b', 'Outlet Staff', [warehouse_b]),
            ('province', 'Province Staff', []),
            ]:
        login = f'iso_{key}_{tag}'
        user = User(name=f"Isolation {key} {tag}", login=login)
        user.password = password
        user.groups.extend(Group.find([
                    ('name', 'in', CLERK_GROUPS + [outlet_staff])]))
        user.outlets.extend([get('stock.location')(w.id) for w in warehouses])
        user.companies.append(get('company.company')(company.id))
        user.company = get('company.company')(company.id)
        user.save()
        users[key] = Client(
            url, database, login, password=password).use_preferences()

    # the outlet roles of the demo (ntt_mart/roles.xml), at outlet A
    Role = get('res.role')
    for role_name in OUTLET_ROLES:
        login = f'iso_{role_name.lower().replace(" ", "_")}_{tag}'
        user = User(name=f"Isolation {role_name} {tag}", login=login)
        user.password = password
        with config.set_context(language='en'):
            role, = Role.find([('name', '=', role_name)])
        user.roles.new(role=role)
        user.outlets.append(get('stock.location')(warehouse_a.id))
        user.companies.append(get('company.company')(company.id))
        user.company = get('company.company')(company.id)
        user.save()
        users[role_name] = Client(
            url, database, login, password=password).use_preferences()

    records = {
        'a': outlet_records(admin, outlets['a'], outlets['b']),
        'b': outlet_records(admin, outlets['b'], outlets['a']),
        }
    return {
        'admin': admin, 'users': users, 'outlets': outlets,
        'records': records, 'transfer': transfer.id, 'today': today,
        'product': product.id, 'unit': unit.id,
        }


@pytest.mark.parametrize('own, other', [('a', 'b'), ('b', 'a')])
def test_other_outlet_hidden(world, own, other):
    "A clerk finds and reads every record of the own outlet, none of another"
    client = world['users'][own]
    hidden, seen = {}, {}
    for model in OUTLET_MODELS:
        hidden[model] = found(client, model, world['records'][other][model])
        ids = world['records'][own][model]
        seen[model] = found(client, model, ids) == (len(ids), len(ids))
    assert hidden == {m: (0, 0) for m in OUTLET_MODELS}
    assert seen == {m: True for m in OUTLET_MODELS}


@pytest.mark.parametrize('role', OUTLET_ROLES)
def test_role_sees_no_other_outlet(world, role):
    "Each outlet role of outlet A finds and reads none of outlet B's records"
    client = world['users'][role]
    hidden = {}
    for model in OUTLET_MODELS:
        try:
            hidden[model] = found(client, model, world['records']['b'][model])
        except RPCError:
            # the role has no access to the model at all
            hidden[model] = (0, 0)
    assert hidden == {m: (0, 0) for m in OUTLET_MODELS}


def test_province_sees_all(world):
    "The province user finds the records of both outlets"
    client = world['users']['province']
    for own in ['a', 'b']:
        for model in OUTLET_MODELS:
            ids = world['records'][own][model]
            assert found(client, model, ids) == (len(ids), len(ids)), model


def test_location_quantities(world):
    "A clerk reads the stock of the own outlet's locations only"
    client = world['users']['a']
    outlets = world['outlets']
    storages = [outlets['a'].storage.id, outlets['b'].storage.id]
    context = {'product': world['product']}
    own, other = client.model('stock.location', 'read', storages,
        ['quantity', 'cost_value'], context=context)
    assert own['quantity'] and own['quantity'] > 0
    assert (other['quantity'], other['cost_value']) == (None, None)
    province, = world['users']['province'].model('stock.location', 'read',
        storages[1:], ['quantity'], context=context)
    assert province['quantity'] > 0


def test_transfer_out_refused(world):
    """The receiving clerk may not send the transfer out of the other
    outlet's storage, nor make one; the sending clerk may"""
    clerk_a, clerk_b = world['users']['a'], world['users']['b']
    outlets = world['outlets']
    transfer = world['transfer']
    # the transfer to A is A's to see
    assert found(clerk_a, 'stock.shipment.internal', [transfer]) == (1, 1)
    assert "sent from own outlets" in refused(
        clerk_a.model, 'stock.shipment.internal', 'wait', [transfer])
    for button in ['assign_try', 'ship', 'do', 'cancel']:
        assert refused(clerk_a.model, 'stock.shipment.internal', button,
            [transfer]), button
    move, = world['admin'].model('stock.shipment.internal', 'read',
        [transfer], ['moves'])[0]['moves']
    assert refused(clerk_a.model, 'stock.move', 'do', [move])
    assert refused(clerk_a.model, 'stock.move', 'write', [move],
        {'quantity': 2})
    a_storage, b_storage = outlets['a'].storage.id, outlets['b'].storage.id

    def new_transfer(client, from_, to):
        return client.model('stock.shipment.internal', 'create', [{
                    'from_location': from_,
                    'to_location': to,
                    'moves': [('create', [{
                                    'product': world['product'],
                                    'unit': world['unit'],
                                    'quantity': 1,
                                    'from_location': from_,
                                    'to_location': to,
                                    }])],
                    }])
    assert refused(new_transfer, clerk_a, b_storage, a_storage)
    shipment, = new_transfer(clerk_b, b_storage, a_storage)
    assert refused(clerk_a.model, 'stock.shipment.internal', 'delete',
        [shipment])

    # the sender sends, the receiver receives what is in transit
    clerk_b.model('stock.shipment.internal', 'wait', [shipment])
    clerk_b.model('stock.shipment.internal', 'assign_try', [shipment])
    transit, = clerk_b.model('stock.shipment.internal', 'read', [shipment],
        ['transit_location', 'state'])
    if transit['state'] != 'assigned':
        # the consigned goods are not the outlet's to send: force it
        world['admin'].model(
            'stock.shipment.internal', 'assign_force', [shipment])
    if transit['transit_location']:
        assert "sent from own outlets" in refused(
            clerk_a.model, 'stock.shipment.internal', 'pack', [shipment])
        for button in ['pack', 'ship']:
            clerk_b.model('stock.shipment.internal', button, [shipment])
        clerk_a.model('stock.shipment.internal', 'do', [shipment])
    else:
        assert refused(clerk_a.model, 'stock.shipment.internal', 'do',
            [shipment])
        clerk_b.model('stock.shipment.internal', 'do', [shipment])
    done, = clerk_a.model('stock.shipment.internal', 'read', [shipment],
        ['state'])
    assert done['state'] == 'done'


def test_till_of_other_outlet_refused(world):
    "A clerk may neither post at nor sell at another outlet's till"
    clerk_a = world['users']['a']
    outlet_b = world['outlets']['b']
    sale_b = outlet_b.open_sale.id
    assert refused(clerk_a.model, 'sale.point.sale', 'post', [sale_b])
    assert refused(clerk_a.model, 'sale.point.sale', 'create', [{
                'point': outlet_b.pos.id,
                'lines': [('create', [{
                                'product': world['product'],
                                'quantity': 1,
                                }])],
                }])
    assert refused(clerk_a.model, 'sale.point.cash.session', 'write',
        world['records']['b']['sale.point.cash.session'], {})


def test_order_of_other_outlet_refused(world):
    """A clerk may neither change nor confirm another outlet's order, nor
    make one for its warehouse"""
    clerk_a = world['users']['a']
    outlet_a, outlet_b = world['outlets']['a'], world['outlets']['b']
    order_b = outlet_b.order.id
    assert refused(clerk_a.model, 'sale.sale', 'write', [order_b],
        {'description': "changed"})
    for button in ['quote', 'confirm']:
        assert refused(clerk_a.model, 'sale.sale', button, [order_b])
    assert refused(clerk_a.model, 'sale.sale', 'create', [{
                'party': outlet_a.order.party.id,
                'warehouse': outlet_b.warehouse.id,
                }])
    assert refused(clerk_a.model, 'purchase.purchase', 'write',
        [outlet_b.purchase.id], {'description': "changed"})
    # the clerk's own order is the clerk's to change
    clerk_a.model('sale.sale', 'write', [outlet_a.order.id],
        {'description': "changed"})


def test_settle_other_outlet_refused(world):
    """The Settle wizard of a clerk settles the sales of the clerk's outlet
    only; the Pay Host Institutions wizard refuses another outlet"""
    admin = world['admin']
    clerk_a = world['users']['a']
    outlets = world['outlets']

    def open_line(outlet):
        line, = admin.model('account.invoice.line', 'search', [
                ('consignment_outlet', '=', outlet.warehouse.id),
                ('invoice', '=', None),
                ('consignment_settlement', '=', None),
                ('party', '=', outlet.supplier.id),
                ], 0, None, None)
        return line
    line_b = open_line(outlets['b'])
    clerk_a.wizard('consignment.settle', 'settle', {
            'start': {'cutoff_date': world['today'], 'suppliers': [
                        outlets['a'].supplier.id, outlets['b'].supplier.id]},
            })
    settled_b, = admin.model('account.invoice.line', 'read', [line_b],
        ['consignment_settlement'])
    assert settled_b['consignment_settlement'] is None
    # the sale of A is settled by A's clerk
    assert admin.model('consignment.settlement', 'search_count', [
            ('supplier', '=', outlets['a'].supplier.id),
            ('state', '=', 'draft'),
            ]) == 1

    assert refused(clerk_a.wizard, 'consignment.host_share.create',
        'create_', {'start': {
                'cutoff_date': world['today'],
                'outlets': [outlets['b'].warehouse.id],
                }})
    assert refused(clerk_a.model, 'consignment.settlement', 'write',
        [outlets['b'].settlement.id], {'date': world['today']})
    # a report checks the read rules of its records
    assert "Outlet staff: own outlets" in refused(clerk_a,
        'report.consignment.settlement.statement.execute',
        [outlets['b'].settlement.id], {}, clerk_a.context)


# the sale reports: those with an outlet column, and those summed over the
# outlets that must sum the own outlet's lines only
OUTLET_REPORTS = [
    'sale.reporting.outlet', 'sale.reporting.outlet.certification']
SUMMED_REPORTS = [
    'sale.reporting.outlet_regency',
    # Tryton's own: the sales and the sales per product
    'sale.reporting.main', 'sale.reporting.product']
# the reports that leave out the lines without their dimension (goods
# without origin, or neither consigned nor with a producer)
PARTIAL_REPORTS = [
    'sale.reporting.origin_regency', 'sale.reporting.supplier']


def test_reports_outlet_rule(world):
    """A clerk's province reports hold the own outlet's sales only, over
    RPC; the province user's hold both outlets'"""
    context = {'from_date': world['today'], 'to_date': world['today']}
    outlets = {k: world['outlets'][k].warehouse.id for k in ['a', 'b']}

    def rows(client, model):
        return client.model(model, 'search_read', [], 0, None, None,
            ['outlet', 'revenue'] if model in OUTLET_REPORTS
            else ['revenue'], context=context)

    for own, other in [('a', 'b'), ('b', 'a')]:
        client = world['users'][own]
        revenue = None
        for model in OUTLET_REPORTS:
            found = rows(client, model)
            assert {r['outlet'] for r in found} == {outlets[own]}, model
            revenue = revenue or found[0]['revenue']
            assert found[0]['revenue'] == revenue, model
        assert revenue > 0
        for model in SUMMED_REPORTS:
            assert sum(r['revenue'] for r in rows(client, model)) == (
                revenue), model
        for model in PARTIAL_REPORTS:
            assert sum(r['revenue'] for r in rows(client, model)) <= (
                revenue), model
        # asking for the other outlet's warehouse opens none of its lines
        for model in OUTLET_REPORTS + SUMMED_REPORTS + PARTIAL_REPORTS:
            assert client.model(model, 'search_read', [], 0, None, None,
                ['revenue'], context={**context, 'warehouse': outlets[other]}
                ) == [], model
    for model in OUTLET_REPORTS:
        seen = {r['outlet'] for r in rows(world['users']['province'], model)}
        assert set(outlets.values()) <= seen, model
