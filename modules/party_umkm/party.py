# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re
from decimal import Decimal

from sql import Null
from sql.functions import CharLength
from stdnum.id import npwp

from trytond.i18n import gettext
from trytond.model import ModelSQL, fields
from trytond.modules.party.exceptions import InvalidIdentifierCode
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from stock_regency.bounds import Bound, BoundsMixin

from .certificate import UMKM_CLASSES
from .exceptions import SupplierProfileError
from .personal_data import (
    PersonalDataExportMixin, PersonalDataMixin, personal_data_hidden)

# PP 24/2018: the NIB of the OSS is 13 digits, without public check digit
NIB_FORMAT = re.compile(r'^\d{13}$')

LEGAL_FORMS = [
    (None, ""),
    ('individual', "Individual"),
    ('ud', "UD (Usaha Dagang)"),
    ('cv', "CV (Persekutuan Komanditer)"),
    ('pt', "PT (Perseroan Terbatas)"),
    ('pt_perorangan', "PT Perorangan"),
    ('koperasi', "Koperasi"),
    ('bumdes', "BUMDes"),
    ('other', "Other"),
    ]


def npwp_forms(value):
    """Return the compact forms under which the NPWP value may be recorded:
    the 15-digit number of before 2024 and its 16-digit form (a 0 in front),
    or an empty list when value is not an NPWP"""
    if not isinstance(value, str):
        return []
    value = npwp.compact(value.strip('%'))
    if not npwp.is_valid(value):
        return []
    if len(value) == 15:
        return [value, '0' + value]
    if value.startswith('0'):
        return [value, value[1:]]
    return [value]


def is_personal_identifier(type_, code):
    """Return whether the identifier of type_ with code is personal data: a
    NIK, or a 16-digit NPWP that is not 0 and the 15 digits of an entity,
    which since 2024 (PMK 112/2022) is the NIK of the person"""
    if type_ == 'id_nik':
        return True
    if type_ == 'id_vat' and isinstance(code, str):
        code = npwp.compact(code)
        return len(code) == 16 and not code.startswith('0')
    return False


def format_npwp(value):
    """Return the NPWP as the tax office writes it: the 15-digit number with
    the dots and dash of its mask, the 16-digit number (since 2024, PER-06/
    PJ/2024) as its 16 digits only"""
    value = npwp.compact(value)
    if len(value) == 16:
        return value
    return npwp.format(value)

# The supplier profile's sane ranges: a business founded in the last
# century or later, the digits of the amounts (16, 2)
FOUNDING_YEAR_MIN = 1900
WORKFORCE_MAX = 1_000_000
PROFILE_AMOUNT_MAX = Decimal(10 ** 14)

class Party(BoundsMixin, PersonalDataExportMixin, metaclass=PoolMeta):
    __name__ = 'party.party'
    _history = True

    _umkm_states = {
        'invisible': ~Eval('umkm_supplier', False),
        }

    umkm_supplier = fields.Boolean(
        "UMKM Supplier",
        help="Check to record the business profile of the supplier.")
    umkm_legal_form = fields.Selection(
        LEGAL_FORMS, "Legal Form", states=_umkm_states)
    nib = fields.Char(
        "NIB", states=_umkm_states,
        help="The business identification number (Nomor Induk Berusaha) "
        "of the OSS, 13 digits.")
    origin_regency = fields.Many2One(
        'country.subdivision', "Origin Regency", ondelete='RESTRICT',
        domain=[
            ('type', 'in', ['regency', 'city']),
            ],
        states=_umkm_states,
        help="The regency (kabupaten) or city (kota) where the products "
        "are made.")
    origin_district = fields.Char(
        "District", states=_umkm_states, help="The kecamatan.")
    origin_village = fields.Char(
        "Village", states=_umkm_states, help="The desa or kelurahan.")
    workforce_total = fields.Integer(
        "Workforce", states=_umkm_states,
        domain=['OR',
            ('workforce_total', '=', None),
            ('workforce_total', '>=', 0),
            ],
        help="The number of people working in the business.")
    workforce_women = fields.Integer(
        "Women in Workforce", states=_umkm_states,
        domain=['OR',
            ('workforce_women', '=', None),
            ('workforce_women', '>=', 0),
            ])
    women_owned = fields.Boolean(
        "Women-Owned", states=_umkm_states,
        help="Check if the business is owned or led by women.")
    founding_year = fields.Integer("Founding Year", states=_umkm_states)
    annual_turnover = fields.Numeric(
        "Annual Sales", digits=(16, 2), states=_umkm_states,
        domain=['OR',
            ('annual_turnover', '=', None),
            ('annual_turnover', '>=', 0),
            ],
        help="The sales of the last year in IDR (penjualan tahunan).")
    business_capital = fields.Numeric(
        "Business Capital", digits=(16, 2), states=_umkm_states,
        domain=['OR',
            ('business_capital', '=', None),
            ('business_capital', '>=', 0),
            ],
        help="The business capital in IDR without land and buildings "
        "(modal usaha).")
    umkm_class = fields.Function(fields.Selection(
            [(None, "")] + UMKM_CLASSES, "UMKM Class",
            states=_umkm_states,
            help="Computed from the annual sales, or from the capital of a "
            "new business, with the thresholds of PP 7/2021."),
        'get_umkm_class', searcher='search_umkm_class')
    programmes = fields.Many2Many(
        'party.party-party.umkm.programme', 'party', 'programme',
        "Programmes", states=_umkm_states,
        help="The development programmes the supplier takes part in.")
    pkp = fields.Boolean(
        "PKP", states=_umkm_states,
        help="Check if the supplier is registered for VAT "
        "(Pengusaha Kena Pajak).")
    certificates = fields.One2Many(
        'party.certificate', 'supplier', "Certificates",
        states=_umkm_states)
    coachings = fields.One2Many(
        'party.coaching', 'supplier', "Coaching", states=_umkm_states)

    del _umkm_states

    @classmethod
    def default_umkm_supplier(cls):
        return False

    @classmethod
    def get_umkm_class(cls, parties, name):
        pool = Pool()
        Configuration = pool.get('party.umkm.configuration')
        configuration = Configuration(1)
        return {p.id: configuration.umkm_class(
                p.annual_turnover, p.business_capital)
            for p in parties}

    @property
    def holds_personal_data(self):
        "Whether the party is a person: its addresses and contacts are private"
        # keep in line with _personal_data_domain
        return self.umkm_legal_form == 'individual'

    @classmethod
    def _personal_data_domain(cls):
        "Return the domain of the parties that hold personal data"
        return [('umkm_legal_form', '=', 'individual')]

    @classmethod
    def _personal_data_fields(cls):
        return super()._personal_data_fields() | {
            'phone', 'mobile', 'fax', 'email', 'website'}

    def get_contact_mechanism(self, name):
        if self.holds_personal_data and personal_data_hidden():
            return ''
        return super().get_contact_mechanism(name)

    @classmethod
    def search_rec_name(cls, name, clause):
        # the identifiers of personal data are not matched for the users
        # without the group: PartyIdentifier.search_domain
        domain = super().search_rec_name(name, clause)
        _, operator, operand, *extra = clause
        # an NPWP is found under its 15- and its 16-digit form
        if (operator in {'=', 'ilike', 'like'} and domain[0] == 'OR'
                and (forms := npwp_forms(operand))):
            domain.append(('identifiers.code_compact', 'in', forms))
        return domain

    @classmethod
    def search_umkm_class(cls, name, clause):
        pool = Pool()
        Configuration = pool.get('party.umkm.configuration')
        configuration = Configuration(1)
        _, operator, value = clause[:3]
        if operator in {'=', '!='}:
            values = [value]
        elif operator in {'in', 'not in'}:
            values = list(value)
        else:
            return []

        def between(field, limits, class_):
            bounds = dict(zip(
                    ['mikro', 'kecil', 'menengah', 'besar'],
                    zip((None,) + limits, limits + (None,))))
            lower, upper = bounds[class_]
            domain = [(field, '!=', None)]
            if lower is not None:
                domain.append((field, '>', lower))
            if upper is not None:
                domain.append((field, '<=', upper))
            return domain

        domain = ['OR']
        turnover = configuration.get_thresholds('turnover')
        capital = configuration.get_thresholds('capital')
        for class_ in values:
            if class_ is None:
                domain.append([
                        ('annual_turnover', '=', None),
                        ('business_capital', '=', None),
                        ])
                continue
            domain.append(between('annual_turnover', turnover, class_))
            domain.append([
                    ('annual_turnover', '=', None),
                    between('business_capital', capital, class_),
                    ])
        if operator in {'!=', 'not in'}:
            # Negation of an OR of conditions on the same fields
            return [('id', 'not in', cls.search(domain, query=True))]
        return domain

    @classmethod
    def validate_fields(cls, parties, field_names):
        super().validate_fields(parties, field_names)
        cls.check_nib(parties, field_names)
        cls.check_workforce(parties, field_names)

    @classmethod
    def check_nib(cls, parties, field_names=None):
        if field_names and 'nib' not in field_names:
            return
        for party in parties:
            if party.nib and not NIB_FORMAT.match(party.nib):
                raise SupplierProfileError(gettext(
                        'party_umkm.msg_party_invalid_nib',
                        nib=party.nib, party=party.rec_name))

    @classmethod
    def check_workforce(cls, parties, field_names=None):
        if field_names and not (
                {'workforce_total', 'workforce_women'} & set(field_names)):
            return
        for party in parties:
            if (party.workforce_women is not None
                    and party.workforce_total is not None
                    and party.workforce_women > party.workforce_total):
                raise SupplierProfileError(gettext(
                        'party_umkm.msg_party_workforce_women',
                        party=party.rec_name))

    @classmethod
    def _field_bounds(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return super()._field_bounds() | {
            'founding_year': Bound(FOUNDING_YEAR_MIN, Date.today().year),
            'workforce_total': Bound(0, WORKFORCE_MAX),
            'workforce_women': Bound(0, WORKFORCE_MAX),
            'annual_turnover': Bound(0, PROFILE_AMOUNT_MAX),
            'business_capital': Bound(0, PROFILE_AMOUNT_MAX),
            }

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('certificates')
        default.setdefault('coachings')
        default.setdefault('nib')
        return super().copy(parties, default=default)


class PartyIdentifier(PersonalDataMixin, metaclass=PoolMeta):
    __name__ = 'party.identifier'
    _history = True
    personal = fields.Boolean(
        "Personal Data", readonly=True,
        help="Checked for a NIK and for the 16-digit NPWP of a person, "
        "which only the group UMKM Personal Data can see and search.")

    @classmethod
    def __register__(cls, module_name):
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        table_h = cls.__table_handler__(module_name)
        fill_personal = not table_h.column_exist('personal')

        super().__register__(module_name)

        if fill_personal:
            code = table.code_compact
            cursor.execute(*table.update([table.personal], [True],
                    where=(table.type == 'id_nik')
                    | ((table.type == 'id_vat')
                        & (CharLength(code) == 16)
                        & ~code.like('0%'))))
            cursor.execute(*table.update([table.personal], [False],
                    where=table.personal == Null))

    @classmethod
    def default_personal(cls):
        return False

    @classmethod
    def _personal_data_fields(cls):
        return super()._personal_data_fields() | {'code', 'code_compact'}

    @classmethod
    def _personal_data_domain(cls):
        return [('personal', '=', True)]

    @classmethod
    def _public_data_domain(cls):
        return [('personal', '=', False)]

    @classmethod
    def _uses_personal_data(cls, domain=None, order=None):
        # a personal identifier is found by no search, even on its type,
        # also through the relations (party.identifiers.code, the party's
        # rec_name) where ModelSQL.search_domain applies no record rule
        return True

    @fields.depends('type', 'party', 'code')
    def check_code(self):
        try:
            super().check_code()
        except InvalidIdentifierCode:
            if not is_personal_identifier(self.type, self.code):
                raise
            # the message must not echo the number into logs and screens
            party = (self.party.rec_name
                if self.party and self.party.id >= 0 else '')
            raise InvalidIdentifierCode(gettext(
                    'party_umkm.msg_identifier_invalid_personal',
                    type=self.type_string, party=party)) from None

    def _format_npwp(self, code):
        "Return code formatted if it is a valid NPWP, unchanged otherwise"
        if self.type == 'id_vat' and code and npwp.is_valid(code):
            return format_npwp(code)
        return code

    @fields.depends('type', 'code')
    def on_change_with_code(self):
        return self._format_npwp(super().on_change_with_code())

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if (mode == 'create' and values.get('type') == 'id_vat'
                and values.get('code') and npwp.is_valid(values['code'])):
            values['code'] = format_npwp(values['code'])
        return values

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        formatted = self._format_npwp(
            values.get('code', getattr(self, 'code', None)))
        if formatted != getattr(self, 'code', None):
            values['code'] = formatted
        else:
            values.pop('code', None)
        personal = is_personal_identifier(
            getattr(self, 'type', None), formatted)
        if personal != getattr(self, 'personal', None):
            values['personal'] = personal
        return values


class PartyProgramme(ModelSQL):
    "Party - UMKM Programme"
    __name__ = 'party.party-party.umkm.programme'
    # part of the supplier profile, like the party's own fields
    _history = True
    party = fields.Many2One(
        'party.party', "Party", required=True, ondelete='CASCADE')
    programme = fields.Many2One(
        'party.umkm.programme', "Programme", required=True,
        ondelete='CASCADE')
