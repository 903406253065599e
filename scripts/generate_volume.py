#!/usr/bin/env python3
# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Generate a year of NTT Mart at province scale into a database.

For volume tests and benchmarks: ``--outlets`` regency outlets (default all
22), ``--suppliers`` UMKM suppliers (1,000), ``--products`` products
(10,000) and ``--lines`` till sale lines (1,000,000) over the ``--months``
(12) up to the company's today, in a database set up by
``scripts/setup_database.py --no-demo-data`` (the company, the outlets and
their tills, the chart of accounts).

The master data goes through the models, in bulk (saves of ``BATCH``
records: the ORM's cost of a save grows with the square of its records;
SQLite takes fewer):

* the suppliers: UMKM (``umkm_supplier``, NIB ``9129…``, legal form,
  workforce, turnover and capital, so an UMKM class, programmes), from the
  22 regencies in turn, each selling at the outlet of its regency and at
  Kota Kupang (sometimes a third outlet), as the demo's;
* the products, shared out among the suppliers: goods of the demo's
  catalogue (``demo_data.CATALOGUE``) with their producer, made in the
  producer's regency, some in another province or imported; a share
  ``--consigned-share`` (0.6) consigned (accounting category *Barang
  Konsinyasi*), the others bought outright (*Barang Dagang (Beli Putus)*, or
  *Bebas PPN* for staples) with a cost price; crafts are in *Kerajinan dan
  Tenun*; food and drinks get the categories of the certification only
  after the contracts (below);
* one consignment contract per supplier holding consigned products (priced
  by commission), at the supplier's outlets, activated by the model, which
  creates the consignment locations (one per supplier and outlet);
* the certificates of the suppliers' food and drinks, as the demo's: halal
  (not for tidak halal goods) and SPP-IRT, or BPOM MD for a turnover of
  2 billion or more, each covering most of the supplier's goods (a quarter
  of them their variants rather than their products), issued before the
  year or during it (sales before the issue are not certified); 55 % stay
  valid, 20 % expire within 90 days of today, 15 % expired during the year
  and 10 % were revoked during it (``CERTIFICATE_FATES``); then the food
  and drinks get the categories of the certification (*Pangan Olahan*,
  *Minuman*: after the contracts' activation, which checks the
  certificates on the contracts' start) and their missing certificates as
  the daily expiry watch stores them (``certificate_missing``);
* the coaching of a third of the suppliers by one coach (areas of the
  demo and *other*), started over the year or in the two months before it,
  done after two to eight weeks (55 %), in progress, planned ahead or
  cancelled.

The certificates and the coachings draw from a sequence of their own, so
the sales of a seed are the same with them as before them.

The sales go straight into the tables by chunks of ``CHUNK`` lines, with
python-sql INSERTs in batches under the backend's limit of parameters
(SQLite) or with COPY (PostgreSQL, several times faster), their ids taken
from the tables' sequences, as posting them at the tills leaves them:
posted till sales (``sale.point.sale``, numbered ``TAG-…``, not the
tills' sequences) and their lines; one stock move per line, done, from the
outlet's storage (own goods, at their cost price) or from the consignor's
location under it (consigned goods) to the till's customer location; for
each consigned move the consignor's supplier invoice line (the consignment
fields filled as the consignment contract prices it) linked to the move.
Kota Kupang sells three times as much as another outlet; one to three lines
a sale.  Before the first sale, one reception move per location and product
sold brings the stock that the sales take (no stock goes below zero).

The consignment is settled every month, as ``consignment.settlement``
leaves it once posted and paid, with the contracts charging no fee: for
each consignor (and outlet, when the consignment configuration settles per
outlet) and each month whose settlement day (``SETTLE_DELAY``, five days
after its end) is up to today in an open accounting period, a settlement
(gross sales, consignor's share, commission, payable) and its supplier
invoice, posted, holding the month's consignor lines (written with it),
with its move: one line per consignor line at its amount (rounded half to
even, as Tryton does), the payable line of the total; the invoices whose
payment day (``PAY_DELAY``, a month after) is past are paid by transfer: a
payment move whose line is reconciled with the payable line.  The
settlement's links of the stock moves (its statement) are not written, nor
the commission's move, nor the sales' accounting, intakes, purchases or
till payments.  The tables are analysed at the end.

The records are drawn from ``--seed`` and the company's date.  The names
carry ``--tag`` (default ``VOL``): supplier names ``VOL …``, product codes
``VOL-000001``, sale numbers ``VOL-53.71-0000001``; a second run adds more
after them.  Everything is written in one transaction: a run that fails
writes nothing.

``scripts/benchmark_settlement.py`` imports its builders from here
(``create_products``, ``create_contracts``, ``mark_contracts_active``,
``rows_per_insert``, ``analyze``, ``month_end``).  Example::

    .venv/bin/python scripts/generate_volume.py -d ntt_mart \\
        --outlets 4 --suppliers 100 --products 1000 --lines 100000
"""
import argparse
import calendar
import datetime as dt
import os
import random
import re
import sys
import time
from collections import defaultdict
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import demo_data  # noqa: E402

TAG = 'VOL'
KUPANG = '53.71'
NTT = 'ID-NT'
# NIB of the generated suppliers: this prefix and a serial number
NIB_PREFIX = '9129'
# the stock of the sales arrives this long before the first sale
LEAD = dt.timedelta(days=7)
# sales are written by chunks of this many lines
CHUNK = 20_000
# records saved at once: the ORM instantiates each record of a save
# checking the list it was browsed with, which costs N² for N records; on
# SQLite, trytond checks the unique product codes of a save with one nested
# condition per record: 100 overflow SQLite's parser stack
BATCH = {'postgresql': 250, 'sqlite': 50}
# shares of the products made outside the province, imported
OTHER_PROVINCE_SHARE = 0.1
IMPORTED_SHARE = 0.04
# the share of a supplier's goods a certificate covers, of the certificates
# covering variants rather than products, and of the suppliers coached
COVERED_SHARE = 0.85
VARIANT_SHARE = 0.25
COACHED_SHARE = 1 / 3
# what becomes of a certificate in the year, and how often
CERTIFICATE_FATES = {'valid': 55, 'expiring': 20, 'expired': 15,
    'revoked': 10}
COACHING_AREAS = demo_data.COACHING_AREAS + ['other']
COACHING_STATES = {'done': 55, 'in_progress': 30, 'planned': 8,
    'cancelled': 7}
# a month's consignment is settled (its invoice posted) this long after its
# end, and paid this long after the settlement (the last month settled is
# still to pay)
SETTLE_DELAY = dt.timedelta(days=5)
PAY_DELAY = dt.timedelta(days=30)
# the tables the sales are written to, analysed at the end
SALE_MODELS = [
    'sale.point.sale', 'sale.point.sale.line', 'stock.move',
    'account.invoice.line', 'account.invoice.line-stock.move',
    'party.certificate', 'party.certificate-product.product',
    'party.certificate-product.template', 'party.coaching',
    'consignment.settlement', 'account.invoice', 'account.move',
    'account.move.line', 'account.move.reconciliation',
    'account.invoice-account.move.line']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', default='ntt_mart')
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        help="as setup_database.py: the default of --config; PostgreSQL "
        "takes its URI from TRYTOND_DATABASE__URI")
    parser.add_argument('-c', '--config',
        help="trytond configuration file (default: with --backend, that of "
        "setup_database.py, else the environment: TRYTOND_DATABASE__URI…)")
    parser.add_argument('--outlets', type=int, default=22,
        help="regency outlets selling: Kota Kupang and the first others by "
        "code, as the demo (default: all %(default)s)")
    parser.add_argument('--suppliers', type=int, default=1_000,
        help="UMKM suppliers (default: %(default)s)")
    parser.add_argument('--products', type=int, default=10_000,
        help="products (default: %(default)s)")
    parser.add_argument('--lines', type=int, default=1_000_000,
        help="till sale lines (default: %(default)s)")
    parser.add_argument('--months', type=int, default=12,
        help="months of sales up to the company's today "
        "(default: %(default)s)")
    parser.add_argument('--consigned-share', type=float, default=0.6,
        help="share of the products that are consigned "
        "(default: %(default)s)")
    parser.add_argument('--seed', type=int, default=53,
        help="seed of the random choices (default: %(default)s)")
    parser.add_argument('--tag', default=TAG,
        help="prefix of the names, codes and numbers (default: "
        "%(default)s)")
    parser.add_argument('--user', default='admin',
        help="the user writing, whose company gets the records "
        "(default: %(default)s)")
    parser.add_argument('--no-progress', dest='progress',
        action='store_false', default=True, help="hide the progress bars")
    args = parser.parse_args(argv)
    for name in ['outlets', 'suppliers', 'products', 'months']:
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.lines < 0:
        parser.error("--lines must not be negative")
    if args.products < args.suppliers:
        parser.error("--products must be at least --suppliers "
            "(each supplier makes one product or more)")
    if not 0 <= args.consigned_share <= 1:
        parser.error("--consigned-share must be between 0 and 1")
    if args.backend and not args.config:
        name = ('trytond.conf' if args.backend == 'sqlite'
            else 'trytond-postgresql.conf')
        args.config = os.path.join(ROOT, 'config', name)
    return args


# The builders shared with scripts/benchmark_settlement.py

def month_end(date, months_back):
    "Return the last day of the month months_back before date's"
    year, month = date.year, date.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def rows_per_insert(columns):
    """Return how many rows of columns one INSERT may hold: PostgreSQL takes
    at most 65,535 parameters a query, SQLite 32,766 (999 before 3.32)"""
    from trytond import backend
    if backend.name == 'sqlite':
        import sqlite3
        limit = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999
    else:
        limit = 65535
    return max(limit // len(columns), 1)


def insert_rows(cursor, table, columns, rows):
    """Insert the rows (lists of the columns' values) into the python-sql
    table, in batches under the backend's limit of parameters"""
    size = rows_per_insert(columns)
    for start in range(0, len(rows), size):
        cursor.execute(*table.insert(columns, rows[start:start + size]))


def copy_rows(cursor, table, columns, rows):
    """Write the rows into the python-sql table: with COPY on PostgreSQL
    (several times faster than INSERTs; psycopg adapts each value as it
    does the parameters of a query), else with insert_rows"""
    from trytond import backend
    if backend.name != 'postgresql' or not hasattr(cursor, 'copy'):
        insert_rows(cursor, table, columns, rows)
        return
    from psycopg import sql
    statement = sql.SQL('COPY {} ({}) FROM STDIN').format(
        sql.Identifier(table._name),
        sql.SQL(', ').join(sql.Identifier(c.name) for c in columns))
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def reserve_ids(model, count):
    """Return count new ids of the model's table, for rows inserted with
    their id: the table's sequence on PostgreSQL; on SQLite, after the
    highest id, whose AUTOINCREMENT counter is moved past them"""
    from sql import Table
    from sql.aggregate import Max
    from trytond import backend
    from trytond.transaction import Transaction
    if count <= 0:
        return []
    transaction = Transaction()
    database, connection = transaction.database, transaction.connection
    name = model._table
    cursor = connection.cursor()
    if backend.name == 'postgresql':
        # as database.nextid, in one value rather than count rows
        cursor.execute(
            "SELECT string_agg(nextval(pg_get_serial_sequence("
            "format('%%I', %s::text), 'id'))::text, ',') "
            "FROM generate_series(1, %s)", (name, count))
        return [int(i) for i in cursor.fetchone()[0].split(',')]
    table = Table(name)
    cursor.execute(*table.select(Max(table.id)))
    last = cursor.fetchone()[0] or 0
    sequence = Table('sqlite_sequence')
    cursor.execute(*sequence.select(
            sequence.seq, where=sequence.name == name))
    row = cursor.fetchone()
    if row and row[0]:
        last = max(last, row[0])
    database.setnextid(connection, name, last + count + 1)
    return list(range(last + 1, last + count + 1))


def analyze(*models):
    """Update the planner's statistics of the models' tables (PostgreSQL
    and SQLite both have ANALYZE)"""
    from trytond.transaction import Transaction
    cursor = Transaction().connection.cursor()
    for model in models:
        cursor.execute('ANALYZE "%s"' % model._table)


def batches(records, size):
    "Yield the records by lists of size (all at once when size is None)"
    records = list(records)
    size = size or len(records) or 1
    for start in range(0, len(records), size):
        yield records[start:start + size]


def create_products(specs, unit, batch=None, **values):
    """Create one product template per spec, each with one variant, in one
    save (or one per batch of templates); return the variants.  A spec is a
    dictionary of the template's values, the values of its variant under
    the key 'variant'; values are common to all (type goods, salable, in
    unit, unless given)"""
    from trytond.pool import Pool
    pool = Pool()
    Template = pool.get('product.template')
    Product = pool.get('product.product')
    common = dict(type='goods', salable=True, default_uom=unit,
        sale_uom=unit)
    common.update(values)
    templates = []
    for spec in specs:
        spec = dict(spec)
        variant = spec.pop('variant', {})
        templates.append(Template(
                **{**common, **spec}, products=[Product(**variant)]))
    for records in batches(templates, batch):
        Template.save(records)
    return [t.products[0] for t in templates]


def create_contracts(company, items, start, batch=None, **terms):
    """Create in one save (or one per batch) a draft consignment contract per
    item: (supplier, outlets, lines, extra terms), the lines being
    dictionaries of the contract lines' values; terms are common to all
    (settlement monthly, unsold goods returned unless given); return the
    contracts"""
    from trytond.pool import Pool
    pool = Pool()
    Contract = pool.get('consignment.contract')
    ContractLine = pool.get('consignment.contract.line')
    common = dict(settlement_period='monthly', unsold_action='return')
    common.update(terms)
    contracts = [Contract(company=company, supplier=supplier,
            start_date=start, outlets=outlets,
            lines=[ContractLine(**line) for line in lines],
            **{**common, **extra})
        for supplier, outlets, lines, extra in items]
    for records in batches(contracts, batch):
        Contract.save(records)
    return contracts


def mark_contracts_active(contracts):
    """Mark the contracts active in SQL, numbered with their id, without
    the activation (which creates the consignment stock locations)"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Contract = Pool().get('consignment.contract')
    contract = Contract.__table__()
    cursor = Transaction().connection.cursor()
    ids = [c.id for c in contracts]
    cursor.execute(*contract.update(
            [contract.state, contract.number],
            ['active', contract.id.cast('VARCHAR')],
            where=contract.id.in_(ids) if ids else None))


# The volume

def progress_bar(options, **kwargs):
    from tqdm import tqdm
    return tqdm(disable=not options.progress, file=sys.stderr, **kwargs)


class Volume:
    "Write the volume into the database, in the current transaction"

    def __init__(self, pool, transaction, options, company):
        self.pool = pool
        self.transaction = transaction
        self.options = options
        self.company = company
        self.rng = random.Random(options.seed)
        # the certificates and coachings draw from their own sequence: the
        # sales stay those of the same seed without them
        self.rng_umkm = random.Random(f'{options.seed}:umkm')
        self.user = transaction.user
        # as Tryton stamps the records: UTC
        self.now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        self.tag = options.tag
        Date = pool.get('ir.date')
        self.today = Date.today()
        # the same day of the month, months ago, as the demo
        self.start = demo_data.first_day(self.today, options.months)
        self.days = (self.today - self.start).days + 1
        self.counts = defaultdict(int)
        from trytond import backend
        self.batch = BATCH.get(backend.name, min(BATCH.values()))

    # the setting of the database

    def setting(self):
        "Read the outlets, their tills, the regencies and the categories"
        pool = self.pool
        Location = pool.get('stock.location')
        POS = pool.get('sale.point')
        Subdivision = pool.get('country.subdivision')
        Category = pool.get('product.category')
        Uom = pool.get('product.uom')
        Programme = pool.get('party.umkm.programme')
        outlets = {o.regency.kemendagri_code: o for o in Location.search([
                    ('type', '=', 'warehouse'),
                    ('regency_outlet', '=', True),
                    ('secondary_outlet', '=', False),
                    ('provincial_hub', '=', False),
                    ])}
        if not outlets:
            raise RuntimeError("no regency outlet: set the database up with "
                "scripts/setup_database.py --no-demo-data first")
        # Kota Kupang and the first others by code, as the demo
        codes = [c for c in sorted(outlets) if c != KUPANG]
        if KUPANG in outlets:
            codes.insert(0, KUPANG)
        self.outlets = {c: outlets[c]
            for c in sorted(codes[:self.options.outlets])}
        self.tills = {}
        for till in POS.search([
                    ('company', '=', self.company.id),
                    ], order=[('id', 'ASC')]):
            warehouse = till.storage_location.warehouse
            for code, outlet in self.outlets.items():
                if warehouse == outlet:
                    self.tills.setdefault(code, till)
        missing = sorted(set(self.outlets) - set(self.tills))
        if missing:
            raise RuntimeError(f"no till at the outlets {', '.join(missing)}")
        self.regencies = {r.kemendagri_code: r for r in Subdivision.search([
                    ('parent.code', '=', NTT),
                    ('type', 'in', ['regency', 'city']),
                    ])}
        self.provinces = Subdivision.search([
                ('country.code', '=', 'ID'),
                ('type', '=', 'province'),
                ('code', '!=', NTT),
                ], order=[('code', 'ASC')])

        def category(name, accounting):
            found = Category.search([
                    ('name', '=', name), ('accounting', '=', accounting)],
                limit=1)
            if not found:
                raise RuntimeError(f'no product category "{name}": set the '
                    "database up with scripts/setup_database.py first")
            return found[0]
        self.account_categories = {k: category(n, True)
            for k, n in demo_data.ACCOUNT_NAMES.items()}
        self.craft = category(demo_data.CATEGORY_NAMES['craft'], False)
        self.unit, = Uom.search([('symbol', '=', 'u')], limit=1)
        self.programmes = {p.code: p for p in Programme.search([])}
        supplier_locations = Location.search(
            [('type', '=', 'supplier'), ('consignment_party', '=', None)],
            order=[('id', 'ASC')])
        self.supplier_location = next(
            (l for l in supplier_locations if l.code == 'SUP'),
            supplier_locations[0] if supplier_locations else None)

    def count_like(self, model, field, pattern):
        "Return the number of records of model whose field is like pattern"
        from sql.aggregate import Count
        Model = self.pool.get(model)
        table = Model.__table__()
        cursor = self.transaction.connection.cursor()
        cursor.execute(*table.select(Count(table.id),
                where=getattr(table, field).like(pattern)))
        return cursor.fetchone()[0]

    # the master data

    def suppliers(self):
        "Create the UMKM suppliers, from the 22 regencies in turn"
        pool = self.pool
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        rng = self.rng
        # after those of earlier runs
        offset = self.count_like('party.party', 'nib', NIB_PREFIX + '%')
        codes = sorted(self.regencies)
        selling = sorted(self.outlets)
        self.plans = []
        parties = []
        for index in range(self.options.suppliers):
            origin = codes[index % len(codes)]
            regency = self.regencies[origin]
            place = (regency.name.replace('Kabupaten ', '')
                .replace('Kota ', ''))
            prefix, legal_form = rng.choice(demo_data.LEGAL_FORMS)
            workforce = rng.randint(2, 40)
            women = rng.randint(0, workforce)
            turnover = rng.choice([
                    rng.randint(50, 290), rng.randint(300, 1900),
                    rng.randint(2000, 9000)]) * 1_000_000
            serial = offset + index + 1
            programmes = sorted(rng.sample(
                    demo_data.PROGRAMMES, rng.randint(0, 2)))
            parties.append(Party(
                    name=f"{self.tag} {prefix} "
                    f"{rng.choice(demo_data.NAMES)} {place} {serial:05d}",
                    umkm_supplier=True,
                    nib=f'{NIB_PREFIX}{serial:09d}',
                    umkm_legal_form=legal_form,
                    origin_regency=regency,
                    workforce_total=workforce,
                    workforce_women=women,
                    women_owned=women * 2 > workforce,
                    founding_year=rng.randint(1995, 2024),
                    annual_turnover=Decimal(turnover),
                    business_capital=Decimal(
                        turnover // rng.randint(2, 5)),
                    programmes=[self.programmes[p] for p in programmes
                        if p in self.programmes],
                    addresses=[Address(city=place)]))
            # its outlets: its regency's and Kota Kupang, maybe a third
            outlets = [c for c in selling if c in {origin, KUPANG}]
            if not outlets:
                outlets = [rng.choice(selling)]
            if rng.random() < 0.3:
                other = rng.choice(selling)
                if other not in outlets:
                    outlets.append(other)
            self.plans.append({'origin': origin, 'outlets': sorted(outlets),
                    'products': []})
        for records in batches(parties, self.batch):
            Party.save(records)
        for plan, party in zip(self.plans, parties):
            plan['party'] = party
        self.counts['suppliers'] = len(parties)
        return parties

    def products(self):
        """Create the products, shared out among the suppliers: goods of
        their regency from the catalogue, consigned or bought outright"""
        from trytond.modules.product import round_price
        rng = self.rng
        by_origin = defaultdict(list)
        for item in demo_data.CATALOGUE:
            for origin in item[6]:
                by_origin[origin].append(item)
        offset = self.count_like(
            'product.template', 'code', self.tag + '-%')
        specs, plans = [], []
        for index in range(self.options.products):
            plan = self.plans[index % len(self.plans)]
            supplier = plan['party']
            items = by_origin.get(plan['origin']) or demo_data.CATALOGUE
            code, label, _, price, category, accounting, _, halal = (
                rng.choice(items))
            price = round_price(Decimal(price) * Decimal(
                    rng.choice(['0.85', '0.9', '1', '1', '1.1', '1.2'])))
            consigned = rng.random() < self.options.consigned_share
            if consigned:
                accounting = 'konsinyasi'
            elif accounting == 'konsinyasi':
                accounting = 'beli_putus'
            origin, imported = self.regencies[plan['origin']], False
            draw = rng.random()
            if draw < IMPORTED_SHARE:
                origin, imported = None, True
            elif draw < IMPORTED_SHARE + OTHER_PROVINCE_SHARE and (
                    self.provinces):
                origin = rng.choice(self.provinces)
            serial = offset + index + 1
            variant = {}
            cost = None
            if not consigned:
                cost = round_price(price * Decimal('0.7'))
                variant['cost_price'] = cost
            specs.append({
                    'name': f"{label} — {supplier.name}",
                    'code': f'{self.tag}-{serial:06d}',
                    'list_price': price,
                    'purchasable': True,
                    'purchase_uom': self.unit,
                    'account_category': self.account_categories[accounting],
                    'categories': [self.craft] if category == 'craft' else [],
                    'producer': supplier,
                    'origin_regency': origin,
                    'imported': imported,
                    'halal_status': halal,
                    'variant': variant,
                    })
            plans.append({'plan': plan, 'consigned': consigned,
                    'price': price, 'cost': cost,
                    'category': self.account_categories[accounting].id,
                    'kind': category, 'halal': halal})
        products = create_products(specs, self.unit, batch=self.batch)
        for item, product in zip(plans, products):
            item['product'] = product
            item['plan']['products'].append(item)
        self.items = plans
        self.counts['products'] = len(products)
        self.counts['consigned products'] = sum(
            1 for i in plans if i['consigned'])
        return products

    def contracts(self):
        """Create and activate a consignment contract per supplier of
        consigned products, at its outlets, priced by commission"""
        pool = self.pool
        Contract = pool.get('consignment.contract')
        Location = pool.get('stock.location')
        rng = self.rng
        items, plans = [], []
        for plan in self.plans:
            consigned = [i for i in plan['products'] if i['consigned']]
            if not consigned:
                continue
            items.append((plan['party'],
                    [self.outlets[c] for c in plan['outlets']],
                    [{'product': i['product'], 'pricing': 'commission',
                            'suggested_retail_price': i['price']}
                        for i in consigned],
                    {'default_commission': Decimal(
                            rng.choice([15, 20, 20, 25])) / 100,
                        'max_shelf_days': rng.choice([60, 90, 90, 120]),
                        'unsold_action': rng.choice(
                            ['return', 'return', 'write_off']),
                        }))
            plans.append(plan)
        contracts = create_contracts(
            self.company, items, self.start - LEAD, batch=self.batch)
        for records in batches(contracts, self.batch):
            Contract.activate(records)
        for plan, contract in zip(plans, contracts):
            plan['contract'] = contract
            lines = {l.product: l for l in contract.lines}
            for item in plan['products']:
                if item['consigned']:
                    item['contract_line'] = lines[item['product']]
        # the consignor's location at each outlet, created by activation
        storages = {o.storage_location.id: c
            for c, o in self.outlets.items()}
        self.consignment_locations = {}
        parties = [p['party'].id for p in plans]
        if parties:
            for location in Location.search_read([
                        ('type', '=', 'supplier'),
                        ('consignment_party', 'in', parties),
                        ('parent', 'in', list(storages)),
                        ], fields_names=['consignment_party', 'parent']):
                key = (location['consignment_party'],
                    storages[location['parent']])
                self.consignment_locations[key] = location['id']
        self.counts['contracts'] = len(contracts)
        return contracts

    def certificates(self):
        """Create the certificates of the suppliers' food and drinks, as the
        demo's: halal (not for tidak halal goods) and SPP-IRT, or BPOM MD
        for the larger suppliers, each covering most of the supplier's
        goods (their products, some their variants only); issued before the
        year or during it, some expiring within 90 days, some expired or
        revoked during the year.  Then the food and drinks get the
        categories of the certification (after the contracts' activation,
        which checks the certificates on the contract's start) and their
        missing certificates, as the daily expiry watch stores them"""
        pool = self.pool
        Certificate = pool.get('party.certificate')
        Type = pool.get('party.certificate.type')
        Category = pool.get('product.category')
        Template = pool.get('product.template')
        Product = pool.get('product.product')
        rng = self.rng_umkm
        types = {t.code: t for t in Type.search([
                    ('code', 'in', ['halal', 'spp_irt', 'bpom_md']),
                    ])}
        if len(types) < 3:
            raise RuntimeError("no certificate types halal, spp_irt and "
                "bpom_md: set the database up with setup_database.py")
        five_years = dt.timedelta(days=5 * 365)
        certificates, revocations = [], []
        for plan in self.plans:
            goods = [i for i in plan['products'] if i['kind'] != 'craft']
            if not goods:
                continue
            party = plan['party']
            serial = int(party.nib[len(NIB_PREFIX):])
            registration = ('bpom_md'
                if party.annual_turnover >= 2_000_000_000 else 'spp_irt')
            for code in ['halal', registration]:
                covered = [i for i in goods
                    if (code != 'halal' or i['halal'] != 'tidak_halal')
                    and rng.random() < COVERED_SHARE]
                if not covered:
                    continue
                if code == 'halal':
                    number = 'ID%s9129%07d' % (
                        plan['origin'].replace('.', ''), serial)
                elif code == 'bpom_md':
                    number = 'MD 9129%08d' % serial
                else:
                    number = '9129%09d-%02d' % (serial, rng.randint(24, 30))
                if rng.random() < 0.75:
                    issue = self.start - dt.timedelta(
                        days=rng.randint(30, 900))
                else:
                    issue = self.start + dt.timedelta(
                        days=rng.randrange(self.days))
                # valid, expiring within 90 days, expired or revoked in
                # the year
                fate = rng.choices(list(CERTIFICATE_FATES),
                    list(CERTIFICATE_FATES.values()))[0]
                first = max(issue, self.start)
                if fate == 'expired' and (self.today - first).days < 2:
                    fate = 'expiring'
                if fate == 'expiring':
                    expiry = self.today + dt.timedelta(
                        days=rng.randint(1, 90))
                elif fate == 'expired':
                    expiry = first + dt.timedelta(days=rng.randint(
                            1, (self.today - first).days - 1))
                elif code == 'halal':
                    expiry = None
                else:
                    expiry = max(issue + five_years, self.today
                        + dt.timedelta(days=rng.randint(91, 700)))
                variants = rng.random() < VARIANT_SHARE
                certificate = Certificate(
                    type=types[code], number=number, supplier=party,
                    issuer=types[code].issuer, issue_date=issue,
                    expiry_date=expiry,
                    products=[i['product'] for i in covered]
                    if variants else [],
                    templates=[i['product'].template for i in covered]
                    if not variants else [])
                certificates.append(certificate)
                if fate == 'revoked':
                    revocations.append((certificate, first + dt.timedelta(
                                days=rng.randrange(
                                    (self.today - first).days + 1))))
        for records in batches(certificates, self.batch):
            Certificate.save(records)
        to_write = []
        for certificate, date in revocations:
            to_write.extend(([certificate], {
                        'revoked_date': date,
                        'revocation_reason': "Komposisi berubah tanpa "
                        "laporan",
                        }))
        if to_write:
            Certificate.write(*to_write)

        def category(name):
            found = Category.search([
                    ('name', '=', name), ('accounting', '=', False)],
                limit=1)
            if not found:
                raise RuntimeError(f'no product category "{name}": set the '
                    "database up with scripts/setup_database.py first")
            return found[0]
        food = [i for i in self.items if i['kind'] != 'craft']
        to_write = []
        for kind in ['processed_food', 'beverage']:
            templates = [i['product'].template for i in food
                if i['kind'] == kind]
            if templates:
                to_write.extend((templates, {'categories': [('add', [
                                    category(demo_data.CATEGORY_NAMES[kind]
                                        ).id])]}))
        if to_write:
            Template.write(*to_write)
        # as Product.update_certificate_status, for the generated goods
        products = Product.browse([i['product'].id for i in food])
        missing = Certificate.get_missing(
            [(p, None) for p in products], self.today)
        by_text = defaultdict(list)
        for product, texts in missing.items():
            by_text['\n'.join(texts)].append(product)
        if by_text:
            with self.transaction.set_context(_check_access=False):
                Product.write(*(a for text, products in by_text.items()
                        for a in (products, {'certificate_missing': text})))
        self.counts['certificates'] = len(certificates)
        self.counts['revoked certificates'] = len(revocations)
        self.counts['products lacking certificates'] = sum(
            len(p) for p in by_text.values())
        return certificates

    def coachings(self):
        """Create the coaching of a third of the suppliers by one coach:
        areas of the demo, started over the year (some before it, a few
        planned ahead), done after two to eight weeks, in progress, planned
        or cancelled"""
        pool = self.pool
        Coaching = pool.get('party.coaching')
        Party = pool.get('party.party')
        rng = self.rng_umkm
        coach = Party(name=f"{self.tag} Pendamping UMKM")
        coach.save()
        vlist, states = [], []
        for plan in self.plans:
            if rng.random() >= COACHED_SHARE:
                continue
            state = rng.choices(list(COACHING_STATES),
                list(COACHING_STATES.values()))[0]
            if state == 'planned':
                start = self.today + dt.timedelta(days=rng.randint(1, 60))
            else:
                start = self.start + dt.timedelta(
                    days=rng.randrange(-60, self.days))
            end = None
            if state == 'done':
                end = min(start + dt.timedelta(days=rng.randint(14, 60)),
                    self.today)
            vlist.append({
                    'company': self.company.id,
                    'supplier': plan['party'].id,
                    'area': rng.choice(COACHING_AREAS),
                    'coach': coach.id,
                    'start_date': start,
                    'end_date': end,
                    'cost': Decimal(rng.choice([500, 750, 1500])) * 1000,
                    })
            states.append(state)
        coachings = Coaching.create(vlist)
        Coaching.start([c for c, s in zip(coachings, states)
                if s != 'planned'])
        Coaching.finish([c for c, s in zip(coachings, states)
                if s == 'done'])
        Coaching.cancel([c for c, s in zip(coachings, states)
                if s == 'cancelled'])
        self.counts['coachings'] = len(coachings)
        return coachings

    def prices(self):
        """Read the prices of the tills, what the consignors are owed and
        the consignor's invoice line values (account, taxes) as the models
        give them, once per accounting category and price"""
        pool = self.pool
        POSSale = pool.get('sale.point.sale')
        Line = pool.get('sale.point.sale.line')
        InvoiceLine = pool.get('account.invoice.line')
        Product = pool.get('product.product')
        till = next(iter(self.tills.values()))
        sale = POSSale(point=till, date=self.today, company=self.company)
        gross, invoice = {}, {}
        for item in self.items:
            # on their own, not among the thousands saved together
            product = Product(item['product'].id)
            category = item['category']
            key = (category, item['price'])
            if key not in gross:
                line = Line(sale=sale, product=product, quantity=1)
                line.on_change_product()
                gross[key] = line.unit_list_price, line.unit_gross_price
            # the price tax excluded, as the report sums it, and included
            item['list'], item['gross'] = gross[key]
            if item['consigned'] and category not in invoice:
                supplier = type(item['plan']['party'])(
                    item['plan']['party'].id)
                line = InvoiceLine(invoice_type='in', type='line',
                    company=self.company, party=supplier,
                    currency=self.company.currency, product=product,
                    unit=self.unit, quantity=1)
                line.on_change_product()
                invoice[category] = (
                    line.account.id if line.account else None,
                    [t.id for t in (line.taxes or [])],
                    getattr(line, 'taxes_deductible_rate', None))
            if item['consigned']:
                item['invoice'] = invoice[category]
                # what the consignor is owed per unit sold at the price
                item['consignor_price'] = item['contract_line'].get_unit_price(
                    item['list'])

    # the consignment settlements

    def settlement_setting(self):
        """Read what the monthly settlements need: whether a supplier is
        settled per outlet, the months whose settlement day (SETTLE_DELAY
        after the month's end) is up to today in an open period, the
        payment method, and each consignor's invoice as the model starts
        it (journal, payable account, address)"""
        pool = self.pool
        Configuration = pool.get('consignment.configuration')
        Invoice = pool.get('account.invoice')
        Method = pool.get('account.invoice.payment.method')
        Period = pool.get('account.period')
        self.per_outlet = bool(Configuration(1).get_multivalue(
                'settle_per_outlet', company=self.company.id))
        self.periods = {p.id: (p.start_date, p.end_date)
            for p in Period.search([
                    ('company', '=', self.company.id),
                    ('type', '=', 'standard'),
                    ('state', '=', 'open'),
                    ])}
        self.cutoffs = {}
        cutoff = month_end(self.start, 0)
        while cutoff + SETTLE_DELAY <= self.today:
            date = cutoff + SETTLE_DELAY
            if self.period_of(date):
                self.cutoffs[cutoff] = (date, self.period_of(date))
            cutoff = month_end(cutoff + dt.timedelta(days=1), 0)
        methods = Method.search([('company', '=', self.company.id)],
            order=[('id', 'ASC')])
        self.payment_method = next(
            (m for m in methods if m.name == 'Transfer Bank'),
            methods[0] if methods else None)
        self.invoicing = {}
        self.settlements = {}
        # the employee of the user posts the invoices
        User = pool.get('res.user')
        employee = User(self.user).employee
        self.employee = employee.id if employee else None
        self.settlement_number = self.count_like(
            'consignment.settlement', 'number', self.tag + '-SET-%')
        # the accounts whose move lines name the party
        Account = pool.get('account.account')
        self.party_accounts = {a.id for a in Account.search([
                    ('company', '=', self.company.id),
                    ('party_required', '=', True),
                    ])}
        if not self.cutoffs:
            return
        for plan in self.plans:
            if 'contract' not in plan:
                continue
            invoice = Invoice(company=self.company, type='in',
                party=plan['party'], currency=self.company.currency,
                invoice_date=self.today)
            invoice.on_change_type()
            invoice.on_change_party()
            self.invoicing[plan['party'].id] = invoice

    def period_of(self, date):
        "Return the id of the open period of the date, or None"
        return next((i for i, (start, end) in self.periods.items()
                if start <= date <= end), None)

    def insert_move_lines(self, cursor, rows):
        "Insert the rows of valid accounting move lines"
        MoveLine = self.pool.get('account.move.line')
        table = MoveLine.__table__()
        copy_rows(cursor, table, [table.id, table.move, table.account,
                table.debit, table.credit, table.party, table.maturity_date,
                table.origin, table.reconciliation, table.state,
                table.create_uid, table.create_date], rows)

    def settlement_of(self, party, outlet, date):
        """Return the settlement (a dictionary) that pays the consignor's
        line of the outlet sold on date, None when its month is not
        settled"""
        cutoff = month_end(date, 0)
        if cutoff not in self.cutoffs:
            return None
        key = (party, outlet if self.per_outlet else None, cutoff)
        settlement = self.settlements.get(key)
        if settlement is None:
            settlement = self.settlements[key] = {
                'key': key, 'gross': Decimal(0), 'amount': Decimal(0),
                'new': True}
        return settlement

    def reserve_settlements(self):
        """Write the settlements met for the first time, with their invoice
        and its move, before their lines (their amounts are updated at the
        end, by write_settlements)"""
        pool = self.pool
        Settlement = pool.get('consignment.settlement')
        Invoice = pool.get('account.invoice')
        Move = pool.get('account.move')
        new = [s for s in self.settlements.values() if s.pop('new', False)]
        if not new:
            return
        for model, name in [(Settlement, 'id'), (Invoice, 'invoice'),
                (Move, 'move')]:
            for settlement, id_ in zip(new, reserve_ids(model, len(new))):
                settlement[name] = id_
        cursor = self.transaction.connection.cursor()
        company = self.company.id
        currency = self.company.currency.id
        user, now = self.user, self.now
        settlement_rows, invoice_rows, move_rows = [], [], []
        for settlement in new:
            party, outlet, cutoff = settlement['key']
            date, period = self.cutoffs[cutoff]
            invoice = self.invoicing[party]
            self.settlement_number += 1
            code = settlement['code'] = f'{self.settlement_number:07d}'
            number = f'{self.tag}-SET-{code}'
            state = 'paid' if self.is_paid(settlement) else 'posted'
            settlement_rows.append([settlement['id'], company, party, outlet,
                    currency, cutoff, cutoff.replace(day=1), date, number,
                    settlement['invoice'], 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    False, state, user, now])
            invoice_number = f'{self.tag}-INV-{code}'
            invoice_rows.append([settlement['invoice'], company, 'in',
                    invoice_number, re.sub(r'[\W_]', '', invoice_number),
                    int(code), 'invoice', number, party,
                    invoice.invoice_address.id, currency,
                    invoice.journal.id, invoice.account.id,
                    invoice.payment_term.id if invoice.payment_term
                    else None, date, state, settlement['move'], 0, 0, 0,
                    self.employee, user, now])
            move_rows.append([settlement['move'], company, period,
                    invoice.journal.id, date, date, f'{self.tag}-MOV-{code}',
                    'posted', f'{Invoice.__name__},{settlement["invoice"]}',
                    user, now])
        self.insert_moves_of_accounts(cursor, move_rows)
        table = Invoice.__table__()
        copy_rows(cursor, table, [table.id, table.company, table.type,
                table.number, table.number_alnum, table.number_digit,
                table.sequence_type_cache, table.reference, table.party,
                table.invoice_address, table.currency, table.journal,
                table.account, table.payment_term, table.invoice_date,
                table.state, table.move, table.untaxed_amount_cache,
                table.tax_amount_cache, table.total_amount_cache,
                table.posted_by, table.create_uid, table.create_date],
            invoice_rows)
        table = Settlement.__table__()
        copy_rows(cursor, table, [table.id, table.company, table.supplier,
                table.outlet, table.currency, table.cutoff_date,
                table.start_date, table.date, table.number, table.invoice,
                table.gross_sales, table.supplier_amount, table.commission,
                table.display_fee, table.damaged_goods, table.settlement_fee,
                table.deductions, table.net_amount, table.carried_in,
                table.payable, table.minimum_payout, table.held, table.state,
                table.create_uid, table.create_date], settlement_rows)

    def is_paid(self, settlement):
        "Tell if the settlement's payment day is past, in an open period"
        date = self.cutoffs[settlement['key'][2]][0] + PAY_DELAY
        return bool(self.payment_method and date <= self.today
            and self.period_of(date))

    def insert_moves_of_accounts(self, cursor, rows):
        "Insert the rows of posted accounting moves"
        Move = self.pool.get('account.move')
        table = Move.__table__()
        copy_rows(cursor, table, [table.id, table.company, table.period,
                table.journal, table.date, table.post_date, table.number,
                table.state, table.origin, table.create_uid,
                table.create_date], rows)

    def write_settlements(self):
        """Complete the settlements of the months settled with their
        amounts, their invoices' totals and the payable line of each
        invoice's move (the lines of the consignor lines are written with
        the sales); those whose payment day (PAY_DELAY after) is past are
        paid by transfer: a payment move whose line is reconciled with the
        payable line"""
        pool = self.pool
        Settlement = pool.get('consignment.settlement')
        Invoice = pool.get('account.invoice')
        Move = pool.get('account.move')
        MoveLine = pool.get('account.move.line')
        Reconciliation = pool.get('account.move.reconciliation')
        PaymentLine = pool.get('account.invoice-account.move.line')
        cursor = self.transaction.connection.cursor()
        settlements = sorted(self.settlements.values(),
            key=lambda s: s['id'])
        if not settlements:
            return
        round_ = self.company.currency.round
        company = self.company.id
        user, now = self.user, self.now
        method = self.payment_method
        paid = [s for s in settlements if self.is_paid(s)]
        payable_ids = iter(reserve_ids(MoveLine, len(settlements)))
        payment_ids = iter(reserve_ids(Move, len(paid)))
        payment_line_ids = iter(reserve_ids(MoveLine, 2 * len(paid)))
        reconciliation_ids = iter(reserve_ids(Reconciliation, len(paid)))
        link_ids = iter(reserve_ids(PaymentLine, len(paid)))
        # the amounts, as Settlement.compute_amounts gives them without
        # fees (the generated contracts charge none)
        settlement = Settlement.__table__()
        query, _ = settlement.update([settlement.gross_sales,
                settlement.supplier_amount, settlement.commission,
                settlement.net_amount, settlement.payable],
            [0, 0, 0, 0, 0], where=settlement.id == 0)
        cursor.executemany(query, [
                [round_(s['gross']), s['amount'],
                    round_(s['gross']) - s['amount'], s['amount'],
                    s['amount'], s['id']] for s in settlements])
        invoice = Invoice.__table__()
        query, _ = invoice.update([invoice.untaxed_amount_cache,
                invoice.total_amount_cache], [0, 0],
            where=invoice.id == 0)
        cursor.executemany(query, [[s['amount'], s['amount'], s['invoice']]
                for s in settlements])
        move_rows, line_rows = [], []
        reconciliation_rows, link_rows = [], []
        for settlement in settlements:
            party, _, cutoff = settlement['key']
            date, period = self.cutoffs[cutoff]
            account = self.invoicing[party].account
            amount = settlement['amount']
            reconciliation = None
            party_id = party if account.party_required else None
            if settlement in paid:
                reconciliation = next(reconciliation_ids)
                pay_date = date + PAY_DELAY
                move = next(payment_ids)
                move_rows.append([move, company, self.period_of(pay_date),
                        method.journal.id, pay_date, pay_date,
                        f'{self.tag}-PAY-{settlement["code"]}', 'posted',
                        f'{Invoice.__name__},{settlement["invoice"]}',
                        user, now])
                paying = next(payment_line_ids)
                line_rows.append([paying, move, account.id, amount, 0,
                        party_id, None, None, reconciliation, 'valid', user,
                        now])
                line_rows.append([next(payment_line_ids), move,
                        method.credit_account.id, 0, amount, None, None,
                        None, None, 'valid', user, now])
                reconciliation_rows.append([reconciliation, company,
                        pay_date, f'{self.tag}-REC-{settlement["code"]}',
                        user, now])
                link_rows.append([next(link_ids), settlement['invoice'],
                        paying, user, now])
            # the payable line, due on the invoice's day (no payment term)
            line_rows.append([next(payable_ids), settlement['move'],
                    account.id, 0, amount, party_id, date, None,
                    reconciliation, 'valid', user, now])
        table = Reconciliation.__table__()
        copy_rows(cursor, table, [table.id, table.company, table.date,
                table.number, table.create_uid, table.create_date],
            reconciliation_rows)
        self.insert_moves_of_accounts(cursor, move_rows)
        self.insert_move_lines(cursor, line_rows)
        table = PaymentLine.__table__()
        copy_rows(cursor, table, [table.id, table.invoice, table.line,
                table.create_uid, table.create_date], link_rows)
        self.counts['settlements'] = len(settlements)
        self.counts['paid settlements'] = len(paid)

    # the sales

    def sales(self):
        """Write the till sales of each outlet in chunks; return the
        receptions needed: {(location, product): quantity}"""
        rng = self.rng
        options = self.options
        by_outlet = defaultdict(list)
        for item in self.items:
            for code in item['plan']['outlets']:
                by_outlet[code].append(item)
        # the lines shared out among the outlets holding goods
        codes = [c for c in sorted(self.outlets) if by_outlet.get(c)]
        shares = {c: 3 if c == KUPANG else 1 for c in codes}
        total = sum(shares.values())
        budget, left = {}, options.lines
        for code in codes:
            budget[code] = options.lines * shares[code] // total
            left -= budget[code]
        for code in codes[:left]:
            budget[code] += 1
        self.number = self.count_like(
            'sale.point.sale', 'number', self.tag + '-%')
        needed = defaultdict(float)
        bar = progress_bar(options, total=options.lines, desc="till sales",
            unit="line", unit_scale=True)
        for code in codes:
            items = by_outlet[code]
            if not budget[code]:
                continue
            # some goods sell much more than others
            weights = [1 / (1 + rank) ** 0.8 for rank in range(len(items))]
            items = rng.sample(items, len(items))
            cumulative, acc = [], 0
            for weight in weights:
                acc += weight
                cumulative.append(acc)
            # the number of lines of each sale, then their dates
            sizes, count = [], budget[code]
            while count > 0:
                size = min(rng.choice([1, 1, 2, 3]), count)
                sizes.append(size)
                count -= size
            days = sorted(rng.randrange(self.days) for _ in sizes)
            chunk = []
            lines_in_chunk = 0
            for size, day in zip(sizes, days):
                date = self.start + dt.timedelta(days=day)
                lines = []
                for item in rng.choices(
                        items, cum_weights=cumulative, k=size):
                    lines.append((item, float(rng.choice([1, 1, 1, 2, 3]))))
                chunk.append((date, lines))
                lines_in_chunk += size
                if lines_in_chunk >= CHUNK:
                    self.write_chunk(code, chunk, needed)
                    bar.update(lines_in_chunk)
                    chunk, lines_in_chunk = [], 0
            if chunk:
                self.write_chunk(code, chunk, needed)
                bar.update(lines_in_chunk)
        bar.close()
        return needed

    def write_chunk(self, code, sales, needed):
        """Insert the sales [(date, [(item, quantity)])] of the outlet with
        their lines, moves and consignor lines"""
        pool = self.pool
        Sale = pool.get('sale.point.sale')
        Line = pool.get('sale.point.sale.line')
        Move = pool.get('stock.move')
        InvoiceLine = pool.get('account.invoice.line')
        LineMove = pool.get('account.invoice.line-stock.move')
        Tax = pool.get('account.invoice.line-account.tax')
        cursor = self.transaction.connection.cursor()
        till = self.tills[code]
        outlet = self.outlets[code]
        storage = till.storage_location.id
        customer = till.customer_location.id
        company = self.company.id
        currency = self.company.currency.id
        unit = self.unit.id
        user, now = self.user, self.now

        count = sum(len(lines) for _, lines in sales)
        consigned = sum(1 for _, lines in sales
            for item, _ in lines if item['consigned'])
        sale_ids = iter(reserve_ids(Sale, len(sales)))
        line_ids = iter(reserve_ids(Line, count))
        move_ids = iter(reserve_ids(Move, count))
        invoice_ids = iter(reserve_ids(InvoiceLine, consigned))
        link_ids = iter(reserve_ids(LineMove, consigned))
        # the settlement paying each consigned line, if its month is settled
        settled = [self.settlement_of(item['plan']['party'].id, outlet.id,
                date) if self.cutoffs else None
            for date, lines in sales for item, _ in lines
            if item['consigned']]
        self.reserve_settlements()
        account_line_ids = iter(reserve_ids(
                pool.get('account.move.line'),
                sum(1 for s in settled if s)))
        settled = iter(settled)
        round_ = self.company.currency.round

        sale_rows, line_rows, move_rows = [], [], []
        invoice_rows, link_rows, tax_rows = [], [], []
        account_rows = []
        for date, lines in sales:
            sale_id = next(sale_ids)
            self.number += 1
            sale_rows.append([sale_id, company, till.id, date,
                    f'{self.tag}-{code}-{self.number:07d}', 'posted',
                    user, now])
            for item, quantity in lines:
                product = item['product'].id
                line_id = next(line_ids)
                move_id = next(move_ids)
                line_rows.append([line_id, sale_id, product, quantity,
                        item['list'], item['gross'], user, now])
                origin = f'{Line.__name__},{line_id}'
                if item['consigned']:
                    party = item['plan']['party'].id
                    location = self.consignment_locations[party, code]
                    # goods of a consignor: neither priced nor costed
                    move_rows.append([move_id, company, product, unit,
                            quantity, quantity, location, customer, 'done',
                            date, origin, None, None, None, user, now])
                    account, taxes, deductible = item['invoice']
                    invoice_id = next(invoice_ids)
                    settlement = next(settled)
                    invoice_rows.append([invoice_id, 'in', 'line', company,
                            currency, party, product, unit, account,
                            quantity, item['consignor_price'], deductible,
                            f'{Move.__name__},{move_id}', outlet.id,
                            item['plan']['contract'].id, item['list'], date,
                            settlement and settlement['invoice'],
                            settlement and settlement['id'], user, now])
                    if settlement:
                        # its line of the posted invoice's move, as
                        # InvoiceLine.get_move_lines makes it
                        amount = round_(
                            Decimal(str(quantity)) * item['consignor_price'])
                        settlement['amount'] += amount
                        settlement['gross'] += (
                            Decimal(str(quantity)) * item['list'])
                        account_rows.append([next(account_line_ids),
                                settlement['move'], account, amount, 0,
                                party if account in self.party_accounts
                                else None, None,
                                f'{InvoiceLine.__name__},{invoice_id}', None,
                                'valid', user, now])
                    link_rows.append([next(link_ids), invoice_id, move_id,
                            user, now])
                    tax_rows.extend([invoice_id, t] for t in taxes)
                else:
                    location = storage
                    move_rows.append([move_id, company, product, unit,
                            quantity, quantity, location, customer, 'done',
                            date, origin, item['list'], currency,
                            item['cost'], user, now])
                needed[location, product] += quantity

        sale = Sale.__table__()
        copy_rows(cursor, sale, [sale.id, sale.company, sale.point,
                sale.date, sale.number, sale.state, sale.create_uid,
                sale.create_date], sale_rows)
        line = Line.__table__()
        copy_rows(cursor, line, [line.id, line.sale, line.product,
                line.quantity, line.unit_list_price, line.unit_gross_price,
                line.create_uid, line.create_date], line_rows)
        self.insert_moves(cursor, move_rows)
        invoice_line = InvoiceLine.__table__()
        copy_rows(cursor, invoice_line, [invoice_line.id,
                invoice_line.invoice_type, invoice_line.type,
                invoice_line.company, invoice_line.currency,
                invoice_line.party, invoice_line.product, invoice_line.unit,
                invoice_line.account, invoice_line.quantity,
                invoice_line.unit_price, invoice_line.taxes_deductible_rate,
                invoice_line.origin, invoice_line.consignment_outlet,
                invoice_line.consignment_contract,
                invoice_line.consignment_selling_price,
                invoice_line.consignment_date, invoice_line.invoice,
                invoice_line.consignment_settlement,
                invoice_line.create_uid, invoice_line.create_date],
            invoice_rows)
        if account_rows:
            self.insert_move_lines(cursor, account_rows)
        link = LineMove.__table__()
        copy_rows(cursor, link, [link.id, link.invoice_line,
                link.stock_move, link.create_uid, link.create_date],
            link_rows)
        if tax_rows:
            tax = Tax.__table__()
            copy_rows(cursor, tax, [tax.line, tax.tax, tax.create_uid,
                    tax.create_date],
                [[l, t, user, now] for l, t in tax_rows])
        self.counts['sales'] += len(sale_rows)
        self.counts['lines'] += len(line_rows)
        self.counts['moves'] += len(move_rows)
        self.counts['consignor lines'] += len(invoice_rows)
        self.counts['settled lines'] += len(account_rows)

    def insert_moves(self, cursor, rows):
        "Insert the rows of done stock moves"
        Move = self.pool.get('stock.move')
        move = Move.__table__()
        # as a till's posting leaves them: unit price updated
        copy_rows(cursor, move, [move.id, move.company, move.product,
                move.unit, move.quantity, move.internal_quantity,
                move.from_location, move.to_location, move.state,
                move.effective_date, move.origin, move.unit_price,
                move.currency, move.cost_price, move.create_uid,
                move.create_date, move.unit_price_updated],
            [row + [True] for row in rows])

    def receptions(self, needed):
        """Insert the moves that bring, before the first sale, the stock
        the sales take from each location: from the supplier, own goods at
        their cost price, consigned goods into the consignor's location"""
        Move = self.pool.get('stock.move')
        cursor = self.transaction.connection.cursor()
        if not needed or not self.supplier_location:
            return
        storages = {t.storage_location.id for t in self.tills.values()}
        date = self.start - dt.timedelta(days=1)
        company = self.company.id
        currency = self.company.currency.id
        ids = iter(reserve_ids(Move, len(needed)))
        rows = []
        for (location, product), quantity in sorted(needed.items()):
            item = self.by_product[product]
            # a little more than is sold, as a shelf holds
            quantity = float(quantity + 1 + int(quantity * 0.1))
            if location in storages:
                price, price_currency, cost = (
                    item['cost'], currency, item['cost'])
            else:
                price = price_currency = cost = None
            rows.append([next(ids), company, product, self.unit.id,
                    quantity, quantity, self.supplier_location.id, location,
                    'done', date, None, price, price_currency, cost,
                    self.user, self.now])
        self.insert_moves(cursor, rows)
        self.counts['receptions'] = len(rows)

    def run(self):
        timer = time.perf_counter()
        steps = progress_bar(self.options, total=6, desc="master data",
            unit="step")
        self.setting()
        self.suppliers()
        steps.update()
        self.products()
        self.by_product = {i['product'].id: i for i in self.items}
        steps.update()
        self.contracts()
        steps.update()
        self.prices()
        steps.update()
        self.certificates()
        steps.update()
        self.coachings()
        self.settlement_setting()
        steps.update()
        steps.close()
        self.master_seconds = time.perf_counter() - timer
        timer = time.perf_counter()
        needed = self.sales()
        self.receptions(needed)
        self.write_settlements()
        pool = self.pool
        analyze(*(pool.get(m) for m in SALE_MODELS))
        self.sales_seconds = time.perf_counter() - timer


def build(database, config_file=None, options=None, out=sys.stdout):
    """Write the volume into the database; return the summary: the counts,
    the period and the seconds"""
    from ntt_mart.scripting import as_user, open_database, run_in_transaction
    if options is None:
        options = parse_args([])
    start = time.perf_counter()
    pool = open_database(database, config_file)

    def write(transaction):
        with as_user(pool, transaction, options.user,
                _skip_warnings=True) as company:
            volume = Volume(pool, transaction, options, company)
            volume.run()
        return volume

    volume = run_in_transaction(database, write,
        lock_tables=['ir_sequence', 'ir_sequence_strict'])
    summary = dict(volume.counts)
    summary.update(start=volume.start, end=volume.today,
        outlets=len(volume.outlets),
        seconds=time.perf_counter() - start,
        master_seconds=volume.master_seconds,
        sales_seconds=volume.sales_seconds)
    print(f"{database}: generated {summary_line(summary)}", file=out)
    return summary


def summary_line(summary):
    counts = ', '.join(f"{summary.get(k, 0)} {k}" for k in [
            'suppliers', 'products', 'consigned products', 'contracts',
            'certificates', 'revoked certificates',
            'products lacking certificates', 'coachings',
            'sales', 'lines', 'moves', 'consignor lines', 'receptions',
            'settlements', 'paid settlements', 'settled lines'])
    return (f"{counts}; at {summary['outlets']} outlets "
        f"from {summary['start']} to {summary['end']}; "
        f"{summary['seconds']:.1f} s (master data "
        f"{summary['master_seconds']:.1f} s, sales "
        f"{summary['sales_seconds']:.1f} s)")


def main(argv=None):
    options = parse_args(argv)
    os.chdir(ROOT)
    build(options.database, options.config, options)
    return 0


if __name__ == '__main__':
    sys.exit(main())
