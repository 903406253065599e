# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Numeric bounds checked before the database sees the value.

A model mixing in BoundsMixin refuses, on create and write, a value of a
bounded field that is not a number or lies outside its Bound, with a
translated message naming the field, the record and the allowed range.
Every Integer field is bounded at least by the PostgreSQL integer range, so
the database never answers "integer out of range"."""
import math
from collections import namedtuple
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool

from .exceptions import BoundsValidationError

INTEGER_MAX = 2 ** 31 - 1
# A sane ceiling for amounts and prices in IDR (a thousand billion rupiah)
AMOUNT_MAX = Decimal(10 ** 12)
# A sane ceiling for the quantity of one line of a document
QUANTITY_MAX = 10 ** 9
# A sane ceiling for a number of days (a century)
DAYS_MAX = 36500


class Bound(namedtuple('Bound', ['minimum', 'maximum', 'zero', 'factor'])):
    """The allowed range of a numeric field, both ends included;
    zero=False refuses 0 too; messages show the numbers multiplied by
    factor, as the form does (100 for a rate shown in %)"""
    __slots__ = ()

    def __new__(cls, minimum=None, maximum=None, zero=True, factor=1):
        return super().__new__(cls, minimum, maximum, zero, factor)

    def __contains__(self, value):
        return ((self.minimum is None or value >= self.minimum)
            and (self.maximum is None or value <= self.maximum)
            and (self.zero or value != 0))


# A rate stored as a fraction and shown in %
RATE = Bound(0, 1, factor=100)


def _is_number(value):
    "Tell whether value is a finite number (a boolean is not)"
    if isinstance(value, bool) or not isinstance(
            value, (int, float, Decimal)):
        return False
    return isinstance(value, int) or math.isfinite(value)


def _format_number(lang, value):
    if isinstance(value, float):
        value = Decimal(repr(value))
    if abs(value) >= 10 ** 15:
        # beyond the precision of the language's formatting (a float)
        return str(Decimal(value).normalize())
    if isinstance(value, Decimal):
        digits = max(-value.normalize().as_tuple().exponent, 0)
    else:
        digits = 0
    # years and small counts read better without a thousands separator
    return lang.format_number(
        value, digits=digits, grouping=abs(value) >= 10000)


class BoundsMixin:
    "Refuse values of numeric fields outside their bounds"
    __slots__ = ()

    @classmethod
    def _field_bounds(cls):
        """Return {field name: Bound} of the fields to check

        Override it to add or narrow bounds; every Integer field is bounded
        by the database's integer range."""
        return {
            name: Bound(-INTEGER_MAX - 1, INTEGER_MAX)
            for name, field in cls._fields.items()
            if isinstance(field, fields.Integer)}

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            cls.check_bounds(values)
        return values

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        super().check_modification(
            mode, records, values=values, external=external)
        if mode == 'write' and records:
            cls.check_bounds(values, records[0])

    @classmethod
    def check_bounds(cls, values, record=None):
        """Raise BoundsValidationError for the first value out of its bound;
        record is the record written, None for a new one"""
        bounds = cls._field_bounds()
        for name in sorted(bounds.keys() & values.keys()):
            value = values[name]
            if value is None:
                continue
            if not _is_number(value):
                raise BoundsValidationError(gettext(
                        'stock_regency.msg_value_not_number',
                        **cls._bound_names(name, record, values)))
            bound = bounds[name]
            if value not in bound:
                raise BoundsValidationError(gettext(
                        'stock_regency.msg_value_out_of_range'
                        if bound.zero
                        else 'stock_regency.msg_value_out_of_range_zero',
                        **cls._bound_names(name, record, values, bound)))

    @classmethod
    def _bound_names(cls, name, record, values, bound=None):
        "Return the values of the messages of the bounds"
        Lang = Pool().get('ir.lang')
        lang = Lang.get()
        value = values[name]
        factor = bound.factor if bound is not None else 1
        if record is not None:
            record_name = record.rec_name
        elif isinstance(values.get(cls._rec_name), str):
            record_name = values[cls._rec_name]
        else:
            record_name = gettext('stock_regency.msg_value_new_record',
                model=cls.__names__()['model'])
        names = {
            'field': cls.__names__(name)['field'],
            'record': record_name,
            'value': (_format_number(lang, value * factor)
                if _is_number(value) else str(value)[:40]),
            }
        if bound is not None:
            names['minimum'] = (_format_number(lang, bound.minimum * factor)
                if bound.minimum is not None else '-∞')
            names['maximum'] = (_format_number(lang, bound.maximum * factor)
                if bound.maximum is not None else '∞')
        return names
