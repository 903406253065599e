# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The CSV import script on the demo database: the templates import and
import again as updates; files with deliberate errors give their error
report line by line."""
import csv
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'import_csv.py')
TEMPLATES = os.path.join(ROOT, 'scripts', 'templates')
KINDS = ['suppliers', 'products', 'certificates', 'contracts']


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
        ("UD Tenun Ina Oelamasi", 'ud', '53.01', 10)]
    assert sorted(query(
            "SELECT i.type, i.code FROM party_identifier AS i "
            "JOIN party_party AS p ON i.party = p.id "
            "WHERE p.nib = '9120301234567'")) == [
        ('id_nik', '5301015505800001'), ('id_vat', '01.312.166.0-091.000')]
    # the SPP-IRT expires after the 5 years of its type
    assert sorted((t, n, e and str(e)) for t, n, e in query(
            "SELECT t.code, c.number, c.expiry_date FROM party_certificate "
            "AS c JOIN party_certificate_type AS t ON c.type = t.id")) == [
        ('halal', 'ID00410000054900720', None),
        ('spp_irt', '2065309010123-25', '2030-01-15'),
        ]
    assert sorted(query(
            "SELECT c.number, c.state, COUNT(DISTINCT l.id), "
            "COUNT(DISTINCT o.outlet) FROM consignment_contract AS c "
            "JOIN consignment_contract_line AS l ON l.contract = c.id "
            "JOIN \"consignment_contract-stock_location\" AS o "
            "ON o.contract = c.id GROUP BY c.number, c.state")) == [
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
