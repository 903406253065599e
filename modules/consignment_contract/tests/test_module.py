# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
import datetime as dt
from decimal import Decimal

from consignment_contract.stock import order_sources
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


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

    @with_transaction()
    def test_aging_expiry_margin(self):
        "The pull-out expiry margin comes from the context, else configuration"
        pool = Pool()
        Aging = pool.get('consignment.aging')
        Configuration = pool.get('consignment.configuration')
        self.assertEqual(Aging.expiry_margin(), 30)
        Configuration.write([Configuration(1)], {'pull_out_expiry_margin': 7})
        self.assertEqual(Aging.expiry_margin(), 7)
        with Transaction().set_context(expiry_margin=10):
            self.assertEqual(Aging.expiry_margin(), 10)
            # The day counts and the flag are columns of one query
            self.assertEqual(Aging.search([('pull_out', '=', True)]), [])

    @with_transaction()
    def test_unsold_processable(self):
        "Only ended contracts have unsold goods to process"
        pool = Pool()
        Contract = pool.get('consignment.contract')
        Date = pool.get('ir.date')
        today = Date.today()
        contract = Contract(state='active', end_date=None)
        self.assertFalse(contract.has_ended)
        contract.end_date = today
        self.assertFalse(contract.has_ended)
        contract.end_date = today - dt.timedelta(days=1)
        self.assertTrue(contract.has_ended)
        for state in ['expired', 'terminated']:
            self.assertTrue(Contract(state=state).has_ended)
        self.assertFalse(Contract(state='draft').has_ended)


del ModuleTestCase
