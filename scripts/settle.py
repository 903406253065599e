#!/usr/bin/env python3
# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Settle the consigned sales up to a cut-off date, from the command line or
a scheduler (cron, systemd timer).

Creates the draft settlements of every consignor (or of the --supplier
ones) with consigned lines sold on or before the cut-off date, exactly as
the Settle wizard does, and prints per settlement the supplier, the outlet
(when settling per outlet), the number of lines and the net payable.
--confirm also confirms them (numbers, supplier invoices).  --dry-run does
it all in a transaction that is rolled back: it shows what would be settled
and writes nothing.

Everything runs in one transaction: on any error nothing is written, the
error is printed and the exit status is 1 (2 for wrong arguments).

    scripts/settle.py -d ntt_mart -c config/trytond.conf --cutoff 2026-11-30
    scripts/settle.py -d ntt_mart --dry-run            # cut-off: today
"""
import argparse
import datetime as dt
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('-d', '--database', required=True,
        help="the database")
    parser.add_argument('-c', '--config',
        help="trytond configuration file (default: the environment, "
        "TRYTOND_* variables)")
    parser.add_argument('--cutoff', type=dt.date.fromisoformat,
        help="the last day settled, YYYY-MM-DD (default: the company's "
        "today)")
    parser.add_argument('--supplier', action='append', default=[],
        metavar='NAME',
        help="settle this consignor only (name or code; repeatable)")
    parser.add_argument('--user', default='admin',
        help="the login the settlements are made by (default: admin)")
    parser.add_argument('--confirm', action='store_true',
        help="confirm the settlements (their supplier invoices are created)")
    parser.add_argument('--dry-run', action='store_true',
        help="show what would be settled, write nothing")
    return parser.parse_args(argv)


def main(argv=None, out=None):
    "Run the settlement; return the exit status"
    out = out or sys.stdout
    args = parse_args(argv)
    from ntt_mart.scripting import open_database, run_in_transaction
    pool = open_database(args.database, args.config)
    from trytond.exceptions import UserError, UserWarning

    try:
        def settle(transaction):
            lines = run(args, pool, transaction)
            if args.dry_run:
                transaction.rollback()
            return lines
        lines = run_in_transaction(args.database, settle)
    except (UserError, UserWarning) as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    for line in lines:
        print(line, file=out)
    return 0


def run(args, pool, transaction):
    "Settle in the transaction and return the lines to print"
    from trytond.exceptions import UserError

    from ntt_mart.scripting import as_user
    Date = pool.get('ir.date')
    Lang = pool.get('ir.lang')
    Party = pool.get('party.party')
    Settlement = pool.get('consignment.settlement')

    with as_user(pool, transaction, args.user) as company:
        cutoff = args.cutoff or Date.today()
        suppliers = []
        for name in args.supplier:
            found = Party.search(['OR',
                    ('name', '=', name), ('code', '=', name)])
            if len(found) != 1:
                raise UserError(
                    f'The supplier "{name}" matches {len(found)} parties: '
                    'give its exact name or code.')
            suppliers.extend(found)
        settlements = Settlement.settle(
            cutoff, company=company, suppliers=suppliers or None)
        if args.confirm:
            Settlement.confirm(settlements)
            settlements = Settlement.browse(settlements)
        else:
            figures = Settlement.get_settled_lines(settlements)
            for settlement in settlements:
                settlement.compute_amounts(figures.get(settlement.id, []))
        lang = Lang.get()
        verb = "would settle" if args.dry_run else (
            "confirmed" if args.confirm else "drafted")
        lines = [f"{verb} {len(settlements)} settlement(s) of "
            f"{company.rec_name} up to {lang.strftime(cutoff)}"]
        for settlement in sorted(
                settlements, key=lambda s: (
                    s.supplier.rec_name,
                    s.outlet.rec_name if s.outlet else '')):
            figures = [
                settlement.number or '-',
                settlement.supplier.rec_name,
                settlement.outlet.rec_name if settlement.outlet else '-',
                f"{len(settlement.lines)} line(s)",
                "net payable " + lang.currency(
                    settlement.payable, settlement.currency, grouping=True),
                ]
            if settlement.held:
                figures.append("held: under the minimum payout of "
                    + lang.currency(settlement.minimum_payout,
                        settlement.currency, grouping=True))
            lines.append(' | '.join(figures))
        return lines


if __name__ == '__main__':
    sys.path.insert(0, ROOT)
    sys.exit(main())
