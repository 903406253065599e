# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"Two settlement runs at once settle each consigned line once (PostgreSQL)"
import datetime as dt
import threading
import unittest
from decimal import Decimal

from trytond import backend
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, USER, activate_module, drop_db)
from trytond.transaction import Transaction

from consignment_contract.exceptions import SettlementConcurrencyError


def create_open_lines(company, suppliers, per_supplier, date):
    "Create the standalone consigned lines left by sales at an outlet"
    pool = Pool()
    AccountType = pool.get('account.account.type')
    Account = pool.get('account.account')
    InvoiceLine = pool.get('account.invoice.line')
    Location = pool.get('stock.location')
    outlet, = Location.search([('type', '=', 'warehouse')], limit=1)
    type_ = AccountType(
        name="Expense", statement='income', expense=True, company=company)
    type_.save()
    account = Account(name="Konsinyasi", type=type_, company=company)
    account.save()
    lines = []
    for supplier in suppliers:
        for i in range(per_supplier):
            lines.append(InvoiceLine(
                    invoice_type='in', type='line', company=company,
                    currency=company.currency, party=supplier,
                    account=account, description="Kopi", quantity=1,
                    unit_price=Decimal('20000'),
                    consignment_outlet=outlet,
                    consignment_selling_price=Decimal('25000'),
                    consignment_date=date))
    InvoiceLine.save(lines)
    return lines


@unittest.skipIf(
    backend.name == 'sqlite',
    "SQLite has one writer at a time: concurrent runs cannot interleave; "
    "this test needs PostgreSQL (TRYTOND_DATABASE__URI=postgresql://...)")
class SettlementConcurrencyTestCase(unittest.TestCase):
    "Test concurrent settlement runs"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['consignment_contract'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    def test_two_runs_settle_each_line_once(self):
        "Two settlement runs at once settle each line once"
        today = dt.date.today()
        with Transaction().start(DB_NAME, USER) as transaction:
            pool = Pool()
            Party = pool.get('party.party')
            company = create_company()
            with set_company(company):
                suppliers = Party.create(
                    [{'name': "UMKM %s" % i} for i in range(3)])
                lines = create_open_lines(company, suppliers, 40, today)
            company_id = company.id
            line_ids = [l.id for l in lines]
            transaction.commit()

        barrier = threading.Barrier(2)
        outcomes = []

        def run():
            with Transaction().start(
                    DB_NAME, USER, context={'company': company_id}) as tx:
                pool = Pool()
                Company = pool.get('company.company')
                InvoiceLine = pool.get('account.invoice.line')
                Settlement = pool.get('consignment.settlement')
                # Take the snapshot before the other run commits
                InvoiceLine.search([], limit=1)
                barrier.wait()
                try:
                    settlements = Settlement.settle(
                        today, company=Company(company_id))
                    tx.commit()
                    outcomes.append(len(settlements))
                except (backend.DatabaseOperationalError,
                        SettlementConcurrencyError) as exception:
                    tx.rollback()
                    outcomes.append(exception)
                except Exception as exception:
                    tx.rollback()
                    outcomes.append(repr(exception))

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        self.assertFalse([o for o in outcomes if isinstance(o, str)])
        # One run settled the three suppliers, the other one failed
        self.assertEqual(sorted(o for o in outcomes if isinstance(o, int)),
            [3])
        self.assertEqual(
            len([o for o in outcomes if isinstance(o, Exception)]), 1)

        # The retry of the failed run finds nothing new
        with Transaction().start(
                DB_NAME, USER, context={'company': company_id}):
            pool = Pool()
            Company = pool.get('company.company')
            InvoiceLine = pool.get('account.invoice.line')
            Settlement = pool.get('consignment.settlement')
            self.assertEqual(
                Settlement.settle(today, company=Company(company_id)), [])
            lines = InvoiceLine.browse(line_ids)
            self.assertTrue(all(l.consignment_settlement for l in lines))
            settlements = Settlement.search([])
            self.assertEqual(len(settlements), 3)
            self.assertEqual(
                sorted(len(s.lines) for s in settlements), [40, 40, 40])
