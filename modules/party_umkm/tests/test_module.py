# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class PartyUmkmTestCase(ModuleTestCase):
    "Test Party UMKM module"
    module = 'party_umkm'
    extras = ['purchase', 'sale', 'sale_point']


del ModuleTestCase
