# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bad input over JSON-RPC is refused with a clear message (issue #12).

On the demo database served by one trytond (tests/conftest.py), the admin
creates once a supplier, a draft and an active contract, a draft intake, a
till with a posted and an open sale, a certificate type and a user without
groups.  Each case of CASES sends one invalid call as a user and expects a
UserError (never an internal error such as "integer out of range" or
InvalidOperation) whose translated message contains the text given, and the
records the call touches read the same before and after.
"""
import datetime as dt
from decimal import Decimal

import pytest

from rpc import Client, RPCError

# a unique prefix: the demo database is shared with the other tests
NAME = "Uji Masukan"
BIG = 10 ** 30


def decimal(value):
    "Return value as the JSON-RPC encoding of a Decimal"
    return {'__class__': 'Decimal', 'decimal': str(value)}


def date(value):
    return {'__class__': 'date',
        'year': value.year, 'month': value.month, 'day': value.day}


def call(client, model, method, *args, language='en'):
    "Call a method of a model as client, in language"
    return client(f'model.{model}.{method}', *args,
        dict(client.preferences, language=language))


@pytest.fixture(scope='module')
def clients(demo_server):
    url, database, _ = demo_server
    admin = Client(url, database, 'admin')
    admin.preferences = {}
    admin.preferences = admin('model.res.user.get_preferences', True, {})
    users = call(admin, 'res.user', 'search', [('login', '=', 'tanpagrup')])
    if not users:
        call(admin, 'res.user', 'create', [{
                    'name': "Pengguna Tanpa Grup", 'login': 'tanpagrup',
                    'password': 'kupang-demo-53', 'groups': [],
                    }])
    clients = {'admin': admin}
    for login in ['kupang', 'tanpagrup']:
        client = Client(url, database, login)
        client.preferences = {}
        client.preferences = client(
            'model.res.user.get_preferences', True, {})
        clients[login] = client
    return clients


def find_or_create(admin, model, domain, values):
    "Return the id of the record of model found by domain, or created"
    found = call(admin, model, 'search', domain, 0, 1, None)
    if found:
        return found[0]
    return call(admin, model, 'create', [values])[0]


@pytest.fixture(scope='module')
def docs(clients):
    "Create once the records the cases change; return their ids by name"
    admin = clients['admin']
    company = admin.preferences['company']
    today = dt.date.today()
    unit, = call(admin, 'product.uom', 'search', [('name', '=', 'Unit')],
        0, 1, None)
    category, = call(admin, 'product.category', 'search', [
            ('name', '=', "Barang Konsinyasi"),
            ('accounting', '=', True)], 0, 1, None)
    outlet, = call(admin, 'stock.location', 'search', [
            ('type', '=', 'warehouse'), ('regency_outlet', '=', True),
            ('regency.kemendagri_code', '=', '53.71'),
            ('secondary_outlet', '=', False)], 0, 1, None)
    docs = {'outlet': outlet, 'company': company}
    template = find_or_create(admin, 'product.template',
        [('name', '=', f"Kopi {NAME}")], {
            'name': f"Kopi {NAME}", 'type': 'goods', 'salable': True,
            'default_uom': unit, 'sale_uom': unit,
            'list_price': decimal('25000'),
            'account_category': category,
            'products': [['create', [{'cost_price': decimal('15000')}]]],
            })
    docs['product'], = call(admin, 'product.template', 'read', [template],
        ['products'])[0]['products']
    for key, name in [('supplier', f"UD {NAME}"),
            ('supplier_active', f"CV {NAME}")]:
        docs[key] = find_or_create(admin, 'party.party',
            [('name', '=', name)], {'name': name, 'founding_year': 2015})
    line = {'product': docs['product'], 'pricing': 'consignor_price',
        'consignor_price': decimal('15000')}
    docs['contract'] = find_or_create(admin, 'consignment.contract', [
            ('supplier', '=', docs['supplier']),
            ('state', '=', 'draft')], {
            'supplier': docs['supplier'], 'company': company,
            'start_date': date(today), 'outlets': [['add', [outlet]]],
            'lines': [['create', [line]]],
            })
    docs['contract_line'], = call(admin, 'consignment.contract', 'read',
        [docs['contract']], ['lines'])[0]['lines']
    active = find_or_create(admin, 'consignment.contract', [
            ('supplier', '=', docs['supplier_active'])], {
            'supplier': docs['supplier_active'], 'company': company,
            'start_date': date(today), 'outlets': [['add', [outlet]]],
            'lines': [['create', [line]]],
            })
    if call(admin, 'consignment.contract', 'read', [active],
            ['state'])[0]['state'] == 'draft':
        call(admin, 'consignment.contract', 'activate', [active])
    docs['contract_active'] = active
    for state in ['done', 'draft']:
        intake = find_or_create(admin, 'consignment.intake', [
                ('contract', '=', active), ('state', '=', state)], {
                'company': company, 'contract': active, 'outlet': outlet,
                'date': date(today),
                'lines': [['create', [{
                                    'product': docs['product'],
                                    'quantity': 10}]]],
                })
        if state == 'done':
            # the goods the till sells
            call(admin, 'consignment.intake', 'do', [intake])
    docs['intake'] = intake
    docs['intake_line'], = call(admin, 'consignment.intake', 'read',
        [docs['intake']], ['lines'])[0]['lines']
    docs['certificate_type'] = find_or_create(admin,
        'party.certificate.type', [('code', '=', 'UJI')], {
            'name': f"Sertifikat {NAME}", 'code': 'UJI',
            'validity_years': 5})
    docs.update(till_sales(admin, docs))
    return docs


def till_sales(admin, docs):
    "Return the ids of a till, its posted sale and an open one with lines"
    points = call(admin, 'sale.point', 'search',
        [('name', '=', f"Kasir {NAME}")], 0, 1, None)
    if points:
        point, = points
    else:
        storage, = call(admin, 'stock.location', 'read', [docs['outlet']],
            ['storage_location'])
        customer, = call(admin, 'stock.location', 'search',
            [('code', '=', 'CUS')], 0, 1, None)
        journal, = call(admin, 'account.journal', 'search',
            [('type', '=', 'revenue')], 0, 1, None)
        sequence_type, = call(admin, 'ir.sequence.type', 'search',
            [('name', '=', "POS")], 0, 1, None)
        sequence, = call(admin, 'ir.sequence.strict', 'create', [{
                    'name': f"Kasir {NAME}", 'company': docs['company'],
                    'sequence_type': sequence_type}])
        point, = call(admin, 'sale.point', 'create', [{
                    'name': f"Kasir {NAME}", 'company': docs['company'],
                    'journal': journal, 'sequence': sequence,
                    'storage_location': storage['storage_location'],
                    'return_location': storage['storage_location'],
                    'customer_location': customer}])
    method, = call(admin, 'sale.point.payment.method', 'search',
        [('name', '=', "Tunai")], 0, 1, None)
    sales = {}
    for key, state in [('sale_posted', 'posted'), ('sale_open', 'open')]:
        found = call(admin, 'sale.point.sale', 'search', [
                ('point', '=', point), ('state', '=', state)], 0, 1, None)
        if found:
            sales[key], = found
            continue
        sale, = call(admin, 'sale.point.sale', 'create', [{
                    'point': point, 'company': docs['company'],
                    'lines': [['create', [{
                                    'product': docs['product'],
                                    'quantity': 2,
                                    'unit_list_price': decimal('25000'),
                                    'unit_gross_price': decimal('25000'),
                                    }]]],
                    }])
        if state == 'posted':
            total = call(admin, 'sale.point.sale', 'read', [sale],
                ['total'])[0]['total']
            call(admin, 'sale.point.payment', 'create', [{
                        'sale': sale, 'method': method, 'amount': total}])
            call(admin, 'sale.point.sale', 'process', [sale])
            call(admin, 'sale.point.sale', 'post', [sale])
        sales[key] = sale
    for key in list(sales):
        sale, = call(admin, 'sale.point.sale', 'read', [sales[key]],
            ['lines', 'payments'])
        sales[key + '_line'] = sale['lines'][0]
        if sale['payments']:
            sales[key + '_payment'] = sale['payments'][0]
    sales['method'] = method
    return sales


def write(key, values):
    "A write of values on the record docs[key]"
    return 'write', lambda d: [[d[key]], values]


def create(values):
    "A create of values with some taken from docs: {field: key}"
    def args(d):
        return [[{f: (d[v[1:]] if isinstance(v, str) and v.startswith('@')
                            else v)
                        for f, v in values.items()}]]
    return 'create', args


def delete(key):
    return 'delete', lambda d: [[d[key]]]


def button(name, key):
    return name, lambda d: [[d[key]]]


CONTRACT = 'consignment.contract'
LINE = 'consignment.contract.line'
INTAKE_LINE = 'consignment.intake.line'
PARTY = 'party.party'
TILL_LINE = 'sale.point.sale.line'
TILL_PAYMENT = 'sale.point.payment'
TILL_SALE = 'sale.point.sale'
MAX_AMOUNT = '1,000,000,000,000'

# (id, login, model, (method, args), message substring, language)
CASES = [
    # amounts of the contract
    ('payout-negative', 'admin', CONTRACT,
        write('contract', {'minimum_payout': decimal(-1)}),
        f'Minimum Payout of "', 'en'),
    ('payout-huge', 'admin', CONTRACT,
        write('contract', {'minimum_payout': decimal(BIG)}),
        f'between 0 and {MAX_AMOUNT}', 'en'),
    ('payout-text', 'admin', CONTRACT,
        write('contract', {'minimum_payout': 'seratus'}),
        'must be a number, not "seratus"', 'en'),
    ('payout-negative-id', 'admin', CONTRACT,
        write('contract', {'minimum_payout': decimal(-1)}),
        'Pembayaran Minimum pada "UD Uji Masukan" harus antara 0 dan', 'id'),
    ('display-fee-negative', 'admin', CONTRACT,
        write('contract', {'display_fee': decimal(-5000)}),
        'Display Fee per Month', 'en'),
    ('settlement-fee-huge', 'admin', CONTRACT,
        write('contract', {'settlement_fee': decimal(10 ** 13)}),
        'Settlement Fee', 'en'),
    ('commission-above-one', 'admin', CONTRACT,
        write('contract', {'default_commission': decimal('1.5')}),
        'between 0 and 100, not 150', 'en'),
    ('commission-negative', 'admin', CONTRACT,
        write('contract', {'default_commission': decimal('-0.1')}),
        'Default Commission', 'en'),
    ('loss-share-above-one', 'admin', CONTRACT,
        write('contract', {'write_off_loss_share': decimal(2)}),
        'Loss Share', 'en'),
    ('shelf-days-zero', 'admin', CONTRACT,
        write('contract', {'max_shelf_days': 0}),
        'and not zero, not 0', 'en'),
    ('shelf-days-overflow', 'admin', CONTRACT,
        write('contract', {'max_shelf_days': 2 ** 40}),
        'Maximum Days on Shelf', 'en'),
    ('shelf-life-negative', 'admin', CONTRACT,
        write('contract', {'min_shelf_life_days': -3}),
        'Minimum Shelf Life at Intake', 'en'),
    ('shelf-life-overflow-id', 'admin', CONTRACT,
        write('contract', {'min_shelf_life_days': 2 ** 31}),
        'harus antara 0 dan 36.500', 'id'),
    ('shelf-days-text', 'admin', CONTRACT,
        write('contract', {'max_shelf_days': 'tiga puluh'}),
        'must be a number', 'en'),
    # dates, states and required fields of the contract
    ('contract-end-before-start', 'admin', CONTRACT,
        write('contract', {'end_date': date(dt.date(2000, 1, 1))}),
        'is before its start date', 'en'),
    ('contract-unsold-action', 'admin', CONTRACT,
        write('contract', {'unsold_action': 'burn'}),
        'Unsold Goods', 'en'),
    ('contract-period', 'admin', CONTRACT,
        write('contract', {'settlement_period': 'hourly'}),
        'Settlement Period', 'en'),
    ('contract-no-supplier', 'admin', CONTRACT,
        create({'start_date': date(dt.date.today())}),
        'Supplier', 'en'),
    ('contract-active-terms', 'admin', CONTRACT,
        write('contract_active', {'minimum_payout': decimal(1000)}),
        'Active', 'en'),
    ('contract-active-delete', 'admin', CONTRACT,
        delete('contract_active'), 'delete', 'en'),
    # prices of the contract lines
    ('buy-out-huge', 'admin', LINE,
        write('contract_line', {'buy_out_price': decimal(BIG)}),
        'Buy-Out Price of "Kopi', 'en'),
    ('buy-out-negative', 'admin', LINE,
        write('contract_line', {'buy_out_price': decimal(-1)}),
        'Buy-Out Price', 'en'),
    ('consignor-price-negative', 'admin', LINE,
        write('contract_line', {'consignor_price': decimal(-1)}),
        'Consignor Price', 'en'),
    ('consignor-price-huge-id', 'admin', LINE,
        write('contract_line', {'consignor_price': decimal(BIG)}),
        'bukan 1E+30', 'id'),
    ('retail-price-negative', 'admin', LINE,
        write('contract_line', {'suggested_retail_price': decimal(-2)}),
        'Suggested Retail Price', 'en'),
    ('line-commission-above-one', 'admin', LINE,
        write('contract_line', {'commission': decimal(3)}),
        'Commission', 'en'),
    ('quantity-cap-zero', 'admin', LINE,
        write('contract_line', {'quantity_cap': 0}),
        'Quantity Cap', 'en'),
    ('quantity-cap-huge', 'admin', LINE,
        write('contract_line', {'quantity_cap': 1e12}),
        'between 0 and 1,000,000,000', 'en'),
    ('line-pricing', 'admin', LINE,
        write('contract_line', {'pricing': 'barter'}),
        'Pricing', 'en'),
    ('line-price-text', 'admin', LINE,
        write('contract_line', {'consignor_price': [1, 2]}),
        'must be a number', 'en'),
    ('line-active-contract', 'admin', LINE,
        create({'contract': '@contract_active', 'product': '@product',
                'pricing': 'commission'}),
        'Active', 'en'),
    # intake quantities
    ('intake-huge', 'admin', INTAKE_LINE,
        write('intake_line', {'quantity': 1e12}),
        'between 0 and 100,000 and not zero', 'en'),
    ('intake-zero', 'admin', INTAKE_LINE,
        write('intake_line', {'quantity': 0}),
        'Quantity of "Kopi', 'en'),
    ('intake-negative', 'admin', INTAKE_LINE,
        write('intake_line', {'quantity': -4}),
        'not zero, not -4', 'en'),
    ('intake-text', 'admin', INTAKE_LINE,
        write('intake_line', {'quantity': 'sepuluh'}),
        'must be a number', 'en'),
    ('intake-create-huge-id', 'admin', INTAKE_LINE,
        create({'intake': '@intake', 'product': '@product',
                'quantity': 1e12}),
        'tidak nol', 'id'),
    # the supplier profile
    ('founding-year-old', 'admin', PARTY,
        write('supplier', {'founding_year': 1800}),
        'Founding Year of "UD Uji Masukan" must be between 1900 and', 'en'),
    ('founding-year-future', 'admin', PARTY,
        write('supplier', {'founding_year': 3000}),
        'not 3000', 'en'),
    ('founding-year-overflow', 'admin', PARTY,
        write('supplier', {'founding_year': 2 ** 40}),
        'Founding Year', 'en'),
    ('founding-year-text-id', 'admin', PARTY,
        write('supplier', {'founding_year': 'dua ribu'}),
        'harus berupa angka', 'id'),
    ('founding-year-create', 'admin', PARTY,
        create({'name': f"PT {NAME} Baru", 'founding_year': 1066}),
        f'"PT {NAME} Baru"', 'en'),
    ('workforce-negative', 'admin', PARTY,
        write('supplier', {'workforce_total': -1}),
        'Workforce', 'en'),
    ('workforce-overflow', 'admin', PARTY,
        write('supplier', {'workforce_women': 2 ** 31}),
        'Women in Workforce', 'en'),
    ('turnover-negative', 'admin', PARTY,
        write('supplier', {'annual_turnover': decimal(-100)}),
        'Annual Sales', 'en'),
    ('capital-huge', 'admin', PARTY,
        write('supplier', {'business_capital': decimal(BIG)}),
        'Business Capital', 'en'),
    ('nib-oversize', 'admin', PARTY,
        write('supplier', {'nib': '9' * 300}),
        'NIB', 'en'),
    ('nib-letters', 'admin', PARTY,
        write('supplier', {'nib': 'NIB-12345678'}),
        'must be 13 digits', 'en'),
    ('workforce-women-above-total', 'admin', PARTY,
        write('supplier', {'workforce_total': 2, 'workforce_women': 5}),
        'cannot exceed', 'en'),
    # certificate types and configurations
    ('validity-zero', 'admin', 'party.certificate.type',
        write('certificate_type', {'validity_years': 0}),
        'Validity (years)', 'en'),
    ('validity-huge', 'admin', 'party.certificate.type',
        write('certificate_type', {'validity_years': 2 ** 33}),
        'between 0 and 100', 'en'),
    ('umkm-expiring-negative', 'admin', 'party.umkm.configuration',
        ('write', lambda d: [[1], {'expiring_days': -1}]),
        'Expiring Within', 'en'),
    ('umkm-turnover-negative', 'admin', 'party.umkm.configuration',
        ('write', lambda d: [[1], {'turnover_micro': decimal(-1)}]),
        'Micro Annual Sales', 'en'),
    ('intake-max-zero', 'admin', 'consignment.configuration',
        ('write', lambda d: [[1], {'intake_quantity_max': 0}]),
        'Maximum Intake Quantity', 'en'),
    ('pull-out-overflow', 'admin', 'consignment.configuration',
        ('write', lambda d: [[1], {'pull_out_expiry_margin': 2 ** 35}]),
        'Pull-out Expiry Margin', 'en'),
    ('config-commission-id', 'admin', 'consignment.configuration',
        ('write', lambda d: [[1], {'default_commission': decimal(7)}]),
        'harus antara 0 dan 1', 'id'),
    # the host of the outlet
    ('host-rate-above-one', 'admin', 'stock.location',
        write('outlet', {'host_commission_rate': decimal('1.5')}),
        'between 0 and 1', 'en'),
    ('host-fee-huge', 'admin', 'stock.location',
        write('outlet', {'host_monthly_fee': decimal(BIG)}),
        'between 0 and 1,000,000,000,000', 'en'),
    # till sales: the open one refuses bad lines, the posted one any change
    ('till-quantity-zero', 'admin', TILL_LINE,
        write('sale_open_line', {'quantity': 0}),
        'and not zero, not 0', 'en'),
    ('till-price-negative', 'admin', TILL_LINE,
        write('sale_open_line', {'unit_list_price': decimal(-1000)}),
        'Unit List Price', 'en'),
    ('till-gross-price-negative-id', 'admin', TILL_LINE,
        write('sale_open_line', {'unit_gross_price': decimal(-1)}),
        'harus antara 0 dan', 'id'),
    ('till-quantity-huge', 'admin', TILL_LINE,
        write('sale_open_line', {'quantity': 1e12}),
        'between -1,000,000,000 and 1,000,000,000', 'en'),
    ('till-line-create-zero', 'admin', TILL_LINE,
        create({'sale': '@sale_open', 'product': '@product',
                'quantity': 0, 'unit_list_price': decimal(1),
                'unit_gross_price': decimal(1)}),
        'not zero', 'en'),
    ('posted-line-quantity', 'admin', TILL_LINE,
        write('sale_posted_line', {'quantity': 1}),
        'cannot be changed because it is Posted', 'en'),
    ('posted-line-price', 'admin', TILL_LINE,
        write('sale_posted_line', {'unit_list_price': decimal(1)}),
        'refund it instead', 'en'),
    ('posted-line-delete', 'admin', TILL_LINE,
        delete('sale_posted_line'), 'cannot be changed', 'en'),
    ('posted-line-create', 'admin', TILL_LINE,
        create({'sale': '@sale_posted', 'product': '@product',
                'quantity': 1, 'unit_list_price': decimal(1),
                'unit_gross_price': decimal(1)}),
        'cannot be changed', 'en'),
    ('posted-payment-amount', 'admin', TILL_PAYMENT,
        write('sale_posted_payment', {'amount': decimal(1)}),
        'cannot be changed', 'en'),
    ('posted-payment-delete', 'admin', TILL_PAYMENT,
        delete('sale_posted_payment'), 'you must reopen sale', 'en'),
    ('posted-sale-state', 'admin', TILL_SALE,
        write('sale_posted', {'state': 'open'}),
        'cannot be changed', 'en'),
    ('posted-sale-delete', 'admin', TILL_SALE,
        delete('sale_posted'), 'delete', 'en'),
    ('payment-huge', 'admin', TILL_PAYMENT,
        create({'sale': '@sale_open', 'method': '@method',
                'amount': decimal(BIG)}),
        'Amount', 'en'),
    # permissions
    ('no-group-contract-create', 'tanpagrup', CONTRACT,
        create({'supplier': '@supplier', 'start_date':
                date(dt.date.today())}),
        'Consignment Contract', 'en'),
    ('no-group-contract-write', 'tanpagrup', CONTRACT,
        write('contract', {'minimum_payout': decimal(1)}),
        'Consignment Contract', 'en'),
    ('no-group-contract-line', 'tanpagrup', LINE,
        write('contract_line', {'consignor_price': decimal(1)}),
        'Consignment Contract Line', 'en'),
    ('no-group-intake-line', 'tanpagrup', INTAKE_LINE,
        write('intake_line', {'quantity': 5}), 'Intake', 'en'),
    ('no-group-configuration', 'tanpagrup', 'consignment.configuration',
        ('write', lambda d: [[1], {'pull_out_expiry_margin': 10}]),
        'Configuration', 'en'),
    ('no-group-till-line', 'tanpagrup', TILL_LINE,
        write('sale_open_line', {'quantity': 3}), 'Sale', 'en'),
    ('no-group-activate', 'tanpagrup', CONTRACT,
        button('activate', 'contract'), 'Consignment Contract', 'en'),
    ('clerk-certificate-type', 'kupang', 'party.certificate.type',
        write('certificate_type', {'validity_years': 3}),
        'Jenis Sertifikat Pihak', 'id'),
    ]


def snapshot(admin, model, method, args):
    "Return what the call could change: the records or the model's count"
    if method == 'write':
        ids, values = args[0], args[1]
        return call(admin, model, 'read', ids, sorted(values))
    if method == 'delete':
        return call(admin, model, 'read', args[0], ['id'])
    if method == 'create':
        return call(admin, model, 'search_count', [])
    return call(admin, model, 'read', args[0], ['state'])


@pytest.mark.parametrize('login,model,action,expected,language', [
        case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input(clients, docs, login, model, action, expected, language):
    "The call is refused with a translated message and changes nothing"
    admin = clients['admin']
    method, args = action
    args = args(docs)
    before = snapshot(admin, model, method, args)
    with pytest.raises(RPCError) as info:
        call(clients[login], model, method, *args, language=language)
    kind, details = info.value.args[0][:2]
    assert kind == 'UserError', info.value.args
    message = details[0]
    assert expected in message, message
    assert 'Traceback' not in message
    assert snapshot(admin, model, method, args) == before


def test_cases_count():
    "The issue asks for at least 60 invalid inputs"
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)
