# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

HALAL_STATUSES = [
    (None, ""),
    ('certified', "Certified"),
    ('in_process', "In Process"),
    ('not_required', "Not Required"),
    ('tidak_halal', "Tidak Halal"),
    ]


class Category(metaclass=PoolMeta):
    __name__ = 'product.category'

    certificate_requirements = fields.One2Many(
        'product.certificate.requirement', 'category',
        "Certificate Requirements",
        help="The certificates that products of the category (and of its "
        "sub-categories) need to be bought and sold.")


class Template(metaclass=PoolMeta):
    __name__ = 'product.template'

    producer = fields.Many2One(
        'party.party', "Producer", ondelete='RESTRICT',
        help="The supplier (UMKM) that makes the product.\n"
        "Only its certificates can cover the product.")
    origin_regency = fields.Many2One(
        'country.subdivision', "Origin", ondelete='RESTRICT',
        domain=[
            ('type', 'in', ['regency', 'city', 'province']),
            ],
        states={
            'invisible': Bool(Eval('imported')),
            },
        help="The regency (kabupaten) or city (kota) where the product is "
        "made, or the province of goods made elsewhere in Indonesia.\n"
        "Defaults to the origin regency of the producer.")
    imported = fields.Boolean(
        "Imported", help="Check for goods made outside Indonesia.")
    programmes = fields.Function(fields.Many2Many(
            'party.umkm.programme', None, None, "Programmes",
            help="The development programmes (OVOP, OCOP, OSOP…) of the "
            "producer, from its supplier profile."),
        'get_programmes', searcher='search_programmes')
    halal_status = fields.Selection(
        HALAL_STATUSES, "Halal Status",
        help="\"Tidak halal\" products are made from non-halal ingredients: "
        "they need no halal certificate but the statement is shown on "
        "labels, receipts and reports.")
    certificate_requirements = fields.One2Many(
        'product.certificate.requirement', 'template',
        "Certificate Requirements",
        help="The certificates this product needs in addition to those of "
        "its categories.")
    certificates = fields.Many2Many(
        'party.certificate-product.template', 'template', 'certificate',
        "Certificates",
        domain=[
            If(Bool(Eval('producer')),
                ('supplier', '=', Eval('producer', -1)),
                ()),
            ],
        help="The certificates that cover the product with all its "
        "variants; only those of its producer.")

    @classmethod
    def get_programmes(cls, templates, name):
        return {t.id: [p.id for p in t.producer.programmes]
            if t.producer else [] for t in templates}

    @classmethod
    def search_programmes(cls, name, clause):
        return [('producer.programmes' + clause[0][len(name):],
                *clause[1:])]

    @classmethod
    def default_imported(cls):
        return False

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        cls.check_certificates_producer(templates, field_names)

    @classmethod
    def check_certificates_producer(cls, templates, field_names=None):
        """Refuse the certificates linked from the product side that belong
        to another supplier than the producer, as the certificate does"""
        pool = Pool()
        Certificate = pool.get('party.certificate')
        if field_names and not (
                {'certificates', 'producer'} & set(field_names)):
            return
        Certificate.check_products_supplier(list({
                    c for t in templates for c in t.certificates}))

    @fields.depends('producer', 'origin_regency', 'imported')
    def on_change_producer(self):
        try:
            super().on_change_producer()
        except AttributeError:
            pass
        if self.producer and not self.origin_regency and not self.imported:
            self.origin_regency = self.producer.origin_regency

    @fields.depends('imported')
    def on_change_imported(self):
        if self.imported:
            self.origin_regency = None

    @property
    def is_tidak_halal(self):
        return self.halal_status == 'tidak_halal'

    @property
    def halal_statement(self):
        "The statement to print on labels and receipts"
        pool = Pool()
        Configuration = pool.get('party.umkm.configuration')
        if self.is_tidak_halal:
            return Configuration(1).tidak_halal_label or ''
        return ''

    def get_rec_name(self, name):
        name = super().get_rec_name(name)
        if statement := self.halal_statement:
            name = '%s (%s)' % (name, statement)
        return name

    @classmethod
    def copy(cls, templates, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('certificates')
        return super().copy(templates, default=default)


class Product(metaclass=PoolMeta):
    __name__ = 'product.product'

    variant_certificates = fields.Many2Many(
        'party.certificate-product.product', 'product', 'certificate',
        "Variant Certificates",
        help="The certificates that cover this variant only; "
        "only those of the product's producer.")
    certificate_missing = fields.Text(
        "Missing Certificates", readonly=True,
        help="The certificates the product lacks to be sold, "
        "as found by the daily expiry watch.")

    @classmethod
    def validate_fields(cls, products, field_names):
        pool = Pool()
        Certificate = pool.get('party.certificate')
        super().validate_fields(products, field_names)
        if not field_names or 'variant_certificates' in field_names:
            Certificate.check_products_supplier(list({
                        c for p in products for c in p.variant_certificates}))

    def get_rec_name(self, name):
        name = super().get_rec_name(name)
        if statement := self.template.halal_statement:
            name = '%s (%s)' % (name, statement)
        return name

    @classmethod
    def copy(cls, products, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('variant_certificates')
        default.setdefault('certificate_missing')
        return super().copy(products, default=default)

    @classmethod
    def _certificate_status_domain(cls):
        "Return the domain of the products whose certificates are watched"
        return [
            ('salable', '=', True),
            ] if 'salable' in cls._fields else []

    @classmethod
    def update_certificate_status(cls, date=None):
        """Store the missing certificates of sellable products at date

        Return the products that became unsellable.
        """
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Date = pool.get('ir.date')
        if date is None:
            date = Date.today()
        products = cls.search(cls._certificate_status_domain(), order=[])
        to_write, unsellable = [], []
        for sub_products in grouped_slice(products, 1000):
            sub_products = list(sub_products)
            missing = Certificate.get_missing(
                [(p, None) for p in sub_products], date)
            for product in sub_products:
                text = '\n'.join(missing.get(product, [])) or None
                if text != product.certificate_missing:
                    to_write.extend(([product], {
                                'certificate_missing': text,
                                }))
                    if text and not product.certificate_missing:
                        unsellable.append(product)
        if to_write:
            with Transaction().set_context(_check_access=False):
                cls.write(*to_write)
        return unsellable
