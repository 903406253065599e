#!/usr/bin/env python
# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"""Complete the Indonesian translation of the web client (sao).

sao 8.0's own Indonesian (``locale/id.json``) leaves about 170 strings
empty: the save prompt, the toolbar, the search filters, the CSV
import/export dialogs… which then show in English.  This script fills the
empty ones from ``modules/ntt_mart/locale/sao/id.po`` (the strings sao's
translation already has are kept) and rewrites the JSON that sao loads at
login.  Run by ``make sao`` (``scripts/install_sao.sh``) and the
Dockerfile::

    python scripts/translate_sao.py var/sao

Exits non-zero when the PO file names a string that sao does not have (the
sao version changed: update the PO file).
"""
import argparse
import json
import os
import sys

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PO = os.path.join(ROOT, 'modules', 'ntt_mart', 'locale', 'sao', 'id.po')


def translate(sao_root, po_path=PO, language='id'):
    "Fill the empty strings of sao's language; return how many"
    path = os.path.join(sao_root, 'locale', f'{language}.json')
    with open(path, encoding='utf-8') as file:
        messages = json.load(file)
    filled, unknown = 0, []
    for entry in polib.pofile(po_path):
        if not entry.msgid or not entry.msgstr:
            continue
        if entry.msgid not in messages:
            unknown.append(entry.msgid)
            continue
        if not messages[entry.msgid][1]:
            messages[entry.msgid][1] = entry.msgstr
            filled += 1
    with open(path, 'w', encoding='utf-8') as file:
        json.dump(messages, file, ensure_ascii=False)
    return filled, unknown


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('sao_root', help="the folder of sao (var/sao)")
    parser.add_argument('--po', default=PO)
    args = parser.parse_args()
    filled, unknown = translate(args.sao_root, args.po)
    print(f"sao Indonesian: {filled} strings filled", file=sys.stderr)
    for msgid in unknown:
        print(f"not in sao: {msgid!r}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == '__main__':
    sys.exit(main())
