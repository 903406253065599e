# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.exceptions import UserError
from trytond.modules.company.tests import (
    CompanyTestMixin, create_company, set_company)
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

from party_umkm.certificate import compact_number, document_name
from party_umkm.exceptions import CertificateGatingError
from party_umkm.tests.tools import (
    individual_supplier_values, personal_data_searches)


class PartyUmkmTestCase(CompanyTestMixin, ModuleTestCase):
    "Test Party UMKM module"
    module = 'party_umkm'
    extras = ['purchase', 'sale', 'sale_point']

    def _certificate_type(self, code):
        pool = Pool()
        CertificateType = pool.get('party.certificate.type')
        type_, = CertificateType.search([('code', '=', code)])
        return type_

    def _setup_food(self):
        "Create a food category requiring halal and BPOM MD or SPP-IRT"
        pool = Pool()
        Category = pool.get('product.category')
        Requirement = pool.get('product.certificate.requirement')
        Party = pool.get('party.party')
        Template = pool.get('product.template')
        Uom = pool.get('product.uom')

        halal = self._certificate_type('halal')
        bpom = self._certificate_type('bpom_md')
        spp_irt = self._certificate_type('spp_irt')
        food, = Category.create([{'name': "Food"}])
        Requirement.create([{
                    'category': food.id,
                    'types': [('add', [halal.id])],
                    'effective_date': dt.date(2026, 10, 17),
                    'umkm_classes': ['mikro', 'kecil'],
                    }, {
                    'category': food.id,
                    'types': [('add', [halal.id])],
                    'effective_date': dt.date(2024, 10, 17),
                    'umkm_classes': ['menengah', 'besar'],
                    }, {
                    'category': food.id,
                    'types': [('add', [bpom.id, spp_irt.id])],
                    }])
        micro, large = Party.create([{
                    'name': "Micro",
                    'annual_turnover': Decimal('100000000'),
                    }, {
                    'name': "Large",
                    'annual_turnover': Decimal('60000000000'),
                    }])
        unit, = Uom.search([('name', '=', 'Unit')])
        template, = Template.create([{
                    'name': "Kripik",
                    'default_uom': unit.id,
                    'type': 'goods',
                    'list_price': Decimal('10000'),
                    'categories': [('add', [food.id])],
                    'products': [('create', [{}])],
                    }])
        product, = template.products
        return {
            'halal': halal, 'bpom': bpom, 'spp_irt': spp_irt,
            'micro': micro, 'large': large,
            'template': template, 'product': product,
            }

    def test_compact_number(self):
        "Test compact number"
        for number, result in [
                ('MD 235602169254', 'MD235602169254'),
                ('P-IRT No. 3063306010072-19', 'PIRTNO306330601007219'),
                ('id00410000054900720', 'ID00410000054900720'),
                ('', ''),
                (None, None),
                ]:
            with self.subTest(number=number):
                self.assertEqual(compact_number(number), result)

    @with_transaction()
    def test_document_name(self):
        "Test messages name a document by kind and number, never by id"
        pool = Pool()
        Party = pool.get('party.party')
        ShipmentIn = pool.get('stock.shipment.in')
        supplier = Party(name="UD Kopi Bajawa")
        supplier.save()
        self.assertEqual(
            document_name(ShipmentIn(supplier=supplier)),
            'the new supplier shipment of "UD Kopi Bajawa"')
        self.assertEqual(
            document_name(ShipmentIn(supplier=supplier, number='IN/0007')),
            'supplier shipment "IN/0007"')
        self.assertEqual(document_name(ShipmentIn()), 'a new supplier shipment')

    @with_transaction()
    def test_npwp_format_and_search(self):
        "Test 15- and 16-digit NPWP are shown as DJP writes them and found"
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        old, new = Party.create([{
                    'name': "UD Lama",
                    'identifiers': [('create', [{
                                    'type': 'id_vat',
                                    'code': '013121660091000',
                                    }])],
                    }, {
                    'name': "PT Baru",
                    'identifiers': [('create', [{
                                    'type': 'id_vat',
                                    'code': '0016.0905.2401.7000',
                                    }])],
                    }])
        self.assertEqual(old.identifiers[0].code, '01.312.166.0-091.000')
        self.assertEqual(new.identifiers[0].code, '0016090524017000')
        self.assertEqual(
            Identifier(type='id_vat', code='0013 1216 6009 1000'
                ).on_change_with_code(),
            '0013121660091000')

        identifier, = new.identifiers
        identifier.code = '0016-0905-2401-7000'
        identifier.save()
        self.assertEqual(identifier.code, '0016090524017000')

        for value, party in [
                ('013121660091000', old),
                ('0013121660091000', old),
                ('01.312.166.0-091.000', old),
                ('016090524017000', new),
                ('0016090524017000', new),
                ]:
            for operator in ['=', 'ilike']:
                with self.subTest(value=value, operator=operator):
                    self.assertEqual(
                        Party.search([('rec_name', operator, value)]),
                        [party])

    @with_transaction()
    def test_umkm_class_thresholds(self):
        "Test UMKM class from PP 7/2021 thresholds"
        pool = Pool()
        Configuration = pool.get('party.umkm.configuration')
        configuration = Configuration(1)
        for turnover, capital, class_ in [
                (None, None, None),
                (Decimal(0), None, 'mikro'),
                (Decimal(2_000_000_000), None, 'mikro'),
                (Decimal(2_000_000_001), None, 'kecil'),
                (Decimal(15_000_000_000), None, 'kecil'),
                (Decimal(50_000_000_000), None, 'menengah'),
                (Decimal(50_000_000_001), None, 'besar'),
                (None, Decimal(1_000_000_000), 'mikro'),
                (None, Decimal(5_000_000_000), 'kecil'),
                (None, Decimal(10_000_000_000), 'menengah'),
                (None, Decimal(10_000_000_001), 'besar'),
                # sales decide for an existing business
                (Decimal(100), Decimal(20_000_000_000), 'mikro'),
                ]:
            with self.subTest(turnover=turnover, capital=capital):
                self.assertEqual(
                    configuration.umkm_class(turnover, capital), class_)

    @with_transaction()
    def test_umkm_class_search(self):
        "Test searching parties by UMKM class"
        pool = Pool()
        Party = pool.get('party.party')
        micro, small, new, unknown = Party.create([{
                    'name': "Micro",
                    'annual_turnover': Decimal('1000000'),
                    }, {
                    'name': "Small",
                    'annual_turnover': Decimal('3000000000'),
                    }, {
                    'name': "New",
                    'business_capital': Decimal('2000000000'),
                    }, {
                    'name': "Unknown",
                    }])
        parties = [micro, small, new, unknown]

        def search(*clause):
            return Party.search(
                [('id', 'in', [p.id for p in parties]), clause],
                order=[('name', 'ASC')])

        self.assertEqual(search('umkm_class', '=', 'mikro'), [micro])
        self.assertEqual(search('umkm_class', '=', 'kecil'), [new, small])
        self.assertEqual(search('umkm_class', '=', None), [unknown])
        self.assertEqual(
            search('umkm_class', 'in', ['mikro', 'kecil']),
            [micro, new, small])
        self.assertEqual(
            search('umkm_class', '!=', 'kecil'), [micro, unknown])

    @with_transaction()
    def test_get_missing_effective_date_and_class(self):
        "Test requirements depend on the date and the UMKM class"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        company = create_company()
        with set_company(company):
            data = self._setup_food()
            product, micro, large = (
                data['product'], data['micro'], data['large'])
            Certificate.create([{
                        'type': data['spp_irt'].id,
                        'number': '3063306010072-19',
                        'supplier': micro.id,
                        'templates': [('add', [data['template'].id])],
                        }, {
                        'type': data['spp_irt'].id,
                        'number': '3063306010072-20',
                        'supplier': large.id,
                        'products': [('add', [product.id])],
                        }])

            for supplier, date, missing in [
                    (micro, dt.date(2026, 10, 16), {}),
                    (micro, dt.date(2026, 10, 17),
                        {product: ["Halal (BPJPH)"]}),
                    (large, dt.date(2024, 10, 16), {}),
                    (large, dt.date(2024, 10, 17),
                        {product: ["Halal (BPJPH)"]}),
                    ]:
                with self.subTest(supplier=supplier.name, date=date):
                    self.assertEqual(
                        Certificate.get_missing([(product, supplier)], date),
                        missing)

    @with_transaction()
    def test_check_products_selling(self):
        "Test selling accepts a certificate of any holder"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        company = create_company()
        with set_company(company):
            data = self._setup_food()
            product, micro, large = (
                data['product'], data['micro'], data['large'])
            # before any halal obligation
            date = dt.date(2024, 6, 1)

            with self.assertRaises(CertificateGatingError) as cm:
                Certificate.check_products([(product, None)], date)
            self.assertIn("BPOM MD or SPP-IRT (P-IRT)", cm.exception.message)

            Certificate.create([{
                        'type': data['bpom'].id,
                        'number': 'MD 235602169254',
                        'supplier': large.id,
                        'products': [('add', [product.id])],
                        'issue_date': dt.date(2024, 1, 1),
                        'expiry_date': dt.date(2029, 1, 1),
                        }])
            # selling: any holder counts
            Certificate.check_products([(product, None)], date)
            # buying from micro: its own certificate is missing
            self.assertEqual(
                Certificate.get_missing([(product, micro)], date),
                {product: ["BPOM MD or SPP-IRT (P-IRT)"]})
            # not issued yet
            self.assertEqual(
                list(Certificate.get_missing(
                        [(product, None)], dt.date(2023, 12, 1))), [product])
            # expired
            self.assertEqual(
                list(Certificate.get_missing(
                        [(product, None)], dt.date(2029, 1, 2))), [product])

    @with_transaction()
    def test_selling_without_producer(self):
        "Test a product without producer follows all size classes"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            data = self._setup_food()
            product, micro = data['product'], data['micro']
            date = dt.date(2025, 1, 1)
            Certificate.create([{
                        'type': data['spp_irt'].id,
                        'number': '3063306010072-19',
                        'supplier': micro.id,
                        'products': [('add', [product.id])],
                        }])
            self.assertEqual(
                Certificate.get_missing([(product, None)], date),
                {product: ["Halal (BPJPH)"]})
            Template.write([data['template']], {'producer': micro.id})
            self.assertEqual(
                Certificate.get_missing([(product, None)], date), {})
            # bought from a distributor: the producer's class and
            # certificates count
            self.assertEqual(
                Certificate.get_missing([(product, data['large'])], date), {})

    @with_transaction()
    def test_check_products_exception(self):
        "Test approved exceptions waive requirements"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Exception_ = pool.get('party.certificate.exception')
        company = create_company()
        with set_company(company):
            data = self._setup_food()
            product, micro = data['product'], data['micro']
            date = dt.date(2027, 1, 1)
            exception, = Exception_.create([{
                        'product': product.id,
                        'supplier': micro.id,
                        'types': [('add', [data['halal'].id])],
                        'date_start': dt.date(2026, 12, 1),
                        'reason': "Halal audit scheduled",
                        }])
            # a draft exception does not count
            self.assertEqual(
                len(Certificate.get_missing([(product, micro)], date)[
                        product]), 2)
            Exception_.approve([exception])
            self.assertEqual(
                Certificate.get_missing([(product, micro)], date),
                {product: ["BPOM MD or SPP-IRT (P-IRT)"]})
            # the exception is for this supplier only
            self.assertEqual(
                len(Certificate.get_missing([(product, None)], date)[
                        product]), 2)

    @with_transaction()
    def test_tidak_halal(self):
        "Test tidak halal products need no halal certificate"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Template = pool.get('product.template')
        company = create_company()
        with set_company(company):
            data = self._setup_food()
            template, product, micro = (
                data['template'], data['product'], data['micro'])
            Template.write([template], {'halal_status': 'tidak_halal'})
            self.assertEqual(
                Certificate.get_missing(
                    [(product, micro)], dt.date(2027, 1, 1)),
                {product: ["BPOM MD or SPP-IRT (P-IRT)"]})
            self.assertEqual(product.rec_name, "Kripik (TIDAK HALAL)")

    @with_transaction()
    def test_document_items(self):
        "Test the products checked on purchases, sales and at the till"
        pool = Pool()
        Purchase = pool.get('purchase.purchase')
        PurchaseLine = pool.get('purchase.line')
        Sale = pool.get('sale.sale')
        SaleLine = pool.get('sale.line')
        POSSale = pool.get('sale.point.sale')
        POSSaleLine = pool.get('sale.point.sale.line')
        company = create_company()
        with set_company(company):
            data = self._setup_food()
            product, micro = data['product'], data['micro']
            purchase = Purchase(party=micro, lines=[
                    PurchaseLine(type='line', product=product),
                    PurchaseLine(type='comment')])
            self.assertEqual(
                purchase._certificate_items(), [(product, micro)])
            sale = Sale(lines=[SaleLine(type='line', product=product)])
            self.assertEqual(sale._certificate_items(), [(product, None)])

            pos_sale = POSSale(
                date=dt.date(2024, 6, 1),
                lines=[POSSaleLine(product=product)])
            with self.assertRaises(CertificateGatingError) as cm:
                POSSale.check_certificates([pos_sale], record=False)
            self.assertIn("BPOM MD or SPP-IRT", cm.exception.message)

    @with_transaction()
    def test_update_states(self):
        "Test daily update of certificate states"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Party = pool.get('party.party')
        company = create_company()
        with set_company(company):
            supplier, = Party.create([{'name': "Supplier"}])
            type_ = self._certificate_type('sni')
            expiring, no_expiry, revoked = Certificate.create([{
                        'type': type_.id,
                        'number': 'SNI-1',
                        'supplier': supplier.id,
                        'expiry_date': dt.date(2030, 1, 31),
                        }, {
                        'type': type_.id,
                        'number': 'SNI-2',
                        'supplier': supplier.id,
                        }, {
                        'type': type_.id,
                        'number': 'SNI-3',
                        'supplier': supplier.id,
                        'expiry_date': dt.date(2020, 1, 1),
                        }])
            Certificate.revoke([revoked])
            self.assertEqual(revoked.state, 'revoked')

            changed = Certificate.update_states(date=dt.date(2030, 1, 1))
            self.assertEqual(changed, [expiring])
            self.assertEqual(
                [c.state for c in [expiring, no_expiry, revoked]],
                ['expiring', 'valid', 'revoked'])

            Certificate.update_states(date=dt.date(2030, 2, 1))
            self.assertEqual(expiring.state, 'expired')
            self.assertEqual(
                Certificate.update_states(date=dt.date(2030, 2, 1)), [])

            Certificate.reinstate([revoked])
            self.assertEqual(revoked.state, 'expired')

    def _setup_personal_data(self):
        """Create an individual supplier (tools.individual_supplier_values);
        a CV with its NPWP, address and phone; a clerk and an officer of
        the group UMKM Personal Data"""
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        person, cv = Party.create([individual_supplier_values(), {
                    'name': "CV Tenun Ina",
                    'umkm_supplier': True,
                    'umkm_legal_form': 'cv',
                    'identifiers': [('create', [{
                                    'type': 'id_vat',
                                    'code': '013121660091000',
                                    }])],
                    'addresses': [('create', [{
                                    'street': "Jl. Timor Raya 12",
                                    }])],
                    'contact_mechanisms': [('create', [{
                                    'type': 'phone',
                                    'value': '+62380821234',
                                    }])],
                    }])
        group = ModelData.get_id('party_umkm', 'group_personal_data')
        clerk, officer = User.create([{
                    'name': "Clerk", 'login': 'clerk',
                    }, {
                    'name': "Officer", 'login': 'officer',
                    'groups': [('add', [group])],
                    }])
        return person, cv, clerk, officer

    @with_transaction()
    def test_personal_identifiers(self):
        "Test a NIK and the NPWP of a person are personal data"
        pool = Pool()
        Identifier = pool.get('party.identifier')
        person, cv, _, _ = self._setup_personal_data()
        self.assertEqual(
            sorted((i.type, i.personal) for i in person.identifiers),
            [('id_nik', True), ('id_vat', True)])
        npwp, = cv.identifiers
        self.assertFalse(npwp.personal)

        npwp.code = '0013121660091000'
        npwp.save()
        self.assertFalse(npwp.personal)
        npwp.code = '5301015505800002'
        npwp.save()
        self.assertTrue(npwp.personal)
        npwp.type = None
        npwp.save()
        self.assertFalse(npwp.personal)

        # the message of an invalid NIK does not echo it
        for type_ in ['id_nik', 'id_vat']:
            with self.subTest(type=type_):
                with self.assertRaises(InvalidIdentifierCode) as cm:
                    Identifier.create([{
                                'party': person.id,
                                'type': type_,
                                'code': '5301019999800001',
                                }])
                self.assertNotIn('5301019999800001', cm.exception.message)
                self.assertNotIn('530101', str(cm.exception))

    @with_transaction()
    def test_personal_data_hidden(self):
        "Test a user without the group finds and reads no personal data"
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        Address = pool.get('party.address')
        Mechanism = pool.get('party.contact_mechanism')
        person, cv, clerk, officer = self._setup_personal_data()
        searches = personal_data_searches()
        nik, npwp = person.identifiers
        address, = person.addresses

        for user, expected in [(clerk, 0), (officer, 1)]:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(_check_access=True):
                for model, domain, count in searches:
                    with self.subTest(user=user.login, domain=domain):
                        self.assertEqual(
                            pool.get(model).search(domain, count=True),
                            count * expected)
                # the entity's NPWP and address stay visible to all
                for domain in [
                        [('rec_name', '=', '013121660091000')],
                        [('identifiers.code', 'like', '01.312%')],
                        [('addresses.street', 'ilike', '%timor raya%')],
                        [('contact_mechanisms.value', '=', '+62380821234')],
                        ]:
                    with self.subTest(user=user.login, domain=domain):
                        self.assertEqual(Party.search(domain), [cv])
                self.assertEqual(
                    Party.search([('name', '=', "Ina Bria")]), [person])
                # the order on a personal field places no hidden value
                self.assertEqual(len(Address.search(
                            [('party', 'in', [person.id, cv.id])],
                            order=[('street_unstructured', 'ASC')])),
                    1 + expected)

                row, = Party.read([person.id], [
                        'identifiers', 'tax_identifier', 'mobile', 'email',
                        'addresses', 'contact_mechanisms'])
                address_row, = Address.read(
                    [address.id], ['street', 'postal_code', 'rec_name',
                        'full_address', 'city'])
                mechanism_rows = Mechanism.read(
                    row['contact_mechanisms'], ['value', 'rec_name', 'type'])
                if expected:
                    self.assertEqual(len(row['identifiers']), 2)
                    self.assertEqual(row['mobile'], '+6281237001234')
                    self.assertEqual(address_row['street'], "Jl. Oelamasi 7")
                    self.assertEqual(
                        Identifier.read([nik.id], ['code'])[0]['code'],
                        '5301015505800001')
                    continue
                self.assertEqual(list(row['identifiers']), [])
                self.assertIsNone(row['tax_identifier'])
                self.assertEqual((row['mobile'], row['email']), ('', ''))
                self.assertEqual(list(row['addresses']), [address.id])
                self.assertEqual(
                    [address_row[f] for f in [
                            'street', 'postal_code', 'full_address']],
                    [None, None, None])
                self.assertNotIn('Oelamasi', address_row['rec_name'])
                self.assertEqual(
                    sorted(r['type'] for r in mechanism_rows),
                    ['email', 'mobile'])
                self.assertEqual(
                    {r['value'] for r in mechanism_rows}, {None})
                exported = Party.export_data(Party.browse([person, cv]), [
                        'name', 'addresses/street', 'contact_mechanisms/value',
                        'identifiers/code', 'mobile'])
                self.assertEqual(exported, [
                        ["Ina Bria", '', '', '', ''],
                        ['', '', '', '', ''],
                        ["CV Tenun Ina", "Jl. Timor Raya 12", '+62380821234',
                            '01.312.166.0-091.000', ''],
                        ])
                self.assertEqual(
                    Address.export_data(
                        Address.browse([address]), ['street', 'rec_name']),
                    [['', '']])
                self.assertEqual(
                    [(r['type'], r['code']) for r in Identifier.read(
                            [nik.id, npwp.id], ['type', 'code'])],
                    [('id_nik', None), ('id_vat', None)])
                with self.assertRaises(UserError):
                    Identifier.write([nik], {'code': '5301015505800002'})

    @with_transaction()
    def test_personal_identifier_history(self):
        "Test the history of a NIK is personal data too"
        pool = Pool()
        Identifier = pool.get('party.identifier')
        person, _, clerk, officer = self._setup_personal_data()
        nik = [i for i in person.identifiers if i.type == 'id_nik'][0]
        nik.code = '5301015505800002'
        nik.save()
        self.assertTrue(Identifier._history)

        for user, expected in [(clerk, 0), (officer, 1)]:
            with Transaction().set_user(user.id), \
                    Transaction().set_context(
                        _check_access=True, _datetime=nik.write_date):
                with self.subTest(user=user.login):
                    code, = [r['code'] for r in Identifier.read(
                            [nik.id], ['code'])]
                    self.assertEqual(code is not None, bool(expected))
                    self.assertEqual(Identifier.search(
                            [('code', 'like', '5301%'),
                                ('type', '=', 'id_nik')],
                            count=True), expected)

del ModuleTestCase
