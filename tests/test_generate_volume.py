# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""scripts/generate_volume.py on small inputs (issue #14).

It runs on the demo database set up without the demo's data
(tests/conftest.py), which the other tests share: the generated records
are told by their tag (``GVT``), and the report is compared as the
difference the run made.  Checked in SQL: the counts it prints, one done
move per sale line from the right location, exactly one consignor line
per consigned line (priced by the contract) and none for own goods, no
negative quantity nor stock; the certificates (of the supplier's own
goods, dated in order, revoked during the year; the goods lacking one), the
coachings (dates and states) and the monthly settlements (their lines on
their invoice, the invoice's total, its balanced move with a line per
consignor line, the paid ones reconciled); then the report *Sales per
Outlet* (ntt_mart_reporting) read over JSON-RPC as admin, for a window
holding the generated period, grew at each outlet by the revenue, consigned
revenue, margin and number of sales summed in SQL over the generated rows,
and *Money Paid to UMKM per Supplier* holds the generated invoices."""
import datetime as dt
import os
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pytest

from rpc import Client

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'generate_volume.py')
TAG = 'GVT'
SUPPLIERS, PRODUCTS, LINES, MONTHS = 6, 24, 3000, 3
ARGS = ['--outlets', '2', '--suppliers', str(SUPPLIERS),
    '--products', str(PRODUCTS), '--lines', str(LINES),
    '--months', str(MONTHS), '--seed', '11', '--tag', TAG, '--no-progress']
REPORT_FIELDS = ['outlet', 'revenue', 'consigned_revenue', 'margin',
    'number']


def summary_of(output):
    "Return the counts and the period the script printed"
    line, = [l for l in output.splitlines() if ': generated ' in l]
    text = line.split(': generated ', 1)[1]
    counts = {name: int(number) for number, name in re.findall(
            r'(\d+) ([a-z ]+?)(?=[,;])', text.split('; at ')[0] + ';')}
    start, end = re.search(r'from (\S+) to (\S+);', text).groups()
    return counts, dt.date.fromisoformat(start), dt.date.fromisoformat(end)


def decimal(value):
    "Return the numeric value read (trytond's SQLite keeps text bytes)"
    if isinstance(value, bytes):
        value = value.decode()
    return Decimal(str(value)) if value is not None else None


def date(value):
    return dt.date.fromisoformat(str(value)[:10])


def report(client, context):
    "Return the report per outlet: {outlet id: {field: value}}"
    rows = client.model('sale.reporting.outlet', 'search_read',
        [], 0, None, None, REPORT_FIELDS, context=context)
    return {r['outlet']: r for r in rows}


def run(database, *args):
    # the database's arguments of the set-up script, without its options
    options = [a for a in database.args if a != '--no-demo-data']
    return subprocess.run(
        [sys.executable, SCRIPT, *options, *args],
        env=database.env, cwd=ROOT, capture_output=True, text=True,
        timeout=600)


def test_generate_volume(demo_database, demo_server):
    "Test a small volume is consistent and counted by the reports"
    query = demo_database.query
    url, name, _ = demo_server
    admin = Client(url, name, 'admin').use_preferences()
    # a window holding the generated period, whatever the time zones
    today = dt.date.today()
    window = {
        'from_date': today - dt.timedelta(days=31 * MONTHS + 3),
        'to_date': today + dt.timedelta(days=2),
        }
    before = report(admin, window)

    result = run(demo_database, *ARGS)

    assert result.returncode == 0, result.stderr[-3000:]
    counts, start, end = summary_of(result.stdout)
    assert abs((end - today).days) <= 1
    assert 28 * MONTHS <= (end - start).days <= 31 * MONTHS + 1

    # the master data
    suppliers = {i: (nib, origin) for i, nib, origin in query(
            "SELECT id, nib, origin_regency FROM party_party "
            f"WHERE umkm_supplier AND name LIKE '{TAG} %'")}
    assert len(suppliers) == counts['suppliers'] == SUPPLIERS
    assert all(re.fullmatch(r'9129\d{9}', n) and o
        for n, o in suppliers.values())
    products = {}
    for product, producer, category in query(
            "SELECT p.id, t.producer, c.name FROM product_product AS p "
            "JOIN product_template AS t ON p.template = t.id "
            "JOIN product_category AS c ON t.account_category = c.id "
            f"WHERE t.code LIKE '{TAG}-%'"):
        assert producer in suppliers
        products[product] = category == 'Barang Konsinyasi'
    assert len(products) == counts['products'] == PRODUCTS
    consigned_products = {p for p, c in products.items() if c}
    assert len(consigned_products) == counts['consigned products'] > 0
    assert len(products) > len(consigned_products)
    contracts = {i: (s, c) for i, s, c in query(
            "SELECT id, supplier, default_commission "
            "FROM consignment_contract WHERE state = 'active'")
        if s in suppliers}
    assert len(contracts) == counts['contracts'] == len({
            p for p, in query("SELECT t.producer FROM product_template AS t "
                "JOIN product_category AS c ON t.account_category = c.id "
                f"WHERE t.code LIKE '{TAG}-%' "
                "AND c.name = 'Barang Konsinyasi'")})
    by_supplier = {s: (i, decimal(c)) for i, (s, c) in contracts.items()}

    # the sales, at Kota Kupang (three times as much) and 53.01
    outlets = {w: code for w, code in query(
            "SELECT w.id, r.kemendagri_code FROM stock_location AS w "
            "JOIN country_subdivision AS r ON w.regency = r.id "
            "WHERE w.type = 'warehouse'")}
    sales = {}
    for sale, number, state, sale_date, outlet, customer in query(
            "SELECT s.id, s.number, s.state, s.date, w.id, "
            "p.customer_location "
            "FROM sale_point_sale AS s "
            "JOIN sale_point AS p ON s.point = p.id "
            "JOIN stock_location AS w "
            "ON w.storage_location = p.storage_location "
            "AND w.type = 'warehouse' "
            f"WHERE s.number LIKE '{TAG}-%'"):
        assert state == 'posted'
        assert number.startswith(f'{TAG}-{outlets[outlet]}-')
        assert start <= date(sale_date) <= end
        sales[sale] = (date(sale_date), outlet, customer)
    assert len(sales) == counts['sales'] > LINES / 3
    lines = {}
    for line, sale, product, quantity, price, gross in query(
            "SELECT id, sale, product, quantity, unit_list_price, "
            "unit_gross_price FROM sale_point_sale_line"):
        if sale in sales:
            assert product in products
            assert quantity > 0
            assert decimal(gross) >= decimal(price) > 0
            lines[line] = (sale, product, quantity, decimal(price))
    assert len(lines) == counts['lines'] == LINES
    per_outlet = defaultdict(int)
    for sale, *_ in lines.values():
        per_outlet[outlets[sales[sale][1]]] += 1
    assert per_outlet == {'53.71': LINES * 3 // 4, '53.01': LINES // 4}

    # one done move per line, from the outlet's storage or from the
    # consignor's location under it
    locations = {i: (t, parent, party) for i, t, parent, party in query(
            "SELECT id, type, parent, consignment_party FROM stock_location")}
    storages = {w: s for w, s in query("SELECT id, storage_location "
            "FROM stock_location WHERE type = 'warehouse'")}
    moves = defaultdict(list)
    for move, origin, *values in query(
            "SELECT id, origin, quantity, internal_quantity, from_location, "
            "to_location, state, effective_date, cost_price, unit_price "
            "FROM stock_move WHERE origin LIKE 'sale.point.sale.line,%'"):
        moves[int(origin.split(',')[1])].append((move, *values))
    assert sum(len(moves[l]) for l in lines) == counts['moves'] == LINES
    consignor_lines = defaultdict(list)
    for move, *values in query(
            "SELECT m.stock_move, l.party, l.quantity, l.unit_price, "
            "l.origin, l.consignment_outlet, l.consignment_contract, "
            "l.consignment_date, l.consignment_selling_price, l.account "
            'FROM "account_invoice_line-stock_move" AS m '
            "JOIN account_invoice_line AS l ON m.invoice_line = l.id "
            "WHERE l.invoice_type = 'in' AND l.type = 'line'"):
        consignor_lines[move].append(values)
    expected = defaultdict(lambda: defaultdict(Decimal))
    consigned_lines = 0
    for line, (sale, product, quantity, price) in lines.items():
        sale_date, outlet, customer = sales[sale]
        (move, move_quantity, internal, from_, to, state, effective, cost,
            unit_price), = moves[line]
        assert move_quantity == internal == quantity
        assert (state, date(effective), to) == ('done', sale_date, customer)
        kind, parent, party = locations[from_]
        revenue = Decimal(str(quantity)) * price
        figures = expected[outlet]
        figures['revenue'] += revenue
        if product in consigned_products:
            consigned_lines += 1
            # the consignor's location under the outlet's storage
            assert kind == 'supplier' and parent == storages[outlet]
            assert cost is None and unit_price is None
            (line_party, line_quantity, line_price, origin, line_outlet,
                contract, line_date, selling_price, account), = (
                consignor_lines[move])
            contract_id, commission = by_supplier[party]
            assert (line_party, line_quantity, origin, line_outlet,
                contract, date(line_date)) == (
                party, quantity, f'stock.move,{move}', outlet,
                contract_id, sale_date)
            assert account is not None
            assert decimal(selling_price) == price
            assert decimal(line_price) == (
                price * (1 - commission)).quantize(Decimal('0.0001'))
            figures['consigned_revenue'] += revenue
            figures['cost'] += Decimal(str(quantity)) * decimal(line_price)
        else:
            assert from_ == storages[outlet]
            assert move not in consignor_lines
            assert decimal(unit_price) == price and decimal(cost) > 0
            figures['cost'] += Decimal(str(quantity)) * decimal(cost)
    assert consigned_lines == counts['consignor lines'] > 0
    for sale, (_, outlet, _) in sales.items():
        expected[outlet]['number'] += 1

    # no stock of the generated goods below zero anywhere: the receptions
    # bring what the sales take
    stock = defaultdict(float)
    for from_, to, product, quantity in query(
            "SELECT from_location, to_location, product, quantity "
            "FROM stock_move WHERE state = 'done'"):
        if product in products:
            assert quantity > 0
            stock[to, product] += quantity
            stock[from_, product] -= quantity
    held = {k: q for k, q in stock.items()
        if locations[k[0]][0] in {'storage', 'supplier'}
        and (locations[k[0]][0] == 'storage' or locations[k[0]][2])}
    assert held and min(held.values()) >= 0

    check_certificates(query, counts, suppliers, products, start, end)
    check_coachings(query, counts, suppliers, start, end)
    settled = check_settlements(query, counts, suppliers, start, end)

    # the report per outlet grew by the generated figures
    after = report(admin, window)
    assert set(expected) == {o for o in after
        if after[o]['revenue'] != before.get(o, {}).get('revenue')}
    for outlet, figures in expected.items():
        old = before.get(outlet, dict.fromkeys(REPORT_FIELDS[1:], 0))
        new = after[outlet]
        grown = {f: new[f] - (old[f] or 0) for f in REPORT_FIELDS[1:]}
        margin = grown.pop('margin')
        assert grown == {
            'revenue': figures['revenue'],
            'consigned_revenue': figures['consigned_revenue'],
            'number': figures['number'],
            }, outlets[outlet]
        # the report rounds the costs to the rupiah, a consignor's price
        # may hold half a rupiah
        assert abs(margin - (figures['revenue'] - figures['cost'])) <= 1, (
            outlets[outlet])
        assert 0 < margin < figures['revenue']

    # the money paid to the generated suppliers: their invoices' totals
    payments = {r['supplier']: r for r in admin.model(
            'umkm.payment.supplier', 'search_read',
            [('supplier', 'in', list(suppliers))], 0, None, None,
            ['supplier', 'number', 'amount', 'consignment_amount',
                'paid_amount'],
            # the company's today, the day of the last payments
            context={'from_date': start, 'to_date': end})}
    expected = defaultdict(lambda: defaultdict(Decimal))
    for party, total, state in settled:
        expected[party]['number'] += 1
        expected[party]['amount'] += total
        expected[party]['consignment_amount'] += total
        if state == 'paid':
            expected[party]['paid_amount'] += total
    assert {p: {f: r[f] for f in ['number', 'amount', 'consignment_amount',
                    'paid_amount']} for p, r in payments.items()} == {
        p: {'number': int(f['number']), 'amount': f['amount'],
            'consignment_amount': f['consignment_amount'],
            'paid_amount': f['paid_amount']}
        for p, f in expected.items()}


def check_certificates(query, counts, suppliers, products, start, end):
    """Check the certificates of the generated suppliers: of their own
    goods (products or variants), dated in order, some revoked during the
    year; the goods lacking one hold the text of the expiry watch"""
    certificates = {}
    for (certificate, supplier, type_, issue, expiry, revoked, state,
            active) in query(
            "SELECT c.id, c.supplier, t.code, c.issue_date, c.expiry_date, "
            "c.revoked_date, c.state, c.active FROM party_certificate AS c "
            "JOIN party_certificate_type AS t ON c.type = t.id"):
        if supplier not in suppliers:
            continue
        issue, expiry = date(issue), expiry and date(expiry)
        assert type_ in {'halal', 'spp_irt', 'bpom_md'} and active
        assert expiry is None or issue <= expiry
        if revoked:
            assert state == 'revoked'
            assert max(issue, start) <= date(revoked) <= end
        else:
            assert state != 'revoked'
        certificates[certificate] = supplier
    assert len(certificates) == counts['certificates'] > 0
    assert counts['revoked certificates'] == sum(1 for r, in query(
            "SELECT supplier FROM party_certificate "
            "WHERE revoked_date IS NOT NULL") if r in suppliers)
    covered = list(query(
            'SELECT r.certificate, t.producer '
            'FROM "party_certificate-product_template" AS r '
            'JOIN product_template AS t ON r.template = t.id')) + list(query(
            'SELECT r.certificate, t.producer '
            'FROM "party_certificate-product_product" AS r '
            'JOIN product_product AS p ON r.product = p.id '
            'JOIN product_template AS t ON p.template = t.id'))
    covered = [(c, p) for c, p in covered if c in certificates]
    assert covered and all(certificates[c] == p for c, p in covered)
    lacking = [p for p, text in query(
            "SELECT id, certificate_missing FROM product_product")
        if p in products and text]
    assert len(lacking) == counts['products lacking certificates'] > 0


def check_coachings(query, counts, suppliers, start, end):
    "Check the coachings of the generated suppliers: dates and states"
    coachings = [(s, date(b), e and date(e), state) for s, b, e, state in
        query("SELECT supplier, start_date, end_date, state "
            "FROM party_coaching")
        if s in suppliers]
    assert len(coachings) == counts['coachings']
    for supplier, begin, finish, state in coachings:
        if state == 'done':
            assert begin <= finish <= end
        else:
            assert finish is None
        if state == 'planned':
            assert begin > end - dt.timedelta(days=1)


def check_settlements(query, counts, suppliers, start, end):
    """Check the monthly settlements of the consignors: a settlement per
    supplier and month settled (five days after its end, in an open
    period), its consignor lines on its supplier invoice, posted with a
    balanced move (a line per consignor line at its amount, the payable
    line), paid a month after by a payment move reconciled with it.
    Return the invoices: [(supplier, total, state)]"""
    periods = [(date(a), date(b)) for a, b in query(
            "SELECT start_date, end_date FROM account_period "
            "WHERE type = 'standard' AND state = 'open'")]

    def in_period(day):
        return any(a <= day <= b for a, b in periods)
    settlements = {}
    for (settlement, supplier, cutoff, day, invoice, state, gross,
            amount) in query(
            "SELECT id, supplier, cutoff_date, date, invoice, state, "
            "gross_sales, supplier_amount FROM consignment_settlement"):
        if supplier in suppliers:
            settlements[settlement] = (supplier, date(cutoff), date(day),
                invoice, state, decimal(gross), decimal(amount))
    assert len(settlements) == counts['settlements']
    lines = defaultdict(list)
    for (line, party, settlement, invoice, sold, quantity, price,
            selling) in query(
            "SELECT id, party, consignment_settlement, invoice, "
            "consignment_date, quantity, unit_price, "
            "consignment_selling_price FROM account_invoice_line "
            "WHERE consignment_date IS NOT NULL"):
        if party not in suppliers:
            continue
        # the month of the sale is settled five days after its end
        month = date(sold).replace(day=28) + dt.timedelta(days=4)
        day = month - dt.timedelta(days=month.day) + dt.timedelta(days=5)
        if day <= end and in_period(day):
            supplier, cutoff, day, settled_invoice, *_ = (
                settlements[settlement])
            assert (supplier, invoice) == (party, settled_invoice)
            assert cutoff.replace(day=1) <= date(sold) <= cutoff
            lines[settlement].append((line, Decimal(str(quantity)),
                    decimal(price), decimal(selling)))
        else:
            assert settlement is None and invoice is None
    invoices = {i: (party, state, decimal(total), move)
        for i, party, state, total, move in query(
            "SELECT id, party, state, total_amount_cache, move "
            "FROM account_invoice WHERE type = 'in'")}
    move_lines = defaultdict(list)
    for move, origin, debit, credit, reconciliation in query(
            "SELECT move, origin, debit, credit, reconciliation "
            "FROM account_move_line"):
        move_lines[move].append(
            (origin, decimal(debit), decimal(credit), reconciliation))
    result, paid = [], 0
    for settlement, (supplier, cutoff, day, invoice, state, gross,
            amount) in settlements.items():
        assert day == cutoff + dt.timedelta(days=5) <= end
        assert in_period(day)
        party, invoice_state, total, move = invoices[invoice]
        assert (party, invoice_state) == (supplier, state)
        amounts = {f'account.invoice.line,{l}': (q * p).quantize(
                Decimal(1)) for l, q, p, _ in lines[settlement]}
        assert total == amount == sum(amounts.values()) > 0
        assert gross == sum(q * s for _, q, _, s in lines[settlement]
            ).quantize(Decimal(1))
        booked = move_lines[move]
        assert sum(d - c for _, d, c, _ in booked) == 0
        assert {o: d for o, d, _, _ in booked if o} == amounts
        payable, = [(c, r) for o, _, c, r in booked if not o]
        assert payable[0] == total
        pay_day = day + dt.timedelta(days=30)
        if pay_day <= end and in_period(pay_day):
            assert state == 'paid' and payable[1] is not None
            paid += 1
        else:
            assert state == 'posted' and payable[1] is None
        result.append((supplier, total, state))
    assert paid == counts['paid settlements']
    assert sum(len(l) for l in lines.values()) == counts['settled lines']
    return result


def test_generate_volume_arguments(demo_database):
    "Test impossible sizes are refused before anything is written"
    result = run(demo_database, '--suppliers', '5', '--products', '2',
        '--no-progress')
    assert result.returncode == 2
    assert "--products must be at least --suppliers" in result.stderr


def test_benchmark_settlement_builders():
    "Test the settlement benchmark loads the builders of generate_volume"
    result = subprocess.run([sys.executable,
            os.path.join(ROOT, 'scripts', 'benchmark_settlement.py'),
            '--help'], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert '--plain-batch' in result.stdout


def test_benchmark_reports(demo_database):
    """Test the report benchmark on a generated volume: each province
    report gives, row by row, the figures of the hand-written SQL"""
    from trytond import backend
    if backend.name != 'postgresql':
        pytest.skip("scripts/benchmark_reports.py runs on PostgreSQL")
    result = run(demo_database, '--outlets', '3', '--suppliers', '4',
        '--products', '12', '--lines', '600', '--months', '3',
        '--seed', '7', '--tag', 'GVB', '--no-progress')
    assert result.returncode == 0, result.stderr[-3000:]
    result = subprocess.run([sys.executable,
            os.path.join(ROOT, 'scripts', 'benchmark_reports.py'),
            '-d', demo_database.name, '--repeat', '1'],
        env=demo_database.env, cwd=ROOT, capture_output=True, text=True,
        timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    lines = result.stdout.splitlines()
    assert f"{demo_database.name}: kept" in lines[0]
    assert re.fullmatch(r'reports \d+ lines: worst ratio \d+\.\d\d '
        r'\([a-z_.]+\), errors 0', lines[-1]), lines[-1]
    assert not any('differs' in l for l in lines)
    for name in ['sale.reporting.main', 'sale.reporting.outlet',
            'sale.reporting.outlet_regency', 'sale.reporting.origin_regency',
            'sale.reporting.supplier', 'sale.reporting.outlet.certification',
            'party.certificate.expiry', 'party.coaching.outcome',
            'party.coaching.outcome.area', 'umkm.payment.supplier',
            'umkm.payment.origin_regency', 'umkm.payment.programme',
            'consignment.sell_through']:
        assert any(l.startswith(f'{name}: ') for l in lines), name
