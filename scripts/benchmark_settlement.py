#!/usr/bin/env python
# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"""Benchmark the consignment settlement against plain Tryton invoicing.

Not a timed test: it prints ratios.

* settle N consigned sale lines (``Settlement.settle`` + ``confirm``) versus
  creating the same supplier invoices from the same standalone lines with
  plain Tryton (one invoice per supplier, lines attached, taxes updated);
  target ≤ 1.0×;
* settling 2N lines versus N lines; target ≤ 2.1×.

Example (PostgreSQL, trust auth)::

    TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python scripts/benchmark_settlement.py \\
        --lines 100000 --suppliers 1000 --outlets 22

The database ``--database`` (default ``bench_settlement``) is dropped and
created; ``--cache`` (a directory) reuses the activated module dump of the
test suite.
"""
import argparse
import datetime as dt
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lines', type=int, default=100_000)
    parser.add_argument('--suppliers', type=int, default=1_000)
    parser.add_argument('--outlets', type=int, default=22)
    parser.add_argument('--database', default='bench_settlement')
    parser.add_argument('--cache', default='/tmp/cache-pg-bench-settle')
    return parser.parse_args()


def main():
    args = parse_args()
    os.environ['DB_NAME'] = args.database
    os.environ.setdefault('DB_CACHE', args.cache)
    os.makedirs(os.environ['DB_CACHE'], exist_ok=True)

    from trytond.tests.test_tryton import (
        DB_NAME, USER, activate_module, drop_db)
    from trytond.transaction import Transaction
    from trytond import backend

    if backend.name == 'sqlite':
        print("warning: SQLite; the targets are for PostgreSQL",
            file=sys.stderr)
    drop_db()
    t0 = time.perf_counter()
    activate_module(['consignment_contract'])
    print(f"activation: {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    today = dt.date.today()
    with Transaction().start(DB_NAME, USER) as transaction:
        ids = set_up(args)
        transaction.commit()

    insert_lines(ids, args.lines, args, today)
    baseline = run(plain_invoices, ids, today)
    settle_n = run(settle, ids, today)
    insert_lines(ids, args.lines, args, today)
    settle_2n = run(settle, ids, today)

    n = args.lines
    print(f"lines={n} suppliers={args.suppliers} outlets={args.outlets} "
        f"backend={backend.name}")
    print(f"plain Tryton invoices ({n} lines): {baseline:.2f}s")
    print(f"settlement ({n} lines): {settle_n:.2f}s")
    print(f"settlement ({2 * n} lines): {settle_2n:.2f}s")
    print(f"ratio settlement / plain invoices: {settle_n / baseline:.2f}x "
        "(target <= 1.0x)")
    print(f"ratio settlement 2N / N: {settle_2n / settle_n:.2f}x "
        "(target <= 2.1x)")
    drop_db()


def set_up(args):
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Location = pool.get('stock.location')
    AccountType = pool.get('account.account.type')
    Account = pool.get('account.account')
    company = create_company()
    with set_company(company):
        type_payable = AccountType(
            name="Payable", statement='balance', payable=True,
            company=company)
        type_expense = AccountType(
            name="Expense", statement='income', expense=True,
            company=company)
        AccountType.save([type_payable, type_expense])
        payable = Account(name="Utang Konsinyasi", type=type_payable,
            company=company, party_required=True, reconcile=True)
        expense = Account(name="Barang Konsinyasi", type=type_expense,
            company=company)
        Account.save([payable, expense])
        suppliers = Party.create([{
                    'name': f"UMKM {i:04d}",
                    'account_payable': payable.id,
                    'addresses': [('create', [{}])],
                    } for i in range(args.suppliers)])
        outlets = Location.create([{
                    'name': f"Gerai {i:02d}", 'type': 'storage',
                    } for i in range(args.outlets)])
    return {
        'company': company.id,
        'currency': company.currency.id,
        'account': expense.id,
        'suppliers': [s.id for s in suppliers],
        'outlets': [o.id for o in outlets],
        }


def insert_lines(ids, count, args, date):
    "Insert the standalone supplier lines left by consigned sales (SQL)"
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME, USER
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, USER) as transaction:
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        table = InvoiceLine.__table__()
        cursor = transaction.connection.cursor()
        columns = [table.invoice_type, table.type, table.company,
            table.currency, table.party, table.account, table.description,
            table.quantity, table.unit_price, table.consignment_outlet,
            table.consignment_selling_price, table.consignment_date,
            table.create_uid, table.create_date]
        now = dt.datetime.now()
        suppliers, outlets = ids['suppliers'], ids['outlets']
        batch = []
        for i in range(count):
            batch.append([
                    'in', 'line', ids['company'], ids['currency'],
                    suppliers[i % len(suppliers)], ids['account'],
                    "Barang konsinyasi", 1.0, Decimal('20000'),
                    outlets[i % len(outlets)], Decimal('25000'),
                    date, USER, now])
            if len(batch) == 2000:
                cursor.execute(*table.insert(columns, batch))
                batch = []
        if batch:
            cursor.execute(*table.insert(columns, batch))
        transaction.commit()


def run(function, ids, date):
    "Time function in its own transaction, rolled back afterwards"
    from trytond.tests.test_tryton import DB_NAME, USER
    from trytond.transaction import Transaction
    with Transaction().start(
            DB_NAME, USER, context={'company': ids['company']}) as tr:
        start = time.perf_counter()
        function(ids, date)
        duration = time.perf_counter() - start
        tr.rollback()
    return duration


def plain_invoices(ids, date):
    "One supplier invoice per supplier from its standalone lines"
    from trytond.pool import Pool
    pool = Pool()
    Invoice = pool.get('account.invoice')
    InvoiceLine = pool.get('account.invoice.line')
    Company = pool.get('company.company')
    company = Company(ids['company'])
    lines = InvoiceLine.search([
            ('invoice', '=', None),
            ('invoice_type', '=', 'in'),
            ('consignment_date', '<=', date),
            ])
    by_party = defaultdict(list)
    for line in lines:
        by_party[line.party].append(line)
    invoices = []
    for party in by_party:
        invoice = Invoice(company=company, type='in', party=party,
            currency=company.currency, invoice_date=date)
        invoice.on_change_type()
        invoice.on_change_party()
        invoices.append(invoice)
    Invoice.save(invoices)
    values = []
    for invoice in invoices:
        values.extend((by_party[invoice.party], {'invoice': invoice.id}))
    InvoiceLine.write(*values)
    Invoice.update_taxes(invoices)


def settle(ids, date):
    from trytond.pool import Pool
    pool = Pool()
    Settlement = pool.get('consignment.settlement')
    Company = pool.get('company.company')
    settlements = Settlement.settle(date, company=Company(ids['company']))
    Settlement.confirm(settlements)


if __name__ == '__main__':
    main()
