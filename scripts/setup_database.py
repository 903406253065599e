#!/usr/bin/env python3
# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Create or update an NTT Mart database.

Initialises the database if needed, activates the ntt_mart module set, then
sets up (idempotently) the company, the hub and the 22 regency outlets, and
with --demo the demo users.  Run it again to complete or update a database;
--reset drops an SQLite database first.
"""
import argparse
import configparser
import os
import shutil
import subprocess
import sys
import tempfile

import demo_data

MODULES = ['ntt_mart']
# the Indonesian translations are loaded for the staff
LANGUAGES = ['id']
DEFAULT_PASSWORD = 'kupang-demo-53'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('-d', '--database', default='ntt_mart',
        help="database name (default: %(default)s)")
    parser.add_argument('--backend', choices=['sqlite', 'postgresql'],
        default='sqlite',
        help="database backend; PostgreSQL takes its URI from "
        "TRYTOND_DATABASE__URI (default: %(default)s)")
    parser.add_argument('-c', '--config',
        help="trytond configuration file (default: config/trytond.conf for "
        "SQLite, config/trytond-postgresql.conf for PostgreSQL)")
    parser.add_argument('--demo', dest='demo', action='store_true',
        default=True, help="create the demo users (default)")
    parser.add_argument('--no-demo', dest='demo', action='store_false',
        help="set up the company and outlets only")
    parser.add_argument('--no-demo-data', dest='demo_data',
        action='store_false', default=True,
        help="with the demo users, but without the demo's suppliers, "
        "products, contracts and sales (scripts/demo_data.py)")
    parser.add_argument('--pkp', action='store_true',
        help="the company is registered for VAT (PKP) and charges PPN")
    parser.add_argument('--year', type=int,
        help="the fiscal year to open (default: the current year)")
    parser.add_argument('--reset', action='store_true',
        help="drop the SQLite database first")
    parser.add_argument('--update', action='store_true',
        help="update the modules of an existing database")
    parser.add_argument('--password',
        default=os.environ.get('NTT_MART_ADMIN_PASSWORD', DEFAULT_PASSWORD),
        help="password of admin and the demo users "
        "(default: $NTT_MART_ADMIN_PASSWORD or the demo password)")
    parser.add_argument('--email', default='admin@nttmart.example',
        help="e-mail of the admin user")
    demo_data.add_arguments(parser)
    args = parser.parse_args(argv)
    if not args.config:
        name = ('trytond.conf' if args.backend == 'sqlite'
            else 'trytond-postgresql.conf')
        args.config = os.path.join(ROOT, 'config', name)
    return args


def sqlite_path(config_file, database):
    parser = configparser.ConfigParser()
    parser.read(config_file)
    directory = parser.get('database', 'path',
        fallback=os.environ['TRYTOND_DATABASE__PATH'])
    return os.path.join(directory, database + '.sqlite')


def is_activated(args):
    "Return whether the database exists with the modules activated"
    from proteus import config as pconfig
    from proteus import Model
    try:
        pconfig.set_trytond(args.database, config_file=args.config)
        Module = Model.get('ir.module')
        modules = Module.find([('name', 'in', MODULES)])
    except Exception:
        return False
    return bool(modules) and all(m.state == 'activated' for m in modules)


def run_admin(args):
    "Initialise the database and activate the modules with trytond-admin"
    with tempfile.NamedTemporaryFile('w', delete=False) as passfile:
        passfile.write(args.password)
    env = dict(os.environ, TRYTONPASSFILE=passfile.name)
    admin = os.path.join(os.path.dirname(sys.executable), 'trytond-admin')
    if not os.path.exists(admin):
        admin = shutil.which('trytond-admin')
    command = [
        admin,
        '-c', args.config, '-d', args.database, '--email', args.email,
        '-u', *MODULES, '--activate-dependencies', '-l', *LANGUAGES]
    try:
        subprocess.run(command, env=env, check=True)
    finally:
        os.unlink(passfile.name)


def main(argv=None):
    args = parse_args(argv)
    os.chdir(ROOT)
    os.environ.setdefault(
        'TRYTOND_DATABASE__PATH', os.path.join(ROOT, 'var', 'db'))
    os.environ.setdefault(
        'TRYTOND_WEB__ROOT', os.path.join(ROOT, 'var', 'sao'))
    if args.backend == 'sqlite':
        path = sqlite_path(args.config, args.database)
        if args.reset and os.path.exists(path):
            os.remove(path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.exists(path):
            open(path, 'a').close()
    elif args.reset:
        sys.exit("--reset is for SQLite; drop PostgreSQL databases "
            "with dropdb")

    activated = is_activated(args)
    if not activated or args.update:
        print(f"Activating {', '.join(MODULES)} on {args.database}…",
            file=sys.stderr)
        run_admin(args)

    # import after trytond-admin so that this process sees the new schema
    from proteus import config as pconfig

    from account_id.tests.tools import get_today
    from ntt_mart.deploy import (
        close_config_wizard, setup_accounting, setup_certification,
        setup_admin, setup_company, setup_consignment, setup_outlets,
        setup_payment_methods, setup_users)
    config = pconfig.set_trytond(args.database, config_file=args.config)
    setup_admin(args.password, args.email, config=config)
    company = setup_company(config, pkp=args.pkp)
    setup_accounting(company, year=args.year, config=config)
    if args.demo and args.demo_data and args.year is None:
        # the demo's sales start months ago, maybe in the previous year
        start = demo_data.first_day(get_today(config=config), args.months)
        start -= demo_data.LEAD
        if start.year != get_today(config=config).year:
            setup_accounting(company, year=start.year, config=config)
    setup_payment_methods(company, config=config)
    setup_consignment(company, config=config)
    setup_certification(config)
    hub, outlets = setup_outlets(config)
    if args.demo:
        setup_users(args.password, config)
    close_config_wizard(config)
    print(f"{args.database}: company {company.rec_name}, hub {hub.rec_name}, "
        f"{len(outlets)} regency outlets", file=sys.stderr)
    if args.demo and args.demo_data:
        demo_data.build(args.database, args.config, args)


if __name__ == '__main__':
    main()
