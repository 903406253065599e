#!/usr/bin/env python
# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"""Benchmark the consignment settlement against plain Tryton invoicing.

Not a timed test: it prints times and ratios.

For N lines (``--lines``), then for N × ``--scale`` lines when ``--scale`` is
given, in the same database and the same run:

* *settlement*: ``Settlement.settle`` + ``Settlement.confirm`` of N consigned
  supplier lines (standalone ``account.invoice.line`` with
  ``consignment_outlet``/``consignment_contract``/``consignment_date`` set);
* *plain Tryton*: another copy of the same N lines, without the consignment
  fields, invoiced the way an integrator would with plain Tryton, by batches
  of ``--plain-batch`` suppliers: search their open lines, one
  ``Invoice.save`` of one supplier invoice per supplier
  (``on_change_type``/``on_change_party``), ``InvoiceLine.write`` of the lines
  to their invoice, ``Invoice.update_taxes``.  The lines carry no tax, as
  those of a consignor that is no PKP (most UMKM): the settlement skips the
  update of taxes that would compute nothing, plain Tryton calls it for
  every invoice, as an integrator would.  The batches keep it linear:
  each record the ORM instantiates checks the list of ids it was browsed
  with, so one batch of all the lines costs N².

The baseline is plain Tryton at its fastest batch size: with
``--plain-batch auto`` (the default) a calibration first times plain
invoicing for each of ``--calibrate-batches`` (1, 2, 5, 10, 25, 50
suppliers per batch) on lines of their own, dated in a month before the
measured ones and at the same density (lines per supplier = N / suppliers,
at the first size): about ``--calibrate-lines`` lines (default 2,000, at
most N) per batch size, whole batches, at least one batch; a batch size
whose one batch would hold more than 10 × ``--calibrate-lines`` lines is
skipped (so is one above the number of suppliers).  An untimed run of a
few suppliers first warms the caches.  Each timed run is its own committed
transaction, like the measured ones.  The table of seconds per 1,000 lines
is printed with the size of the lowest, which the measured plain runs use.
The calibration lines (description "Kalibrasi") and their invoices are left
out of the final check.  ``--plain-batch K`` skips the calibration.

Ratios printed: settlement / plain Tryton for each size (target ≤ 1.0×) and
settlement at N × scale / settlement at N (target ≤ 2.1× for scale 2).

Each measured phase runs in its own transaction, committed, and its time
(``time.perf_counter``) includes the commit.  The settlement runs first at
each size (it pays the cold caches).  Each size uses its own month: the lines
are dated in that month and settled with the last day of it as cut-off.

The data is built outside the measures: company, accounts, suppliers,
outlets (warehouses), products and contracts with one ORM save per model
(the contracts are then marked active in SQL: activation would create the
consignment stock locations, which the settlement does not use); the lines
are inserted in SQL in batches under PostgreSQL's parameter limit, then the
table is analysed (the builders of ``scripts/generate_volume.py``:
products, contracts, batched inserts, analysis).  The contracts charge no
fee (no deduction line), so the settlement's invoices hold exactly the
lines of the plain ones.

Example (PostgreSQL, trust auth), from the repository::

    TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python scripts/benchmark_settlement.py \\
        --lines 100000 --scale 2 --suppliers 1000 --outlets 22

The database ``--database`` (default ``bench_settlement``) is dropped and
created; ``--cache`` (a directory) keeps the dump of the activated modules.
``--profile PREFIX`` writes a cProfile of each measured phase (the times
are then not measures).
"""
import argparse
import cProfile
import datetime as dt
import os
import random
import sys
import time
from collections import defaultdict
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_volume import (  # noqa: E402
    analyze, create_contracts, create_products, mark_contracts_active,
    month_end, rows_per_insert)

SELLING_PRICE = Decimal('25000')
CONSIGNOR_PRICE = Decimal('20000')
PLAIN_BATCH = 2
CALIBRATE_BATCHES = '1,2,5,10,25,50'
CALIBRATION = "Kalibrasi"  # the description of the calibration lines


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lines', type=int, default=100_000)
    parser.add_argument('--scale', type=int, default=0,
        help="also measure lines × scale (0: only --lines)")
    parser.add_argument('--suppliers', type=int, default=1_000)
    parser.add_argument('--outlets', type=int, default=22)
    parser.add_argument('--products', type=int, default=5,
        help="products per supplier")
    parser.add_argument('--plain-batch', default='auto',
        type=lambda v: v if v == 'auto' else int(v),
        help="suppliers invoiced together by plain Tryton, or 'auto': "
        "the fastest of --calibrate-batches on a sample (default)")
    parser.add_argument('--calibrate-batches', default=CALIBRATE_BATCHES,
        type=lambda v: [int(b) for b in v.split(',')],
        help="batch sizes tried by the calibration (default %(default)s)")
    parser.add_argument('--calibrate-lines', type=int, default=2_000,
        help="lines per batch size in the calibration (at most --lines)")
    parser.add_argument('--database', default='bench_settlement')
    parser.add_argument('--cache', default='/tmp/cache-pg-bench-settle')
    parser.add_argument('--profile', metavar='PREFIX',
        help="write a cProfile of each phase to PREFIX.{settle,plain}-LINES")
    parser.add_argument('--keep', action='store_true',
        help="keep the database afterwards")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def main():
    global PLAIN_BATCH
    args = parse_args()
    os.environ['DB_NAME'] = args.database
    os.environ.setdefault('DB_CACHE', args.cache)
    os.makedirs(os.environ['DB_CACHE'], exist_ok=True)

    from trytond.tests.test_tryton import (
        DB_NAME, USER, activate_module, drop_db)
    from trytond.transaction import Transaction
    from trytond import backend

    if backend.name == 'sqlite':
        log("warning: SQLite; the targets are for PostgreSQL")
    drop_db()
    t0 = time.perf_counter()
    activate_module(['consignment_contract'])
    log(f"activation: {time.perf_counter() - t0:.1f}s")

    t0 = time.perf_counter()
    with Transaction().start(DB_NAME, USER) as transaction:
        ids = set_up(args)
        transaction.commit()
    log(f"set up: {time.perf_counter() - t0:.1f}s")

    sizes = [args.lines]
    if args.scale:
        sizes.append(args.lines * args.scale)
    today = dt.date.today()
    calibration = None
    if args.plain_batch == 'auto':
        # The month before the measured ones
        cutoff = month_end(today, len(sizes) + 1)
        calibration = calibrate(ids, args, cutoff)
        PLAIN_BATCH = min(calibration, key=lambda b: calibration[b][1])
        log(f"calibration: plain Tryton batches of {PLAIN_BATCH} suppliers")
    else:
        PLAIN_BATCH = args.plain_batch
    results = {}
    for index, count in enumerate(sizes):
        # One month per size, the most recent last
        cutoff = month_end(today, len(sizes) - index)
        t0 = time.perf_counter()
        insert_lines(ids, count, cutoff, seed=index)
        log(f"insert {count} + {count} lines: "
            f"{time.perf_counter() - t0:.1f}s")
        profile = f'{args.profile}.%s-{count}' if args.profile else None
        settled = run(settle, ids, cutoff, profile and profile % 'settle')
        log(f"settlement ({count} lines): {settled:.2f}s")
        plain = run(plain_invoices, ids, cutoff, profile and profile % 'plain')
        log(f"plain Tryton ({count} lines): {plain:.2f}s")
        results[count] = (settled, plain)
        check(ids, sum(results), len(results))

    print(f"suppliers={args.suppliers} outlets={args.outlets} "
        f"products={args.suppliers * args.products} backend={backend.name}")
    if calibration:
        print("calibration of plain Tryton (batch size: lines, seconds, "
            "seconds per 1,000 lines):")
        for batch, (lines, rate) in calibration.items():
            print(f"  {batch:>4} suppliers: {lines:>6} lines, "
                f"{rate * lines:7.2f}s, {rate * 1000:6.3f}s"
                + (" <- fastest" if batch == PLAIN_BATCH else ""))
    print(f"plain Tryton batches: {PLAIN_BATCH} suppliers"
        + (" (calibrated)" if calibration else " (--plain-batch)"))
    for count, (settled, plain) in results.items():
        print(f"{count} lines: settlement {settled:.2f}s, "
            f"plain Tryton {plain:.2f}s, "
            f"ratio settlement / plain {settled / plain:.2f}x "
            "(target <= 1.0x)")
    if args.scale:
        n, m = sizes
        print(f"ratio settlement {m} / {n} lines: "
            f"{results[m][0] / results[n][0]:.2f}x "
            f"(target <= {args.scale + 0.1:.1f}x); "
            f"plain Tryton: {results[m][1] / results[n][1]:.2f}x")
    if not args.keep:
        drop_db()


def set_up(args):
    "Create the master data with the ORM, one save per model"
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    pool = Pool()
    Party = pool.get('party.party')
    Address = pool.get('party.address')
    Location = pool.get('stock.location')
    AccountType = pool.get('account.account.type')
    Account = pool.get('account.account')
    Uom = pool.get('product.uom')
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

        suppliers = [Party(name=f"UMKM {i:04d}", account_payable=payable,
                addresses=[Address()]) for i in range(args.suppliers)]
        Party.save(suppliers)

        lost_found, = Location.search([('type', '=', 'lost_found')], limit=1)
        storages = [Location(name=f"Gerai {i:02d} {kind}", type='storage')
            for i in range(args.outlets)
            for kind in ['Input', 'Output', 'Storage']]
        Location.save(storages)
        outlets = []
        for i in range(args.outlets):
            input_, output, storage = storages[3 * i:3 * i + 3]
            outlets.append(Location(name=f"Gerai {i:02d}",
                    code=f"G{i:02d}", type='warehouse',
                    input_location=input_, output_location=output,
                    storage_location=storage, lost_found_location=lost_found))
        Location.save(outlets)

        unit, = Uom.search([('symbol', '=', 'u')], limit=1)
        products = create_products(
            [{'name': f"Produk {i:04d}-{j}"}
                for i in range(args.suppliers) for j in range(args.products)],
            unit, list_price=SELLING_PRICE)

        start = dt.date.today().replace(day=1) - dt.timedelta(days=400)
        contracts = create_contracts(company, [
                (supplier, outlets, [{
                            'product': p, 'pricing': 'consignor_price',
                            'consignor_price': CONSIGNOR_PRICE,
                            'suggested_retail_price': SELLING_PRICE}
                        for p in products[
                            i * args.products:(i + 1) * args.products]],
                    {})
                for i, supplier in enumerate(suppliers)], start)
        # Activation would create the consignment stock locations, which
        # the settlement does not use
        mark_contracts_active(contracts)
    return {
        'company': company.id,
        'currency': company.currency.id,
        'account': expense.id,
        'unit': unit.id,
        'suppliers': [s.id for s in suppliers],
        'outlets': [o.id for o in outlets],
        'products': [p.id for p in products],
        'contracts': [c.id for c in contracts],
        'products_per_supplier': args.products,
        }


def insert_lines(ids, count, cutoff, seed, suppliers=None, plain_only=False):
    """Insert count consigned supplier lines (as a consigned sale leaves
    them) and the same count of plain standalone lines, in SQL; with
    plain_only, only count plain lines described as the calibration's.
    suppliers: the indexes of the suppliers of the lines (default all)"""
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME, USER
    from trytond.transaction import Transaction
    rng = random.Random(seed)
    with Transaction().start(DB_NAME, USER) as transaction:
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        table = InvoiceLine.__table__()
        cursor = transaction.connection.cursor()
        common = [table.invoice_type, table.type, table.company,
            table.currency, table.party, table.product, table.unit,
            table.account, table.description, table.quantity,
            table.unit_price, table.taxes_deductible_rate,
            table.create_uid, table.create_date]
        consignment = [table.consignment_outlet, table.consignment_contract,
            table.consignment_selling_price, table.consignment_date]
        columns = common + consignment
        # Within the backend's parameters per query (PostgreSQL: 65535)
        size = rows_per_insert(columns)
        now = dt.datetime.now()
        indexes = (list(range(len(ids['suppliers'])))
            if suppliers is None else suppliers)
        suppliers, outlets = ids['suppliers'], ids['outlets']
        description = CALIBRATION if plain_only else "Barang konsinyasi"
        products, contracts = ids['products'], ids['contracts']
        per_supplier = ids['products_per_supplier']
        first = cutoff.replace(day=1)
        rows = []
        for i in range(count):
            s = indexes[i % len(indexes)]
            product = products[s * per_supplier + rng.randrange(per_supplier)]
            quantity = float(rng.randint(1, 3))
            rows.append(([
                        'in', 'line', ids['company'], ids['currency'],
                        suppliers[s], product, ids['unit'], ids['account'],
                        description, quantity, CONSIGNOR_PRICE, 1,
                        USER, now], [
                        rng.choice(outlets), contracts[s], SELLING_PRICE,
                        first + dt.timedelta(
                            days=rng.randrange(cutoff.day))]))
        for start in range(0, count, size):
            batch = rows[start:start + size]
            # The consigned lines
            if not plain_only:
                cursor.execute(*table.insert(
                        columns, [c + k for c, k in batch]))
            # The same lines for plain Tryton, without consignment
            cursor.execute(*table.insert(common, [c for c, _ in batch]))
        analyze(InvoiceLine)
        transaction.commit()


def run(function, ids, date, profile=None):
    """Time function in its own transaction, committed; profile is the file
    of its cProfile statistics (then the time is not a measure)"""
    from trytond.tests.test_tryton import DB_NAME, USER
    from trytond.transaction import Transaction
    with Transaction().start(
            DB_NAME, USER, context={'company': ids['company']}) as tr:
        profiler = cProfile.Profile() if profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        function(ids, date)
        tr.commit()
        if profiler:
            profiler.disable()
        duration = time.perf_counter() - start
        if profiler:
            profiler.dump_stats(profile)
        return duration


def calibrate(ids, args, cutoff):
    """Time plain invoicing for each batch size of args.calibrate_batches on
    lines of their own dated in cutoff's month, at the density of the
    first measured size; return {batch: (lines, seconds per line)}"""
    density = max(args.lines // args.suppliers, 1)
    budget = min(args.calibrate_lines, args.lines)
    count = len(ids['suppliers'])
    offset = 0  # the next supplier whose lines are not yet used

    def plain_run(batch, suppliers, seed):
        nonlocal offset
        indexes = [(offset + i) % count for i in range(suppliers)]
        offset = (offset + suppliers) % count
        lines = suppliers * density
        insert_lines(ids, lines, cutoff, seed=seed, suppliers=indexes,
            plain_only=True)
        chosen = [ids['suppliers'][i] for i in indexes]
        duration = run(lambda i, d: plain_invoices(
                i, d, batch=batch, suppliers=chosen), ids, cutoff)
        return lines, duration

    t0 = time.perf_counter()
    # Untimed: the first run pays the cold caches
    plain_run(1, min(5, count), seed=100)
    results = {}
    for seed, batch in enumerate(args.calibrate_batches, 101):
        if batch > count or batch * density > 10 * budget:
            log(f"calibration: batches of {batch} skipped")
            continue
        # Whole batches, at least one, about budget lines
        batches = max(budget // (batch * density), 1)
        suppliers = min(batches * batch, count - count % batch)
        lines, duration = plain_run(batch, suppliers, seed)
        results[batch] = (lines, duration / lines)
        log(f"calibration: batches of {batch}: {lines} lines, "
            f"{duration:.2f}s")
    log(f"calibration: {time.perf_counter() - t0:.1f}s")
    return results


def plain_invoices(ids, date, batch=None, suppliers=None):
    """One supplier invoice per supplier from its standalone lines, by
    batches of batch (default PLAIN_BATCH) suppliers (default all)"""
    from trytond.pool import Pool
    from trytond.tools import grouped_slice
    pool = Pool()
    Invoice = pool.get('account.invoice')
    InvoiceLine = pool.get('account.invoice.line')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    company = Company(ids['company'])
    today = dt.date.today()  # the date the settlement gives its invoices
    if suppliers is None:
        suppliers = ids['suppliers']
    for parties in grouped_slice(
            Party.browse(suppliers), batch or PLAIN_BATCH):
        parties = list(parties)
        lines = InvoiceLine.search([
                ('company', '=', company.id),
                ('party', 'in', [p.id for p in parties]),
                ('invoice', '=', None),
                ('invoice_type', '=', 'in'),
                ('consignment_outlet', '=', None),
                ], order=[('party', 'ASC'), ('id', 'ASC')])
        by_party = defaultdict(list)
        for line in lines:
            by_party[line.party].append(line)
        invoices = []
        for party in by_party:
            invoice = Invoice(company=company, type='in', party=party,
                currency=company.currency, invoice_date=today)
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


def check(ids, count, runs):
    """Check both sides invoiced the same count of lines and quantities,
    leaving out the calibration's"""
    from sql.aggregate import Count, Sum
    from trytond.pool import Pool
    from trytond.tests.test_tryton import DB_NAME, USER
    from trytond.transaction import Transaction
    with Transaction().start(DB_NAME, USER) as transaction:
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        invoice = Invoice.__table__()
        line = InvoiceLine.__table__()
        cursor = transaction.connection.cursor()
        consigned = line.consignment_outlet != None  # noqa: E711
        measured = ((line.invoice != None)  # noqa: E711
            & ((line.description != CALIBRATION)
                | (line.description == None)))  # noqa: E711
        cursor.execute(*line.select(
                consigned, Count(line.id), Sum(line.quantity),
                where=measured,
                group_by=[consigned]))
        figures = {bool(c): (n, q) for c, n, q in cursor}
        cursor.execute(*invoice.select(Count(invoice.id),
                where=invoice.id.in_(line.select(line.invoice,
                        where=measured))))
        invoices, = cursor.fetchone()
    if (len(figures) != 2 or figures[True] != figures[False]
            or figures[True][0] != count
            or invoices != 2 * runs * len(ids['suppliers'])):
        raise AssertionError(f"unequal invoicing: {figures}, {invoices}")


if __name__ == '__main__':
    main()
