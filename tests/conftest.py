# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A demo database built once per run by scripts/setup_database.py, for the
tests of the set-up script and of the web client.

It starts as a copy of the run's shared activated database
(ntt_mart/tests/shared_set.py), so the script sets up the company, outlets
and users without activating the modules a second time."""
import os
import subprocess
import sys
import uuid

import pytest

from ntt_mart.tests.shared_set import copy_shared_set
from trytond import backend, config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'setup_database.py')
PASSWORD = 'kupang-demo-53'
SETUP_TIMEOUT = 900


class DemoDatabase:
    "A database set up by the demo script"

    def __init__(self, name, args, env, config_file, query):
        self.name = name
        self.args = args
        self.env = env
        self.config_file = config_file
        self.query = query
        self.first_run = None

    def set_up(self):
        "Run the set-up script on the database and return its result"
        return subprocess.run(
            [sys.executable, SCRIPT, *self.args, '--password', PASSWORD],
            env=self.env, cwd=ROOT, check=True, capture_output=True,
            text=True, timeout=SETUP_TIMEOUT)


@pytest.fixture(scope='session')
def demo_database(tmp_path_factory):
    "Yield the DemoDatabase, built once by the set-up script"
    env = {k: v for k, v in os.environ.items()
        if k not in {'DB_NAME', 'DB_CACHE'}}
    drop = None
    if backend.name == 'sqlite':
        import sqlite3
        directory = tmp_path_factory.mktemp('demo_db')
        env['TRYTOND_DATABASE__PATH'] = str(directory)
        name = 'demo'
        copy_shared_set(name, directory)
        args = ['--database', name]
        config_file = os.path.join(ROOT, 'config', 'trytond.conf')

        def query(sql):
            with sqlite3.connect(directory / f'{name}.sqlite') as connection:
                return connection.execute(sql).fetchall()
    else:
        import psycopg
        uri = config.get('database', 'uri').rstrip('/')
        name = f'test_demo_{uuid.uuid4().hex[:12]}'
        copy_shared_set(name)
        args = ['--backend', 'postgresql', '--database', name]
        config_file = os.path.join(ROOT, 'config', 'trytond-postgresql.conf')

        def query(sql):
            with psycopg.connect(f'{uri}/{name}') as connection:
                return connection.execute(sql).fetchall()

        def drop():
            with psycopg.connect(uri + '/postgres', autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    database = DemoDatabase(name, args, env, config_file, query)
    try:
        try:
            database.first_run = database.set_up()
        except subprocess.CalledProcessError as error:
            pytest.fail(f"set-up failed:\n{error.stderr[-3000:]}")
        yield database
    finally:
        if drop:
            drop()
