# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import csv

from trytond.modules.company.tests import CompanyTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.tools import file_open


class NttMartTestCase(CompanyTestMixin, ModuleTestCase):
    "Test NTT Mart module"
    module = 'ntt_mart'

    @with_transaction()
    def test_regencies_match_data_file(self):
        "Test the regencies loaded are those of ntt_regencies.csv"
        pool = Pool()
        Subdivision = pool.get('country.subdivision')
        with file_open('ntt_mart/ntt_regencies.csv', mode='r') as fp:
            rows = list(csv.DictReader(fp))
        self.assertEqual(len(rows), 22)
        regencies = Subdivision.search([
                ('parent.code', '=', 'ID-NT'),
                ], order=[('kemendagri_code', 'ASC')])
        self.assertEqual(
            [(r.kemendagri_code, r.bps_code, r.type, r.name,
                    r.regency_capital) for r in regencies],
            [(row['kemendagri_code'], row['bps_code'],
                    'regency' if row['type'] == 'kabupaten' else 'city',
                    row['name'], row['capital']) for row in rows])
        self.assertEqual(
            [r.type for r in regencies].count('city'), 1)
        province, = Subdivision.search([('code', '=', 'ID-NT')])
        self.assertEqual(province.kemendagri_code, '53')
        self.assertEqual(province.country.code, 'ID')


del ModuleTestCase
