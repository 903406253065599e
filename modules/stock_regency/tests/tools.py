# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from proteus import Model, Wizard
from proteus.config import get_config
from trytond.modules.company.tests.tools import create_company

__all__ = [
    'TIMEZONE', 'create_company_wita', 'get_today', 'create_province',
    'create_outlet']

# NTT lives in Central Indonesia Time (WITA, UTC+8)
TIMEZONE = 'Asia/Makassar'


def create_company_wita(party=None, currency=None, config=None):
    """Create the company with company's create_company, in the time zone
    of NTT (Asia/Makassar), and return the configuration wizard

    The server's today is then the company's, as in production, which
    differs from the machine's UTC date from 16:00 to 24:00 UTC."""
    wizard = create_company(party=party, currency=currency, config=config)
    Company = Model.get('company.company', config=config)
    company, = Company.find()
    company.timezone = TIMEZONE
    company.save()
    return wizard


def get_today(config=None):
    "Return the company's today, the date the server uses"
    if config is None:
        config = get_config()
    Date = Model.get('ir.date', config=config)
    return Date.today(config.context)


def create_province(regencies, config=None):
    """Create Indonesia, the province of Nusa Tenggara Timur and regencies

    regencies is a list of (kemendagri_code, bps_code, type, name) tuples;
    those that exist already (loaded by a profile module such as ntt_mart)
    are reused.  Returns the province and the regencies by Kemendagri
    code."""
    Country = Model.get('country.country', config=config)
    Subdivision = Model.get('country.subdivision', config=config)
    countries = Country.find([('code', '=', 'ID')])
    if countries:
        country, = countries
    else:
        country = Country(name="Indonesia", code='ID', code3='IDN')
        country.save()
    provinces = Subdivision.find([
            ('country', '=', country.id), ('kemendagri_code', '=', '53')])
    if provinces:
        province, = provinces
    else:
        province = Subdivision(
            country=country, name="Nusa Tenggara Timur", code='ID-NT',
            type='province', kemendagri_code='53', bps_code='53')
        province.save()
    existing = {s.kemendagri_code: s for s in Subdivision.find([
                ('parent', '=', province.id),
                ('kemendagri_code', 'in', [r[0] for r in regencies]),
                ])}
    records = {}
    for kemendagri_code, bps_code, type_, name in regencies:
        records[kemendagri_code] = existing.get(kemendagri_code) or (
            Subdivision(
                country=country, parent=province, name=name, type=type_,
                kemendagri_code=kemendagri_code, bps_code=bps_code))
    Subdivision.save([r for r in records.values() if not r.id or r.id < 0])
    return province, records


def create_outlet(regency, config=None, **values):
    "Create an outlet (or the hub) of the regency with the wizard"
    create = Wizard('stock.location.create_outlet', config=config)
    create.form.regency = regency
    for name, value in values.items():
        setattr(create.form, name, value)
    create.execute('create_')
    warehouse, = create.actions[0]
    return warehouse
