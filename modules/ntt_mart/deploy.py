# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Set up an NTT Mart database with proteus.

Every function is idempotent: it finds what exists and creates only what is
missing, so the set-up script can run again on the same database.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model, Wizard

from stock_regency.tests.tools import create_outlet

__all__ = [
    'setup_currency', 'setup_company', 'setup_outlets', 'setup_users',
    'close_config_wizard', 'COMPANY_NAME', 'TIMEZONE']

COMPANY_NAME = "NTT Mart"
TIMEZONE = 'Asia/Makassar'
HUB_REGENCY = '53.71'
# Transfers from Kupang to Timor are a day away; to the other islands the
# ferry makes it several days
TIMOR = {'53.01', '53.02', '53.03', '53.04', '53.21', '53.71'}


def setup_currency(config=None):
    "Return the Indonesian rupiah, created if missing"
    Currency = Model.get('currency.currency', config=config)
    currencies = Currency.find([('code', '=', 'IDR')])
    if currencies:
        currency, = currencies
    else:
        # prices and invoice totals are kept in whole rupiah
        currency = Currency(
            name="Indonesian Rupiah", code='IDR', numeric_code='360',
            symbol='Rp', rounding=Decimal('1'), digits=0)
        currency.save()
    return currency


def setup_company(config=None, name=COMPANY_NAME, timezone=TIMEZONE):
    "Return the company, created with the company wizard if missing"
    Company = Model.get('company.company', config=config)
    Party = Model.get('party.party', config=config)
    User = Model.get('res.user', config=config)
    companies = Company.find([('party.name', '=', name)])
    if companies:
        company, = companies
    else:
        currency = setup_currency(config=config)
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
    if company.timezone != timezone:
        company.timezone = timezone
        company.save()
    if config is not None:
        config._context = User.get_preferences(True, {})
    return company


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


def setup_users(password, config=None):
    """Create the demo users: a clerk of the Kota Kupang outlet and a
    province analyst, in Indonesian when it is loaded"""
    Group = Model.get('res.group', config=config)
    Lang = Model.get('ir.lang', config=config)
    Location = Model.get('stock.location', config=config)
    User = Model.get('res.user', config=config)
    Company = Model.get('company.company', config=config)
    company, = Company.find([('party.name', '=', COMPANY_NAME)])
    outlet, = Location.find([
            ('type', '=', 'warehouse'),
            ('regency_outlet', '=', True),
            ('regency.kemendagri_code', '=', HUB_REGENCY),
            ('secondary_outlet', '=', False),
            ])
    users = {}
    for login, name, groups, outlets in [
            ('kupang', "Staf Gerai Kota Kupang",
                ['Stock', 'Outlet Staff'], [outlet]),
            ('provinsi', "Analis Provinsi NTT",
                ['Stock', 'Province Staff'], []),
            ]:
        found = User.find([('login', '=', login)])
        if found:
            users[login], = found
            continue
        user = User(name=name, login=login, password=password)
        languages = Lang.find([
                ('code', '=', 'id'), ('translatable', '=', True)])
        if languages:
            user.language, = languages
        user.groups.extend(Group.find([('name', 'in', groups)]))
        user.outlets.extend([Location(o.id) for o in outlets])
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
