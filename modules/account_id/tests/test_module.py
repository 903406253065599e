# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
import datetime as dt
from decimal import Decimal

from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from account_id.product import allow_consignment_clearing


class AccountIdTestCase(ModuleTestCase):
    "Test account_id module"
    module = 'account_id'
    extras = ['account_stock_continental', 'sale_point']

    def _tax(self, rate, dpp_ratio=None):
        pool = Pool()
        Tax = pool.get('account.tax')
        return Tax(
            id=-1, sequence=10, type='percentage', rate=rate,
            dpp_ratio=dpp_ratio, childs=[], start_date=None, end_date=None,
            update_unit_price=False)

    @with_transaction()
    def test_tax_dpp_ratio_compute(self):
        "PPN 12% on DPP 11/12 records the DPP as base, 11% as amount"
        pool = Pool()
        Tax = pool.get('account.tax')
        tax = self._tax(Decimal('0.12'), Decimal('0.9166666667'))

        value, = Tax.compute([tax], Decimal('50000000'), 1, dt.date.today())

        self.assertEqual(round(value['base']), Decimal('45833333'))
        self.assertEqual(round(value['amount']), Decimal('5500000'))

    @with_transaction()
    def test_tax_full_base_compute(self):
        "PPN 12% on luxury goods is computed on the full price"
        pool = Pool()
        Tax = pool.get('account.tax')
        tax = self._tax(Decimal('0.12'))

        value, = Tax.compute([tax], Decimal('2500000'), 2, dt.date.today())

        self.assertEqual(value['base'], Decimal('5000000'))
        self.assertEqual(value['amount'], Decimal('600000'))

    @with_transaction()
    def test_tax_dpp_ratio_reverse_compute(self):
        "A tax-included price gives back the price without PPN"
        pool = Pool()
        Tax = pool.get('account.tax')
        tax = self._tax(Decimal('0.12'), Decimal('0.9166666667'))

        price = Tax.reverse_compute(
            Decimal('55500'), [tax], dt.date.today())

        self.assertEqual(round(price, 4), Decimal('50000.0000'))

    def test_allow_consignment_clearing(self):
        "Revenue and expense clauses also accept the clearing account"
        domain = [
            ('closed', '!=', True),
            ('type.revenue', '=', True),
            ]

        self.assertEqual(allow_consignment_clearing(domain), [
                ('closed', '!=', True),
                ['OR',
                    ('type.revenue', '=', True),
                    ('type.consignment', '=', True)],
                ])


del ModuleTestCase
