#!/usr/bin/env python3
# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark the province reports against hand-written SQL.

Not a test: it prints figures.

On PostgreSQL (``TRYTOND_DATABASE__URI``).  The database ``--database``
(default ``bench_reports``) is created, when missing, with
``scripts/setup_database.py --no-demo-data`` (company, chart, the 22
regency outlets and their tills) and filled with
``scripts/generate_volume.py`` (``--lines`` till sale lines, default
1,000,000, over ``--outlets`` outlets, ``--suppliers`` suppliers and
``--products`` products, 12 months).  ``--fresh`` drops it first.

Then, for Tryton's own Sales report and each report of
``ntt_mart_reporting``, the time of the report's query (its
``table_query()``, as the client's list runs it, all rows fetched), the
best of ``--repeat`` runs, as a ratio to a hand-written SQL ``GROUP BY``
over the same tables that gives the same figures, compared row by row (a
difference is an error):

* Sales per Outlet, per Outlet Regency, per Origin Regency, per Supplier
  (revenue, consigned revenue, margin, number of sales) and Tryton's own
  Sales report (revenue, number), over the whole year of the sales (the
  context's company, from and to dates, as the client sends them);
* Certified Sales per Outlet (the same, certified revenue and revenue
  lacking certificates), over the year;
* Certificate Expiry per Regency (per origin regency and type: in force,
  suppliers, expiring within 30, 31-60, 61-90 days, suppliers to renew,
  expired), on the company's today;
* Coaching Outcome and Coaching Outcome per Area (sales 182 days before
  and after, days observed; coachings and suppliers per area), all the
  coachings;
* Money Paid to UMKM per Supplier, per Origin Regency, per Programme
  (invoices, amount, consignment payouts, purchases, paid; suppliers,
  women-owned, workforce per group), the invoices of the year;
* Consigned Sell-Through (per consignment location and product: held at
  the start, received, sold, returned, written off, sell-through, days to
  sell, revenue), from a week before the first sale (the receptions).

``--report TEXT`` (repeatable) runs only the reports whose name holds it;
``EXPLAIN ANALYZE`` of both queries with ``--explain``.  The last line
is::

    reports N lines: worst ratio R (report), errors E

Example, from the repository::

    TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python scripts/benchmark_reports.py --lines 1000000
"""
import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, 'modules'))

# The lines of the till sales and sales orders with their outlet and their
# reference (the origin of their moves)
LINES = """
WITH innermost AS (
    SELECT p.id AS point, MAX(w."left") AS "left"
    FROM sale_point AS p
    JOIN stock_location AS l ON l.id = p.storage_location
    JOIN stock_location AS w ON w."left" <= l."left"
        AND w."right" >= l."right" AND w.type = 'warehouse'
    GROUP BY p.id),
till AS (
    SELECT i.point, w.id AS outlet
    FROM innermost AS i JOIN stock_location AS w ON w."left" = i."left"),
line AS (
    SELECT 'sale.point.sale.line,' || l.id AS origin, l.product,
        l.quantity, l.unit_list_price AS unit_price, t.outlet,
        'sale.point.sale,' || l.sale AS "order", s.date
    FROM sale_point_sale_line AS l
    JOIN sale_point_sale AS s ON l.sale = s.id
    JOIN till AS t ON t.point = s.point
    WHERE s.state IN ('done', 'posted') AND s.company = %(company)s
        AND s.date BETWEEN %(from_date)s AND %(to_date)s
    UNION ALL
    SELECT 'sale.line,' || l.id, l.product,
        COALESCE(l.actual_quantity, l.quantity), l.unit_price, s.warehouse,
        'sale.sale,' || l.sale, s.sale_date
    FROM sale_line AS l
    JOIN sale_sale AS s ON l.sale = s.id
    WHERE s.state IN ('confirmed', 'processing', 'done')
        AND s.company = %(company)s
        AND s.sale_date BETWEEN %(from_date)s AND %(to_date)s)
"""
# The stock facts and consignors' amounts per line (by the reference their
# moves carry as origin)
FACTS = """,
move AS (
    SELECT m.origin, m.id, m.quantity, m.from_location, m.to_location,
        m.cost_price
    FROM stock_move AS m
    WHERE (m.origin LIKE 'sale.line,%%'
            OR m.origin LIKE 'sale.point.sale.line,%%')
        AND m.state != 'cancelled'
    UNION ALL
    SELECT o.origin, i.id, i.quantity, i.from_location, i.to_location,
        i.cost_price
    FROM stock_move AS o
    JOIN stock_move AS i ON i.origin = 'stock.move,' || o.id
    WHERE (o.origin LIKE 'sale.line,%%'
            OR o.origin LIKE 'sale.point.sale.line,%%')
        AND o.state != 'cancelled' AND i.state != 'cancelled'),
stock AS (
    SELECT m.origin,
        SUM(CASE WHEN f.consignment_party IS NOT NULL THEN m.quantity
            WHEN t.consignment_party IS NOT NULL THEN -m.quantity
            ELSE 0 END) AS consigned_quantity,
        MAX(COALESCE(f.consignment_party, t.consignment_party))
            AS consignor,
        SUM(CASE WHEN m.cost_price IS NOT NULL
                AND f.consignment_party IS NULL THEN
                CASE WHEN t.type = 'customer' THEN m.quantity
                    WHEN f.type = 'customer' THEN -m.quantity
                    ELSE 0 END
            ELSE 0 END * m.cost_price) AS cost,
        SUM(CASE WHEN m.cost_price IS NOT NULL
                AND f.consignment_party IS NULL THEN
                CASE WHEN t.type = 'customer' THEN m.quantity
                    WHEN f.type = 'customer' THEN -m.quantity
                    ELSE 0 END
            ELSE 0 END) AS own_quantity
    FROM move AS m
    JOIN stock_location AS f ON m.from_location = f.id
    JOIN stock_location AS t ON m.to_location = t.id
    GROUP BY m.origin),
amount AS (
    SELECT m.origin, SUM(il.quantity * il.unit_price) AS amount
    FROM move AS m
    JOIN "account_invoice_line-stock_move" AS lm ON lm.stock_move = m.id
    JOIN account_invoice_line AS il
        ON lm.invoice_line = il.id AND il.invoice_type = 'in'
    GROUP BY m.origin)
"""
# The hand-written query of the province reports: the lines with their
# facts, grouped by the dimension ({extra}: more CTEs, {columns}: more
# columns, {joins}: more joins)
RAW = LINES + FACTS + """{extra}
SELECT {key} AS key,{columns}
    ROUND(SUM(line.quantity * line.unit_price)::NUMERIC, 0) AS revenue,
    SUM(line.quantity) AS quantity,
    ROUND(SUM(COALESCE(stock.consigned_quantity, 0)
            * line.unit_price)::NUMERIC, 0) AS consigned_revenue,
    ROUND(SUM(line.quantity * line.unit_price)::NUMERIC, 0) - ROUND(SUM(
            COALESCE(amount.amount, 0)
            + (line.quantity - COALESCE(stock.consigned_quantity, 0))
            * COALESCE(stock.cost / NULLIF(stock.own_quantity, 0), 0)
            )::NUMERIC, 0) AS margin,
    COUNT(DISTINCT line."order") AS number
FROM line
LEFT JOIN stock ON stock.origin = line.origin
LEFT JOIN amount ON amount.origin = line.origin
JOIN product_product AS product ON line.product = product.id
JOIN product_template AS template ON product.template = template.id
LEFT JOIN stock_location AS outlet ON line.outlet = outlet.id{joins}
{where}
GROUP BY {key}
"""
# Tryton's own Sales report sums the lines only, without their moves
RAW_MAIN = LINES + """
SELECT 1 AS key, ROUND(SUM(line.quantity * line.unit_price)::NUMERIC, 0)
        AS revenue, COUNT(DISTINCT line."order") AS number
FROM line
"""
# the report's column of the dimension is called as the dimension
KEYS = {
    'outlet': ("line.outlet", "WHERE line.outlet IS NOT NULL"),
    'regency': ("outlet.regency",
        "WHERE outlet.regency IS NOT NULL"),
    'origin_regency': ("template.origin_regency",
        "WHERE template.origin_regency IS NOT NULL"),
    'supplier': ("COALESCE(stock.consignor, template.producer)",
        "WHERE COALESCE(stock.consignor, template.producer) IS NOT NULL"),
    }
FIELDS = ['revenue', 'consigned_revenue', 'margin', 'number']

# Certified Sales per Outlet: the lines of goods covered on the day of the
# sale by an active certificate (of the variant or of its product) issued,
# not expired and not revoked by then; the goods lacking a certificate
CERTIFIED = """,
covered AS (
    SELECT cp.product, c.issue_date, c.expiry_date, c.revoked_date
    FROM "party_certificate-product_product" AS cp
    JOIN party_certificate AS c ON cp.certificate = c.id
    WHERE c.active
    UNION ALL
    SELECT p.id, c.issue_date, c.expiry_date, c.revoked_date
    FROM "party_certificate-product_template" AS ct
    JOIN party_certificate AS c ON ct.certificate = c.id
    JOIN product_product AS p ON p.template = ct.template
    WHERE c.active),
certified AS (
    SELECT line.product, line.date
    FROM line
    JOIN covered ON covered.product = line.product
    WHERE (covered.issue_date IS NULL OR covered.issue_date <= line.date)
        AND (covered.expiry_date IS NULL OR covered.expiry_date >= line.date)
        AND (covered.revoked_date IS NULL
            OR covered.revoked_date > line.date)
    GROUP BY line.product, line.date)"""
CERTIFIED_COLUMNS = """
    ROUND(SUM(CASE WHEN certified.product IS NOT NULL THEN line.quantity
            ELSE 0 END * line.unit_price)::NUMERIC, 0) AS certified_revenue,
    ROUND(SUM(CASE WHEN product.certificate_missing <> '' THEN line.quantity
            ELSE 0 END * line.unit_price)::NUMERIC, 0) AS missing_revenue,"""
CERTIFIED_JOINS = """
LEFT JOIN certified ON certified.product = line.product
    AND certified.date = line.date"""

# Certificate Expiry per Regency: the active certificates per origin regency
# of their supplier and type, on %(date)s
RAW_EXPIRY = """
WITH certificate AS (
    SELECT c.supplier, p.origin_regency, c.type,
        c.expiry_date - %(date)s::DATE AS days,
        (c.issue_date IS NULL OR c.issue_date <= %(date)s)
            AND (c.revoked_date IS NULL OR c.revoked_date > %(date)s)
            AND (c.expiry_date IS NULL OR c.expiry_date >= %(date)s)
            AS in_force,
        (c.revoked_date IS NULL OR c.revoked_date > %(date)s)
            AND c.expiry_date < %(date)s AS expired
    FROM party_certificate AS c
    JOIN party_party AS p ON c.supplier = p.id
    WHERE c.active)
SELECT origin_regency AS regency, type,
    COUNT(*) FILTER (WHERE in_force) AS certificates,
    COUNT(DISTINCT supplier) FILTER (WHERE in_force) AS suppliers,
    COUNT(*) FILTER (WHERE in_force AND days <= 30) AS expiring_30,
    COUNT(*) FILTER (WHERE in_force AND days > 30 AND days <= 60)
        AS expiring_60,
    COUNT(*) FILTER (WHERE in_force AND days > 60 AND days <= 90)
        AS expiring_90,
    COUNT(DISTINCT supplier) FILTER (WHERE in_force AND days <= 90)
        AS expiring_suppliers,
    COUNT(*) FILTER (WHERE expired) AS expired
FROM certificate
GROUP BY origin_regency, type
"""

# Coaching Outcome: the sales of each coached supplier's goods (consigned
# goods by their consignor, own goods by their producer), summed per
# supplier and day, in the 182 days before the coaching started and after
# it ended (or started)
COACHINGS = LINES + FACTS + """,
coaching AS (
    SELECT c.id, c.supplier, c.area, c.start_date,
        COALESCE(c.end_date, c.start_date) AS after_date
    FROM party_coaching AS c
    WHERE c.company = %(company)s AND c.state != 'cancelled'
        AND c.start_date IS NOT NULL),
daily AS (
    SELECT COALESCE(stock.consignor, template.producer) AS supplier,
        line.date, SUM(line.quantity * line.unit_price) AS revenue
    FROM line
    LEFT JOIN stock ON stock.origin = line.origin
    JOIN product_product AS product ON line.product = product.id
    JOIN product_template AS template ON product.template = template.id
    GROUP BY 1, 2),
outcome AS (
    SELECT coaching.id AS coaching, coaching.supplier, coaching.area,
        LEAST(GREATEST(%(today)s::DATE - coaching.after_date, 0), 182)
            AS days_after,
        COALESCE(ROUND(SUM(CASE WHEN daily.date < coaching.start_date
                    THEN daily.revenue END)::NUMERIC, 0), 0)
            AS revenue_before,
        COALESCE(ROUND(SUM(CASE WHEN daily.date > coaching.after_date
                    THEN daily.revenue END)::NUMERIC, 0), 0)
            AS revenue_after
    FROM coaching
    LEFT JOIN daily ON daily.supplier = coaching.supplier
        AND ((daily.date >= coaching.start_date - 182
                AND daily.date < coaching.start_date)
            OR (daily.date > coaching.after_date
                AND daily.date <= coaching.after_date + 182))
    GROUP BY coaching.id, coaching.supplier, coaching.area,
        coaching.after_date)
"""
RAW_COACHING = COACHINGS + """
SELECT coaching, days_after, revenue_before, revenue_after FROM outcome
"""
RAW_COACHING_AREA = COACHINGS + """
SELECT area, COUNT(*) AS coachings, COUNT(DISTINCT supplier) AS suppliers,
    SUM(revenue_before) AS revenue_before, SUM(revenue_after) AS revenue_after
FROM outcome
GROUP BY area
"""

# Money Paid to UMKM: the lines of the supplier invoices posted or paid of
# UMKM suppliers that pay out a consignment settlement or bill a purchase,
# at their amount booked (their line of the invoice's move)
PAYMENTS = """
WITH settled AS (
    SELECT invoice FROM consignment_settlement
    WHERE invoice IS NOT NULL GROUP BY invoice),
payment AS (
    SELECT i.id AS invoice, i.party AS supplier,
        ml.debit - ml.credit AS amount,
        CASE WHEN s.invoice IS NOT NULL
            THEN ml.debit - ml.credit ELSE 0 END AS consignment_amount,
        CASE WHEN s.invoice IS NULL
            THEN ml.debit - ml.credit ELSE 0 END AS purchase_amount,
        CASE WHEN i.state = 'paid'
            THEN ml.debit - ml.credit ELSE 0 END AS paid_amount
    FROM account_invoice_line AS l
    JOIN account_invoice AS i ON l.invoice = i.id
    JOIN party_party AS p ON i.party = p.id
    JOIN account_move_line AS ml ON ml.move = i.move
        AND ml.origin = 'account.invoice.line,' || l.id
    LEFT JOIN settled AS s ON s.invoice = i.id
    LEFT JOIN purchase_line AS pl ON pl.id = CASE
        WHEN l.origin LIKE 'purchase.line,%%'
        THEN CAST(SUBSTRING(l.origin FROM 15) AS INTEGER) END
    WHERE i.type = 'in' AND i.state IN ('posted', 'paid')
        AND i.company = %(company)s AND l.type = 'line' AND p.umkm_supplier
        AND i.invoice_date BETWEEN %(from_date)s AND %(to_date)s
        AND (s.invoice IS NOT NULL OR pl.id IS NOT NULL)),
supplier AS (
    SELECT supplier, COUNT(DISTINCT invoice) AS number,
        SUM(amount) AS amount, SUM(consignment_amount) AS consignment_amount,
        SUM(purchase_amount) AS purchase_amount,
        SUM(paid_amount) AS paid_amount
    FROM payment
    GROUP BY supplier)
"""
PAYMENT_GROUP = """
    SUM(s.number) AS number, SUM(s.amount) AS amount,
    SUM(s.consignment_amount) AS consignment_amount,
    SUM(s.purchase_amount) AS purchase_amount,
    SUM(s.paid_amount) AS paid_amount, COUNT(*) AS suppliers,
    COUNT(*) FILTER (WHERE p.women_owned) AS women_owned_suppliers,
    COALESCE(SUM(s.amount) FILTER (WHERE p.women_owned), 0)
        AS women_owned_amount,
    SUM(COALESCE(p.workforce_total, 0)) AS workforce_total,
    SUM(COALESCE(p.workforce_women, 0)) AS workforce_women
"""
RAW_PAYMENT_SUPPLIER = PAYMENTS + """
SELECT supplier, number, amount, consignment_amount, purchase_amount,
    paid_amount
FROM supplier
"""
RAW_PAYMENT_REGENCY = PAYMENTS + """
SELECT p.origin_regency,""" + PAYMENT_GROUP + """
FROM supplier AS s JOIN party_party AS p ON s.supplier = p.id
GROUP BY p.origin_regency
"""
RAW_PAYMENT_PROGRAMME = PAYMENTS + """
SELECT pp.programme,""" + PAYMENT_GROUP + """
FROM supplier AS s JOIN party_party AS p ON s.supplier = p.id
JOIN "party_party-party_umkm_programme" AS pp ON pp.party = p.id
GROUP BY pp.programme
"""
PAYMENT_FIELDS = ['number', 'amount', 'consignment_amount',
    'purchase_amount', 'paid_amount']
PAYMENT_GROUP_FIELDS = PAYMENT_FIELDS + ['suppliers',
    'women_owned_suppliers', 'women_owned_amount', 'workforce_total',
    'workforce_women']

# Consigned Sell-Through: the done moves into (positive) and out of
# (negative) the consignment locations up to %(to_date)s, per location and
# product: held at the start, received from, returned to the supplier,
# sold (to customers or the outlet's picking), written off, revenue (the
# till line's price or the customer move's) and unit-days on the shelf
RAW_SELL_THROUGH = """
WITH consignment AS (
    SELECT l.id, l.consignment_party AS supplier, w.id AS outlet,
        w.input_location, w.output_location
    FROM stock_location AS l
    JOIN stock_location AS w ON w.type = 'warehouse'
        AND w."left" < l."left" AND w."right" > l."right"
    WHERE l.type = 'supplier' AND l.consignment_party IS NOT NULL),
flow AS (
    SELECT c.id AS location, c.supplier, c.outlet, m.product,
        m.internal_quantity AS quantity, m.effective_date AS date,
        o.type = 'supplier' AND o.consignment_party IS NULL AS received,
        FALSE AS returned,
        o.type = 'customer' OR o.id = c.input_location AS sold,
        o.type = 'lost_found' AS lost, m.origin
    FROM stock_move AS m
    JOIN consignment AS c ON m.to_location = c.id
    JOIN stock_location AS o ON m.from_location = o.id
    WHERE m.state = 'done' AND m.effective_date <= %(to_date)s
        AND m.company = %(company)s
    UNION ALL
    SELECT c.id, c.supplier, c.outlet, m.product, -m.internal_quantity,
        m.effective_date, FALSE,
        o.type = 'supplier' AND o.consignment_party IS NULL,
        o.type = 'customer' OR o.id = c.output_location,
        o.type = 'lost_found', m.origin
    FROM stock_move AS m
    JOIN consignment AS c ON m.from_location = c.id
    JOIN stock_location AS o ON m.to_location = o.id
    WHERE m.state = 'done' AND m.effective_date <= %(to_date)s
        AND m.company = %(company)s),
grouped AS (
    SELECT f.location, f.product,
        SUM(CASE WHEN f.date < %(from_date)s THEN f.quantity ELSE 0 END)
            AS opening,
        SUM(CASE WHEN f.date >= %(from_date)s AND f.received
            THEN f.quantity ELSE 0 END) AS received,
        SUM(CASE WHEN f.date >= %(from_date)s AND f.sold
            THEN -f.quantity ELSE 0 END) AS sold,
        SUM(CASE WHEN f.date >= %(from_date)s AND f.returned
            THEN -f.quantity ELSE 0 END) AS returned,
        SUM(CASE WHEN f.date >= %(from_date)s AND f.lost
            THEN -f.quantity ELSE 0 END) AS written_off,
        SUM(CASE WHEN f.date >= %(from_date)s AND f.sold
            THEN -f.quantity * COALESCE(tl.unit_list_price, cm.unit_price, 0)
            ELSE 0 END) AS revenue,
        SUM(f.quantity * CASE WHEN f.date < %(from_date)s
            THEN %(to_date)s::DATE - %(from_date)s::DATE + 1
            ELSE %(to_date)s::DATE - f.date + 1 END) AS unit_days
    FROM flow AS f
    LEFT JOIN sale_point_sale_line AS tl
        ON f.origin = 'sale.point.sale.line,' || tl.id
    LEFT JOIN stock_move AS cm ON f.origin = 'stock.move,' || cm.id
    GROUP BY f.location, f.supplier, f.outlet, f.product)
SELECT location, product, opening AS opening_quantity,
    received AS received_quantity, sold AS sold_quantity,
    returned AS returned_quantity, written_off AS written_off_quantity,
    sold / NULLIF(opening + received, 0) AS sell_through,
    CASE WHEN sold > 0 THEN unit_days / sold END AS days_to_sell,
    ROUND(revenue::NUMERIC, 0) AS revenue
FROM grouped
WHERE opening != 0 OR received != 0 OR sold != 0 OR returned != 0
    OR written_off != 0
"""


def raw_fact(dimension, **more):
    "Return the hand-written query of a province report by the dimension"
    key, where = KEYS[dimension]
    values = dict(extra='', columns='', joins='')
    values.update(more)
    return RAW.format(key=key, where=where, **values)


# The reports: the columns keying their rows, the figures compared, the
# hand-written SQL (the key of the province reports' is "key") and the
# context they are opened with
REPORTS = [
    ('sale.reporting.main', None, ['revenue', 'number'], RAW_MAIN,
        'sales'),
    ('sale.reporting.outlet', ('outlet',), FIELDS, raw_fact('outlet'),
        'sales'),
    ('sale.reporting.outlet_regency', ('regency',), FIELDS,
        raw_fact('regency'), 'sales'),
    ('sale.reporting.origin_regency', ('origin_regency',), FIELDS,
        raw_fact('origin_regency'), 'sales'),
    ('sale.reporting.supplier', ('supplier',), FIELDS,
        raw_fact('supplier'), 'sales'),
    ('sale.reporting.outlet.certification', ('outlet',),
        FIELDS + ['certified_revenue', 'missing_revenue'],
        raw_fact('outlet', extra=CERTIFIED, columns=CERTIFIED_COLUMNS,
            joins=CERTIFIED_JOINS), 'sales'),
    ('party.certificate.expiry', ('regency', 'type'),
        ['certificates', 'suppliers', 'expiring_30', 'expiring_60',
            'expiring_90', 'expiring_suppliers', 'expired'],
        RAW_EXPIRY, 'expiry'),
    ('party.coaching.outcome', ('coaching',),
        ['days_after', 'revenue_before', 'revenue_after'], RAW_COACHING,
        'coaching'),
    ('party.coaching.outcome.area', ('area',),
        ['coachings', 'suppliers', 'revenue_before', 'revenue_after'],
        RAW_COACHING_AREA, 'coaching'),
    ('umkm.payment.supplier', ('supplier',), PAYMENT_FIELDS,
        RAW_PAYMENT_SUPPLIER, 'payment'),
    ('umkm.payment.origin_regency', ('origin_regency',),
        PAYMENT_GROUP_FIELDS, RAW_PAYMENT_REGENCY, 'payment'),
    ('umkm.payment.programme', ('programme',), PAYMENT_GROUP_FIELDS,
        RAW_PAYMENT_PROGRAMME, 'payment'),
    ('consignment.sell_through', ('location', 'product'),
        ['opening_quantity', 'received_quantity', 'sold_quantity',
            'returned_quantity', 'written_off_quantity', 'sell_through',
            'days_to_sell', 'revenue'],
        RAW_SELL_THROUGH, 'sell_through'),
    ]
# the stock of the sales arrives a week before the first (generate_volume)
LEAD = dt.timedelta(days=7)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', default='bench_reports')
    parser.add_argument('--lines', type=int, default=1_000_000)
    parser.add_argument('--outlets', type=int, default=22)
    parser.add_argument('--suppliers', type=int, default=1_000)
    parser.add_argument('--products', type=int, default=10_000)
    parser.add_argument('--repeat', type=int, default=3,
        help="runs of each query, the best counts (default: %(default)s)")
    parser.add_argument('--fresh', action='store_true',
        help="drop the database first")
    parser.add_argument('--jit', action='store_true',
        help="leave PostgreSQL's JIT compilation on (the deployment turns "
        "it off: docker-compose.yml)")
    parser.add_argument('--explain', action='store_true',
        help="print EXPLAIN ANALYZE of each query")
    parser.add_argument('--report', action='append',
        help="only the reports whose name holds this (repeatable)")
    return parser.parse_args(argv)


def log(message):
    print(message, flush=True)


def pg_uri():
    uri = os.environ.get('TRYTOND_DATABASE__URI', '')
    if not uri.startswith('postgresql://'):
        sys.exit("benchmark_reports.py runs on PostgreSQL: "
            "set TRYTOND_DATABASE__URI=postgresql://…")
    return uri


def database_exists(name):
    import psycopg
    with psycopg.connect(pg_uri().rstrip('/') + '/postgres') as conn:
        return bool(conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s",
                (name,)).fetchone())


def create_database(name):
    import psycopg
    from psycopg import sql
    with psycopg.connect(pg_uri().rstrip('/') + '/postgres',
            autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 "
                "ENCODING 'UTF8'").format(sql.Identifier(name)))


def drop_database(name):
    import psycopg
    from psycopg import sql
    with psycopg.connect(pg_uri().rstrip('/') + '/postgres',
            autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            .format(sql.Identifier(name)))


def script(name, *args):
    "Run a script of scripts/ with this Python, failing on its failure"
    command = [sys.executable, os.path.join(ROOT, 'scripts', name), *args]
    log("$ " + ' '.join(command[1:]))
    subprocess.run(command, cwd=ROOT, check=True)


def prepare(args):
    if args.fresh:
        drop_database(args.database)
    if database_exists(args.database):
        log(f"{args.database}: kept (--fresh to generate it again)")
        return
    start = time.perf_counter()
    create_database(args.database)
    script('setup_database.py', '-d', args.database, '--backend',
        'postgresql', '--no-demo-data')
    script('generate_volume.py', '-d', args.database, '--backend',
        'postgresql',
        '--outlets', str(args.outlets), '--suppliers', str(args.suppliers),
        '--products', str(args.products), '--lines', str(args.lines))
    log(f"{args.database}: set up and generated in "
        f"{time.perf_counter() - start:.0f} s")


def timed(cursor, query, params, repeat):
    "Return the best time of the query and its rows as dictionaries"
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        cursor.execute(query, params)
        rows = cursor.fetchall()
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    names = [d[0] for d in cursor.description]
    return best, [dict(zip(names, r)) for r in rows]


def explain(cursor, query, params):
    cursor.execute('EXPLAIN ANALYZE ' + query, params)
    return '\n'.join(r[0] for r in cursor.fetchall())


def contexts(company, first, last, today):
    """Return the contexts of the reports by kind, each with the
    parameters of its hand-written SQL: the period of the sales"""
    sales = {'company': company, 'from_date': first, 'to_date': last}
    return {
        'sales': (sales, sales),
        # the certificates on the company's today
        'expiry': ({'company': company, 'date': today},
            {'date': today}),
        # all the coachings
        # all the coachings, the sales of any date
        'coaching': ({'company': company},
            {'company': company, 'today': today,
                'from_date': dt.date.min, 'to_date': dt.date.max}),
        # the invoices of the year
        'payment': ({'company': company, 'from_date': first,
                'to_date': today}, {'company': company, 'from_date': first,
                'to_date': today}),
        # the year from the receptions before the first sale
        'sell_through': ({'company': company, 'from_date': first - LEAD,
                'to_date': last}, {'company': company,
                'from_date': first - LEAD, 'to_date': last}),
        }


def measure(args):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    from ntt_mart.scripting import as_user, open_database

    pool = open_database(args.database,
        os.path.join(ROOT, 'config', 'trytond-postgresql.conf'))
    results = []
    errors = 0
    with Transaction().start(args.database, 0, readonly=True) as transaction:
        with as_user(pool, transaction, 'admin') as company:
            cursor = transaction.connection.cursor()
            if not args.jit:
                # as deployed: compiling the plan took 1 to 3 s a query,
                # more than running it
                cursor.execute("SET jit = off")
            cursor.execute(
                "SELECT COUNT(*), MIN(s.date), MAX(s.date) "
                "FROM sale_point_sale_line AS l "
                "JOIN sale_point_sale AS s ON l.sale = s.id")
            count, first, last = cursor.fetchone()
            if not count:
                sys.exit(f"{args.database} holds no till sale: "
                    "run with --fresh")
            today = Pool().get('ir.date').today()
            by_kind = contexts(company.id, first, last, today)
            log(f"{count} till sale lines from {first} to {last}")
            for name, keys, fields, raw, kind in REPORTS:
                if args.report and not any(
                        r in name for r in args.report):
                    continue
                context, params = by_kind[kind]
                Model = pool.get(name)
                with Transaction().set_context(context):
                    query, query_params = tuple(Model.table_query())
                report_time, report_rows = timed(
                    cursor, query, query_params, args.repeat)
                raw_time, raw_rows = timed(cursor, raw, params, args.repeat)
                mismatch = compare(report_rows, raw_rows, keys, fields)
                if mismatch:
                    errors += 1
                    log(f"  {name}: differs from the raw SQL: {mismatch}")
                ratio = report_time / raw_time if raw_time else float('inf')
                results.append((name, len(report_rows), report_time,
                        raw_time, ratio))
                log(f"{name}: {len(report_rows)} rows, report "
                    f"{report_time:.2f} s, raw SQL {raw_time:.2f} s, "
                    f"ratio {ratio:.2f}")
                if args.explain:
                    log(explain(cursor, query, query_params))
                    log(explain(cursor, raw, params))
    return count, results, errors


def compare(report_rows, raw_rows, keys, fields):
    """Return what differs between the report's rows and the raw SQL's, row
    by row of the keys (None when they agree; the raw SQL of the province
    reports names its key "key")"""
    def value(number):
        return Decimal(str(number or 0)).quantize(Decimal('0.0001'))
    if keys is None:
        # Tryton's own report: one row per company, revenue and number
        figures = [tuple(sum(value(r[f]) for r in rows) for f in fields)
            for rows in [report_rows, raw_rows]]
        return None if figures[0] == figures[1] else (
            f"{', '.join(fields)} {figures[0]} ≠ {figures[1]}")
    raw = {(r['key'],) if 'key' in r else tuple(r[k] for k in keys): r
        for r in raw_rows}
    differences = []
    for row in report_rows:
        key = tuple(row[k] for k in keys)
        label = ' '.join(f"{k} {v}" for k, v in zip(keys, key))
        other = raw.pop(key, None)
        if other is None:
            differences.append(f"{label} not in raw")
            continue
        for name in fields:
            if value(row[name]) != value(other[name]):
                differences.append(f"{label} {name} "
                    f"{value(row[name])} ≠ {value(other[name])}")
    differences.extend(f"{' '.join(map(str, k))} not in report"
        for k in raw)
    return '; '.join(differences[:5]) or None


def main(argv=None):
    args = parse_args(argv)
    pg_uri()
    os.chdir(ROOT)
    prepare(args)
    count, results, errors = measure(args)
    worst = max(results, key=lambda r: r[4])
    log("")
    log(f"{'report':38} {'rows':>6} {'report s':>9} {'raw s':>7} "
        f"{'ratio':>6}")
    for name, rows, report_time, raw_time, ratio in results:
        log(f"{name:38} {rows:6} {report_time:9.2f} {raw_time:7.2f} "
            f"{ratio:6.2f}")
    log(f"reports {count} lines: worst ratio {worst[4]:.2f} ({worst[0]}), "
        f"errors {errors}")
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
