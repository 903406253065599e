# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class NttMartReportingTestCase(CompanyTestMixin, ModuleTestCase):
    "Test NTT Mart Reporting module"
    module = 'ntt_mart_reporting'


del ModuleTestCase
