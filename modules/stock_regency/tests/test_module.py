# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import warnings

from trytond.exceptions import UserError
from trytond.modules.company.tests import CompanyTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class StockRegencyTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Stock Regency module"
    module = 'stock_regency'

    def _create_regencies(self):
        pool = Pool()
        Country = pool.get('country.country')
        Subdivision = pool.get('country.subdivision')
        country = Country(name="Indonesia", code='ID')
        country.save()
        province = Subdivision(
            country=country, name="Nusa Tenggara Timur", code='ID-NT',
            type='province', kemendagri_code='53', bps_code='53')
        province.save()
        kupang, city = Subdivision.create([{
                    'country': country.id, 'parent': province.id,
                    'name': "Kabupaten Kupang", 'type': 'regency',
                    'kemendagri_code': '53.01', 'bps_code': '5303',
                    }, {
                    'country': country.id, 'parent': province.id,
                    'name': "Kota Kupang", 'type': 'city',
                    'kemendagri_code': '53.71', 'bps_code': '5371',
                    }])
        return province, kupang, city

    @with_transaction()
    def test_kemendagri_code_format(self):
        "Test malformed Kemendagri codes are refused"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        province, kupang, city = self._create_regencies()
        for code in ['5301', '53.1', '53.01.', 'ab.cd', '53.01.01']:
            with self.subTest(code=code):
                with self.assertRaisesRegex(UserError, 'not valid'):
                    Subdivision.write([kupang], {'kemendagri_code': code})

    @with_transaction()
    def test_kemendagri_code_type(self):
        "Test kabupaten codes are below 70 and kota codes above"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        province, kupang, city = self._create_regencies()
        with self.assertRaisesRegex(UserError, 'does not match its type'):
            Subdivision.write([kupang], {'kemendagri_code': '53.72'})
        with self.assertRaisesRegex(UserError, 'does not match its type'):
            Subdivision.write([city], {'type': 'regency'})

    @with_transaction()
    def test_kemendagri_code_parent(self):
        "Test a regency code starts with its province code"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        province, kupang, city = self._create_regencies()
        with self.assertRaisesRegex(UserError, 'must start with'):
            Subdivision.write([kupang], {'kemendagri_code': '52.01'})

    @with_transaction()
    def test_kemendagri_code_unique(self):
        "Test the Kemendagri code is unique per country"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        province, kupang, city = self._create_regencies()
        with self.assertRaises(UserError):
            Subdivision.create([{
                        'country': kupang.country.id, 'parent': province.id,
                        'name': "Duplicate", 'type': 'regency',
                        'kemendagri_code': '53.01',
                        }])

    @with_transaction()
    def test_search_regency_by_code(self):
        "Test regencies are found by Kemendagri or BPS code"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        province, kupang, city = self._create_regencies()
        # a profile module (ntt_mart) may hold the same regencies under
        # another country record
        in_country = ('country', '=', province.country.id)
        self.assertEqual(
            Subdivision.search([('rec_name', '=', '53.71'), in_country]),
            [city])
        self.assertEqual(
            Subdivision.search([('rec_name', '=', '5303'), in_country]),
            [kupang])

    @with_transaction()
    def test_outlet_requires_regency(self):
        "Test an outlet without regency is refused"
        pool = Pool()
        Location = pool.get('stock.location')
        with self.assertRaisesRegex(UserError, 'has no regency'):
            Location.create([{
                        'name': "Outlet", 'type': 'warehouse',
                        'regency_outlet': True,
                        'input_location': Location.create(
                            [{'name': "IN", 'type': 'storage'}])[0].id,
                        'output_location': Location.create(
                            [{'name': "OUT", 'type': 'storage'}])[0].id,
                        'storage_location': Location.create(
                            [{'name': "STO", 'type': 'storage'}])[0].id,
                        }])

    @with_transaction()
    def test_outlet_not_warehouse(self):
        "Test only warehouses can be outlets"
        pool = Pool()
        Location = pool.get('stock.location')
        province, kupang, city = self._create_regencies()
        with self.assertRaisesRegex(UserError, 'not a warehouse'):
            Location.create([{
                        'name': "Shelf", 'type': 'storage',
                        'regency_outlet': True, 'regency': city.id,
                        }])

    @with_transaction()
    def test_create_outlet_wizard(self):
        "Test the wizard creates a complete warehouse once per regency"
        pool = Pool()
        Location = pool.get('stock.location')
        LeadTime = pool.get('stock.location.lead_time')
        CreateOutlet = pool.get('stock.location.create_outlet', type='wizard')
        province, kupang, city = self._create_regencies()

        def create(regency, **values):
            session_id, _, _ = CreateOutlet.create()
            wizard = CreateOutlet(session_id)
            wizard.start.regency = regency
            wizard.start.provincial_hub = False
            wizard.start.secondary_outlet = False
            wizard.start.hub = None
            wizard.start.lead_time = None
            for name in ['code', 'host_institution', 'host_type',
                    'outlet_manager', 'opening_date', 'address']:
                setattr(wizard.start, name, None)
            for name, value in values.items():
                setattr(wizard.start, name, value)
            wizard.start.name = wizard.start.outlet_name()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter('always')
                outlet = wizard.create_outlet()
            # trytond warns when saving a record refers to an unsaved one
            self.assertEqual(
                [str(w.message) for w in caught
                    if 'unsaved relation' in str(w.message)], [])
            return outlet

        hub = create(city, provincial_hub=True)
        self.assertEqual(hub.name, "NTT Mart Hub Kota Kupang")
        self.assertTrue(hub.provincial_hub)
        self.assertFalse(hub.regency_outlet)
        self.assertEqual(Location.get_provincial_hub(), hub)

        outlet = create(
            kupang, hub=hub, lead_time=dt.timedelta(days=1),
            opening_date=dt.date(2026, 3, 1))
        self.assertEqual(outlet.name, "NTT Mart Kupang")
        self.assertEqual(outlet.type, 'warehouse')
        self.assertEqual(outlet.regency, kupang)
        for location in [outlet.input_location, outlet.output_location,
                outlet.storage_location]:
            self.assertEqual(location.parent, outlet)
            self.assertEqual(location.type, 'storage')
        # sales orders are picked from the storage, with the consigned goods
        self.assertIsNone(outlet.picking_location)
        self.assertEqual(outlet.lost_found_location.type, 'lost_found')
        self.assertEqual(Location.get_outlet(kupang), outlet)
        self.assertEqual(
            LeadTime.get_lead_time({
                    'warehouse_from': hub.id, 'warehouse_to': outlet.id}),
            dt.timedelta(days=1))
        self.assertEqual(
            LeadTime.get_lead_time({
                    'warehouse_from': outlet.id, 'warehouse_to': hub.id}),
            dt.timedelta(days=1))

        count = Location.search([], count=True)
        with self.assertRaisesRegex(UserError, 'already the active outlet'):
            create(kupang)
        second = create(kupang, secondary_outlet=True, code='53.01-2')
        self.assertTrue(second.secondary_outlet)
        self.assertEqual(Location.get_outlet(kupang), outlet)
        self.assertEqual(Location.search([], count=True), count + 5)


del ModuleTestCase
