# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A demo database built once per run by scripts/setup_database.py, for the
tests of the set-up script, of the web client and over RPC, and one trytond
serving it.

It starts as a copy of the run's shared activated database
(ntt_mart/tests/shared_set.py), so the script sets up the company, outlets
and users without activating the modules a second time."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

from ntt_mart.tests.shared_set import copy_shared_set
from trytond import backend, config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'setup_database.py')
SAO_ROOT = os.path.join(ROOT, 'var', 'sao')
PASSWORD = 'kupang-demo-53'
SETUP_TIMEOUT = 900
# seconds for trytond to answer
SERVER_TIMEOUT = 60


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


def _database(tmp_path_factory, prefix, extra_args):
    """Yield a DemoDatabase copied from the shared set and set up by the
    script with extra_args"""
    env = {k: v for k, v in os.environ.items()
        if k not in {'DB_NAME', 'DB_CACHE'}}
    drop = None
    if backend.name == 'sqlite':
        import sqlite3
        directory = tmp_path_factory.mktemp(f'{prefix}_db')
        env['TRYTOND_DATABASE__PATH'] = str(directory)
        name = prefix
        copy_shared_set(name, directory)
        args = ['--database', name]
        config_file = os.path.join(ROOT, 'config', 'trytond.conf')

        def query(sql):
            with sqlite3.connect(directory / f'{name}.sqlite') as connection:
                return connection.execute(sql).fetchall()
    else:
        import psycopg
        uri = config.get('database', 'uri').rstrip('/')
        name = f'test_{prefix}_{uuid.uuid4().hex[:12]}'
        copy_shared_set(name)
        args = ['--backend', 'postgresql', '--database', name]
        config_file = os.path.join(ROOT, 'config', 'trytond-postgresql.conf')

        def query(sql):
            with psycopg.connect(f'{uri}/{name}') as connection:
                return connection.execute(sql).fetchall()

        def drop():
            with psycopg.connect(uri + '/postgres', autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    database = DemoDatabase(
        name, args + list(extra_args), env, config_file, query)
    try:
        try:
            database.first_run = database.set_up()
        except subprocess.CalledProcessError as error:
            pytest.fail(f"set-up failed:\n{error.stderr[-3000:]}")
        yield database
    finally:
        if drop:
            drop()


@pytest.fixture(scope='session')
def demo_database(tmp_path_factory):
    """Yield the DemoDatabase, built once by the set-up script: company,
    outlets and demo users, without the demo's data (the tests add their
    own records)"""
    yield from _database(tmp_path_factory, 'demo', ['--no-demo-data'])


# the living demo of the tests: small, so that it is built in a minute
LIVING_DEMO_ARGS = [
    '--suppliers', '30', '--outlets', '4', '--months', '3',
    '--sales-per-day', '0.5', '--no-progress']


@pytest.fixture(scope='session')
def living_demo(tmp_path_factory):
    "Yield a DemoDatabase set up with a small living demo"
    yield from _database(tmp_path_factory, 'living', LIVING_DEMO_ARGS)


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _trytond():
    trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
    if not os.path.exists(trytond):
        trytond = shutil.which('trytond')
    return trytond


@pytest.fixture(scope='session')
def demo_server(demo_database, tmp_path_factory):
    """Serve the demo database (and sao, when var/sao holds it) with trytond
    on a free loopback port; yield the base URL, the database name and the
    path of the server log"""
    name, config_file = demo_database.name, demo_database.config_file
    env = dict(demo_database.env, TRYTOND_WEB__ROOT=SAO_ROOT)
    directory = tmp_path_factory.mktemp('demo_server')
    port = _free_port()
    # the -c file's [web] listen (127.0.0.1:8000 / 0.0.0.0:8000) overrides
    # TRYTOND_WEB__LISTEN: a second configuration file overrides it
    listen = directory / 'listen.conf'
    text = f'[web]\nlisten = 127.0.0.1:{port}\n'
    if backend.name == 'postgresql':
        # sao's login dialog asks common.db.list, which queries every
        # database of the PostgreSQL server and waits on the locks of any
        # other run (a module update): the login then hangs.  Without the
        # list, the test types the database name like a person would.
        text += '[database]\nlist = False\n'
    listen.write_text(text)
    env = dict(env, TRYTOND_WEB__LISTEN=f'127.0.0.1:{port}')
    log_path = directory / 'trytond.log'
    url = f'http://127.0.0.1:{port}'
    with open(log_path, 'w') as log:
        process = subprocess.Popen(
            # the logging of `make demo`: every call at INFO level
            [_trytond(), '-c', config_file, str(listen), '-d', name,
                '--logconf', os.path.join(ROOT, 'config', 'logging.conf')],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + SERVER_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"trytond exited with {process.returncode}:\n"
                    + log_path.read_text()[-3000:])
            try:
                with urllib.request.urlopen(url + '/', timeout=5) as answer:
                    if answer.status == 200:
                        break
            except urllib.error.HTTPError:
                # it answers, without a web client to serve
                break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"trytond did not answer on {url} within "
                    f"{SERVER_TIMEOUT} s:\n" + log_path.read_text()[-3000:])
            time.sleep(0.5)
        yield url, name, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
