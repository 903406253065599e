# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class AccountIdTestCase(ModuleTestCase):
    "Test account_id module"
    module = 'account_id'
    extras = ['account_stock_continental', 'sale_point']


del ModuleTestCase
