# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class NttMartReportingTestCase(CompanyTestMixin, ModuleTestCase):
    "Test NTT Mart Reporting module"
    module = 'ntt_mart_reporting'

    @with_transaction()
    def test_indonesian_translations(self):
        "Every string of the module and of the product origin is in Indonesian"
        pool = Pool()
        Translation = pool.get('ir.translation')

        def keys(lang, domain):
            return {(t.type, t.name, t.res_id)
                for t in Translation.search([('lang', '=', lang)] + domain)
                if lang == 'en' or t.value}
        for domain in [
                [('module', '=', 'ntt_mart_reporting')],
                [('module', '=', 'party_umkm'),
                    ('name', 'in', [
                            f'{model},{field}'
                            for model in ['product.template',
                                'product.product']
                            for field in ['origin_regency', 'imported']])],
                ]:
            english = keys('en', domain)
            self.assertTrue(english)
            self.assertEqual(english - keys('id', domain), set())


del ModuleTestCase
