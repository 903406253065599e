#!/usr/bin/env python3
# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The living NTT Mart of the demo: host institutions, UMKM suppliers of the
22 regencies with their certificates, products made in NTT, consignment
contracts and outright (beli putus) purchases, three months of till sales at
every outlet, one settled and paid period with the host institutions'
shares, coaching records and goods aged past their shelf limit.

Seeded and deterministic: the same seed and the same company date give the
same records.  The suppliers, products, certificates and contracts are
written as the CSV files of ``scripts/import_csv.py`` (kept under
``var/demo/`` for a look at the import formats) and imported with it, so
every row passes the modules' own rules; the rest goes through the models.
The goods are written in one transaction and committed, then the sales,
the settled period and the coaching in a second one (on PostgreSQL a till
reads the consigned stock in a transaction of its own, which sees only what
is committed).  A database that already holds the demo is left as it is.

``scripts/setup_database.py`` runs it (``make demo``); on its own::

    .venv/bin/python scripts/demo_data.py -d ntt_mart [--suppliers 200]
"""
import argparse
import calendar
import csv
import datetime as dt
import os
import random
import sys
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# the demo's first contract: the database holds the demo when it exists
MARKER = 'KNS-DEMO-0001'
# the coach of the suppliers, written last
COACH = "Dinas Koperasi dan UKM Provinsi NTT"
KUPANG = '53.71'
# the goods arrive this long before the first sale
LEAD = dt.timedelta(days=7)

# (code, name, unit, price, category, accounting, origins, halal status)
# category: craft, processed_food or beverage (set_up by setup_certification)
# accounting: konsinyasi, beli_putus or pokok
CATALOGUE = [
    ('TNK-SKA', "Sarung Tenun Ikat Sikka", 'u', 650000, 'craft',
        'konsinyasi', ['53.07'], 'not_required'),
    ('TNK-SBT', "Kain Tenun Ikat Sumba Timur", 'u', 1250000, 'craft',
        'konsinyasi', ['53.11', '53.17'], 'not_required'),
    ('TNK-SBD', "Selendang Tenun Sumba Barat Daya", 'u', 350000, 'craft',
        'konsinyasi', ['53.18', '53.12'], 'not_required'),
    ('TNK-AMR', "Selendang Tenun Amarasi", 'u', 300000, 'craft',
        'konsinyasi', ['53.01'], 'not_required'),
    ('TNK-TTS', "Sarung Tenun Buna Timor", 'u', 550000, 'craft',
        'konsinyasi', ['53.02', '53.03', '53.04', '53.21'], 'not_required'),
    ('TNK-RTE', "Selendang Tenun Rote", 'u', 275000, 'craft',
        'konsinyasi', ['53.14', '53.20'], 'not_required'),
    ('ANY-LTR', "Anyaman Lontar Ti'i Langga", 'u', 85000, 'craft',
        'konsinyasi', ['53.14'], 'not_required'),
    ('ANY-PDN', "Tas Anyaman Pandan", 'u', 120000, 'craft',
        'beli_putus', ['53.05', '53.06', '53.13', '53.08'], 'not_required'),
    ('KOP-BJW', "Kopi Arabika Bajawa 250 g", 'u', 65000, 'beverage',
        'konsinyasi', ['53.09', '53.16'], 'certified'),
    ('KOP-MGR', "Kopi Arabika Manggarai 250 g", 'u', 60000, 'beverage',
        'konsinyasi', ['53.10', '53.19', '53.15'], 'certified'),
    ('KOP-FLR', "Kopi Robusta Flores 200 g", 'u', 40000, 'beverage',
        'beli_putus', ['53.08', '53.07', '53.10'], 'certified'),
    ('MDU-HTN', "Madu Hutan Timor 500 ml", 'u', 120000, 'processed_food',
        'konsinyasi', ['53.02', '53.03', '53.05', '53.11'], 'certified'),
    ('JGB-INS', "Jagung Bose Instan 500 g", 'u', 25000, 'processed_food',
        'konsinyasi', ['53.01', '53.02', '53.71'], 'certified'),
    ('SEI-SPI', "Se'i Sapi 250 g", 'u', 95000, 'processed_food',
        'konsinyasi', ['53.71', '53.01', '53.14'], 'certified'),
    ('SEI-BBI', "Se'i Babi 250 g", 'u', 85000, 'processed_food',
        'konsinyasi', ['53.71', '53.01', '53.04'], 'tidak_halal'),
    ('MTE-FLR', "Kacang Mete Flores 250 g", 'u', 70000, 'processed_food',
        'beli_putus', ['53.06', '53.07', '53.13', '53.08'], 'certified'),
    ('GRM-KPG', "Garam Beryodium Kupang 500 g", 'u', 8000, 'processed_food',
        'pokok', ['53.01', '53.21', '53.05'], 'certified'),
    ('MKL-ALR', "Minyak Kelapa Kampung 1 l", 'u', 45000, 'processed_food',
        'konsinyasi', ['53.05', '53.20', '53.14'], 'certified'),
    ('MKE-FLR', "Moke Flores 600 ml", 'u', 75000, 'beverage',
        'konsinyasi', ['53.07', '53.06', '53.08'], 'tidak_halal'),
    ('SOP-TMR', "Sopi Timor 600 ml", 'u', 70000, 'beverage',
        'konsinyasi', ['53.02', '53.03', '53.04', '53.21'], 'tidak_halal'),
    ('KRP-PSG', "Keripik Pisang Ende 200 g", 'u', 20000, 'processed_food',
        'konsinyasi', ['53.08', '53.16', '53.71'], 'certified'),
    ('GLA-RTE', "Gula Lempeng Lontar Rote 500 g", 'u', 30000,
        'processed_food', 'konsinyasi', ['53.14', '53.20'], 'certified'),
    ('KNR-ALR', "Kenari Alor 250 g", 'u', 55000, 'processed_food',
        'beli_putus', ['53.05'], 'certified'),
    ('TEH-KLR', "Teh Daun Kelor 50 g", 'u', 35000, 'beverage',
        'konsinyasi', ['53.71', '53.01', '53.11'], 'certified'),
    ]
CATEGORY_NAMES = {
    'craft': "Kerajinan dan Tenun",
    'processed_food': "Pangan Olahan",
    'beverage': "Minuman",
    }
ACCOUNT_NAMES = {
    'beli_putus': "Barang Dagang (Beli Putus)",
    'konsinyasi': "Barang Konsinyasi",
    'pokok': "Barang Kebutuhan Pokok (Bebas PPN)",
    }
# (name prefix, legal form); a KUB (kelompok usaha bersama) has no legal
# form of its own
LEGAL_FORMS = [
    ('UD', 'ud'), ('UD', 'ud'), ('CV', 'cv'), ('Koperasi', 'koperasi'),
    ('KUB', 'other')]
NAMES = [
    "Ina", "Mama Yuli", "Flobamora", "Lontar", "Sasando", "Nusa Bunga",
    "Kelimutu", "Fatuleu", "Mutis", "Komodo", "Marapu", "Ile Ape", "Lamaholot",
    "Sinar Timur", "Tunas Harapan", "Bintang Selatan", "Sehati", "Karya Mandiri",
    "Maju Bersama", "Oemathonis", "Nekamese", "Lembata Jaya", "Wae Rebo",
    "Watublapi", "Lewoleba", "Boti", "Tanaoba", "Ama Nusa",
    ]
PROGRAMMES = ['OVOP', 'OCOP', 'OSOP']
# the host institution of each outlet, by its kind
HOSTS = [
    ('regency_government', "Pemerintah {regency}"),
    ('school', "SMK Negeri 1 {capital}"),
    ('religious_institution', "GMIT Jemaat Efata {capital}"),
    ('religious_institution', "Masjid Raya Nurul Iman {capital}"),
    ('dekranasda', "Dekranasda {regency}"),
    ('school', "SMA Katolik Santo Yosef {capital}"),
    ]
COACHING_AREAS = ['packaging', 'halal', 'bpom', 'spp_irt',
    'digital_marketing']


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-d', '--database', default='ntt_mart')
    parser.add_argument('-c', '--config',
        default=os.path.join(ROOT, 'config', 'trytond.conf'))
    add_arguments(parser)
    return parser.parse_args(argv)


def add_arguments(parser):
    "Add the demo's options to the argument parser"
    group = parser.add_argument_group("demo data")
    group.add_argument('--seed', type=int, default=53,
        help="seed of the demo's random choices (default: %(default)s)")
    group.add_argument('--suppliers', type=int, default=200,
        help="number of UMKM suppliers (default: %(default)s)")
    group.add_argument('--months', type=int, default=3,
        help="months of till sales up to today (default: %(default)s)")
    group.add_argument('--sales-per-day', type=float, default=0.5,
        help="till sales a day at a regency outlet; Kota Kupang sells "
        "three times as many (default: %(default)s)")
    group.add_argument('--outlets', type=int, default=22,
        help="number of regency outlets selling (default: all 22)")
    group.add_argument('--progress', action=argparse.BooleanOptionalAction,
        default=None, help="show progress bars (default: on a terminal)")


class Plan:
    """The records of the demo, drawn from the seed before anything is
    written: the rows of the CSV files and what happens each day"""

    def __init__(self, options, today, outlets, regencies):
        self.rng = random.Random(options.seed)
        self.today = today
        self.options = options
        self.start = first_day(today, options.months)
        # the settled period: up to the end of the month before last
        last_month_end = today.replace(day=1) - dt.timedelta(days=1)
        self.cutoff = last_month_end.replace(day=1) - dt.timedelta(days=1)
        if self.cutoff < self.start:
            self.cutoff = last_month_end
        self.outlets = outlets
        self.regencies = regencies
        self.suppliers = []
        self.products = []
        self.certificates = []
        self.contracts = []
        self.purchases = []
        self.draw()

    def date_before(self, days_min, days_max):
        return self.start - dt.timedelta(
            days=self.rng.randint(days_min, days_max))

    def draw(self):
        rng = self.rng
        codes = sorted(self.regencies)
        by_origin = defaultdict(list)
        for item in CATALOGUE:
            for origin in item[6]:
                by_origin[origin].append(item)
        for index in range(self.options.suppliers):
            origin = codes[index % len(codes)]
            items = by_origin.get(origin) or [rng.choice(CATALOGUE)]
            prefix, legal_form = rng.choice(LEGAL_FORMS)
            name = f"{prefix} {rng.choice(NAMES)} {self.regencies[origin]}"
            nib = '91203%08d' % (index + 1)
            workforce = rng.randint(2, 40)
            women = rng.randint(0, workforce)
            turnover = rng.choice([
                    rng.randint(50, 290), rng.randint(300, 1900),
                    rng.randint(2000, 9000)]) * 1_000_000
            supplier = SimpleNamespace(
                index=index, nib=nib, name=f"{name} {index + 1:03d}",
                origin=origin, legal_form=legal_form,
                workforce=workforce, women=women,
                women_owned=women * 2 > workforce,
                founding_year=rng.randint(1995, 2024),
                turnover=turnover, capital=turnover // rng.randint(2, 5),
                programmes=sorted(rng.sample(PROGRAMMES, rng.randint(0, 2))),
                products=[], coached=rng.random() < 0.3)
            self.suppliers.append(supplier)
            chosen = rng.sample(items, min(len(items), rng.randint(1, 2)))
            for item in chosen:
                code, label, unit, price, category, accounting, _, halal = item
                product = SimpleNamespace(
                    code=f'{code}-{index + 1:03d}', item=item,
                    name=f"{label} — {supplier.name.rsplit(' ', 1)[0]}",
                    unit=unit, category=category, accounting=accounting,
                    halal=halal, supplier=supplier,
                    price=Decimal(price) * Decimal(rng.choice(
                            ['0.9', '1', '1', '1.1'])))
                supplier.products.append(product)
                self.products.append(product)
            self.draw_certificates(supplier)
            consigned = [p for p in supplier.products
                if p.accounting == 'konsinyasi' and p.sellable]
            own = [p for p in supplier.products
                if p.accounting != 'konsinyasi' and p.sellable]
            outlets = self.outlets_of(supplier)
            if consigned:
                self.contracts.append(SimpleNamespace(
                        number='KNS-DEMO-%04d' % (len(self.contracts) + 1),
                        supplier=supplier, outlets=outlets,
                        products=consigned,
                        commission=rng.choice([15, 20, 20, 25]),
                        max_shelf_days=rng.choice([60, 90, 90, 120]),
                        unsold_action=rng.choice(['return', 'return',
                                'write_off']),
                        start=self.start - LEAD))
            if own:
                for outlet in outlets:
                    self.purchases.append(SimpleNamespace(
                            supplier=supplier, outlet=outlet, products=own))

    def outlets_of(self, supplier):
        "The outlets selling the supplier's goods: its own regency, Kupang"
        outlets = [o for o in self.outlets
            if o in {supplier.origin, KUPANG}]
        if not outlets:
            outlets = [self.rng.choice(self.outlets)]
        if self.rng.random() < 0.3:
            other = self.rng.choice(self.outlets)
            if other not in outlets:
                outlets.append(other)
        return sorted(outlets)

    def draw_certificates(self, supplier):
        """Certificates of the food and drinks: halal (unless tidak halal)
        and SPP-IRT or BPOM MD; some expire soon, some expired or were
        revoked (those products wait for their renewal and are not sold)"""
        rng = self.rng
        for product in supplier.products:
            product.sellable = True
            if product.category == 'craft':
                continue
            fate = rng.choices(
                ['valid', 'expiring', 'expired', 'revoked'],
                [80, 8, 7, 5])[0]
            product.sellable = fate in {'valid', 'expiring'}
            if product.halal != 'tidak_halal':
                self.certificates.append(SimpleNamespace(
                        type='halal',
                        number='ID%s%012d' % (
                            supplier.origin.replace('.', ''),
                            rng.randrange(10 ** 12)),
                        supplier=supplier, products=[product],
                        issue_date=self.date_before(100, 900),
                        expiry_date=None, revoke=fate == 'revoked'))
            registration = SimpleNamespace(
                supplier=supplier, products=[product], revoke=False)
            if supplier.turnover >= 2_000_000_000:
                registration.type = 'bpom_md'
                registration.number = 'MD %012d' % rng.randrange(10 ** 12)
            else:
                registration.type = 'spp_irt'
                registration.number = '%013d-%02d' % (
                    rng.randrange(10 ** 12, 10 ** 13), rng.randint(24, 30))
            registration.issue_date = self.date_before(100, 900)
            if fate == 'expiring':
                registration.expiry_date = self.today + dt.timedelta(
                    days=rng.randint(5, 25))
            elif fate == 'expired':
                registration.expiry_date = self.today - dt.timedelta(
                    days=rng.randint(5, 60))
            else:
                registration.expiry_date = registration.issue_date.replace(
                    year=registration.issue_date.year + 5)
            self.certificates.append(registration)

    def write_csv(self, directory):
        "Write the import files into directory; return their paths"
        os.makedirs(directory, exist_ok=True)
        files = {}

        def write(name, header, rows):
            path = files[name] = os.path.join(directory, name)
            with open(path, 'w', newline='', encoding='utf-8') as file:
                writer = csv.writer(file)
                writer.writerow(header)
                writer.writerows(rows)

        write('suppliers.csv', [
                'nib', 'name', 'legal_form', 'regency_code',
                'workforce_total', 'workforce_women', 'women_owned',
                'founding_year', 'annual_turnover', 'business_capital',
                'programmes'], [
                [s.nib, s.name, s.legal_form, s.origin, s.workforce,
                    s.women, 'ya' if s.women_owned else 'tidak',
                    s.founding_year, s.turnover, s.capital,
                    ';'.join(s.programmes)]
                for s in self.suppliers])
        write('products.csv', [
                'code', 'name', 'unit', 'list_price', 'category',
                'account_category', 'producer_nib', 'halal_status'], [
                [p.code, p.name, p.unit, p.price, CATEGORY_NAMES[p.category],
                    ACCOUNT_NAMES[p.accounting], p.supplier.nib, p.halal]
                for p in self.products])
        write('certificates.csv', [
                'type', 'number', 'supplier_nib', 'issue_date',
                'expiry_date', 'products'], [
                [c.type, c.number, c.supplier.nib, c.issue_date.isoformat(),
                    c.expiry_date.isoformat() if c.expiry_date else '',
                    ';'.join(p.code for p in c.products)]
                for c in self.certificates])
        write('contracts.csv', [
                'number', 'supplier_nib', 'start_date', 'end_date', 'outlets',
                'settlement_period', 'unsold_action',
                'default_commission_percent', 'max_shelf_days',
                'product_code', 'pricing', 'suggested_retail_price'], [
                [c.number, c.supplier.nib, c.start.isoformat(),
                    c.start.replace(year=c.start.year + 1).isoformat(),
                    ';'.join(c.outlets), 'monthly', c.unsold_action,
                    c.commission, c.max_shelf_days, p.code, 'commission',
                    p.price]
                for c in self.contracts for p in c.products])
        return files


def first_day(today, months):
    "The first day of sales: the same day of the month, months ago"
    year, month = today.year, today.month - months
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month,
        min(today.day, calendar.monthrange(year, month)[1]))


def progress_bar(iterable, options, **kwargs):
    from tqdm import tqdm
    return tqdm(iterable, disable=(None if options.progress is None
            else not options.progress), file=sys.stderr, **kwargs)


class Demo:
    "Write the plan into the database, in the current transaction"

    def __init__(self, pool, transaction, plan, options):
        self.pool = pool
        self.transaction = transaction
        self.plan = plan
        self.options = options
        self.rng = random.Random(options.seed + 1)
        Location = pool.get('stock.location')
        self.outlets = {o.regency.kemendagri_code: o for o in Location.search([
                    ('type', '=', 'warehouse'),
                    ('regency_outlet', '=', True),
                    ('secondary_outlet', '=', False),
                    ])}

    def record(self, model, domain):
        records = self.pool.get(model).search(domain, limit=1)
        if not records:
            raise RuntimeError(f"no {model} matching {domain}: run "
                "scripts/setup_database.py first")
        return records[0]

    def import_rows(self, directory):
        "Import the CSV files with scripts/import_csv.py, all or nothing"
        import import_csv
        files = self.plan.write_csv(directory)
        args = SimpleNamespace(progress=self.options.progress)
        errors = []
        for name, kind in [
                ('suppliers.csv', 'supplier'), ('products.csv', 'product'),
                ('certificates.csv', 'certificate'),
                ('contracts.csv', 'contract')]:
            import_csv.import_file(
                args, self.pool, self.transaction, files[name], kind, errors)
        if errors:
            raise RuntimeError("the demo's import failed:\n" + '\n'.join(
                    ' | '.join(map(str, e)) for e in errors[:20]))

    def products(self):
        Product = self.pool.get('product.product')
        codes = [p.code for p in self.plan.products]
        found = {p.code: p for p in Product.search([('code', 'in', codes)])}
        for item in self.plan.products:
            item.record = found[item.code]

    def hosts(self):
        "A host institution for each outlet, sharing NTT Mart's commission"
        Party = self.pool.get('party.party')
        Location = self.pool.get('stock.location')
        outlets = []
        for index, (code, outlet) in enumerate(sorted(self.outlets.items())):
            kind, pattern = HOSTS[index % len(HOSTS)]
            regency = outlet.regency
            capital = regency.regency_capital or regency.name
            host, = Party.create([{
                        'name': pattern.format(
                            regency=regency.name, capital=capital),
                        'addresses': [('create', [{
                                        'city': capital,
                                        'country': regency.country.id,
                                        'subdivision': regency.parent.id,
                                        }])],
                        }])
            outlet.host_institution = host
            outlet.host_type = kind
            outlet.host_share_method = 'commission'
            outlet.host_commission_rate = Decimal('0.1')
            outlets.append(outlet)
        Location.save(outlets)

    def contracts(self):
        Contract = self.pool.get('consignment.contract')
        contracts = Contract.search(
            [('number', 'like', 'KNS-DEMO-%')], order=[('number', 'ASC')])
        Contract.activate(contracts)
        by_number = {c.number: c for c in contracts}
        for item in self.plan.contracts:
            item.record = by_number[item.number]

    def intakes(self, stock):
        """Receive each contract's goods at its outlets at the start and
        again in the middle of the period"""
        Intake = self.pool.get('consignment.intake')
        rng = self.rng
        middle = self.plan.start + (self.plan.today - self.plan.start) / 2
        vlist = []
        for contract in self.plan.contracts:
            for code in contract.outlets:
                for date in [contract.start, middle]:
                    lines = []
                    for product in contract.products:
                        quantity = rng.randint(6, 30)
                        if product.price < 50000:
                            quantity *= 2
                        lines.append({'product': product.record.id,
                                'quantity': quantity})
                        stock[code, product.code, date] += quantity
                    vlist.append({
                            'contract': contract.record.id,
                            'outlet': self.outlets[code].id,
                            'date': date,
                            'lines': [('create', lines)],
                            })
        intakes = Intake.create(vlist)
        Intake.do(intakes)
        return intakes

    def purchases(self, stock):
        """Buy the own goods outright (beli putus), receive them at the
        outlet a week before the first sale, post and pay the invoices"""
        pool = self.pool
        Purchase = pool.get('purchase.purchase')
        Shipment = pool.get('stock.shipment.in')
        Address = pool.get('party.address')
        Invoice = pool.get('account.invoice')
        Party = pool.get('party.party')
        rng = self.rng
        date = self.plan.start - LEAD
        payment_term = self.record(
            'account.invoice.payment_term', [('name', '=', "Tunai")])
        suppliers = {p.supplier.nib for p in self.plan.purchases}
        parties = {p.nib: p for p in Party.search([('nib', 'in', suppliers)])}
        addresses = [{'party': p.id, 'city': p.origin_regency.name}
            for p in parties.values() if not p.addresses]
        if addresses:
            Address.create(addresses)
        vlist = []
        for purchase in self.plan.purchases:
            party = parties[purchase.supplier.nib]
            lines = []
            for product in purchase.products:
                quantity = rng.randint(20, 60)
                lines.append({
                        'product': product.record.id,
                        'quantity': quantity,
                        'unit': product.record.purchase_uom.id,
                        'unit_price': (product.price * Decimal('0.7')
                            ).quantize(Decimal(1)),
                        'description': product.record.rec_name,
                        })
                stock[purchase.outlet, product.code, date] += quantity
            vlist.append({
                    'party': party.id,
                    'invoice_address': party.addresses[0].id
                    if party.addresses else None,
                    'purchase_date': date,
                    'warehouse': self.outlets[purchase.outlet].id,
                    'payment_term': payment_term.id,
                    'lines': [('create', lines)],
                    })
        if not vlist:
            return []
        purchases = Purchase.create(vlist)
        for purchase in purchases:
            if not purchase.invoice_address:
                purchase.invoice_address = purchase.party.address_get()
        Purchase.save(purchases)
        Purchase.quote(purchases)
        Purchase.confirm(purchases)
        # now rather than by the queue: the shipments need the moves
        Purchase.process(purchases)
        shipments = []
        for purchase in purchases:
            shipment = Shipment(
                supplier=purchase.party,
                warehouse=purchase.warehouse,
                company=purchase.company,
                effective_date=date,
                planned_date=date,
                incoming_moves=list(purchase.moves))
            shipment.on_change_supplier()
            shipment.on_change_warehouse()
            shipments.append(shipment)
        Shipment.save(shipments)
        Shipment.receive(shipments)
        Shipment.do(shipments)
        invoices = [i for p in Purchase.browse(purchases) for i in p.invoices]
        for invoice in invoices:
            invoice.invoice_date = date
        Invoice.save(invoices)
        Invoice.post(invoices)
        self.pay(invoices, date, 'Transfer Bank')
        # received and paid: done (the queue would do it after the commit)
        Purchase.process(purchases)
        return purchases

    def pay(self, invoices, date, method_name):
        "Pay the invoices in full by the method on date"
        Invoice = self.pool.get('account.invoice')
        MoveLine = self.pool.get('account.move.line')
        method = self.record(
            'account.invoice.payment.method', [('name', '=', method_name)])
        for invoice in Invoice.browse(invoices):
            lines = invoice.pay_invoice(
                invoice.amount_to_pay, method, date,
                f"Pembayaran {invoice.number}")
            MoveLine.reconcile([l for l in invoice.lines_to_pay
                    if not l.reconciliation] + list(lines))
        # paid now rather than by the queue after the commit
        Invoice.process(Invoice.browse(invoices))

    def sales(self, stock):
        """The till sales of each day: a few lines of the goods the outlet
        holds that day, paid in cash or with QRIS"""
        pool = self.pool
        POS = pool.get('sale.point')
        POSSale = pool.get('sale.point.sale')
        TillMethod = pool.get('sale.point.payment.method')
        Line = pool.get('sale.point.sale.line')
        Payment = pool.get('sale.point.payment')
        rng = self.rng
        tills = {}
        cache = {}

        def prices(till, product, date):
            "The list and gross prices of product at the till, as it says"
            key = (till.id, product.id)
            if key not in cache:
                line = Line(sale=POSSale(point=till, date=date),
                    product=product, quantity=1)
                line.on_change_product()
                cache[key] = line.unit_list_price, line.unit_gross_price
            return cache[key]

        for till in POS.search([]):
            outlet = till.storage_location.warehouse
            if outlet and outlet.id in {o.id for o in self.outlets.values()}:
                tills.setdefault(outlet.regency.kemendagri_code, till)
        methods = {m.name: m for m in TillMethod.search([])}
        cash, qris = methods['Tunai'], methods['QRIS']
        # what each outlet holds, by product, from the receptions of stock
        arrivals = defaultdict(list)
        for (code, product, date), quantity in stock.items():
            arrivals[code].append((date, product, quantity))
        products = {p.code: p for p in self.plan.products}
        held = defaultdict(float)
        selling = [c for c in self.plan.outlets if c in tills]
        days = (self.plan.today - self.plan.start).days
        count = 0
        vlist, methods = [], []

        def post():
            "Post the sales of vlist, paid by methods: a week at once"
            sales = POSSale.create(vlist)
            Payment.create([{
                        'sale': sale.id,
                        'method': method.id,
                        'amount': sale.total,
                        } for sale, method in zip(sales, methods)])
            POSSale.process(sales)
            POSSale.post(sales)
            vlist.clear()
            methods.clear()
            return len(sales)

        for offset in progress_bar(range(days), self.options,
                desc="till sales", unit="day"):
            date = self.plan.start + dt.timedelta(days=offset)
            for code in selling:
                for arrival in arrivals[code]:
                    if arrival[0] == date - dt.timedelta(days=1) or (
                            offset == 0 and arrival[0] < date):
                        held[code, arrival[1]] += arrival[2]
                rate = self.options.sales_per_day * (
                    3 if code == KUPANG else 1)
                number = sum(1 for _ in range(int(rate * 2))
                    if rng.random() < 0.5)
                for _ in range(number):
                    available = sorted(p for (c, p), q in held.items()
                        if c == code and q >= 1)
                    if not available:
                        break
                    lines = []
                    for product in rng.sample(
                            available, min(len(available),
                                rng.choice([1, 1, 2, 3]))):
                        quantity = min(held[code, product],
                            rng.choice([1, 1, 1, 2, 3]))
                        held[code, product] -= quantity
                        list_price, gross_price = prices(
                            tills[code], products[product].record, date)
                        lines.append({
                                'product': products[product].record.id,
                                'quantity': quantity,
                                'unit_list_price': list_price,
                                'unit_gross_price': gross_price,
                                })
                    vlist.append({
                            'point': tills[code].id,
                            'date': date,
                            'lines': [('create', lines)],
                            })
                    methods.append(qris if rng.random() < 0.4 else cash)
            if vlist and (date.weekday() == 6 or offset == days - 1):
                count += post()
        return count

    def settle(self):
        """Settle the period up to the cut-off: confirm, post and pay the
        consignors' invoices, then the host institutions' shares"""
        pool = self.pool
        Settlement = pool.get('consignment.settlement')
        HostShare = pool.get('consignment.host_share')
        Invoice = pool.get('account.invoice')
        cutoff = self.plan.cutoff
        paid = min(cutoff + dt.timedelta(days=10), self.plan.today)
        settlements = Settlement.settle(cutoff)
        Settlement.confirm(settlements)
        Settlement.post(settlements)
        invoices = [s.invoice for s in Settlement.browse(settlements)
            if s.invoice and s.invoice.state == 'posted']
        self.pay(invoices, paid, 'Transfer Bank')
        shares = HostShare.create_for(cutoff)
        HostShare.confirm(shares)
        invoices = [s.invoice for s in HostShare.browse(shares)
            if s.invoice]
        for invoice in invoices:
            invoice.invoice_date = paid
        Invoice.save(invoices)
        Invoice.post(invoices)
        self.pay(invoices, paid, 'Tunai Gerai')
        return settlements, shares

    def coaching(self):
        "Coaching records of a third of the suppliers"
        pool = self.pool
        Coaching = pool.get('party.coaching')
        Party = pool.get('party.party')
        company = self.transaction.context['company']
        rng = self.rng
        coach, = Party.create([{'name': COACH}])
        parties = {p.nib: p for p in Party.search([
                    ('nib', 'in', [s.nib for s in self.plan.suppliers
                            if s.coached])])}
        vlist, states = [], []
        for supplier in self.plan.suppliers:
            if not supplier.coached:
                continue
            start = self.plan.start - dt.timedelta(days=rng.randint(30, 200))
            state = rng.choice(['done', 'done', 'in_progress', 'planned'])
            vlist.append({
                    'company': company,
                    'supplier': parties[supplier.nib].id,
                    'area': rng.choice(COACHING_AREAS),
                    'coach': coach.id,
                    'start_date': start,
                    'end_date': (start + dt.timedelta(days=30)
                        if state == 'done' else None),
                    'cost': Decimal(rng.choice([500, 750, 1500])) * 1000,
                    })
            states.append(state)
        coachings = Coaching.create(vlist)
        for state in ['in_progress', 'done']:
            if state == 'in_progress':
                todo = [c for c, s in zip(coachings, states) if s != 'planned']
                Coaching.start(todo)
            else:
                Coaching.finish([c for c, s in zip(coachings, states)
                        if s == 'done'])
        return coachings

    def revoke(self):
        "Revoke the certificates the plan revokes"
        Certificate = self.pool.get('party.certificate')
        numbers = [c.number for c in self.plan.certificates if c.revoke]
        if numbers:
            certificates = Certificate.search([('number', 'in', numbers)])
            Certificate.write(certificates, {
                    'revocation_reason': "Komposisi berubah tanpa laporan"})
            Certificate.revoke(certificates)


def has_demo(pool, complete=False):
    """Tell whether the database holds the demo's goods (its first
    contract) or, with complete, its sales too (the coach of the last
    step)"""
    if complete:
        Party = pool.get('party.party')
        return bool(Party.search([('name', '=', COACH)], limit=1))
    Contract = pool.get('consignment.contract')
    return bool(Contract.search([('number', '=', MARKER)], limit=1))


def build(database, config_file=None, options=None, directory=None,
        out=sys.stderr):
    """Write the demo into the database unless it holds it already; return
    a summary dictionary (None when the demo was there)"""
    from ntt_mart.scripting import open_database, run_in_transaction
    if options is None:
        options = parse_args([])
    pool = open_database(database, config_file)
    if directory is None:
        directory = os.path.join(ROOT, 'var', 'demo')
    # the demo numbers documents of many sequences (tills, invoices, moves,
    # settlements): lock them from the start rather than run again for each
    locks = ['ir_sequence', 'ir_sequence_strict', 'sale_point',
        'account_journal_period']
    # Two transactions: the goods are received and committed before the
    # tills sell them (on PostgreSQL a till reads the consigned stock in a
    # transaction of its own, which sees only what is committed)
    state = {}
    stocked = run_in_transaction(database,
        lambda transaction: receive(
            pool, transaction, options, directory, state),
        lock_tables=locks)
    if stocked is None:
        print(f"{database}: the demo data is already there", file=out)
        return None
    summary = run_in_transaction(database,
        lambda transaction: sell(pool, transaction, options, state),
        lock_tables=locks)
    print(f"{database}: demo data: " + ', '.join(
            f"{v} {k.replace('_', ' ')}" for k, v in summary.items()
            if isinstance(v, int)) + f"; sales from {summary['start']}, "
        f"settled up to {summary['cutoff']}", file=out)
    return summary


def receive(pool, transaction, options, directory, state):
    """Write the suppliers, products, certificates, hosts, contracts, intakes
    and purchases in the transaction; keep in state what sell() needs;
    return None when the demo is there"""
    from ntt_mart.scripting import as_user
    if has_demo(pool):
        if not has_demo(pool, complete=True):
            raise RuntimeError("the demo's goods are there but not its "
                "sales: an earlier build stopped half-way; build it again "
                "on a new database (RESET=1 for SQLite)")
        return None
    with as_user(pool, transaction, 'admin', _skip_warnings=True):
        Date = pool.get('ir.date')
        Subdivision = pool.get('country.subdivision')
        today = Date.today()
        regencies = {r.kemendagri_code: (r.name.replace('Kabupaten ', '')
                .replace('Kota ', ''))
            for r in Subdivision.search([
                    ('parent.code', '=', 'ID-NT'),
                    ('type', 'in', ['regency', 'city'])])}
        # Kota Kupang, where the demo users work, and the first others
        selling = [KUPANG] + [c for c in sorted(regencies)
            if c != KUPANG][:max(options.outlets - 1, 0)]
        plan = Plan(options, today, sorted(selling), regencies)
        demo = Demo(pool, transaction, plan, options)
        steps = progress_bar(range(4), options, desc="demo: goods",
            unit="step")
        demo.import_rows(directory)
        steps.update()
        demo.products()
        demo.revoke()
        demo.hosts()
        steps.update()
        demo.contracts()
        stock = defaultdict(float)
        demo.intakes(stock)
        steps.update()
        demo.purchases(stock)
        steps.update()
        steps.close()
    state.update(plan=plan, stock=stock, rng=demo.rng)
    return True


def sell(pool, transaction, options, state):
    """Write the till sales, the settled period and the coaching in the
    transaction; return the demo's summary"""
    from ntt_mart.scripting import as_user
    plan = state['plan']
    with as_user(pool, transaction, 'admin', _skip_warnings=True):
        demo = Demo(pool, transaction, plan, options)
        # the same random sequence as in one run
        demo.rng = random.Random()
        demo.rng.setstate(state['rng'].getstate())
        demo.products()
        sales = demo.sales(state['stock'])
        settlements, shares = demo.settle()
        coachings = demo.coaching()
    return {
        'suppliers': len(plan.suppliers),
        'products': len(plan.products),
        'certificates': len(plan.certificates),
        'contracts': len(plan.contracts),
        'purchases': len(plan.purchases),
        'sales': sales,
        'settlements': len(settlements),
        'host_shares': len(shares),
        'coachings': len(coachings),
        'start': plan.start, 'cutoff': plan.cutoff,
        }


def main(argv=None):
    options = parse_args(argv)
    build(options.database, options.config, options)
    return 0


if __name__ == '__main__':
    sys.exit(main())
