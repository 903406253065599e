#!/usr/bin/env python
# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"""Benchmark many tills posting small sales at once over JSON-RPC.

Not a test: it prints figures.

On PostgreSQL only (``TRYTOND_DATABASE__URI``).  The database ``--database``
(default ``bench_tills``) is created with ``scripts/setup_database.py``
(company, chart, fiscal year, the 22 regency outlets) when missing; then, once,
the benchmark data is added with proteus: two tills per outlet (each with its
own numbering sequence), ``--own`` own products with stock at every outlet,
``--consignors`` consignors (default 200) with an active contract at every
outlet for one product each (added when a later run asks for more), the
products of the first ``--stocked`` of them delivered at every outlet, and
a warehouse without any consignment with a till and the own products in
stock (plain ``sale_point``).

Then the tills are served as ``docker-compose.yml`` serves them: uWSGI
(``pip install uwsgi``) with ``--workers`` processes of one thread each on a
free local port (``--server werkzeug`` runs as many ``trytond`` processes
instead, each a threaded werkzeug server), and:

1. one till alone posts sales for ``--solo-seconds``;
2. the same till posts ``--own-sales`` own sales at its outlet and as many
   at the till without consignments, one at a time, alternately: the ratio
   of their median posting times is what the consignments cost an own sale;
3. ``--tills`` tills (two per outlet, their requests shared by the workers) post sales
   for ``--seconds``.

Each till has its own JSON-RPC session (``/<database>/rpc/``).  Before the
measures, one sale at the first till then one at each till at once warm the
workers up (the first sale of the month also opens the journal's period).
A till's sale is five JSON-RPC calls, as a till client would make them:
create the sale with one line (one to three units of a random product,
consigned or own, half and half), read its total, add a cash payment
(which finds or opens the till's cash session), ``process`` (numbering),
``post`` (stock and accounting).  A failed call ends the attempt and counts
as an error.

Printed: sales/s, p50/p95 latency of a whole sale and of its posting, the
errors by message, the throughput of all the tills as a ratio to the till
alone, the posting time of consigned sales as a ratio to own ones, the own
sale at an outlet with consignors as a ratio to one without, and a
reconciliation in SQL: each consigned till line has exactly one consignor
(supplier invoice) line, the stock of every product and location adds up
(initial minus sold), no consigned stock is negative, and every sale is
either posted with its moves or left unposted without any.  The accounting
moves the tills left in draft are then posted as the scheduled task does,
and timed.  The last line is::

    tills N: errors E, throughput ratio R, consigned/owned C

Example, from the repository::

    TRYTOND_DATABASE__URI=postgresql://postgres@127.0.0.1:5432/ \\
        .venv/bin/python scripts/benchmark_tills.py --tills 44 --seconds 60
"""
import argparse
import base64
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = 'kupang-demo-53'
TILL = "Kasir Bench %s %s"
PLAIN_TILL = "Kasir Bench Tanpa Konsinyasi"
PLAIN_OUTLET = "Gudang Bench Tanpa Konsinyasi"
OWN = "Bench Barang Sendiri %s"
CONSIGNED = "Bench Titipan %s"
STOCK = 100_000
PRICE = Decimal('10000')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', default='bench_tills')
    parser.add_argument('--tills', type=int, default=44)
    parser.add_argument('--seconds', type=float, default=60)
    parser.add_argument('--solo-seconds', type=float, default=15)
    parser.add_argument('--workers', type=int, default=4,
        help="processes serving the tills (TRYTON_PROCESSES of "
        "docker-compose.yml)")
    parser.add_argument('--server', choices=['uwsgi', 'werkzeug'],
        default='uwsgi')
    parser.add_argument('--own', type=int, default=4,
        help="own products")
    parser.add_argument('--consignors', type=int, default=200,
        help="consignors with a contract at every outlet")
    parser.add_argument('--stocked', type=int, default=4,
        help="consignors whose product is delivered to the outlets")
    parser.add_argument('--own-sales', type=int, default=20,
        help="own sales posted at each of the two outlets compared")
    parser.add_argument('--seed', type=int, default=53)
    parser.add_argument('--logconf',
        help="logging configuration of the servers (their logs are kept "
        "in the directory printed)")
    return parser.parse_args()


def log(message):
    print(message, file=sys.stderr, flush=True)


def main():
    args = parse_args()
    uri = os.environ.get('TRYTOND_DATABASE__URI', '')
    if not uri.startswith('postgresql'):
        sys.exit("set TRYTOND_DATABASE__URI=postgresql://...")
    os.chdir(ROOT)
    config_file = os.path.join(ROOT, 'config', 'trytond-postgresql.conf')
    prepare_database(args, config_file)
    ids = build_data(args, config_file)
    if args.tills > len(ids['tills']):
        sys.exit(f"{len(ids['tills'])} tills at most")
    servers = start_servers(args)
    try:
        urls = [f'http://127.0.0.1:{port}/{args.database}/rpc/'
            for port, _ in servers]
        log(f"servers on {', '.join(urls)}")
        started = time.monotonic()
        clients = [Client(urls[i % len(urls)]) for i in range(args.tills)]
        warm_up(clients, ids, args.seed)
        first_move = last_stock_move(args.database)
        initial = stock_by_location(args.database, ids)
        solo = run_tills(clients[:1], ids, args.solo_seconds, args.seed)
        log(f"1 till alone: {solo.rate:.2f} sales/s")
        own_ratio, own_posts = compare_own(clients[0], ids, args.own_sales)
        many = run_tills(clients, ids, args.seconds, args.seed + 1)
        elapsed = time.monotonic() - started
    finally:
        for _, process in servers:
            process.terminate()
        for _, process in servers:
            process.wait(timeout=30)
    log(f"benchmark ran {elapsed:.0f}s")

    problems = reconcile(args.database, ids, initial, first_move)
    pending, seconds = post_till_moves(args.database, ids)

    for name, result in [("1 till", solo), (f"{args.tills} tills", many)]:
        print(f"{name}: {result.sales} sales in {result.seconds:.0f}s = "
            f"{result.rate:.2f} sales/s; sale p50 {result.p(50):.0f} ms "
            f"p95 {result.p(95):.0f} ms; post p50 "
            f"{result.p(50, 'post'):.0f} ms p95 {result.p(95, 'post'):.0f} ms; "
            f"errors {result.errors}")
        for message, count in result.messages.most_common(5):
            print(f"    {count} x {message}")
    ratio = many.rate / solo.rate if solo.rate else 0
    consigned_owned = many.post_ratio()
    print(f"posting consigned/owned: {args.tills} tills "
        f"{consigned_owned:.2f}x, 1 till {solo.post_ratio():.2f}x "
        f"(median post time)")
    print(f"throughput {args.tills} tills / 1 till: {ratio:.2f}x")
    print(f"posting an own sale, outlet with {len(ids['consigned_all'])} "
        f"consignors / outlet without consignments: {own_ratio:.2f}x "
        f"(median of {args.own_sales}: {own_posts[0]:.0f} ms / "
        f"{own_posts[1]:.0f} ms; 1 till, one at a time)")
    print(f"till accounting moves left in draft by the tills: {pending}, "
        f"posted afterwards in one batch in {seconds:.1f}s")
    if problems:
        print("reconciliation FAILED:")
        for problem in problems:
            print("    " + problem)
    else:
        print("reconciliation: consigned lines with one consignor line each, "
            "stock adds up, no negative consigned stock, no half-posted sale")
    print(f"tills {args.tills}: errors {many.errors}, "
        f"throughput ratio {ratio:.2f}, consigned/owned {consigned_owned:.2f}")


# ---- database and data ---------------------------------------------------

def connect(database):
    import psycopg
    uri = os.environ['TRYTOND_DATABASE__URI'].rstrip('/')
    return psycopg.connect(f'{uri}/{database}', autocommit=True)


def prepare_database(args, config_file):
    import psycopg
    uri = os.environ['TRYTOND_DATABASE__URI'].rstrip('/')
    with psycopg.connect(f'{uri}/postgres', autocommit=True) as connection:
        exists = connection.execute(
            'SELECT 1 FROM pg_database WHERE datname = %s',
            (args.database,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{args.database}"')
    if not exists:
        log(f"setting up {args.database} (several minutes)…")
        subprocess.run([sys.executable,
                os.path.join(ROOT, 'scripts', 'setup_database.py'),
                '--backend', 'postgresql', '-d', args.database,
                '-c', config_file, '--no-demo', '--password', PASSWORD],
            check=True)


def build_data(args, config_file):
    "Create the tills, products, contracts and stock once; return their ids"
    from proteus import Model
    from proteus import config as pconfig
    config = pconfig.set_trytond(args.database, config_file=config_file)
    POS = Model.get('sale.point')
    Location = Model.get('stock.location')
    Product = Model.get('product.product')

    outlets = Location.find([
            ('type', '=', 'warehouse'),
            ('regency_outlet', '=', True),
            ], order=[('code', 'ASC')])
    if not POS.find([('name', 'like', TILL % ('%', '%'))], limit=1):
        t0 = time.monotonic()
        create_data(args, config, outlets)
        log(f"benchmark data: {time.monotonic() - t0:.0f}s")
    added = add_consignors(args, outlets)
    plain_till = ensure_plain_outlet(config)
    if added:
        vacuum(args.database)
    tills = []
    # the first till of each outlet, then the second ones
    for number in (1, 2):
        for outlet in outlets:
            till, = POS.find([('name', '=', TILL % (outlet.code, number))])
            tills.append(till.id)
    own = [p.id for p in Product.find(
            [('name', 'like', OWN % '%')], order=[('id', 'ASC')])]
    consigned = [p.id for p in Product.find(
            [('name', 'like', CONSIGNED % '%')], order=[('id', 'ASC')])]
    Method = Model.get('sale.point.payment.method')
    cash, = Method.find([('cash', '=', True)], limit=1)
    return {
        'tills': tills,
        'outlets': [o.id for o in outlets],
        'storages': [o.storage_location.id for o in outlets],
        'own': own,
        'consigned': consigned[:args.stocked],
        'consigned_all': consigned,
        'cash': cash.id,
        'user': config.user,
        'plain_till': plain_till.id,
        }


def create_data(args, config, outlets):
    from proteus import Model
    Category = Model.get('product.category')
    Inventory = Model.get('stock.inventory')
    Journal = Model.get('account.journal')
    Location = Model.get('stock.location')
    POS = Model.get('sale.point')
    SequenceStrict = Model.get('ir.sequence.strict')
    SequenceType = Model.get('ir.sequence.type')
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')

    journal, = Journal.find([('type', '=', 'revenue')], limit=1)
    customer, = Location.find([('type', '=', 'customer')], limit=1)
    sequence_type, = SequenceType.find([('name', '=', "POS")], limit=1)
    for outlet in outlets:
        for number in (1, 2):
            name = TILL % (outlet.code, number)
            till = POS(name=name, journal=journal)
            till.sequence = SequenceStrict(name=name,
                sequence_type=sequence_type, company=till.company)
            till.sequence.save()
            till.storage_location = outlet.storage_location
            till.return_location = outlet.storage_location
            till.customer_location = customer
            till.save()
    log("tills created")

    unit, = Uom.find([('name', '=', 'Unit')])
    own_category, = Category.find([
            ('name', '=', "Barang Dagang (Beli Putus)"),
            ('accounting', '=', True)])

    def product(name, category):
        template = Template(name=name, default_uom=unit, type='goods')
        template.salable = template.purchasable = True
        template.list_price = PRICE
        template.account_category = category
        template.save()
        product, = template.products
        product.cost_price = PRICE * Decimal('0.8')
        product.save()
        return product

    owns = [product(OWN % i, own_category) for i in range(args.own)]
    inventories = []
    for outlet in outlets:
        inventory = Inventory(location=outlet.storage_location)
        for own in owns:
            inventory.lines.new(product=own, quantity=STOCK)
        inventory.save()
        inventories.append(inventory)
    Inventory.click(inventories, 'confirm')
    log("own stock counted")




def add_consignors(args, outlets):
    """Add the consignors missing up to --consignors, each with an active
    contract at every outlet for a product of its own; deliver the products
    of the first --stocked ones to every outlet"""
    from proteus import Model
    Category = Model.get('product.category')
    Contract = Model.get('consignment.contract')
    Intake = Model.get('consignment.intake')
    Location = Model.get('stock.location')
    Party = Model.get('party.party')
    Template = Model.get('product.template')
    Uom = Model.get('product.uom')
    existing = len(Party.find([('name', 'like', "Bench Konsinyor %")]))
    if existing >= args.consignors:
        return False
    unit, = Uom.find([('name', '=', 'Unit')])
    category, = Category.find([
            ('name', '=', "Barang Konsinyasi"), ('accounting', '=', True)])
    suppliers = [Party(name="Bench Konsinyor %s" % i)
        for i in range(existing, args.consignors)]
    Party.save(suppliers)
    for i, supplier in enumerate(suppliers, existing):
        template = Template(name=CONSIGNED % i, default_uom=unit,
            type='goods', account_category=category, list_price=PRICE)
        template.salable = template.purchasable = True
        template.save()
        product, = template.products
        product.cost_price = PRICE * Decimal('0.8')
        product.save()
        contract = Contract(supplier=supplier)
        contract.start_date = dt.date.today() - dt.timedelta(days=30)
        contract.default_commission = Decimal('0.2')
        for outlet in outlets:
            contract.outlets.append(Location(outlet.id))
        contract.lines.new(product=product)
        contract.click('activate')
        if i < args.stocked:
            for outlet in outlets:
                intake = Intake(contract=contract, outlet=outlet)
                intake.lines.new(product=product, quantity=STOCK)
                intake.click('do')
        if (i + 1) % 20 == 0:
            log(f"consignors: {i + 1}")
    log("consignments delivered")
    return True


def vacuum(database):
    """Reclaim the space of the rows the data creation rewrote: each new
    location shifts the nested set (left, right) of the locations after it,
    which left stock_location at 2 GB of dead rows for 4,400 locations"""
    t0 = time.monotonic()
    with connect(database) as connection:
        connection.execute('VACUUM FULL ANALYZE stock_location')
        connection.execute('VACUUM ANALYZE')
    log(f"vacuumed in {time.monotonic() - t0:.0f}s")


def ensure_plain_outlet(config):
    """Return the till of a warehouse without consignments (plain
    sale_point) with the own products in stock, creating what is missing"""
    from proteus import Model
    Inventory = Model.get('stock.inventory')
    Journal = Model.get('account.journal')
    Location = Model.get('stock.location')
    POS = Model.get('sale.point')
    Product = Model.get('product.product')
    SequenceStrict = Model.get('ir.sequence.strict')
    SequenceType = Model.get('ir.sequence.type')
    warehouses = Location.find([('name', '=', PLAIN_OUTLET),
            ('type', '=', 'warehouse')])
    lost_found, = Location.find([('type', '=', 'lost_found')], limit=1)
    if warehouses:
        warehouse, = warehouses
        if not warehouse.lost_found_location:
            warehouse.lost_found_location = lost_found
            warehouse.save()
    else:
        children = [Location(name=f"{PLAIN_OUTLET} {kind}", type='storage')
            for kind in ["Input", "Output", "Storage"]]
        Location.save(children)
        input_, output, storage = children
        warehouse = Location(name=PLAIN_OUTLET, type='warehouse',
            code='BTK', input_location=input_, output_location=output,
            storage_location=storage, lost_found_location=lost_found)
        warehouse.save()
        for child in children:
            child.parent = warehouse
        Location.save(children)
    storage = warehouse.storage_location
    tills = POS.find([('name', '=', PLAIN_TILL)])
    if tills:
        till, = tills
    else:
        journal, = Journal.find([('type', '=', 'revenue')], limit=1)
        customer, = Location.find([('type', '=', 'customer')], limit=1)
        sequence_type, = SequenceType.find([('name', '=', "POS")], limit=1)
        till = POS(name=PLAIN_TILL, journal=journal)
        till.sequence = SequenceStrict(name=PLAIN_TILL,
            sequence_type=sequence_type, company=till.company)
        till.sequence.save()
        till.storage_location = till.return_location = storage
        till.customer_location = customer
        till.save()
    if not Inventory.find([
                ('location', '=', storage.id), ('state', '=', 'done')]):
        for draft in Inventory.find([('location', '=', storage.id)]):
            draft.delete()
        inventory = Inventory(location=storage)
        for product in Product.find([('name', 'like', OWN % '%')]):
            inventory.lines.new(product=product, quantity=STOCK)
        inventory.save()
        inventory.click('confirm')
        log("outlet without consignments stocked")
    return till


def stock_by_location(database, ids):
    "Return {(location, product): quantity} of the done moves"
    products = ids['own'] + ids['consigned']
    with connect(database) as connection:
        rows = connection.execute("""
            SELECT location, product, SUM(quantity) FROM (
                SELECT to_location AS location, product,
                    internal_quantity AS quantity
                FROM stock_move WHERE state = 'done'
                UNION ALL
                SELECT from_location, product, -internal_quantity
                FROM stock_move WHERE state = 'done') AS m
            WHERE product = ANY(%s)
            GROUP BY location, product""", (products,)).fetchall()
    return {(l, p): q for l, p, q in rows}


def last_stock_move(database):
    with connect(database) as connection:
        return connection.execute(
            'SELECT COALESCE(MAX(id), 0) FROM stock_move').fetchone()[0]


def reconcile(database, ids, initial, first_move):
    "Return the list of problems found in the data after the run"
    problems = []
    tills = ids['tills'] + [ids['plain_till']]
    final = stock_by_location(database, ids)
    with connect(database) as connection:
        sold = dict(((l, p), q) for l, p, q in connection.execute("""
            SELECT m.from_location, m.product, SUM(m.internal_quantity)
            FROM stock_move AS m
            JOIN sale_point_sale_line AS l
                ON m.origin = 'sale.point.sale.line,' || l.id
            JOIN sale_point_sale AS s ON l.sale = s.id
            WHERE s.point = ANY(%s) AND m.state = 'done' AND m.id > %s
            GROUP BY m.from_location, m.product""",
                (tills, first_move)))
        for key, quantity in sold.items():
            if abs(initial.get(key, 0) - quantity - final.get(key, 0)) > 1e-6:
                problems.append(f"stock of {key} does not add up")
        negative = connection.execute("""
            SELECT l.name, m.product, SUM(CASE WHEN m.to_location = l.id
                THEN m.internal_quantity ELSE -m.internal_quantity END)
            FROM stock_move AS m JOIN stock_location AS l
                ON l.id IN (m.from_location, m.to_location)
            WHERE m.state = 'done' AND l.consignment_party IS NOT NULL
            GROUP BY l.name, m.product
            HAVING SUM(CASE WHEN m.to_location = l.id
                THEN m.internal_quantity ELSE -m.internal_quantity END) < 0
            """).fetchall()
        for name, product, quantity in negative:
            problems.append(f"negative consigned stock {quantity} of "
                f"product {product} at {name}")
        lines = connection.execute("""
            SELECT m.id, COUNT(i.id)
            FROM stock_move AS m
            JOIN stock_location AS f ON m.from_location = f.id
            JOIN sale_point_sale_line AS l
                ON m.origin = 'sale.point.sale.line,' || l.id
            JOIN sale_point_sale AS s ON l.sale = s.id
            LEFT JOIN account_invoice_line AS i
                ON i.origin = 'stock.move,' || m.id
                AND i.invoice_type = 'in'
            WHERE s.point = ANY(%s) AND f.consignment_party IS NOT NULL
            GROUP BY m.id""", (tills,)).fetchall()
        wrong = [m for m, count in lines if count != 1]
        if wrong:
            problems.append(f"{len(wrong)} consigned sale moves without "
                "exactly one consignor line")
        half = connection.execute("""
            SELECT s.id, s.state, s.move,
                COUNT(m.id) FILTER (WHERE m.state = 'done'),
                COUNT(m.id)
            FROM sale_point_sale AS s
            JOIN sale_point_sale_line AS l ON l.sale = s.id
            LEFT JOIN stock_move AS m
                ON m.origin = 'sale.point.sale.line,' || l.id
            WHERE s.point = ANY(%s)
            GROUP BY s.id, s.state, s.move""", (tills,)).fetchall()
        for sale, state, move, done, moves in half:
            if state == 'posted' and (not move or not done or done != moves):
                problems.append(f"sale {sale} posted without its moves")
            elif state != 'posted' and (move or moves):
                problems.append(f"sale {sale} {state} with moves")
        log(f"reconciled {len(half)} sales, {len(lines)} consigned moves")
    return problems


def post_till_moves(database, ids):
    """Post the accounting moves the tills left in draft, as the scheduled
    task does; return their number and the time taken"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction, TransactionError
    start = time.monotonic()
    extras = {}
    while True:
        try:
            with Transaction().start(
                    database, ids['user'], **extras) as transaction:
                pool = Pool()
                User = pool.get('res.user')
                Move = pool.get('account.move')
                company = User(ids['user']).company
                with transaction.set_context(company=company.id):
                    moves = Move.post_till_moves()
                transaction.commit()
            break
        except TransactionError as error:
            # restart with the locks asked, as the cron does
            error.fix(extras)
    return len(moves), time.monotonic() - start


# ---- servers ---------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def start_servers(args):
    """Start the servers; return [(port, process)] once they listen"""
    directory = tempfile.mkdtemp(prefix='bench-tills-')
    log(f"server logs in {directory}")
    config_file = os.path.join(directory, 'trytond.conf')
    with open(config_file, 'w') as file:
        file.write("[database]\nlist = False\n"
            "[session]\ntimeout = 3600\n")
    environ = dict(os.environ, TRYTOND_CONFIG=config_file)
    if args.logconf:
        environ['TRYTOND_LOGGING_CONFIG'] = args.logconf
    servers = []
    if args.server == 'uwsgi':
        uwsgi = os.path.join(os.path.dirname(sys.executable), 'uwsgi')
        if not os.path.exists(uwsgi):
            sys.exit(f"{uwsgi} is missing: pip install uwsgi "
                "(or --server werkzeug)")
        port = free_port()
        output = open(os.path.join(directory, 'uwsgi.log'), 'w')
        # as docker-compose.yml: processes of one thread each
        process = subprocess.Popen([uwsgi,
                '--http-socket', f'127.0.0.1:{port}',
                '--wsgi', 'trytond.application:app',
                '--master', '--die-on-term',
                '--processes', str(args.workers), '--threads', '1',
                '--listen', str(max(100, 2 * args.tills)),
                '--env', f'TRYTOND_DATABASE_NAMES={args.database}'],
            stdout=output, stderr=subprocess.STDOUT, env=environ)
        servers.append((port, process))
    else:
        trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
        for i in range(args.workers):
            port = free_port()
            worker_config = os.path.join(directory, f'trytond-{i}.conf')
            with open(worker_config, 'w') as file:
                file.write(f"[web]\nlisten = 127.0.0.1:{port}\n")
            command = [trytond, '-c', config_file, worker_config,
                '-d', args.database]
            if args.logconf:
                command += ['--logconf', args.logconf]
            output = open(os.path.join(directory, f'trytond-{i}.log'), 'w')
            process = subprocess.Popen(command,
                stdout=output, stderr=subprocess.STDOUT, env=environ)
            servers.append((port, process))
    for port, process in servers:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(('127.0.0.1', port), 1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server on {port} did not start")
                time.sleep(0.5)
    return servers


# ---- tills -----------------------------------------------------------------

class RPCError(Exception):
    pass


class Client:
    "A JSON-RPC client with its own session, as a till's would be"

    def __init__(self, url):
        self.url = url
        self.id = 0
        self.authorization = None
        user_id, session, _ = self.call(
            'common.db.login', 'admin', {'password': PASSWORD}, 'en')
        token = base64.b64encode(
            f'admin:{user_id}:{session}'.encode()).decode()
        self.authorization = f'Session {token}'
        self.context = self.call('model.res.user.get_preferences', True, {})

    def call(self, method, *params):
        self.id += 1
        data = json.dumps({
                'id': self.id, 'method': method, 'params': params},
            default=str).encode()
        request = urllib.request.Request(self.url, data=data, headers={
                'Content-Type': 'application/json'})
        if self.authorization:
            request.add_header('Authorization', self.authorization)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                result = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise RPCError(f"HTTP {error.code}") from error
        if result.get('error'):
            error = result['error']
            if isinstance(error, list) and len(error) > 1:
                message = error[1][0] if isinstance(error[1], list) \
                    else error[1]
                raise RPCError(f"{error[0]}: {message}")
            raise RPCError(str(error))
        return result['result']

    def model(self, model, method, *params):
        return self.call(f'model.{model}.{method}', *params, self.context)


class Result:

    def __init__(self, seconds):
        self.seconds = seconds
        self.times = []
        self.posts = {'own': [], 'consigned': []}
        self.messages = Counter()
        self.lock = threading.Lock()

    @property
    def sales(self):
        return len(self.times)

    @property
    def errors(self):
        return sum(self.messages.values())

    @property
    def rate(self):
        return self.sales / self.seconds if self.seconds else 0

    def p(self, percent, kind='sale'):
        times = (self.times if kind == 'sale'
            else self.posts['own'] + self.posts['consigned'])
        if len(times) < 2:
            return times[0] * 1000 if times else 0
        return statistics.quantiles(times, n=100)[percent - 1] * 1000

    def post_ratio(self):
        own, consigned = self.posts['own'], self.posts['consigned']
        if not own or not consigned:
            return 0
        return statistics.median(consigned) / statistics.median(own)


def decimal(value):
    "Return the JSON-RPC form of a Decimal"
    return {'__class__': 'Decimal', 'decimal': str(value)}


def sell(client, ids, till, random_):
    "Make one sale at the till; return (kind, seconds to post)"
    kind = random_.choice(['own', 'consigned'])
    product = random_.choice(ids[kind])
    quantity = random_.randint(1, 3)
    sale_id, = client.model('sale.point.sale', 'create', [{
                'point': till,
                'lines': [['create', [{
                                'product': product,
                                'quantity': quantity,
                                'unit_list_price': decimal(PRICE),
                                'unit_gross_price': decimal(PRICE),
                                }]]],
                }])
    sale, = client.model('sale.point.sale', 'read', [sale_id], ['total'])
    total = sale['total']
    if not isinstance(total, dict):
        total = decimal(total)
    client.model('sale.point.payment', 'create', [{
                'sale': sale_id, 'method': ids['cash'], 'amount': total,
                }])
    client.model('sale.point.sale', 'process', [sale_id])
    start = time.monotonic()
    client.model('sale.point.sale', 'post', [sale_id])
    return kind, time.monotonic() - start


def compare_own(client, ids, count):
    """Post count own sales, one at a time, alternately at the first till
    (an outlet with consignors) and at the till of the outlet without
    consignments; return the ratio of their median posting times and the
    medians in ms"""
    random_ = random.Random(0)
    own = dict(ids, consigned=ids['own'])
    posts = {ids['tills'][0]: [], ids['plain_till']: []}
    # warm the plain till's caches
    sell(client, own, ids['plain_till'], random_)
    for _ in range(count):
        for till in posts:
            _, seconds = sell(client, own, till, random_)
            posts[till].append(seconds)
    consignments, plain = (statistics.median(p) for p in posts.values())
    return consignments / plain, (consignments * 1000, plain * 1000)


def warm_up(clients, ids, seed):
    """Make one sale at the first till (the first of the month creates the
    journal's period under a table lock), then one at each till at once
    (the caches of the workers), not measured"""
    random_ = random.Random(seed)
    sell(clients[0], ids, ids['tills'][0], random_)

    def till(index):
        try:
            sell(clients[index], ids, ids['tills'][index],
                random.Random(seed + index))
        except RPCError as error:
            log(f"warm-up of till {index}: {error}")
    threads = [threading.Thread(target=till, args=(i,))
        for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log("warmed up")


def run_tills(clients, ids, seconds, seed):
    count = len(clients)
    result = Result(seconds)
    start = threading.Barrier(count + 1)
    stop = []

    def till(index):
        client = clients[index]
        random_ = random.Random(seed * 1000 + index)
        start.wait()
        while not stop:
            t0 = time.monotonic()
            try:
                kind, post = sell(client, ids, ids['tills'][index], random_)
            except RPCError as error:
                with result.lock:
                    result.messages[str(error)[:160]] += 1
                continue
            with result.lock:
                if not stop:
                    result.times.append(time.monotonic() - t0)
                    result.posts[kind].append(post)

    threads = [threading.Thread(target=till, args=(i,), daemon=True)
        for i in range(count)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(seconds)
    stop.append(True)
    for thread in threads:
        thread.join(timeout=180)
    return result


if __name__ == '__main__':
    main()
