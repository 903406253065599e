# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
import datetime as dt
from decimal import Decimal

from consignment_contract.stock import order_sources
from trytond.tests.test_tryton import ModuleTestCase


class ConsignmentContractTestCase(ModuleTestCase):
    "Test Consignment Contract module"
    module = 'consignment_contract'

    def test_order_sources_consigned_first(self):
        "Consigned stock first, oldest intake first"
        fifo = {1: dt.date(2026, 3, 1), 2: dt.date(2026, 1, 1)}
        self.assertEqual(
            order_sources(['own'], [1, 2], fifo, 'consigned_first'),
            [2, 1, 'own'])

    def test_order_sources_own_first(self):
        "Own stock first, then consignments oldest first"
        fifo = {1: dt.date(2026, 3, 1), 2: dt.date(2026, 1, 1)}
        self.assertEqual(
            order_sources(['own'], [1, 2], fifo, 'own_first'),
            ['own', 2, 1])

    def test_commission_price(self):
        "Commission pricing keeps the supplier's share of the selling price"
        self.assertEqual(
            Decimal('25000') * (1 - Decimal('0.2')), Decimal('20000'))


del ModuleTestCase
