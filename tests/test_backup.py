# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""scripts/backup.sh and scripts/restore.sh on the demo database: a backup
restored into a new database holds the same records, the same ledger
balances and the same filestore; a damaged backup or an existing database
is refused."""
import os
import subprocess
import uuid
from decimal import Decimal

import pytest

from trytond import backend, config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKUP = os.path.join(ROOT, 'scripts', 'backup.sh')
RESTORE = os.path.join(ROOT, 'scripts', 'restore.sh')
TABLES = [
    'res_user', 'res_group', 'party_party', 'country_subdivision',
    'stock_location', 'account_account', 'account_move',
    'account_move_line', 'account_period', 'ir_model_data',
    'ir_translation', 'ir_sequence',
    ]

pytestmark = pytest.mark.skipif(
    backend.name != 'postgresql',
    reason="backup.sh and restore.sh are for PostgreSQL (on SQLite the "
    "database is one file to copy)")


def post_cash_sale(name):
    "Post a cash sale of Rp150.000 in the ledger of the database name"
    from proteus import Model
    from proteus import config as pconfig
    pconfig.set_trytond(name)
    Account = Model.get('account.account')
    Journal = Model.get('account.journal')
    Move = Model.get('account.move')
    Date = Model.get('ir.date')
    cash, = Account.find([('code', '=', '11100')])
    revenue, = Account.find([('code', '=', '41100')])
    journal, = Journal.find([('type', '=', 'revenue')], limit=1)
    move = Move(journal=journal, date=Date.today({}))
    for account, debit, credit in [
            (cash, Decimal(150000), Decimal(0)),
            (revenue, Decimal(0), Decimal(150000))]:
        line = move.lines.new()
        line.account = account
        line.debit = debit
        line.credit = credit
    move.save()
    move.click('post')
    return move


def snapshot(query):
    counts = {t: query(f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in TABLES}
    balances = query(
        "SELECT a.code, SUM(l.debit - l.credit) "
        "FROM account_move_line AS l "
        "JOIN account_account AS a ON l.account = a.id "
        "GROUP BY a.code ORDER BY a.code")
    return counts, balances


def test_backup_restore(demo_database, tmp_path):
    "Test a backup restores into a new database with the same content"
    import psycopg
    uri = config.get('database', 'uri').rstrip('/')
    filestore = tmp_path / 'filestore'
    stored = filestore / demo_database.name / 'ab' / 'cd'
    stored.mkdir(parents=True)
    (stored / 'abcd1234').write_bytes(b'scan of a halal certificate')
    env = dict(os.environ,
        TRYTOND_DATABASE__URI=uri + '/',
        TRYTOND_DATABASE__PATH=str(filestore))
    post_cash_sale(demo_database.name)
    before = snapshot(demo_database.query)
    assert ('11100', Decimal(150000)) in before[1]

    result = subprocess.run(
        [BACKUP, demo_database.name, str(tmp_path / 'backups')],
        env=env, check=True, capture_output=True, text=True, timeout=600)
    backup = result.stdout.strip().splitlines()[-1]
    assert sorted(os.listdir(backup)) == [
        'SHA256SUMS', 'database.dump', 'filestore.tar']
    assert oct(os.stat(backup).st_mode & 0o777) == '0o700'

    name = f'test_restored_{uuid.uuid4().hex[:12]}'
    try:
        subprocess.run([RESTORE, backup, name], env=env, check=True,
            capture_output=True, text=True, timeout=600)

        def query(sql):
            with psycopg.connect(f'{uri}/{name}') as connection:
                return connection.execute(sql).fetchall()
        assert snapshot(query) == before
        assert (filestore / name / 'ab' / 'cd' / 'abcd1234').read_bytes() \
            == b'scan of a halal certificate'

        again = subprocess.run([RESTORE, backup, name], env=env,
            capture_output=True, text=True, timeout=600)
        assert again.returncode == 1
        assert f"database {name} exists already" in again.stderr
    finally:
        with psycopg.connect(uri + '/postgres', autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    with open(os.path.join(backup, 'database.dump'), 'r+b') as dump:
        dump.seek(-10, os.SEEK_END)
        dump.write(b'0123456789')
    damaged = subprocess.run([RESTORE, backup, name + '_x'], env=env,
        capture_output=True, text=True, timeout=600)
    assert damaged.returncode == 1
    assert "checksums do not match" in damaged.stderr
    with psycopg.connect(uri + '/postgres') as conn:
        assert not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s",
            (name + '_x',)).fetchall()
