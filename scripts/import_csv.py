#!/usr/bin/env python3
# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Import suppliers, certificates, products and consignment contracts from
CSV files (formats in scripts/README.md, templates in scripts/templates/).

Every row is checked (header, encoding, dates, numbers, NIB, NPWP, NIK,
regency and outlet codes) and then saved with the modules' own rules, each
row on its own: a bad row leaves nothing behind and is reported in the error
CSV (file, row, column, reason); the good rows are imported, or none with
--all-or-nothing.  A second import of the same file updates the records
instead of duplicating them: suppliers are keyed on the NIB, certificates on
their type and number, products on their code and contracts on their number.
Exit status: 0 when every row was imported, 1 when a row failed, 2 for wrong
arguments.

    scripts/import_csv.py -d ntt_mart -c config/trytond.conf suppliers.csv
    scripts/import_csv.py -d ntt_mart --kind product --errors bad.csv x.csv
"""
import argparse
import csv
import datetime as dt
import io
import os
import re
import sys
from decimal import Decimal

from stdnum.id import nik, npwp
from tqdm import tqdm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ERROR_COLUMNS = ['file', 'row', 'column', 'reason']
# a list in a cell (outlets, programmes, products) is separated by semicolons
LIST_SEPARATOR = ';'
DATE_FORMATS = ['%Y-%m-%d', '%d/%m/%Y']
NUMBER_FORMAT = re.compile(r'^-?\d+(\.\d+)?$')
INTEGER_FORMAT = re.compile(r'^-?\d+$')
TRUE_VALUES = {'1', 'y', 'yes', 'ya', 'true', 'x'}
FALSE_VALUES = {'', '0', 'n', 'no', 'tidak', 'false'}


class RowError(Exception):
    "A cell (or the row when column is empty) that cannot be imported"

    def __init__(self, reason, column='', row=None):
        super().__init__(reason)
        self.reason = reason
        self.column = column
        self.row = row


class Column:
    """A column of a CSV format: its name, its parser, the field it fills of
    the record (or of the contract line when on is 'line'); a lookup column
    names other records that the importer finds"""

    def __init__(self, name, parse=None, required=False, field=None,
            lookup=False, on=None):
        self.name = name
        self.parse = parse or text
        self.required = required
        self.field = field
        self.lookup = lookup
        self.on = on


def text(importer, value):
    return value or None


def date(importer, value):
    if not value:
        return None
    for format_ in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, format_).date()
        except ValueError:
            pass
    raise RowError(f'"{value}" is not a date: write YYYY-MM-DD or '
        'DD/MM/YYYY')


def number(importer, value):
    if not value:
        return None
    if not NUMBER_FORMAT.match(value):
        raise RowError(f'"{value}" is not a number: write digits with an '
            'optional decimal point, without thousands separators '
            '(15000.50)')
    return Decimal(value)


def percent(importer, value):
    value = number(importer, value)
    return value / 100 if value is not None else None


def integer(importer, value):
    if not value:
        return None
    if not INTEGER_FORMAT.match(value):
        raise RowError(f'"{value}" is not a whole number')
    return int(value)


def boolean(importer, value):
    if value.lower() in TRUE_VALUES:
        return True
    if value.lower() in FALSE_VALUES:
        return False
    raise RowError(f'"{value}" is neither yes nor no: write ya/tidak, '
        'yes/no or 1/0')


def codes(importer, value):
    return [c.strip() for c in value.split(LIST_SEPARATOR) if c.strip()]


def nib(importer, value):
    from party_umkm.party import NIB_FORMAT
    if value and not NIB_FORMAT.match(value):
        raise RowError(f'NIB "{value}" is not valid: it must be 13 digits')
    return value or None


def stdnum_check(module, label, personal=False):
    """Return a parser checking the identifier with the python-stdnum module;
    the error report never repeats a personal number (UU 27/2022)"""
    def parse(importer, value):
        if not value:
            return None
        try:
            return module.validate(value)
        except module.ValidationError as error:
            shown = '' if personal else f' "{value}"'
            raise RowError(
                f'{label}{shown} is not valid: {error}') from error
    return parse


def selection(importer, value, field):
    "Return the key of the selection of field (model.field) matching value"
    if not value:
        return None
    model, name = field.rsplit('.', 1) if '.' in field else (
        importer.model, field)
    choices = dict(importer.pool.get(model).fields_get([name])[name][
            'selection'])
    for key, label in choices.items():
        if key and value.lower() in {key.lower(), str(label).lower()}:
            return key
    raise RowError(f'"{value}" is not one of: '
        + ', '.join(k for k in choices if k))


def choice(field):
    return lambda importer, value: selection(importer, value, field)


def new(Model, **values):
    "Return a new record of Model with its default values and values"
    record = Model(**Model.default_get(
            list(Model._fields), with_rec_name=False))
    for name, value in values.items():
        setattr(record, name, value)
    return record


class Importer:
    "The import of the rows of one CSV format into its model"
    kind = None
    model = None
    columns = []
    key = None
    # the words that tell the kind from a file name
    file_words = ()

    def __init__(self, pool):
        self.pool = pool
        self.by_name = {c.name: c for c in self.columns}
        self.seen = {}
        # the records the rows refer to, found once per file
        self.found = {}
        self.counts = {'created': 0, 'updated': 0, 'failed': 0}

    def check_header(self, header):
        "Return the (column, reason) errors of the header"
        errors = []
        missing = [c.name for c in self.columns
            if c.required and c.name not in header]
        if missing:
            errors.append((', '.join(missing),
                    f'missing column(s) of the {self.kind} format'))
        unknown = [h for h in header if h not in self.by_name]
        if unknown:
            errors.append((', '.join(unknown),
                    f'unknown column(s) of the {self.kind} format; the '
                    'columns are: ' + ', '.join(self.by_name)))
        doubled = sorted({h for h in header if header.count(h) > 1})
        if doubled:
            errors.append((', '.join(doubled), 'column(s) given twice'))
        return errors

    def parse(self, row, row_number):
        "Return the values of the row, raise a list of RowError"
        values, errors = {}, []
        for name, cell in row.items():
            column = self.by_name[name]
            cell = cell.strip()
            if column.required and not cell:
                errors.append(RowError('required value missing', name))
                continue
            try:
                values[name] = column.parse(self, cell)
            except RowError as error:
                error.column = name
                errors.append(error)
        if not errors:
            try:
                self.check_repeated(values, row, row_number)
            except RowError as error:
                errors.append(error)
        if errors:
            raise ExceptionGroup('row errors', errors)
        return values

    def check_repeated(self, values, row, row_number):
        "Refuse a key already imported from an earlier row of the file"
        key = values[self.key]
        if key in self.seen:
            raise RowError(f'"{key}" is already on row {self.seen[key]}',
                self.key)
        self.seen[key] = row_number

    def column_of(self, error):
        "Return the column of the field named by a model error"
        domain = getattr(error, 'domain', None)
        fields = (domain[1] if isinstance(domain, (list, tuple))
            and len(domain) > 1 and isinstance(domain[1], dict) else {})
        for column in self.columns:
            if column.field and column.field in fields:
                return column.name
        return ''

    def save(self, values):
        "Create or update the record of the row; return created or updated"
        raise NotImplementedError

    def find_one(self, model, domain, column, value, what):
        "Return the record of model found by domain or raise RowError"
        Model = self.pool.get(model)
        key = (model, repr(domain))
        if key not in self.found:
            self.found[key] = [r.id for r in Model.search(domain, limit=2)]
        ids = self.found[key]
        if len(ids) != 1:
            raise RowError(f'{"no" if not ids else "more than one"} '
                f'{what} "{value}"', column)
        return Model(ids[0])

    def supplier(self, nib, column):
        return self.find_one('party.party', [('nib', '=', nib)],
            column, nib, 'supplier with NIB')

    def product(self, code, column):
        return self.find_one('product.product', [('code', '=', code)],
            column, code, 'product with code')

    def assign(self, record, values, on=None):
        "Set the fields of record from the values of the columns given"
        for column in self.columns:
            if (column.name in values and not column.lookup
                    and column.on == on):
                setattr(record, column.field, values[column.name])

    @staticmethod
    def store(record):
        "Save the record; return created or updated"
        created = record.id is None
        record.save()
        return 'created' if created else 'updated'


class SupplierImporter(Importer):
    kind = 'supplier'
    model = 'party.party'
    key = 'nib'
    file_words = ('supplier', 'pemasok', 'party')
    columns = [
        Column('nib', nib, required=True, field='nib'),
        Column('name', required=True, field='name'),
        Column('legal_form', choice('umkm_legal_form'),
            field='umkm_legal_form'),
        Column('npwp', stdnum_check(npwp, 'NPWP'), field='identifiers',
            lookup=True),
        Column('nik', stdnum_check(nik, 'NIK', personal=True), field='identifiers',
            lookup=True),
        Column('regency_code', field='origin_regency', lookup=True),
        Column('district', field='origin_district'),
        Column('village', field='origin_village'),
        Column('workforce_total', integer, field='workforce_total'),
        Column('workforce_women', integer, field='workforce_women'),
        Column('women_owned', boolean, field='women_owned'),
        Column('founding_year', integer, field='founding_year'),
        Column('annual_turnover', number, field='annual_turnover'),
        Column('business_capital', number, field='business_capital'),
        Column('pkp', boolean, field='pkp'),
        Column('programmes', codes, field='programmes', lookup=True),
        ]
    # the party identifier type of each identifier column
    identifiers = {'npwp': 'id_vat', 'nik': 'id_nik'}

    def save(self, values):
        pool = self.pool
        Identifier = pool.get('party.identifier')
        Party = pool.get('party.party')
        parties = Party.search([('nib', '=', values['nib'])], limit=1)
        party = parties[0] if parties else new(Party, nib=values['nib'])
        party.umkm_supplier = True
        self.assign(party, values)
        if values.get('regency_code'):
            party.origin_regency = self.find_one('country.subdivision', [
                    ('kemendagri_code', '=', values['regency_code']),
                    ('type', 'in', ['regency', 'city']),
                    ], 'regency_code', values['regency_code'],
                'regency with the Kemendagri code')
        elif 'regency_code' in values:
            party.origin_regency = None
        if values.get('programmes') is not None:
            party.programmes = [self.find_one('party.umkm.programme',
                    [('code', '=', code)], 'programmes', code,
                    'programme with code') for code in values['programmes']]
        identifiers = list(getattr(party, 'identifiers', []))
        for column, type_ in self.identifiers.items():
            if not values.get(column):
                continue
            for identifier in identifiers:
                if identifier.type == type_:
                    identifier.code = values[column]
                    break
            else:
                identifiers.append(
                    new(Identifier, type=type_, code=values[column]))
        party.identifiers = identifiers
        return self.store(party)


class CertificateImporter(Importer):
    kind = 'certificate'
    model = 'party.certificate'
    key = 'number'
    file_words = ('certificate', 'sertifikat')
    columns = [
        Column('type', required=True, field='type', lookup=True),
        Column('number', required=True, field='number'),
        Column('supplier_nib', nib, required=True, field='supplier',
            lookup=True),
        Column('issuer', field='issuer'),
        Column('issue_date', date, field='issue_date'),
        Column('expiry_date', date, field='expiry_date'),
        Column('products', codes, field='templates', lookup=True),
        ]

    def check_repeated(self, values, row, row_number):
        from party_umkm.certificate import compact_number
        key = (values['type'], compact_number(values['number']))
        if key in self.seen:
            raise RowError(f'certificate {values["type"]} '
                f'"{values["number"]}" is already on row {self.seen[key]}',
                'number')
        self.seen[key] = row_number

    def save(self, values):
        from party_umkm.certificate import compact_number
        Certificate = self.pool.get('party.certificate')
        type_ = self.find_one('party.certificate.type', [
                ('code', '=', values['type']),
                ], 'type', values['type'], 'certificate type with code')
        certificates = Certificate.search([
                ('type', '=', type_.id),
                ('number_compact', '=', compact_number(values['number'])),
                ], limit=1)
        certificate = (certificates[0] if certificates
            else new(Certificate, type=type_))
        self.assign(certificate, values)
        certificate.supplier = self.supplier(
            values['supplier_nib'], 'supplier_nib')
        if not getattr(certificate, 'issuer', None):
            certificate.on_change_type()
        if not getattr(certificate, 'expiry_date', None):
            certificate.on_change_issue_date()
        if values.get('products') is not None:
            certificate.templates = [
                self.product(code, 'products').template
                for code in values['products']]
        return self.store(certificate)


class ProductImporter(Importer):
    kind = 'product'
    model = 'product.template'
    key = 'code'
    file_words = ('product', 'produk')
    columns = [
        Column('code', required=True, field='code'),
        Column('name', required=True, field='name'),
        Column('unit', field='default_uom', lookup=True),
        Column('list_price', number, required=True, field='list_price'),
        Column('category', field='categories', lookup=True),
        Column('account_category', field='account_category', lookup=True),
        Column('producer_nib', nib, field='producer', lookup=True),
        Column('halal_status', choice('halal_status'), field='halal_status'),
        ]

    def unit(self, value):
        return self.find_one('product.uom', ['OR',
                ('symbol', '=', value), ('name', 'ilike', value),
                ], 'unit', value, 'unit')

    def category(self, name, column, accounting):
        return self.find_one('product.category', [
                ('name', '=', name), ('accounting', '=', accounting),
                ], column, name,
            'accounting category' if accounting else 'category')

    def save(self, values):
        pool = self.pool
        Template = pool.get('product.template')
        templates = Template.search([('code', '=', values['code'])], limit=1)
        if templates:
            template, = templates
        else:
            template = new(Template, code=values['code'], type='goods',
                salable=True, purchasable=True)
            if not values.get('unit'):
                template.default_uom = self.unit('u')
        self.assign(template, values)
        if values.get('unit'):
            template.default_uom = self.unit(values['unit'])
        template.sale_uom = template.purchase_uom = template.default_uom
        if 'category' in values:
            template.categories = [self.category(
                    values['category'], 'category', False)] if values[
                    'category'] else []
        if 'account_category' in values:
            template.account_category = self.category(
                values['account_category'], 'account_category', True
                ) if values['account_category'] else None
        if 'producer_nib' in values:
            template.producer = self.supplier(
                values['producer_nib'], 'producer_nib'
                ) if values['producer_nib'] else None
        return self.store(template)


class ContractImporter(Importer):
    kind = 'contract'
    model = 'consignment.contract'
    key = 'number'
    file_words = ('contract', 'kontrak', 'konsinyasi', 'consignment')
    columns = [
        Column('number', required=True, field='number'),
        Column('supplier_nib', nib, required=True, field='supplier',
            lookup=True),
        Column('start_date', date, required=True, field='start_date'),
        Column('end_date', date, field='end_date'),
        Column('outlets', codes, required=True, field='outlets',
            lookup=True),
        Column('settlement_period', choice('settlement_period'),
            field='settlement_period'),
        Column('unsold_action', choice('unsold_action'),
            field='unsold_action'),
        Column('default_commission_percent', percent,
            field='default_commission'),
        Column('max_shelf_days', integer, field='max_shelf_days'),
        Column('product_code', required=True, field='product', lookup=True,
            on='line'),
        Column('pricing', choice('consignment.contract.line.pricing'),
            field='pricing', on='line'),
        Column('consignor_price', number, field='consignor_price',
            on='line'),
        Column('commission_percent', percent, field='commission', on='line'),
        Column('suggested_retail_price', number,
            field='suggested_retail_price', on='line'),
        Column('quantity_cap', number, field='quantity_cap', on='line'),
        ]

    def check_repeated(self, values, row, row_number):
        "Refuse a line given twice or contract terms differing between lines"
        number = values['number']
        line = (number, values['product_code'])
        if line in self.seen:
            raise RowError(f'product "{values["product_code"]}" of contract '
                f'"{number}" is already on row {self.seen[line]}',
                'product_code')
        self.seen[line] = row_number
        # the terms of the contract are repeated on each of its lines
        terms = {c: row[c].strip() for c in row
            if self.by_name[c].on is None and c != 'number'}
        first_row, first = self.seen.setdefault(number, (row_number, terms))
        for column, value in terms.items():
            if first.get(column, value) != value:
                raise RowError(f'"{value}" differs from "{first[column]}" '
                    f'on row {first_row} of the same contract', column)

    def save(self, values):
        from consignment_contract.contract import check_contract_draft
        pool = self.pool
        Contract = pool.get('consignment.contract')
        Line = pool.get('consignment.contract.line')
        contracts = Contract.search(
            [('number', '=', values['number'])], limit=1)
        if contracts:
            contract, = contracts
            check_contract_draft([contract])
        else:
            contract = new(Contract, number=values['number'])
        self.assign(contract, values)
        contract.supplier = self.supplier(
            values['supplier_nib'], 'supplier_nib')
        contract.outlets = [self.find_one('stock.location', [
                    ('code', '=', code), ('type', '=', 'warehouse'),
                    ], 'outlets', code, 'outlet with code')
            for code in values['outlets']]
        product = self.product(values['product_code'], 'product_code')
        lines = list(getattr(contract, 'lines', []))
        for line in lines:
            if line.product == product:
                new_line = False
                break
        else:
            line = new(Line, product=product)
            if values.get('consignor_price') is not None:
                line.pricing = 'consignor_price'
            line.on_change_product()
            lines.append(line)
            new_line = True
        self.assign(line, values, on='line')
        contract.lines = lines
        result = self.store(contract)
        # a line added to a contract counts as a created row
        return 'created' if new_line else result


IMPORTERS = {i.kind: i for i in [
        SupplierImporter, ProductImporter, CertificateImporter,
        ContractImporter]}
# the order of the imports: a row refers to the records of the kinds before
KIND_ORDER = list(IMPORTERS)


def kind_of(filename):
    "Return the kind told by the file name or None"
    name = os.path.basename(filename).lower()
    for kind, importer in IMPORTERS.items():
        if any(word in name for word in importer.file_words):
            return kind


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('files', nargs='+', metavar='FILE.csv',
        help="the CSV files, UTF-8, comma or semicolon separated")
    parser.add_argument('-d', '--database', required=True,
        help="the database")
    parser.add_argument('-c', '--config',
        help="trytond configuration file (default: the environment, "
        "TRYTOND_* variables)")
    parser.add_argument('--kind', choices=list(IMPORTERS),
        help="the format of the files (default: told by each file name: "
        "suppliers…, certificates…, products…, contracts…)")
    parser.add_argument('--errors', metavar='ERRORS.csv',
        help="write the rows that failed to this CSV file "
        "(default: standard error)")
    parser.add_argument('--all-or-nothing', action='store_true',
        help="import nothing when a row fails")
    parser.add_argument('--dry-run', action='store_true',
        help="check every row, write nothing")
    parser.add_argument('--accept-warnings', action='store_true',
        help="accept the rows that the modules only warn about "
        "(unusual certificate number, consignor price above the retail "
        "price); without it they fail")
    parser.add_argument('--user', default='admin',
        help="the login the records are made by (default: admin)")
    parser.add_argument('--progress', action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar (default: on a terminal)")
    args = parser.parse_args(argv)
    args.kinds = {}
    for filename in args.files:
        kind = args.kind or kind_of(filename)
        if not kind:
            parser.error(f'cannot tell the kind of "{filename}" from its '
                'name: give --kind')
        args.kinds[filename] = kind
    return args


def read_csv(filename):
    """Return the header and the rows of the CSV file or raise RowError for
    a file that cannot be read"""
    with open(filename, 'rb') as file:
        content = file.read()
    try:
        content = content.decode('utf-8-sig')
    except UnicodeDecodeError as error:
        row = content[:error.start].count(b'\n') + 1
        raise RowError(
            f'the file is not UTF-8 (byte 0x{content[error.start]:02x}): '
            'save it as "CSV UTF-8"; nothing of it is imported',
            row=row) from error
    first_line = content.split('\n', 1)[0]
    delimiter = ';' if first_line.count(';') > first_line.count(',') else ','
    rows = list(csv.reader(io.StringIO(content, newline=''),
            delimiter=delimiter))
    if not rows:
        raise RowError('the file is empty', row=1)
    header = [h.strip().lower() for h in rows[0]]
    return header, rows[1:]


class Savepoint:
    "Run a row in a database savepoint: a failing row leaves nothing"

    def __init__(self, transaction):
        from trytond import backend
        self.transaction = transaction
        self.cursor = transaction.connection.cursor()
        # an SQLite savepoint outside a transaction would commit on release
        if (backend.name == 'sqlite'
                and not transaction.connection.in_transaction):
            self.cursor.execute('BEGIN IMMEDIATE')

    def __enter__(self):
        self.cursor.execute('SAVEPOINT import_row')
        return self

    def __exit__(self, type, value, traceback):
        if type is not None:
            self.cursor.execute('ROLLBACK TO SAVEPOINT import_row')
            # the records read in the row may be the rolled back ones
            for cache in self.transaction.cache.values():
                cache.clear()
        self.cursor.execute('RELEASE SAVEPOINT import_row')
        return False


def import_file(args, pool, transaction, filename, kind, errors):
    "Import the rows of the file; return the importer with its counts"
    from trytond.exceptions import UserError, UserWarning
    importer = IMPORTERS[kind](pool)
    name = os.path.basename(filename)

    def fail(row, column, reason):
        errors.append([name, row, column, reason])

    try:
        header, rows = read_csv(filename)
    except RowError as error:
        fail(error.row, '', error.reason)
        importer.counts['failed'] = None
        return importer
    header_errors = importer.check_header(header)
    for column, reason in header_errors:
        fail(1, column, reason)
    if header_errors:
        importer.counts['failed'] = None
        return importer
    progress = tqdm(rows, desc=name, unit='row', disable=(
            None if args.progress is None else not args.progress),
        file=sys.stderr)
    for row_number, cells in enumerate(progress, 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            fail(row_number, '', f'{len(cells)} cells where the header has '
                f'{len(header)}')
            importer.counts['failed'] += 1
            continue
        try:
            values = importer.parse(dict(zip(header, cells)), row_number)
            with Savepoint(transaction):
                result = importer.save(values)
        except ExceptionGroup as group:
            for error in group.exceptions:
                fail(row_number, error.column, error.reason)
        except RowError as error:
            fail(row_number, error.column, error.reason)
        except (UserError, UserWarning) as error:
            fail(row_number, importer.column_of(error), error.message)
        else:
            importer.counts[result] += 1
            continue
        importer.counts['failed'] += 1
    return importer


def write_errors(errors, path, out):
    "Write the error report as CSV to path or to out"
    if path:
        with open(path, 'w', newline='', encoding='utf-8') as file:
            writer = csv.writer(file)
            writer.writerow(ERROR_COLUMNS)
            writer.writerows(errors)
    elif errors:
        writer = csv.writer(out)
        writer.writerow(ERROR_COLUMNS)
        writer.writerows(errors)


def main(argv=None, out=None):
    "Import the files; return the exit status"
    out = out or sys.stdout
    args = parse_args(argv)
    from ntt_mart.scripting import open_database, run_in_transaction
    pool = open_database(args.database, args.config)
    from trytond.exceptions import UserError

    errors = []

    def import_files(transaction):
        errors.clear()
        lines = run(args, pool, transaction, errors)
        if args.dry_run:
            transaction.rollback()
            lines.append('dry run: nothing written')
        elif errors and args.all_or_nothing:
            transaction.rollback()
            lines.append('--all-or-nothing: a row failed, nothing written')
        return lines
    try:
        lines = run_in_transaction(args.database, import_files)
    except UserError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    for line in lines:
        print(line, file=out)
    write_errors(errors, args.errors, sys.stderr)
    return 1 if errors else 0


def run(args, pool, transaction, errors):
    "Import the files in the transaction; return the lines to print"
    from ntt_mart.scripting import as_user
    files = sorted(args.kinds.items(), key=lambda f: KIND_ORDER.index(f[1]))
    lines = []
    with as_user(pool, transaction, args.user,
            _skip_warnings=args.accept_warnings):
        for filename, kind in files:
            counts = import_file(
                args, pool, transaction, filename, kind, errors).counts
            name = f'{os.path.basename(filename)} ({kind})'
            if counts['failed'] is None:
                lines.append(f'{name}: not imported')
            else:
                lines.append(f'{name}: {counts["created"]} created, '
                    f'{counts["updated"]} updated, '
                    f'{counts["failed"]} failed')
    return lines


if __name__ == '__main__':
    sys.path.insert(0, ROOT)
    sys.exit(main())
