# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import re
from collections import defaultdict

from sql import Null

from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields,
    sequence_ordered)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from stock_regency.bounds import Bound, BoundsMixin

from .exceptions import (
    CertificateGatingError, CertificateNumberWarning,
    CertificateValidationError)

UMKM_CLASSES = [
    ('mikro', "Micro"),
    ('kecil', "Small"),
    ('menengah', "Medium"),
    ('besar', "Large"),
    ]

CERTIFICATE_STATES = [
    ('valid', "Valid"),
    ('expiring', "Expiring"),
    ('expired', "Expired"),
    ('revoked', "Revoked"),
    ]


# the kinds of the documents gated by certificates, as clerks call them
# (the upstream model names read "Stock Shipment In")
DOCUMENT_KINDS = {
    'purchase.purchase': 'party_umkm.msg_document_kind_purchase',
    'sale.sale': 'party_umkm.msg_document_kind_sale',
    'sale.point.sale': 'party_umkm.msg_document_kind_pos_sale',
    'stock.shipment.in': 'party_umkm.msg_document_kind_shipment_in',
    }


def document_name(document, party=None, kind=None):
    """Return how a message names the document: its kind and number, or
    "the new <kind> of <party>" while it has no number (never its id)

    kind defaults to the one of DOCUMENT_KINDS or the model's name, party
    to the party or the supplier of the document."""
    if kind is None:
        if document.__name__ in DOCUMENT_KINDS:
            kind = gettext(DOCUMENT_KINDS[document.__name__])
        else:
            kind = document.__names__()['model'].lower()
    number = getattr(document, 'number', None)
    if number:
        return gettext('party_umkm.msg_document_number',
            kind=kind, number=number)
    if party is None:
        party = (getattr(document, 'party', None)
            or getattr(document, 'supplier', None))
    if party:
        return gettext('party_umkm.msg_document_new',
            kind=kind, party=party.rec_name)
    return gettext('party_umkm.msg_document_new_no_party', kind=kind)


def compact_number(number):
    "Return the number without spaces and separators, in upper case"
    if not number:
        return number
    return re.sub(r'[\s\-./:]', '', number).upper()


class CertificateType(BoundsMixin, DeactivableMixin, ModelSQL, ModelView):
    "Certificate Type"
    __name__ = 'party.certificate.type'

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    issuer = fields.Char(
        "Default Issuer",
        help="The body that usually issues this certificate.")
    halal = fields.Boolean(
        "Halal",
        help="Certifies that products are halal.\n"
        "Products marked \"tidak halal\" do not need it.")
    number_pattern = fields.Char(
        "Number Pattern",
        help="The regular expression that certificate numbers must match.\n"
        "Leave empty to accept any number.")
    number_pattern_strict = fields.Boolean(
        "Strict Pattern",
        states={
            'invisible': ~Eval('number_pattern'),
            },
        help="Refuse numbers that do not match the pattern.\n"
        "Leave unchecked for unconfirmed formats: the user is only warned.")
    number_refused_pattern = fields.Char(
        "Refused Pattern",
        help="The regular expression of numbers that are not certificates, "
        "such as halal process numbers (KH).")
    validity_years = fields.Integer(
        "Validity (years)",
        domain=['OR',
            ('validity_years', '=', None),
            ('validity_years', '>', 0),
            ],
        help="Used to propose the expiry date from the issue date.\n"
        "Leave empty when the certificate does not expire.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def _field_bounds(cls):
        return super()._field_bounds() | {
            'validity_years': Bound(0, 100, zero=False),
            }

    @classmethod
    def validate_fields(cls, types, field_names):
        super().validate_fields(types, field_names)
        cls.check_patterns(types, field_names)

    @classmethod
    def check_patterns(cls, types, field_names=None):
        if field_names and not (
                {'number_pattern', 'number_refused_pattern'} & field_names):
            return
        for type_ in types:
            for pattern in [
                    type_.number_pattern, type_.number_refused_pattern]:
                if not pattern:
                    continue
                try:
                    re.compile(pattern)
                except re.error as exception:
                    raise CertificateValidationError(gettext(
                            'party_umkm.msg_certificate_type_invalid_pattern',
                            type=type_.rec_name,
                            pattern=pattern,
                            exception=exception)) from exception

    def is_number_refused(self, number):
        "Tell if number is not a certificate of this type"
        return bool(self.number_refused_pattern
            and re.search(self.number_refused_pattern, number.strip(), re.I))

    def is_number_matching(self, number):
        "Tell if number follows the format of this type"
        return (not self.number_pattern
            or bool(re.fullmatch(
                    self.number_pattern, number.strip(), re.I)))


class Certificate(DeactivableMixin, ModelSQL, ModelView):
    "Certificate"
    __name__ = 'party.certificate'
    _history = True

    _states = {
        'readonly': Eval('state') == 'revoked',
        }

    type = fields.Many2One(
        'party.certificate.type', "Type", required=True, ondelete='RESTRICT',
        states=_states)
    number = fields.Char("Number", required=True, states=_states)
    number_compact = fields.Char("Number Compact", readonly=True)
    issuer = fields.Char("Issuer", states=_states)
    issue_date = fields.Date(
        "Issue Date", states=_states,
        domain=[
            If(Bool(Eval('issue_date')) & Bool(Eval('expiry_date')),
                ('issue_date', '<=', Eval('expiry_date')),
                ()),
            ])
    expiry_date = fields.Date(
        "Expiry Date", states=_states,
        help="Leave empty when the certificate does not expire, "
        "e.g. halal while the recipe is unchanged.")
    supplier = fields.Many2One(
        'party.party', "Supplier", required=True, ondelete='RESTRICT',
        states=_states,
        help="The supplier (UMKM) that holds the certificate.")
    products = fields.Many2Many(
        'party.certificate-product.product', 'certificate', 'product',
        "Variants", states=_states,
        help="The product variants covered by the certificate.")
    templates = fields.Many2Many(
        'party.certificate-product.template', 'certificate', 'template',
        "Products", states=_states,
        help="The products covered by the certificate, with all variants.")
    document = fields.Binary(
        "Document", filename='document_name', file_id='document_id',
        help="The scan of the certificate.")
    document_name = fields.Char("Document Name")
    document_id = fields.Char("Document ID", readonly=True)
    revoked_date = fields.Date("Revoked Date", readonly=True)
    revocation_reason = fields.Text(
        "Revocation Reason",
        states={
            'invisible': Eval('state') != 'revoked',
            })
    notes = fields.Text("Notes")
    usages = fields.One2Many(
        'party.certificate.usage', 'certificate', "Usages", readonly=True,
        help="The documents that were accepted thanks to this certificate.")
    state = fields.Selection(
        CERTIFICATE_STATES, "State", readonly=True, required=True, sort=False,
        help="Updated every day from the expiry date.")

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('type_number_unique', Unique(t, t.type, t.number_compact),
                'party_umkm.msg_certificate_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.number_compact, Index.Similarity())),
                Index(t, (t.expiry_date, Index.Range()),
                    where=t.expiry_date != Null),
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                })
        cls._order = [
            ('expiry_date', 'ASC NULLS LAST'),
            ('id', 'DESC'),
            ]
        cls._buttons.update({
                'revoke': {
                    'invisible': Eval('state') == 'revoked',
                    'depends': ['state'],
                    },
                'reinstate': {
                    'invisible': Eval('state') != 'revoked',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'valid'

    @fields.depends('type', 'issuer')
    def on_change_type(self):
        if self.type and not self.issuer:
            self.issuer = self.type.issuer

    @fields.depends('type', 'issue_date', 'expiry_date')
    def on_change_issue_date(self):
        if (self.type and self.type.validity_years and self.issue_date
                and not self.expiry_date):
            try:
                self.expiry_date = self.issue_date.replace(
                    year=self.issue_date.year + self.type.validity_years)
            except ValueError:
                # 29 February
                self.expiry_date = self.issue_date.replace(
                    year=self.issue_date.year + self.type.validity_years,
                    day=28)

    def get_rec_name(self, name):
        return '%s %s' % (self.type.rec_name, self.number)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('number_compact', operator, operand, *extra),
            ('type.name', operator, operand, *extra),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if 'number' in values:
            values['number'] = (values['number'] or '').strip()
            values['number_compact'] = compact_number(values['number'])
        return values

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if (field_names is None
                or {'expiry_date', 'revoked_date'} & set(field_names)):
            state = self.compute_state()
            if getattr(self, 'state', None) != state:
                values['state'] = state
        return values

    @classmethod
    def _expiring_days(cls):
        pool = Pool()
        Configuration = pool.get('party.umkm.configuration')
        return Configuration(1).get_expiring_days()

    def compute_state(self, date=None, expiring_days=None):
        "Return the state of the certificate on date (default today)"
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        if expiring_days is None:
            expiring_days = self._expiring_days()
        if getattr(self, 'revoked_date', None):
            return 'revoked'
        expiry_date = getattr(self, 'expiry_date', None)
        if expiry_date:
            if expiry_date < date:
                return 'expired'
            elif expiry_date <= date + dt.timedelta(days=expiring_days):
                return 'expiring'
        return 'valid'

    def is_valid_on(self, date):
        "Tell if the certificate can be relied on at date"
        return (self.active
            and not self.revoked_date
            and (not self.issue_date or self.issue_date <= date)
            and (not self.expiry_date or self.expiry_date >= date))

    def invalid_reason(self, date):
        "Return the translated reason why the certificate is not valid"
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        if self.revoked_date:
            return gettext('party_umkm.msg_certificate_reason_revoked')
        elif not self.active:
            return gettext('party_umkm.msg_certificate_reason_inactive')
        elif self.issue_date and self.issue_date > date:
            return gettext('party_umkm.msg_certificate_reason_not_issued',
                date=lang.strftime(self.issue_date))
        elif self.expiry_date and self.expiry_date < date:
            return gettext('party_umkm.msg_certificate_reason_expired',
                date=lang.strftime(self.expiry_date))

    @classmethod
    def validate_fields(cls, certificates, field_names):
        super().validate_fields(certificates, field_names)
        cls.check_dates(certificates, field_names)
        cls.check_number(certificates, field_names)
        cls.check_products_supplier(certificates, field_names)

    @classmethod
    def check_dates(cls, certificates, field_names=None):
        if field_names and not (
                {'issue_date', 'expiry_date'} & set(field_names)):
            return
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        for certificate in certificates:
            if (certificate.issue_date and certificate.expiry_date
                    and certificate.expiry_date < certificate.issue_date):
                raise CertificateValidationError(gettext(
                        'party_umkm.msg_certificate_expiry_before_issue',
                        certificate=certificate.rec_name,
                        expiry_date=lang.strftime(certificate.expiry_date),
                        issue_date=lang.strftime(certificate.issue_date)))

    @classmethod
    def check_number(cls, certificates, field_names=None):
        "Refuse or warn about numbers that do not follow the type's format"
        if field_names and not ({'type', 'number'} & set(field_names)):
            return
        pool = Pool()
        Warning = pool.get('res.user.warning')
        for certificate in certificates:
            type_, number = certificate.type, certificate.number
            if type_.is_number_refused(number):
                raise CertificateValidationError(gettext(
                        'party_umkm.msg_certificate_number_refused',
                        number=number, type=type_.rec_name))
            if not type_.is_number_matching(number):
                if type_.number_pattern_strict:
                    raise CertificateValidationError(gettext(
                            'party_umkm.msg_certificate_number_invalid',
                            number=number, type=type_.rec_name,
                            pattern=type_.number_pattern))
                key = Warning.format(
                    'certificate_number_pattern.%s'
                    % certificate.number_compact, [type_])
                if Warning.check(key):
                    raise CertificateNumberWarning(key, gettext(
                            'party_umkm.msg_certificate_number_unusual',
                            number=number, type=type_.rec_name,
                            pattern=type_.number_pattern))

    @classmethod
    def check_products_supplier(cls, certificates, field_names=None):
        "Refuse certificates covering the products of another producer"
        if field_names and not (
                {'supplier', 'products', 'templates'} & set(field_names)):
            return
        for certificate in certificates:
            templates = list(certificate.templates) + [
                p.template for p in certificate.products]
            for template in templates:
                if (template.producer
                        and template.producer != certificate.supplier):
                    raise CertificateValidationError(gettext(
                            'party_umkm'
                            '.msg_certificate_product_other_supplier',
                            certificate=certificate.rec_name,
                            product=template.rec_name,
                            producer=template.producer.rec_name,
                            supplier=certificate.supplier.rec_name))

    @classmethod
    def check_modification(
            cls, mode, certificates, values=None, external=False):
        pool = Pool()
        Usage = pool.get('party.certificate.usage')
        super().check_modification(
            mode, certificates, values=values, external=external)
        if mode == 'delete':
            for sub_certificates in grouped_slice(certificates, 1000):
                usages = Usage.search([
                        ('certificate', 'in',
                            [c.id for c in sub_certificates]),
                        ], limit=1, order=[])
                if usages:
                    usage, = usages
                    raise AccessError(gettext(
                            'party_umkm.msg_certificate_delete_used',
                            certificate=usage.certificate.rec_name,
                            document=document_name(usage.document)
                            if usage.document else ''))

    @classmethod
    def copy(cls, certificates, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('usages')
        default.setdefault('revoked_date')
        default.setdefault('document_id')
        return super().copy(certificates, default=default)

    @classmethod
    @ModelView.button
    def revoke(cls, certificates):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(certificates, {
                'revoked_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    def reinstate(cls, certificates):
        cls.write(certificates, {
                'revoked_date': None,
                })

    @classmethod
    def update_states(cls, date=None):
        """Set the state of certificates on date (default today)

        Called every day by the cron; return the certificates that changed.
        """
        pool = Pool()
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        limit = date + dt.timedelta(days=cls._expiring_days())
        domains = {
            'expired': [
                ('expiry_date', '<', date),
                ],
            'expiring': [
                ('expiry_date', '>=', date),
                ('expiry_date', '<=', limit),
                ],
            'valid': ['OR',
                ('expiry_date', '=', None),
                ('expiry_date', '>', limit),
                ],
            }
        changed = []
        to_write = []
        with Transaction().set_context(active_test=False):
            for state, domain in domains.items():
                certificates = cls.search([
                        ('revoked_date', '=', None),
                        ('state', '!=', state),
                        domain,
                        ], order=[])
                if certificates:
                    to_write.extend((certificates, {'state': state}))
                    changed.extend(certificates)
            if to_write:
                cls.write(*to_write)
        return changed

    @classmethod
    def watch_expiry(cls, date=None):
        """Update the states and report to the certification officers

        Return the certificates that changed and the products that became
        unsellable.
        """
        pool = Pool()
        Product = pool.get('product.product')
        changed = cls.update_states(date=date)
        products = Product.update_certificate_status(date=date)
        cls.notify_officers(changed, products)
        return changed, products

    @classmethod
    def notify_officers(cls, certificates, products):
        "Notify the certification officers about certificates and products"
        pool = Pool()
        Notification = pool.get('res.notification')
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        certificates = [c for c in certificates
            if c.state in {'expiring', 'expired'}]
        if not certificates and not products:
            return
        group_id = ModelData.get_id(
            'party_umkm', 'group_certification_officer')
        users = User.search([
                ('groups', '=', group_id),
                ])
        notifications = []
        for user in users:
            with Transaction().set_context(language=user.language.code
                    if user.language else None):
                if certificates:
                    notifications.append(Notification(
                            user=user,
                            label=gettext(
                                'party_umkm.msg_notification_certificates'),
                            description=gettext(
                                'party_umkm.'
                                'msg_notification_certificates_description',
                                count=len(certificates)),
                            model=cls.__name__,
                            records=str([c.id for c in certificates])))
                if products:
                    notifications.append(Notification(
                            user=user,
                            label=gettext(
                                'party_umkm.msg_notification_products'),
                            description=gettext(
                                'party_umkm.'
                                'msg_notification_products_description',
                                count=len(products)),
                            model='product.product',
                            records=str([p.id for p in products])))
        Notification.save(notifications)

    # Gating

    @classmethod
    def check_products(cls, items, date):
        """Raise CertificateGatingError if a product lacks a certificate

        items is an iterable of (product, supplier) pairs; supplier None
        means selling: any valid certificate covering the product counts.
        The error lists every missing certificate per product.
        """
        missing = cls.get_missing(items, date)
        if missing:
            raise CertificateGatingError(cls._gating_message(missing, date))

    @classmethod
    def get_missing(cls, items, date):
        """Return {product: [missing requirement text, ...]}

        Products that are fully covered (by certificates, approved
        exceptions or their halal status) are not in the result.
        """
        missing, _ = cls.get_coverage(items, date)
        return missing

    @classmethod
    def _gating_message(cls, missing, date, document=None):
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        lines = [
            gettext('party_umkm.msg_certificate_gating_line',
                product=product.rec_name,
                missing='; '.join(texts))
            for product, texts in sorted(
                missing.items(), key=lambda x: x[0].rec_name)]
        if document:
            return gettext('party_umkm.msg_certificate_gating_document',
                document=document_name(document),
                date=lang.strftime(date),
                products='\n'.join(lines))
        return gettext('party_umkm.msg_certificate_gating',
            date=lang.strftime(date),
            products='\n'.join(lines))

    @classmethod
    def get_coverage(cls, items, date):
        """Return (missing, used) for the (product, supplier) items at date

        missing is {product: [missing requirement text]} and used is
        {product: {certificate}} with the certificates that were relied on.
        """
        pool = Pool()
        Requirement = pool.get('product.certificate.requirement')
        Exception_ = pool.get('party.certificate.exception')

        items = list(dict.fromkeys(
                (p, s) for p, s in items if p))
        missing = defaultdict(list)
        used = defaultdict(set)
        if not items:
            return {}, {}
        products = list({p for p, _ in items})
        requirements = Requirement.get_product_requirements(products)
        if not any(requirements.values()):
            return {}, {}
        certificates = cls._get_gating_certificates(products, requirements)
        exceptions = Exception_.get_approved(products, date)

        for product, supplier in items:
            party = cls._get_umkm_party(product, supplier)
            for requirement in requirements.get(product, []):
                if not requirement.is_applicable(product, party, date):
                    continue
                if requirement.is_waived(product):
                    continue
                candidates = [c for c in certificates.get(product, [])
                    if c.type in requirement.types
                    and cls._is_holder_accepted(c, product, supplier)]
                valid = [c for c in candidates if c.is_valid_on(date)]
                if valid:
                    used[product].update(valid)
                    continue
                if any(e.covers(requirement, supplier)
                        for e in exceptions.get(product, [])):
                    continue
                text = requirement.get_missing_text(candidates, date)
                if text not in missing[product]:
                    missing[product].append(text)
        return dict(missing), dict(used)

    @classmethod
    def _get_umkm_party(cls, product, supplier):
        "Return the party whose UMKM class decides the requirements"
        return product.producer or supplier

    @classmethod
    def _is_holder_accepted(cls, certificate, product, supplier):
        """Tell if the holder of certificate counts for product and supplier

        When buying, the certificates of the supplier and of the producer of
        the product count; when selling (no supplier), any holder counts.
        """
        if not supplier:
            return True
        return certificate.supplier in {supplier, product.producer}

    @classmethod
    def _get_gating_certificates(cls, products, requirements):
        "Return {product: [certificates]} of the types required"
        type_ids = {t.id for rs in requirements.values()
            for r in rs for t in r.types}
        result = defaultdict(list)
        by_template = defaultdict(list)
        for product in products:
            by_template[product.template.id].append(product)
        product_ids = {p.id for p in products}
        with Transaction().set_context(active_test=False):
            certificates = cls.search([
                    ('type', 'in', list(type_ids)),
                    ['OR',
                        ('products', 'in', list(product_ids)),
                        ('templates', 'in', list(by_template)),
                        ],
                    ], order=[])
        for certificate in certificates:
            covered = set()
            for product in certificate.products:
                if product.id in product_ids:
                    covered.add(product)
            for template in certificate.templates:
                covered.update(by_template.get(template.id, []))
            for product in covered:
                result[product].append(certificate)
        return result

    @classmethod
    def gate_documents(cls, documents, record=True):
        """Check and record the certificates of documents

        documents is an iterable of (document, items, date); raise
        CertificateGatingError for the first document with missing
        certificates, otherwise record the certificates relied on.
        """
        pool = Pool()
        Usage = pool.get('party.certificate.usage')
        usages = []
        for document, items, date in documents:
            missing, used = cls.get_coverage(items, date)
            if missing:
                raise CertificateGatingError(
                    cls._gating_message(missing, date, document=document))
            if not record:
                continue
            for product, certificates in used.items():
                for certificate in certificates:
                    usages.append(Usage(
                            certificate=certificate,
                            product=product,
                            document=document,
                            date=date))
        Usage.save(usages)


class CertificateProduct(ModelSQL):
    "Certificate - Variant"
    __name__ = 'party.certificate-product.product'
    certificate = fields.Many2One(
        'party.certificate', "Certificate",
        required=True, ondelete='CASCADE')
    product = fields.Many2One(
        'product.product', "Variant", required=True, ondelete='CASCADE')


class CertificateTemplate(ModelSQL):
    "Certificate - Product"
    __name__ = 'party.certificate-product.template'
    certificate = fields.Many2One(
        'party.certificate', "Certificate",
        required=True, ondelete='CASCADE')
    template = fields.Many2One(
        'product.template', "Product", required=True, ondelete='CASCADE')


class CertificateUsage(ModelSQL, ModelView):
    "Certificate Usage"
    __name__ = 'party.certificate.usage'
    certificate = fields.Many2One(
        'party.certificate', "Certificate", required=True,
        ondelete='RESTRICT')
    product = fields.Many2One(
        'product.product', "Product", ondelete='CASCADE')
    document = fields.Reference(
        "Document", selection='get_documents', required=True)
    date = fields.Date("Date", required=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.certificate, Index.Equality())))

    @classmethod
    def _get_documents(cls):
        "Return the models of documents that are gated by certificates"
        return []

    @classmethod
    def get_documents(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        get_name = IrModel.get_name
        return [(None, '')] + [
            (m, get_name(m)) for m in cls._get_documents()]


class CertificateRequirement(sequence_ordered(), ModelSQL, ModelView):
    "Certificate Requirement"
    __name__ = 'product.certificate.requirement'

    category = fields.Many2One(
        'product.category', "Category", ondelete='CASCADE',
        states={
            'invisible': Bool(Eval('template')),
            'required': ~Eval('template'),
            })
    template = fields.Many2One(
        'product.template', "Product", ondelete='CASCADE',
        states={
            'invisible': Bool(Eval('category')),
            'required': ~Eval('category'),
            })
    types = fields.Many2Many(
        'product.certificate.requirement-party.certificate.type',
        'requirement', 'type', "Certificate Types", required=True,
        help="Any one of these certificates fulfils the requirement.")
    effective_date = fields.Date(
        "Effective Date",
        help="The date from which the requirement applies.\n"
        "Leave empty to apply it always.")
    umkm_classes = fields.MultiSelection(
        UMKM_CLASSES, "UMKM Classes", sort=False,
        help="The size classes of suppliers the requirement applies to.\n"
        "Leave empty for all. A supplier without class counts for all.")
    description = fields.Char("Description", translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.category, Index.Equality())),
                Index(t, (t.template, Index.Equality())),
                })

    def get_rec_name(self, name):
        return self.types_text

    @property
    def types_text(self):
        return gettext('party_umkm.msg_requirement_types_separator').join(
            t.rec_name for t in self.types)

    @classmethod
    def validate_fields(cls, requirements, field_names):
        super().validate_fields(requirements, field_names)
        for requirement in requirements:
            if not requirement.types:
                raise CertificateValidationError(gettext(
                        'party_umkm.msg_requirement_types_required'))

    @classmethod
    def get_product_requirements(cls, products):
        "Return {product: [requirements]} from products and categories"
        pool = Pool()
        Category = pool.get('product.category')
        TemplateCategory = pool.get('product.template-product.category.all')
        templates = {p.template.id for p in products}
        template_categories = defaultdict(set)
        for sub_templates in grouped_slice(list(templates), 1000):
            for relation in TemplateCategory.search([
                        ('template', 'in', list(sub_templates)),
                        ], order=[]):
                template_categories[relation.template.id].add(
                    relation.category.id)
        category_ids = set().union(*template_categories.values())
        # Requirements of a category apply to its sub-categories
        ancestors = {}
        if category_ids:
            categories = Category.browse(list(category_ids))
            for category in categories:
                ids, parent = set(), category
                while parent and parent.id not in ids:
                    ids.add(parent.id)
                    parent = parent.parent
                ancestors[category.id] = ids
        all_categories = set().union(*ancestors.values())
        requirements = cls.search(['OR',
                ('template', 'in', list(templates)),
                ('category', 'in', list(all_categories)),
                ])
        by_template = defaultdict(list)
        by_category = defaultdict(list)
        for requirement in requirements:
            if requirement.template:
                by_template[requirement.template.id].append(requirement)
            else:
                by_category[requirement.category.id].append(requirement)
        result = {}
        for product in products:
            template_id = product.template.id
            reqs = list(by_template.get(template_id, []))
            for category_id in template_categories.get(template_id, []):
                for ancestor_id in ancestors.get(category_id, []):
                    for requirement in by_category.get(ancestor_id, []):
                        if requirement not in reqs:
                            reqs.append(requirement)
            result[product] = reqs
        return result

    def is_applicable(self, product, party, date):
        """Tell if the requirement applies to the product at date

        party is the producer of the product (or the supplier when the
        producer is unknown); a party without UMKM class is subject to all
        classes.
        """
        if self.effective_date and date < self.effective_date:
            return False
        if self.umkm_classes and party and party.umkm_class:
            return party.umkm_class in self.umkm_classes
        return True

    def is_waived(self, product):
        "Tell if the halal status of the product waives the requirement"
        return (product.halal_status == 'tidak_halal'
            and all(t.halal for t in self.types))

    def get_missing_text(self, candidates, date):
        "Return the text of the missing requirement"
        for certificate in candidates:
            reason = certificate.invalid_reason(date)
            if reason:
                return gettext('party_umkm.msg_requirement_missing_invalid',
                    requirement=self.types_text,
                    certificate=certificate.number,
                    reason=reason)
        return self.types_text


class CertificateRequirementType(ModelSQL):
    "Certificate Requirement - Type"
    __name__ = 'product.certificate.requirement-party.certificate.type'
    requirement = fields.Many2One(
        'product.certificate.requirement', "Requirement",
        required=True, ondelete='CASCADE')
    type = fields.Many2One(
        'party.certificate.type', "Type", required=True, ondelete='CASCADE')


class CertificateException(Workflow, ModelSQL, ModelView):
    "Certificate Exception"
    __name__ = 'party.certificate.exception'
    _history = True

    _states = {
        'readonly': Eval('state') != 'draft',
        }

    product = fields.Many2One(
        'product.product', "Product", required=True, ondelete='RESTRICT',
        states=_states)
    supplier = fields.Many2One(
        'party.party', "Supplier", ondelete='RESTRICT', states=_states,
        help="Leave empty for any supplier.")
    types = fields.Many2Many(
        'party.certificate.exception-party.certificate.type',
        'exception', 'type', "Certificate Types", states=_states,
        help="The certificates that are not required.\n"
        "Leave empty for all.")
    date_start = fields.Date(
        "Start Date", required=True, states=_states,
        domain=[
            If(Bool(Eval('date_end')),
                ('date_start', '<=', Eval('date_end')),
                ()),
            ])
    date_end = fields.Date(
        "End Date", states=_states,
        help="Leave empty for no end.")
    reason = fields.Text("Reason", required=True, states=_states)
    approved_by = fields.Many2One('res.user', "Approved by", readonly=True)
    approved_date = fields.Date("Approved Date", readonly=True)
    state = fields.Selection([
            ('draft', "Draft"),
            ('approved', "Approved"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('date_start', 'DESC'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'approved'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'approve': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') == 'cancelled',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date_start(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return '%s (%s)' % (self.product.rec_name, self.reason.splitlines()[0]
            if self.reason else '')

    @classmethod
    def check_modification(cls, mode, exceptions, values=None, external=False):
        super().check_modification(
            mode, exceptions, values=values, external=external)
        if mode == 'delete':
            for exception in exceptions:
                if exception.state != 'draft':
                    raise AccessError(gettext(
                            'party_umkm.msg_exception_delete_draft',
                            exception=exception.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, exceptions):
        pool = Pool()
        Date = pool.get('ir.date')
        cls.write(exceptions, {
                'approved_by': Transaction().user,
                'approved_date': Date.today(),
                })

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, exceptions):
        pass

    def covers(self, requirement, supplier):
        "Tell if the exception exempts the requirement for the supplier"
        if self.supplier and self.supplier != supplier:
            return False
        return not self.types or bool(set(self.types) & set(requirement.types))

    @classmethod
    def get_approved(cls, products, date):
        "Return {product: [exceptions]} approved on date"
        result = defaultdict(list)
        for sub_products in grouped_slice(products, 1000):
            for exception in cls.search([
                        ('product', 'in', [p.id for p in sub_products]),
                        ('state', '=', 'approved'),
                        ('date_start', '<=', date),
                        ['OR',
                            ('date_end', '=', None),
                            ('date_end', '>=', date),
                            ],
                        ], order=[]):
                result[exception.product].append(exception)
        return result


class CertificateExceptionType(ModelSQL):
    "Certificate Exception - Type"
    __name__ = 'party.certificate.exception-party.certificate.type'
    exception = fields.Many2One(
        'party.certificate.exception', "Exception",
        required=True, ondelete='CASCADE')
    type = fields.Many2One(
        'party.certificate.type', "Type", required=True, ondelete='CASCADE')
