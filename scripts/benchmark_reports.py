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

Then, for each report of ``ntt_mart_reporting`` (Sales per Outlet, per
Outlet Regency, per Origin Regency, per Supplier) and Tryton's own Sales
report, over the whole year (the context's company, from and to dates, as
the client sends them): the time of the report's query (its
``table_query()``, all rows fetched), the best of ``--repeat`` runs, as a
ratio to a hand-written SQL ``GROUP BY`` over the same tables that gives
the same figures (revenue, consigned revenue, margin, number of sales;
compared row by row, a difference is an error).  ``EXPLAIN ANALYZE`` of
both with ``--explain``.  The last line is::

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

# The reports and the dimension their rows are keyed by in the raw SQL
REPORTS = [
    ('sale.reporting.main', None),
    ('sale.reporting.outlet', 'outlet'),
    ('sale.reporting.outlet_regency', 'regency'),
    ('sale.reporting.origin_regency', 'origin_regency'),
    ('sale.reporting.supplier', 'supplier'),
    ]

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
        'sale.point.sale,' || l.sale AS "order"
    FROM sale_point_sale_line AS l
    JOIN sale_point_sale AS s ON l.sale = s.id
    JOIN till AS t ON t.point = s.point
    WHERE s.state IN ('done', 'posted') AND s.company = %(company)s
        AND s.date BETWEEN %(from_date)s AND %(to_date)s
    UNION ALL
    SELECT 'sale.line,' || l.id, l.product,
        COALESCE(l.actual_quantity, l.quantity), l.unit_price, s.warehouse,
        'sale.sale,' || l.sale
    FROM sale_line AS l
    JOIN sale_sale AS s ON l.sale = s.id
    WHERE s.state IN ('confirmed', 'processing', 'done')
        AND s.company = %(company)s
        AND s.sale_date BETWEEN %(from_date)s AND %(to_date)s)
"""
# The hand-written query of the province reports: the lines, the stock
# facts and consignors' amounts per line (by the reference their moves
# carry as origin), grouped by the dimension
RAW = LINES + """,
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
SELECT {key} AS key,
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
LEFT JOIN stock_location AS outlet ON line.outlet = outlet.id
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
            context = {
                'company': company.id,
                'from_date': first or dt.date.today(),
                'to_date': last or dt.date.today(),
                }
            if not count:
                sys.exit(f"{args.database} holds no till sale: "
                    "run with --fresh")
            log(f"{count} till sale lines from {first} to {last}")
            for name, dimension in REPORTS:
                Model = pool.get(name)
                with Transaction().set_context(context):
                    query, params = tuple(Model.table_query())
                report_time, report_rows = timed(
                    cursor, query, params, args.repeat)
                if dimension is None:
                    raw = RAW_MAIN
                else:
                    raw_key, raw_where = KEYS[dimension]
                    raw = RAW.format(key=raw_key, where=raw_where)
                raw_time, raw_rows = timed(cursor, raw, {
                        'company': company.id,
                        'from_date': context['from_date'],
                        'to_date': context['to_date'],
                        }, args.repeat)
                mismatch = compare(report_rows, raw_rows, dimension)
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
                    log(explain(cursor, query, params))
                    log(explain(cursor, raw, {
                                'company': company.id,
                                'from_date': context['from_date'],
                                'to_date': context['to_date'],
                                }))
    return count, results, errors


def compare(report_rows, raw_rows, dimension):
    """Return what differs between the report's rows and the raw SQL's, row
    by row of the dimension (None when they agree)"""
    def amount(value):
        return Decimal(str(value or 0)).quantize(Decimal(1))
    raw = {r['key']: r for r in raw_rows}
    if dimension is None:
        # Tryton's own report: one row per company, revenue and number
        figures = [(sum(amount(r['revenue']) for r in rows),
                sum(r['number'] for r in rows))
            for rows in [report_rows, raw_rows]]
        return None if figures[0] == figures[1] else (
            f"revenue, number {figures[0]} ≠ {figures[1]}")
    differences = []
    for row in report_rows:
        other = raw.pop(row[dimension], None)
        if other is None:
            differences.append(f"{dimension} {row[dimension]} not in raw")
            continue
        for name in FIELDS:
            if amount(row[name]) != amount(other[name]):
                differences.append(f"{dimension} {row[dimension]} {name} "
                    f"{amount(row[name])} ≠ {amount(other[name])}")
    differences.extend(f"{dimension} {k} not in report" for k in raw)
    return '; '.join(differences[:5]) or None


def main(argv=None):
    args = parse_args(argv)
    pg_uri()
    os.chdir(ROOT)
    prepare(args)
    count, results, errors = measure(args)
    worst = max(results, key=lambda r: r[4])
    log("")
    log(f"{'report':36} {'rows':>6} {'report s':>9} {'raw s':>7} "
        f"{'ratio':>6}")
    for name, rows, report_time, raw_time, ratio in results:
        log(f"{name:36} {rows:6} {report_time:9.2f} {raw_time:7.2f} "
            f"{ratio:6.2f}")
    log(f"reports {count} lines: worst ratio {worst[4]:.2f} ({worst[0]}), "
        f"errors {errors}")
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
