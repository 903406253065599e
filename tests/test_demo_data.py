# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The living demo (scripts/demo_data.py, run by the set-up script), small:
30 suppliers, Kota Kupang and three other outlets, three months of sales.
Its contents are checked in the database, then a second run adds
nothing."""
import datetime as dt
import re
from collections import defaultdict

SUPPLIERS = 30


def summary_of(output):
    "Return the figures the set-up printed for the demo data"
    line, = [l for l in output.splitlines() if ': demo data: ' in l]
    return {name: int(number) for number, name in re.findall(
            r'(\d+) ([a-z ]+?)(?=[,;])', line.split(': demo data: ')[1])}


def count(query, sql):
    return query(sql)[0][0]


def state(query):
    "The counts of every table the demo writes to"
    tables = ['party_party', 'party_certificate', 'product_template',
        'consignment_contract', 'consignment_intake', 'purchase_purchase',
        'stock_shipment_in', 'stock_move', 'sale_point_sale',
        'sale_point_sale_line', 'account_invoice', 'account_invoice_line',
        'account_move', 'account_move_line', 'consignment_settlement',
        'consignment_host_share', 'party_coaching']
    return {t: count(query, f'SELECT COUNT(*) FROM {t}') for t in tables}


def test_living_demo(living_demo):
    "Test the demo holds suppliers, contracts, sales and a settled period"
    query = living_demo.query
    summary = summary_of(living_demo.first_run.stderr)

    suppliers = count(query, "SELECT COUNT(*) FROM party_party "
        "WHERE umkm_supplier AND nib LIKE '91203%'")
    assert suppliers == summary['suppliers'] == SUPPLIERS
    # each from one of the 22 regencies, in turn
    assert count(query, "SELECT COUNT(DISTINCT origin_regency) "
        "FROM party_party WHERE nib LIKE '91203%'") == 22
    assert count(query, "SELECT COUNT(*) FROM product_template "
        "WHERE code LIKE '%-0__'") == summary['products']

    # certificates in every state, tidak halal goods
    states = {s for s, in query("SELECT state FROM party_certificate")}
    assert {'valid', 'expiring', 'expired', 'revoked'} <= states, states
    assert count(query, "SELECT COUNT(*) FROM party_certificate") == (
        summary['certificates'])
    assert count(query, "SELECT COUNT(*) FROM product_template "
        "WHERE halal_status = 'tidak_halal'") > 0

    # a host institution at each of the 22 outlets
    assert count(query, "SELECT COUNT(*) FROM stock_location "
        "WHERE regency_outlet AND NOT provincial_hub "
        "AND host_institution IS NOT NULL") == 22

    # active contracts, received goods, beli putus purchases received and
    # paid
    contracts = summary['contracts']
    assert contracts > 0
    assert count(query, "SELECT COUNT(*) FROM consignment_contract "
        "WHERE state = 'active' AND number LIKE 'KNS-DEMO-%'") == contracts
    assert count(query, "SELECT COUNT(*) FROM consignment_intake "
        "WHERE state != 'done'") == 0
    purchases = summary['purchases']
    assert purchases > 0
    assert count(query, "SELECT COUNT(*) FROM purchase_purchase "
        "WHERE state = 'done'") == purchases
    assert count(query, "SELECT COUNT(*) FROM account_invoice "
        "WHERE type = 'in' AND state = 'paid' AND id IN "
        "(SELECT invoice FROM account_invoice_line WHERE origin LIKE "
        "'purchase.line,%')") == purchases

    # three months of till sales, all posted, at four outlets
    sales = summary['sales']
    assert sales > 50
    assert count(query, "SELECT COUNT(*) FROM sale_point_sale "
        "WHERE state = 'posted'") == sales
    first, last = query("SELECT MIN(date), MAX(date) FROM sale_point_sale")[0]
    first, last = (dt.date.fromisoformat(str(d)[:10]) for d in (first, last))
    assert 80 <= (last - first).days <= 92
    assert count(query, "SELECT COUNT(DISTINCT point) "
        "FROM sale_point_sale") == 4
    # a consigned line leaves exactly one line for its consignor
    assert count(query, "SELECT COUNT(*) FROM sale_point_sale_line AS l "
        "JOIN product_product AS p ON l.product = p.id "
        "JOIN product_template AS t ON p.template = t.id "
        "JOIN product_category AS c ON t.account_category = c.id "
        "WHERE c.name = 'Barang Konsinyasi'") == count(query,
        "SELECT COUNT(*) FROM account_invoice_line "
        "WHERE consignment_outlet IS NOT NULL")
    # no stock below zero
    assert count(query, "SELECT COUNT(*) FROM ("
        "SELECT location, product, SUM(q) AS quantity FROM ("
        "SELECT to_location AS location, product, quantity AS q "
        "FROM stock_move WHERE state = 'done' UNION ALL "
        "SELECT from_location, product, -quantity FROM stock_move "
        "WHERE state = 'done') AS m GROUP BY location, product) AS s "
        "JOIN stock_location AS l ON s.location = l.id "
        "WHERE l.type = 'storage' AND s.quantity < 0") == 0

    # one settled period: the consignors' invoices and the hosts' shares
    # paid; the sales after the cut-off wait for the next settlement
    settlements = summary['settlements']
    assert settlements > 0
    assert count(query, "SELECT COUNT(*) FROM consignment_settlement "
        "WHERE state = 'paid'") == settlements
    assert count(query, "SELECT COUNT(DISTINCT cutoff_date) "
        "FROM consignment_settlement") == 1
    assert count(query, "SELECT COUNT(*) FROM consignment_host_share "
        "WHERE state = 'paid'") == summary['host shares'] > 0
    assert count(query, "SELECT COUNT(*) FROM account_invoice_line "
        "WHERE consignment_outlet IS NOT NULL AND invoice IS NULL") > 0

    # coaching in every state but cancelled
    coachings = {s for s, in query("SELECT state FROM party_coaching")}
    assert coachings == {'planned', 'in_progress', 'done'}
    assert count(query, "SELECT COUNT(*) FROM party_coaching") == (
        summary['coachings'])

    # goods held longer than their contract allows: FIFO sells the oldest
    # units first, so a location holds units of its first intake when it
    # holds more than the later intakes brought
    assert aged(query, last) > 0

    # a second run adds nothing
    before = state(query)
    second = living_demo.set_up()
    assert "the demo data is already there" in second.stderr
    assert state(query) == before


def aged(query, today):
    """Return the number of (consignment location, product) holding units
    received more than the contract's shelf days before today"""
    intakes = defaultdict(list)
    for location, product, date, quantity, shelf_days in query(
            "SELECT m.to_location, m.product, i.date, m.quantity, "
            "c.max_shelf_days FROM consignment_intake_line AS il "
            "JOIN stock_move AS m ON il.move = m.id "
            "JOIN consignment_intake AS i ON il.intake = i.id "
            "JOIN consignment_contract AS c ON i.contract = c.id "
            "WHERE m.state = 'done'"):
        intakes[location, product].append((
                dt.date.fromisoformat(str(date)[:10]), quantity, shelf_days))
    held = defaultdict(float)
    for location, product, quantity in query(
            "SELECT to_location, product, SUM(quantity) FROM stock_move "
            "WHERE state = 'done' GROUP BY to_location, product"):
        held[location, product] += quantity
    for location, product, quantity in query(
            "SELECT from_location, product, SUM(quantity) FROM stock_move "
            "WHERE state = 'done' GROUP BY from_location, product"):
        held[location, product] -= quantity
    result = 0
    for key, received in intakes.items():
        received.sort()
        later = sum(q for d, q, _ in received[1:])
        date, _, shelf_days = received[0]
        if (held[key] > later
                and date + dt.timedelta(days=shelf_days) < today):
            result += 1
    return result


def test_settle_script_confirms(living_demo):
    """Test scripts/settle.py settles the demo's unsettled sales and
    confirms the settlements (numbering them and their invoices) in one
    run"""
    import os
    import subprocess
    import sys
    query = living_demo.query
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    last, = query("SELECT MAX(date) FROM sale_point_sale")[0]
    open_lines = count(query, "SELECT COUNT(*) FROM account_invoice_line "
        "WHERE consignment_outlet IS NOT NULL "
        "AND consignment_settlement IS NULL")
    assert open_lines > 0
    drafted = count(query, "SELECT COUNT(*) FROM consignment_settlement")

    result = subprocess.run([sys.executable,
            os.path.join(root, 'scripts', 'settle.py'),
            '-d', living_demo.name, '-c', living_demo.config_file,
            '--cutoff', str(last)[:10], '--confirm'],
        env=living_demo.env, cwd=root, capture_output=True, text=True,
        timeout=600)

    assert result.returncode == 0, result.stderr[-3000:]
    first, *settled = result.stdout.splitlines()
    assert first.startswith('confirmed '), first
    number = int(first.split()[1])
    assert number == len(settled) > 0
    assert count(query, "SELECT COUNT(*) FROM consignment_settlement") == (
        drafted + number)
    assert count(query, "SELECT COUNT(*) FROM consignment_settlement "
        "WHERE state = 'confirmed' AND number IS NOT NULL") == number
    assert count(query, "SELECT COUNT(*) FROM account_invoice_line "
        "WHERE consignment_outlet IS NOT NULL "
        "AND consignment_settlement IS NULL") == 0
