# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The CSV import script on the demo database: the templates import and
import again as updates; files with deliberate errors give their error
report line by line."""
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'import_csv.py')
TEMPLATES = os.path.join(ROOT, 'scripts', 'templates')
KINDS = ['suppliers', 'products', 'certificates', 'contracts']
# the company's year (Asia/Makassar) bounds the founding year
YEAR = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).year


def run_import(database, files, *args, errors=None):
    "Run the import script on the files; return the process and the errors"
    command = [sys.executable, SCRIPT, '-d', database.name,
        '-c', database.config_file, *args, *map(str, files)]
    if errors:
        command += ['--errors', str(errors)]
    process = subprocess.run(command, env=database.env, cwd=ROOT,
        capture_output=True, text=True, timeout=600)
    report = None
    if errors and errors.exists():
        with errors.open(newline='', encoding='utf-8') as file:
            report = list(csv.reader(file))
    return process, report


def write(path, text, encoding='utf-8'):
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope='module')
def templates(demo_database, tmp_path_factory):
    "Import the templates once; return their folder and the first run"
    directory = tmp_path_factory.mktemp('templates')
    for kind in KINDS:
        shutil.copy(os.path.join(TEMPLATES, f'{kind}.csv'), directory)
    process, report = run_import(demo_database,
        [directory / f'{k}.csv' for k in reversed(KINDS)],
        errors=directory / 'errors.csv')
    return directory, process, report


def counts(query):
    return {
        'suppliers': query(
            "SELECT COUNT(*) FROM party_party WHERE umkm_supplier = TRUE"
            )[0][0],
        'identifiers': query(
            "SELECT COUNT(*) FROM party_identifier")[0][0],
        'products': query(
            "SELECT COUNT(*) FROM product_product")[0][0],
        'certificates': query(
            "SELECT COUNT(*) FROM party_certificate")[0][0],
        'contracts': query(
            "SELECT COUNT(*) FROM consignment_contract")[0][0],
        'contract_lines': query(
            "SELECT COUNT(*) FROM consignment_contract_line")[0][0],
        }


def test_import_templates(demo_database, templates):
    "Test the templates import in the order of their references"
    directory, process, report = templates
    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines() == [
        "suppliers.csv (supplier): 2 created, 0 updated, 0 failed",
        "products.csv (product): 3 created, 0 updated, 0 failed",
        "certificates.csv (certificate): 2 created, 0 updated, 0 failed",
        "contracts.csv (contract): 3 created, 0 updated, 0 failed",
        ]
    assert report == [['file', 'row', 'column', 'reason']]
    query = demo_database.query
    assert query(
        "SELECT p.name, p.umkm_legal_form, r.kemendagri_code, "
        "p.workforce_women FROM party_party AS p "
        "JOIN country_subdivision AS r ON p.origin_regency = r.id "
        "WHERE p.nib = '9120301234567'") == [
        ("UD Tenun Ina Oelatimo", 'ud', '53.01', 10)]
    assert sorted(query(
            "SELECT i.type, i.code FROM party_identifier AS i "
            "JOIN party_party AS p ON i.party = p.id "
            "WHERE p.nib = '9120301234567'")) == [
        ('id_nik', '5301014107850002'), ('id_vat', '01.312.166.0-091.000')]
    # the SPP-IRT expires after the 5 years of its type
    assert sorted((t, n, e and str(e)) for t, n, e in query(
            "SELECT t.code, c.number, c.expiry_date FROM party_certificate "
            "AS c JOIN party_certificate_type AS t ON c.type = t.id "
            "JOIN party_party AS p ON c.supplier = p.id "
            # the demo database is shared: other tests write certificates
            "WHERE p.nib = '9120307654321'")) == [
        ('halal', 'ID00410000054900720', None),
        ('spp_irt', '2065309010123-25', '2030-01-15'),
        ]
    assert sorted(query(
            "SELECT c.number, c.state, COUNT(DISTINCT l.id), "
            "COUNT(DISTINCT o.outlet) FROM consignment_contract AS c "
            "JOIN consignment_contract_line AS l ON l.contract = c.id "
            "JOIN \"consignment_contract-stock_location\" AS o "
            "ON o.contract = c.id WHERE c.number LIKE 'KNS-%' "
            # the demo database is shared: other tests write contracts too
            "GROUP BY c.number, c.state")) == [
        ('KNS-2026-001', 'draft', 2, 2), ('KNS-2026-002', 'draft', 1, 1)]


def test_import_twice_updates(demo_database, templates, tmp_path):
    "Test a second import updates the records and duplicates none"
    directory, _, _ = templates
    query = demo_database.query
    before = counts(query)
    for kind in KINDS:
        shutil.copy(directory / f'{kind}.csv', tmp_path)
    suppliers = tmp_path / 'suppliers.csv'
    suppliers.write_text(suppliers.read_text().replace(
            'UD Kopi Bajawa', 'UD Kopi Arabika Bajawa'))
    process, report = run_import(demo_database,
        [tmp_path / f'{k}.csv' for k in KINDS], errors=tmp_path / 'e.csv')
    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines() == [
        "suppliers.csv (supplier): 0 created, 2 updated, 0 failed",
        "products.csv (product): 0 created, 3 updated, 0 failed",
        "certificates.csv (certificate): 0 created, 2 updated, 0 failed",
        "contracts.csv (contract): 0 created, 3 updated, 0 failed",
        ]
    assert counts(query) == before
    assert query("SELECT name FROM party_party "
        "WHERE nib = '9120307654321'") == [("UD Kopi Arabika Bajawa",)]


BAD_SUPPLIERS = """\
nib,name,npwp,nik,regency_code,founding_year,women_owned
91203-0123,UD Salah NIB,,,53.01,2015,
9120300000001,UD Salah NPWP,01.312.166.1-091.000,,53.01,2015,
9120300000002,UD Salah NIK,,5301019999800001,53.01,2015,
9120300000003,UD Salah Kabupaten,,,53.99,2015,
9120300000004,UD Tahun Salah,,,53.01,1700,
9120300000005,UD Dua Salah,,,53.01,dua ribu,mungkin
9120300000006,UD Baik,,5371014107900002,53.71,2019,ya
9120300000006,UD Baik Lagi,,,53.71,2019,ya
"""

BAD_CONTRACTS = """\
number,supplier_nib,start_date,outlets,product_code,consignor_price
KNS-X-1,9120307654321,2026-13-01,53.71,KOPI-250,50000
KNS-X-2,9120307654321,01-02-2026,53.71,KOPI-250,50000
KNS-X-3,9120307654321,2026-02-01,99.99,KOPI-250,"50.000,00"
KNS-X-4,9999999999999,2026-02-01,53.71,KOPI-999,50000
"""


def test_import_errors(demo_database, templates, tmp_path):
    "Test the error report of files with deliberate errors, line by line"
    files = [
        write(tmp_path / 'suppliers-bad.csv', BAD_SUPPLIERS),
        write(tmp_path / 'contracts-bad.csv', BAD_CONTRACTS),
        write(tmp_path / 'products-header.csv',
            "kode,name,list_price,colour\nX-1,Kain,1000,merah\n"),
        write(tmp_path / 'products-latin1.csv',
            "code,name,list_price\nKF-1,Kopi Flores Café,20000\n",
            encoding='latin-1'),
        ]
    process, report = run_import(
        demo_database, files, errors=tmp_path / 'errors.csv')
    assert process.returncode == 1
    assert process.stdout.splitlines() == [
        "suppliers-bad.csv (supplier): 1 created, 0 updated, 7 failed",
        "products-header.csv (product): not imported",
        "products-latin1.csv (product): not imported",
        "contracts-bad.csv (contract): 0 created, 0 updated, 4 failed",
        ]
    suppliers, contracts = 'suppliers-bad.csv', 'contracts-bad.csv'
    products_header = 'products-header.csv'
    assert report == [
        ['file', 'row', 'column', 'reason'],
        [suppliers, '2', 'nib',
            'NIB "91203-0123" is not valid: it must be 13 digits'],
        [suppliers, '3', 'npwp',
            'NPWP "01.312.166.1-091.000" is not valid: '
            "The number's checksum or check digit is invalid."],
        [suppliers, '4', 'nik',
            'NIK is not valid: '
            'One of the parts of the number are invalid or unknown.'],
        [suppliers, '5', 'regency_code',
            'no regency with the Kemendagri code "53.99"'],
        # refused by party_umkm once written: its message, nothing left
        [suppliers, '6', '',
            'The Founding Year of "UD Tahun Salah" must be between 1900 '
            f'and {YEAR}, not 1700.'],
        [suppliers, '7', 'founding_year', '"dua ribu" is not a whole number'],
        [suppliers, '7', 'women_owned',
            '"mungkin" is neither yes nor no: write ya/tidak, yes/no or 1/0'],
        [suppliers, '9', 'nib', '"9120300000006" is already on row 8'],
        [products_header, '1', 'code',
            'missing column(s) of the product format'],
        [products_header, '1', 'kode, colour',
            'unknown column(s) of the product format; the columns are: '
            'code, name, unit, list_price, category, account_category, '
            'producer_nib, halal_status'],
        ['products-latin1.csv', '2', '',
            'the file is not UTF-8 (byte 0xe9): save it as "CSV UTF-8"; '
            'nothing of it is imported'],
        [contracts, '2', 'start_date',
            '"2026-13-01" is not a date: write YYYY-MM-DD or DD/MM/YYYY'],
        [contracts, '3', 'start_date',
            '"01-02-2026" is not a date: write YYYY-MM-DD or DD/MM/YYYY'],
        [contracts, '4', 'consignor_price',
            '"50.000,00" is not a number: write digits with an optional '
            'decimal point, without thousands separators (15000.50)'],
        [contracts, '5', 'supplier_nib',
            'no supplier with NIB "9999999999999"'],
        ]
    query = demo_database.query
    assert query("SELECT name FROM party_party "
        "WHERE nib LIKE '91203000000%' OR name LIKE 'UD Tahun%'") == [
        ("UD Baik",)]
    assert query("SELECT COUNT(*) FROM product_template "
        "WHERE code IN ('X-1', 'KF-1')") == [(0,)]
    assert query("SELECT COUNT(*) FROM consignment_contract "
        "WHERE number LIKE 'KNS-X-%'") == [(0,)]


@pytest.mark.parametrize('filename, text, options, status, stdout, errors', [
        # a failed row stops the whole import with --all-or-nothing
        ('pemasok.csv', "nib,name,regency_code\n"
            "9120300000011,UD Semua,53.71\n"
            "9120300000012,UD Atau,53.00\n",
            ['--all-or-nothing'], 1, [
                "pemasok.csv (supplier): 1 created, 0 updated, 1 failed",
                "--all-or-nothing: a row failed, nothing written",
                ], [['pemasok.csv', '3', 'regency_code',
                    'no regency with the Kemendagri code "53.00"']]),
        # a dry run of a semicolon file checks the rows, with progress
        ('suppliers.csv', "nib;name;regency_code\n"
            "9120300000021;UD Coba Satu;53.05\n"
            "9120300000022;UD Coba Dua;53.06\n",
            ['--dry-run', '--progress'], 0, [
                "suppliers.csv (supplier): 2 created, 0 updated, 0 failed",
                "dry run: nothing written",
                ], []),
        ])
def test_import_writes_nothing(demo_database, templates, tmp_path,
        filename, text, options, status, stdout, errors):
    "Test the options that write nothing: --all-or-nothing and --dry-run"
    suppliers = write(tmp_path / filename, text)
    process, report = run_import(demo_database, [suppliers], *options,
        errors=tmp_path / 'errors.csv')
    assert process.returncode == status, process.stderr
    assert process.stdout.splitlines() == stdout
    assert report[1:] == errors
    if '--progress' in options:
        assert "2/2" in process.stderr
    assert demo_database.query("SELECT COUNT(*) FROM party_party "
        "WHERE nib IN ('9120300000011', '9120300000012', "
        "'9120300000021', '9120300000022')") == [(0,)]
