# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The set-up script of the demo command, run twice on a new database."""
import os
import subprocess
import sys
import uuid

import pytest

from trytond import backend, config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'setup_database.py')


@pytest.fixture
def database(tmp_path):
    "Yield the environment, the arguments and a query function"
    env = {k: v for k, v in os.environ.items()
        if k not in {'DB_NAME', 'DB_CACHE'}}
    if backend.name == 'sqlite':
        import sqlite3
        env['TRYTOND_DATABASE__PATH'] = str(tmp_path)
        args = ['--database', 'demo']

        def query(sql):
            with sqlite3.connect(tmp_path / 'demo.sqlite') as connection:
                return connection.execute(sql).fetchall()
        yield env, args, query
    else:
        import psycopg
        uri = config.get('database', 'uri').rstrip('/')
        name = f'test_setup_{uuid.uuid4().hex[:12]}'
        with psycopg.connect(uri + '/postgres', autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        args = ['--backend', 'postgresql', '--database', name]

        def query(sql):
            with psycopg.connect(f'{uri}/{name}') as connection:
                return connection.execute(sql).fetchall()
        try:
            yield env, args, query
        finally:
            with psycopg.connect(uri + '/postgres', autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(env, args):
    return subprocess.run(
        [sys.executable, SCRIPT, *args, '--password', 'kupang-demo-53'],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
        timeout=1200)


def test_setup_database_twice(database):
    "Test the set-up builds the demo database and a second run adds nothing"
    env, args, query = database
    first = run(env, args)
    assert "22 regency outlets" in first.stderr

    def state():
        return {
            'regencies': query(
                "SELECT COUNT(*) FROM country_subdivision "
                "WHERE kemendagri_code LIKE '53.%'")[0][0],
            'warehouses': query(
                "SELECT COUNT(*) FROM stock_location "
                "WHERE type = 'warehouse' AND regency IS NOT NULL")[0][0],
            'hubs': query(
                "SELECT name FROM stock_location "
                "WHERE provincial_hub = TRUE"),
            'companies': query(
                "SELECT c.timezone, cur.code FROM company_company AS c "
                "JOIN currency_currency AS cur ON c.currency = cur.id"),
            'users': sorted(r[0] for r in query(
                    "SELECT login FROM res_user WHERE login != 'root'")),
            'wizard_open': query(
                "SELECT COUNT(*) FROM ir_module_config_wizard_item "
                "WHERE state != 'done'")[0][0],
            }
    before = state()
    assert before == {
        'regencies': 22,
        'warehouses': 23,
        'hubs': [('NTT Mart Hub Kota Kupang',)],
        'companies': [('Asia/Makassar', 'IDR')],
        'users': ['admin', 'kupang', 'provinsi'],
        'wizard_open': 0,
        }
    second = run(env, args)
    assert "Activating" not in second.stderr
    assert state() == before
