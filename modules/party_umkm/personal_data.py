# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Personal data of individual suppliers: the NIK, the 16-digit NPWP of a
person, and the addresses and contact mechanisms of the suppliers that are
individuals are readable and searchable only by the group UMKM Personal
Data (see doc/personal_data.rst)."""
import logging
import re

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

# the form of a NIK, or of the 16-digit NPWP of a person, valid or mistyped
_NIK = re.compile(r'(?<!\d)[1-9]\d{15}(?!\d)')


class NIKLogFilter(logging.Filter):
    """Mask the NIK in the log of the RPC calls: at INFO level trytond logs
    the arguments of each call, a search or a create by NIK with it"""

    def filter(self, record):
        message = record.getMessage()
        masked = _NIK.sub(lambda m: '*' * len(m.group()), message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


logging.getLogger('trytond.protocols.dispatcher').addFilter(NIKLogFilter())


def personal_data_hidden():
    """Return whether the personal data of individuals is hidden from the
    user of the transaction

    It depends on the user, not on the access check of the call: searches
    through relations run without access check (ModelSQL.search_domain) and
    must still not match personal data."""
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    if not Transaction().user:
        return False
    group = ModelData.get_id('party_umkm', 'group_personal_data')
    return group not in User.get_groups()


def domain_fields(domain):
    "Yield the first field name of each leaf of domain"
    if not domain or isinstance(domain, str):
        return
    if isinstance(domain[0], str) and domain[0] not in {'AND', 'OR'}:
        yield domain[0].split('.', 1)[0]
        return
    for clause in domain:
        if isinstance(clause, (list, tuple)):
            yield from domain_fields(clause)


class PersonalDataExportMixin:
    "Export the personal fields of the records of individuals as empty"
    __slots__ = ()

    @classmethod
    def _personal_data_fields(cls):
        "Return the names of the fields that hold personal data"
        return set()

    @classmethod
    def _personal_data_domain(cls):
        "Return the domain of the records that hold personal data"
        raise NotImplementedError

    @classmethod
    def _personal_data_column(cls, path):
        "Return whether the export path (field names) ends in personal data"
        pool = Pool()
        Model = cls
        for name in path:
            name = name.split('.', 1)[0].split(':', 1)[0]
            if name in getattr(Model, '_personal_data_fields', set)():
                return True
            field = Model._fields.get(name)
            if not field or not hasattr(field, 'get_target'):
                return False
            Model = pool.get(field.get_target().__name__)
        return False

    @classmethod
    def export_data(cls, records, fields_names, header=False):
        columns = [i for i, f in enumerate(fields_names)
            if cls._personal_data_column(f.split('/'))]
        if not columns or not records or not personal_data_hidden():
            return super().export_data(records, fields_names, header=header)
        with Transaction().set_user(0), without_check_access():
            personal = set(cls.search([
                        ('id', 'in', [r.id for r in records]),
                        cls._personal_data_domain(),
                        ], order=[]))
        data = super().export_data([], fields_names, header=header)
        for record in records:
            rows = super().export_data([record], fields_names)
            if record in personal:
                for row in rows:
                    for column in columns:
                        row[column] = ''
            data.extend(rows)
        return data


class PersonalDataMixin(PersonalDataExportMixin):
    """Hide the personal fields of the records of individuals from the users
    without the group: blank in reads and exports, not matched by searches
    or orders.

    The records stay readable, so that the documents that refer to them
    (a purchase and its invoice address) keep working for every user."""
    __slots__ = ()

    @classmethod
    def _personal_data_fields(cls):
        return super()._personal_data_fields() | {'rec_name'}

    @classmethod
    def _public_data_domain(cls):
        "Return the domain of the records that hold no personal data"
        raise NotImplementedError

    @classmethod
    def _personal_data_mask(cls, name):
        "Return the value shown instead of the field name"
        if name == 'rec_name':
            return gettext('party_umkm.msg_personal_data_hidden')
        return None

    @classmethod
    def _uses_personal_data(cls, domain=None, order=None):
        names = cls._personal_data_fields()
        return (any(n in names for n in domain_fields(domain))
            or any(o.split('.', 1)[0] in names for o, _ in order or []))

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        # the order on a personal field would place a hidden value
        if cls._uses_personal_data(order=order) and personal_data_hidden():
            domain = [domain, cls._public_data_domain()]
        return super().search(domain, offset=offset, limit=limit,
            order=order, count=count, query=query)

    @classmethod
    def search_domain(cls, domain, active_test=None, tables=None):
        if cls._uses_personal_data(domain=domain) and personal_data_hidden():
            domain = [domain, cls._public_data_domain()]
        return super().search_domain(
            domain, active_test=active_test, tables=tables)

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        names = {f for f in fields_names
            if f.split('.', 1)[0].split(':', 1)[0]
            in cls._personal_data_fields()}
        if (names and result and Transaction().check_access
                and personal_data_hidden()):
            with Transaction().set_user(0), without_check_access():
                personal = set(map(int, cls.search([
                                ('id', 'in', [r['id'] for r in result]),
                                cls._personal_data_domain(),
                                ], order=[])))
            for row in result:
                if row['id'] in personal:
                    for name in names:
                        row[name] = cls._personal_data_mask(name)
        return result


class PartyPersonalDataMixin(PersonalDataMixin):
    "Personal data of the records of a party"
    __slots__ = ()

    @classmethod
    def _personal_data_domain(cls):
        pool = Pool()
        Party = pool.get('party.party')
        return [('party', 'where', Party._personal_data_domain())]

    @classmethod
    def _public_data_domain(cls):
        pool = Pool()
        Party = pool.get('party.party')
        return [('party', 'not where', Party._personal_data_domain())]


class Address(PartyPersonalDataMixin, metaclass=PoolMeta):
    __name__ = 'party.address'

    @classmethod
    def _personal_data_fields(cls):
        return super()._personal_data_fields() | {
            'party_name', 'attn', 'street', 'street_unstructured',
            'street_name', 'building_name', 'building_number', 'unit_number',
            'floor_number', 'room_number', 'post_box', 'private_bag',
            'post_office', 'street_single_line', 'postal_code',
            'full_address',
            }


class ContactMechanism(PartyPersonalDataMixin, metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    @classmethod
    def _personal_data_fields(cls):
        return super()._personal_data_fields() | {
            'value', 'value_compact', 'name', 'comment', 'email', 'website',
            'skype', 'sip', 'other_value', 'url',
            }

