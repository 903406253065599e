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
  Tenun*; food and drinks get no category of the certification (whose
  certificate requirements would need certificates the volume leaves out);
* one consignment contract per supplier holding consigned products (priced
  by commission), at the supplier's outlets, activated by the model, which
  creates the consignment locations (one per supplier and outlet).

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
sold brings the stock that the sales take (no stock goes below zero): no
purchase, intake, payment or accounting move is written.  The tables are
analysed at the end.

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
# the tables the sales are written to, analysed at the end
SALE_MODELS = [
    'sale.point.sale', 'sale.point.sale.line', 'stock.move',
    'account.invoice.line', 'account.invoice.line-stock.move']


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
                    'category': self.account_categories[accounting].id})
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

        sale_rows, line_rows, move_rows = [], [], []
        invoice_rows, link_rows, tax_rows = [], [], []
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
                    invoice_rows.append([invoice_id, 'in', 'line', company,
                            currency, party, product, unit, account,
                            quantity, item['consignor_price'], deductible,
                            f'{Move.__name__},{move_id}', outlet.id,
                            item['plan']['contract'].id, item['list'], date,
                            user, now])
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
                invoice_line.consignment_date,
                invoice_line.create_uid, invoice_line.create_date],
            invoice_rows)
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
        steps = progress_bar(self.options, total=4, desc="master data",
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
        steps.close()
        self.master_seconds = time.perf_counter() - timer
        timer = time.perf_counter()
        needed = self.sales()
        self.receptions(needed)
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
            'sales', 'lines', 'moves', 'consignor lines', 'receptions'])
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
