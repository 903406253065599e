# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Set up an NTT Mart database with proteus.

Every function is idempotent: it finds what exists and creates only what is
missing, so the set-up script can run again on the same database.
"""
import datetime as dt

from proteus import Model, Wizard
from proteus import config as pconfig

from account_id.tests.tools import (
    create_chart, create_fiscalyear, create_idr, create_payment_terms,
    create_product_categories, get_today)
from party_umkm.tests.tools import add_requirement
from stock_regency.tests.tools import create_outlet

__all__ = [
    'setup_company', 'setup_accounting', 'setup_certification',
    'setup_outlets', 'setup_payment_methods', 'setup_consignment',
    'setup_users', 'close_config_wizard',
    'COMPANY_NAME', 'TIMEZONE']

COMPANY_NAME = "NTT Mart"
TIMEZONE = 'Asia/Makassar'
HUB_REGENCY = '53.71'
# Transfers from Kupang to Timor are a day away; to the other islands the
# ferry makes it several days
TIMOR = {'53.01', '53.02', '53.03', '53.04', '53.21', '53.71'}


def setup_company(
        config=None, name=COMPANY_NAME, timezone=TIMEZONE, pkp=False):
    """Return the company, created with the company wizard if missing

    pkp tells whether the company is registered for VAT (Pengusaha Kena
    Pajak): a PKP company charges PPN on its sales."""
    Company = Model.get('company.company', config=config)
    Party = Model.get('party.party', config=config)
    User = Model.get('res.user', config=config)
    companies = Company.find([('party.name', '=', name)])
    if companies:
        company, = companies
    else:
        currency = create_idr(config=config)
        party = Party(name=name)
        address, = party.addresses
        address.city = "Kupang"
        party.save()
        company_config = Wizard('company.company.config', config=config)
        company_config.execute('company')
        company = company_config.form
        company.party = party
        company.currency = currency
        company.timezone = timezone
        company_config.execute('add')
        company, = Company.find([('party.name', '=', name)])
    if company.timezone != timezone or bool(company.pkp) != pkp:
        company.timezone = timezone
        company.pkp = pkp
        company.save()
    if config is not None:
        config._context = User.get_preferences(True, {})
    return company


def setup_accounting(company, year=None, config=None):
    """Set up the Indonesian chart of accounts, the fiscal year of year with
    monthly periods and sequences, the payment terms and the accounting
    product categories (beli putus, konsinyasi, pokok)

    Returns the product categories by name."""
    Account = Model.get('account.account', config=config)
    Category = Model.get('product.category', config=config)
    FiscalYear = Model.get('account.fiscalyear', config=config)
    PaymentTerm = Model.get('account.invoice.payment_term', config=config)
    if year is None:
        year = get_today(config=config).year
    if not Account.find([('company', '=', company.id)], limit=1):
        create_chart(company, config=config)
    if not FiscalYear.find([
                ('company', '=', company.id),
                ('start_date', '<=', dt.date(year, 12, 31)),
                ('end_date', '>=', dt.date(year, 1, 1)),
                ]):
        create_fiscalyear(
            company, year=year, stock_method='continental', config=config)
    if not PaymentTerm.find([('name', '=', "Tunai")]):
        create_payment_terms(config=config)
    names = {
        'beli_putus': "Barang Dagang (Beli Putus)",
        'konsinyasi': "Barang Konsinyasi",
        'pokok': "Barang Kebutuhan Pokok (Bebas PPN)",
        }
    categories = {key: Category.find([
                ('name', '=', name), ('accounting', '=', True)])
        for key, name in names.items()}
    if not all(categories.values()):
        return create_product_categories(company, config=config)
    return {key: found[0] for key, found in categories.items()}


def setup_certification(config=None):
    """Create the product categories that need certificates to be sold

    Processed food (pangan olahan) needs a halal certificate (from
    17-10-2026 for micro and small businesses, 17-10-2024 for medium and
    large ones, PP 42/2024) and a BPOM MD or SPP-IRT registration.
    Returns the categories by name."""
    Category = Model.get('product.category', config=config)
    categories = {}
    for key, name in [
            ('processed_food', "Pangan Olahan"),
            ('beverage', "Minuman"),
            ('craft', "Kerajinan dan Tenun"),
            ]:
        found = Category.find([('name', '=', name), ('accounting', '=', False)])
        if found:
            categories[key], = found
            continue
        category = Category(name=name)
        category.save()
        if key in {'processed_food', 'beverage'}:
            add_requirement(category, 'halal',
                effective_date=dt.date(2026, 10, 17),
                umkm_classes=['mikro', 'kecil'], config=config)
            add_requirement(category, 'halal',
                effective_date=dt.date(2024, 10, 17),
                umkm_classes=['menengah', 'besar'], config=config)
            add_requirement(category, 'bpom_md', 'spp_irt', config=config)
        categories[key] = category
    return categories


def setup_outlets(config=None, lead_time_timor=dt.timedelta(days=1),
        lead_time_islands=dt.timedelta(days=4)):
    """Create the provincial hub and one outlet per regency

    Returns the hub and the outlets by Kemendagri code."""
    Location = Model.get('stock.location', config=config)
    Subdivision = Model.get('country.subdivision', config=config)
    regencies = Subdivision.find([
            ('parent.code', '=', 'ID-NT'),
            ('type', 'in', ['regency', 'city']),
            ], order=[('kemendagri_code', 'ASC')])
    by_code = {r.kemendagri_code: r for r in regencies}

    hubs = Location.find([
            ('type', '=', 'warehouse'), ('provincial_hub', '=', True)])
    if hubs:
        hub = hubs[0]
    else:
        hub = create_outlet(by_code[HUB_REGENCY], provincial_hub=True,
            code='HUB', config=config)

    existing = {o.regency.id: o for o in Location.find([
                ('type', '=', 'warehouse'),
                ('regency_outlet', '=', True),
                ('secondary_outlet', '=', False),
                ])}
    outlets = {}
    for code, regency in by_code.items():
        if regency.id in existing:
            outlets[code] = existing[regency.id]
            continue
        lead_time = lead_time_timor if code in TIMOR else lead_time_islands
        outlets[code] = create_outlet(
            regency, hub=hub, lead_time=lead_time, code=code, config=config)
    return hub, outlets


def _accounts(company, config=None):
    Account = Model.get('account.account', config=config)
    return {a.code: a for a in Account.find([
                ('company', '=', company.id), ('code', '!=', None)])}


def setup_payment_methods(company, config=None):
    """Create the ways money moves: cash at the outlet, bank transfer and
    QRIS, for paying invoices (suppliers, host institutions) and at the till

    QRIS receipts go to the QRIS clearing account (11210, QRIS dalam
    penyelesaian) until the acquirer pays them out to the bank.  Returns the invoice payment methods and the till
    payment methods by key ('cash', 'bank', 'qris')."""
    Journal = Model.get('account.journal', config=config)
    InvoiceMethod = Model.get('account.invoice.payment.method', config=config)
    TillMethod = Model.get('sale.point.payment.method', config=config)
    accounts = _accounts(company, config=config)
    journals = {}
    for key, code, name in [
            ('cash', 'CASH', "Kas"),
            ('bank', 'BANK', "Bank"),
            ('qris', 'QRIS', "QRIS"),
            ]:
        found = Journal.find([('code', '=', code)], limit=1)
        if found:
            journals[key], = found
            continue
        journal = Journal(name=name, code=code, type='cash')
        journal.save()
        journals[key] = journal
    invoice_methods, till_methods = {}, {}
    for key, name, code in [
            ('cash', "Tunai Gerai", '11100'),
            ('bank', "Transfer Bank", '11200'),
            ('qris', "QRIS", '11210'),
            ]:
        found = InvoiceMethod.find([
                ('company', '=', company.id), ('name', '=', name)])
        if found:
            invoice_methods[key], = found
        else:
            method = InvoiceMethod(name=name, journal=journals[key])
            method.credit_account = accounts[code]
            method.debit_account = accounts[code]
            method.save()
            invoice_methods[key] = method
    for key, name, code, cash in [
            ('cash', "Tunai", '11100', True),
            ('qris', "QRIS", '11210', False),
            ]:
        found = TillMethod.find([
                ('company', '=', company.id), ('name', '=', name)])
        if found:
            till_methods[key], = found
        else:
            method = TillMethod(name=name, account=accounts[code], cash=cash)
            method.save()
            till_methods[key] = method
    return invoice_methods, till_methods


def setup_consignment(company, config=None):
    """Configure the consignment settlements: fees deducted from
    consignors are facilitation revenue (41300), host institutions' shares
    an operating expense (61210), consigned goods written off a loss
    (81200) reduced by the consignor's share; the first time, settle per
    outlet, so that each outlet's consignment officer sees the settlements
    of the outlet"""
    Configuration = Model.get('consignment.configuration', config=config)
    accounts = _accounts(company, config=config)
    configuration = Configuration(1)
    changed = False
    for field, code in [
            ('settlement_deduction_account', '41300'),
            ('host_share_account', '61210'),
            ('write_off_account', '81200'),
            ]:
        if not getattr(configuration, field):
            setattr(configuration, field, accounts[code])
            changed = True
    if changed:
        configuration.settle_per_outlet = True
        configuration.save()
    return configuration


def setup_admin(password, email=None, config=None):
    """Give the admin user the password (and e-mail) when it has none, as
    on a database copied from an activated template"""
    User = Model.get('res.user', config=config)
    admin, = User.find([('login', '=', 'admin')])
    if admin.password_hash:
        return admin
    admin.password = password
    if email and not admin.email:
        admin.email = email
    admin.save()
    return admin


# The demo users: one per role (res.role of roles.xml), the outlet ones
# working at NTT Mart Kota Kupang
DEMO_USERS = [
    ('kasir', "Kasir Gerai Kota Kupang", "Cashier", True),
    ('kupang', "Manajer Gerai Kota Kupang", "Outlet Manager", True),
    ('konsinyasi', "Petugas Konsinyasi Kota Kupang", "Consignment Officer",
        True),
    ('sertifikasi', "Petugas Sertifikasi UMKM", "Certification Officer",
        False),
    ('akuntan', "Akuntan NTT Mart", "Accountant", False),
    ('provinsi', "Analis Provinsi NTT", "Province Analyst", False),
    ('adminprov', "Administrator Provinsi NTT", "Province Administrator",
        False),
    ]


def setup_users(password, config=None):
    """Create the demo users, one per role (cashier, outlet manager and
    consignment officer of the Kota Kupang outlet, certification officer,
    accountant, province analyst and administrator), in Indonesian when it
    is loaded; a user that exists keeps its settings"""
    Lang = Model.get('ir.lang', config=config)
    Location = Model.get('stock.location', config=config)
    Role = Model.get('res.role', config=config)
    User = Model.get('res.user', config=config)
    Company = Model.get('company.company', config=config)
    company, = Company.find([('party.name', '=', COMPANY_NAME)])
    outlet, = Location.find([
            ('type', '=', 'warehouse'),
            ('regency_outlet', '=', True),
            ('regency.kemendagri_code', '=', HUB_REGENCY),
            ('secondary_outlet', '=', False),
            ])
    languages = Lang.find([('code', '=', 'id'), ('translatable', '=', True)])
    users = {}
    for login, name, role, at_outlet in DEMO_USERS:
        found = User.find([('login', '=', login)])
        if found:
            users[login], = found
            continue
        # the roles of roles.xml, by their English name
        with (config or pconfig.get_config()).set_context(language='en'):
            role, = Role.find([('name', '=', role)])
        user = User(name=name, login=login, password=password)
        if languages:
            user.language, = languages
        user.roles.new(role=role)
        if at_outlet:
            user.outlets.append(Location(outlet.id))
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        user.save()
        users[login] = user
    return users


def close_config_wizard(config=None):
    "Mark the first-login module configuration wizard as done"
    Item = Model.get('ir.module.config_wizard.item', config=config)
    items = Item.find([('state', '!=', 'done')])
    for item in items:
        item.state = 'done'
    Item.save(items)
