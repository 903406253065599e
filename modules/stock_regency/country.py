# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, Unique, fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval

from .exceptions import KemendagriCodeError

# Permendagri 58/2021: province NN, regency/city NN.NN, district NN.NN.NN,
# village NN.NN.NN.NNNN
KEMENDAGRI_CODE = re.compile(r'^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$')
REGENCY_CODE = re.compile(r'^\d{2}\.\d{2}$')
REGENCY_TYPES = ['regency', 'city']


class Subdivision(metaclass=PoolMeta):
    __name__ = 'country.subdivision'

    kemendagri_code = fields.Char(
        "Kemendagri Code",
        help="The regional code of the Ministry of Home Affairs "
        "(Permendagri 58/2021), e.g. 53.71 for Kota Kupang.\n"
        "It is the key of Indonesian regencies and cities.")
    bps_code = fields.Char(
        "BPS Code",
        help="The code of Statistics Indonesia (BPS), e.g. 5371.\n"
        "It differs from the Kemendagri code for most regencies.")
    regency_capital = fields.Char(
        "Capital",
        states={
            'invisible': ~Eval('type').in_(REGENCY_TYPES),
            },
        help="The seat of the regency government (ibu kota).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = cls.type.selection
        if ('regency', "Regency") not in selection:
            selection.append(('regency', "Regency"))
        t = cls.__table__()
        cls._sql_constraints += [
            ('kemendagri_code_unique',
                Unique(t, t.country, t.kemendagri_code),
                'stock_regency.msg_subdivision_kemendagri_code_unique'),
            ]
        cls._sql_indexes.add(
            Index(t, (t.kemendagri_code, Index.Equality()),
                where=t.kemendagri_code != Null))

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        if clause[1].startswith('!') or clause[1].startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            domain,
            ('kemendagri_code', *clause[1:]),
            ('bps_code', *clause[1:]),
            ]

    @property
    def is_regency(self):
        "Whether the subdivision is an Indonesian regency or city"
        return self.type in REGENCY_TYPES and bool(self.kemendagri_code)

    @classmethod
    def validate_fields(cls, subdivisions, field_names):
        super().validate_fields(subdivisions, field_names)
        cls.check_kemendagri_code(subdivisions, field_names)

    @classmethod
    def check_kemendagri_code(cls, subdivisions, field_names=None):
        if field_names and not (field_names & {
                    'kemendagri_code', 'bps_code', 'type', 'parent'}):
            return
        for subdivision in subdivisions:
            subdivision._check_kemendagri_code()

    def _check_kemendagri_code(self):
        if self.bps_code and not self.bps_code.isdigit():
            raise KemendagriCodeError(gettext(
                    'stock_regency.msg_subdivision_bps_code_invalid',
                    subdivision=self.rec_name, code=self.bps_code))
        code = self.kemendagri_code
        if not code:
            return
        if self.type in REGENCY_TYPES:
            valid = bool(REGENCY_CODE.match(code))
        else:
            valid = bool(KEMENDAGRI_CODE.match(code))
        if not valid:
            raise KemendagriCodeError(gettext(
                    'stock_regency.msg_subdivision_kemendagri_code_invalid',
                    subdivision=self.rec_name, code=code))
        if self.type in REGENCY_TYPES:
            # Permendagri 58/2021: kabupaten 01-69, kota 71-99
            number = int(code[3:5])
            expected = 'city' if number >= 71 else 'regency'
            if self.type != expected:
                raise KemendagriCodeError(gettext(
                        'stock_regency.msg_subdivision_kemendagri_code_type',
                        subdivision=self.rec_name, code=code))
        parent_code = self.parent.kemendagri_code if self.parent else None
        if parent_code and not code.startswith(parent_code + '.'):
            raise KemendagriCodeError(gettext(
                    'stock_regency.msg_subdivision_kemendagri_code_parent',
                    subdivision=self.rec_name, code=code,
                    parent=self.parent.rec_name, parent_code=parent_code))
