# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The certification figures of the province: the certificates of the
suppliers that expire in the next 30, 60 and 90 days per origin regency
and type, and the share of the sales of certified goods per outlet."""
import datetime as dt

from sql import Literal, Null, Union
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.modules.sale.sale_reporting import Abstract, AbstractTimeseries
from trytond.pool import Pool
from trytond.transaction import Transaction

from .sale_reporting import FactMixin, OutletMixin

# the upper bounds (days before the expiry) of the buckets of expiring
# certificates
EXPIRY_BUCKETS = [('expiring_30', 30), ('expiring_60', 60),
    ('expiring_90', 90)]


class CertificateExpiryContext(ModelView):
    __name__ = 'party.certificate.expiry.context'
    __string__ = "Certificate Expiry Context"

    date = fields.Date(
        "Date", required=True,
        help="The day from which the days to the expiry are counted.")
    regency = fields.Many2One(
        'country.subdivision', "Origin Regency",
        domain=[
            ('type', 'in', ['regency', 'city']),
            ],
        help="Limit the figures to the suppliers of the regency.")

    @classmethod
    def default_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Transaction().context.get('date') or Date.today()

    @classmethod
    def default_regency(cls):
        return Transaction().context.get('regency')


class CertificateExpiry(ModelSQL, ModelView):
    __name__ = 'party.certificate.expiry'
    __string__ = "Certificate Expiry per Regency"

    regency = fields.Many2One(
        'country.subdivision', "Origin Regency",
        help="The origin regency of the suppliers holding the certificates.")
    type = fields.Many2One('party.certificate.type', "Type")
    certificates = fields.Integer(
        "Certificates",
        help="The certificates in force on the date (not revoked, "
        "not expired).")
    suppliers = fields.Integer(
        "Suppliers", help="The suppliers holding the certificates in force.")
    expiring_30 = fields.Integer(
        "Expiring in 30 Days",
        help="The certificates in force that expire within 30 days.")
    expiring_60 = fields.Integer(
        "Expiring in 31–60 Days",
        help="The certificates in force that expire in 31 to 60 days.")
    expiring_90 = fields.Integer(
        "Expiring in 61–90 Days",
        help="The certificates in force that expire in 61 to 90 days.")
    expiring_suppliers = fields.Integer(
        "Suppliers to Renew",
        help="The suppliers with a certificate expiring within 90 days.")
    expired = fields.Integer(
        "Expired",
        help="The active certificates that expired before the date "
        "(not revoked), still to renew.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('regency', 'ASC NULLS LAST'),
            ('type', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Date = pool.get('ir.date')
        Party = pool.get('party.party')
        context = Transaction().context
        certificate = Certificate.__table__()
        party = Party.__table__()
        date = context.get('date') or Date.today()
        if isinstance(date, dt.datetime):
            date = date.date()

        issued = (certificate.issue_date == Null) | (
            certificate.issue_date <= date)
        revoked = (certificate.revoked_date != Null) & (
            certificate.revoked_date <= date)
        in_force = issued & ~revoked & (
            (certificate.expiry_date == Null)
            | (certificate.expiry_date >= date))
        expired = ~revoked & (certificate.expiry_date < date)

        def count(condition):
            return Sum(Case((condition, 1), else_=0))
        columns = []
        lower = None
        for name, upper in EXPIRY_BUCKETS:
            within = in_force & (
                certificate.expiry_date <= date + dt.timedelta(days=upper))
            if lower is not None:
                within &= certificate.expiry_date > (
                    date + dt.timedelta(days=lower))
            columns.append(count(within).as_(name))
            lower = upper
        expiring = in_force & (
            certificate.expiry_date <= date + dt.timedelta(days=lower))

        where = certificate.active == Literal(True)
        if context.get('regency'):
            where &= party.origin_regency == context['regency']
        return (certificate
            .join(party, condition=certificate.supplier == party.id)
            .select(
                Min(certificate.id).as_('id'),
                party.origin_regency.as_('regency'),
                certificate.type.as_('type'),
                count(in_force).as_('certificates'),
                Count(Case((in_force, certificate.supplier),
                        else_=Null), distinct=True).as_('suppliers'),
                *columns,
                Count(Case((expiring, certificate.supplier),
                        else_=Null), distinct=True).as_('expiring_suppliers'),
                count(expired).as_('expired'),
                where=where,
                group_by=[party.origin_regency, certificate.type]))

    def get_rec_name(self, name):
        names = [r.rec_name for r in [self.regency, self.type] if r]
        return ' — '.join(names)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('regency.rec_name', operator, operand, *extra),
            ('type.rec_name', operator, operand, *extra),
            ]


class CertificationMixin:
    """The sales of certified goods: the goods covered on the day of the
    sale by a certificate in force (of their product or variant), and the
    goods that lack a required certificate today"""
    __slots__ = ()

    certified_revenue = Monetary(
        "Certified Revenue", digits='currency', currency='currency',
        help="The sales of goods that held a certificate in force "
        "(halal, BPOM, SPP-IRT…) on the day of the sale.")
    certified_share = fields.Function(fields.Float(
            "Certified Share", digits=(16, 4),
            help="The certified revenue as a share of the revenue."),
        'get_share')
    missing_revenue = Monetary(
        "Revenue Lacking Certificates", digits='currency',
        currency='currency',
        help="The sales of goods that lack a required certificate today "
        "(as found by the daily expiry watch): they cannot be sold again "
        "until the certificate is renewed.")
    missing_share = fields.Function(fields.Float(
            "Lacking Share", digits=(16, 4),
            help="The revenue lacking certificates as a share of the "
            "revenue."),
        'get_share')

    @classmethod
    def _certified_products(cls):
        """Return the query of the periods in which products are covered by
        a certificate in force: per product (variant), the issue date (or
        none), the day before the expiry or revocation (or none)"""
        pool = Pool()
        Certificate = pool.get('party.certificate')
        CertificateProduct = pool.get('party.certificate-product.product')
        CertificateTemplate = pool.get('party.certificate-product.template')
        Product = pool.get('product.product')
        certificate = Certificate.__table__()
        certificate_product = CertificateProduct.__table__()
        certificate_template = CertificateTemplate.__table__()
        product = Product.__table__()

        def columns(product_column):
            return [
                product_column.as_('product'),
                certificate.issue_date.as_('start_date'),
                certificate.expiry_date.as_('end_date'),
                certificate.revoked_date.as_('revoked_date'),
                ]
        where = certificate.active == Literal(True)
        variants = (certificate_product
            .join(certificate,
                condition=certificate_product.certificate == certificate.id)
            .select(*columns(certificate_product.product), where=where))
        templates = (certificate_template
            .join(certificate,
                condition=certificate_template.certificate == certificate.id)
            .join(product,
                condition=product.template == certificate_template.template)
            .select(*columns(product.id), where=where))
        return variants | templates

    @classmethod
    def _certified_days(cls):
        """Return the query of the products sold covered by a certificate in
        force on the day of their sale: the product and the date of the
        lines of the context's period, each pair once.  The lines are read
        a second time and joined to the periods of the certificates on the
        product, then grouped: a subquery run per line (it scanned the
        certificates for each of them) took most of the report's time"""
        context = Transaction().context
        sources = cls._lines()
        line = Union(*(source(len(sources), i, context.get('company'))
                for i, source in enumerate(sources)), all_=True)
        covered = cls._certified_products()
        where = (((covered.start_date == Null)
                | (covered.start_date <= line.date))
            & ((covered.end_date == Null)
                | (covered.end_date >= line.date))
            & ((covered.revoked_date == Null)
                | (covered.revoked_date > line.date)))
        if context.get('from_date'):
            where &= line.date >= context['from_date']
        if context.get('to_date'):
            where &= line.date <= context['to_date']
        return (line
            .join(covered, condition=covered.product == line.product)
            .select(line.product.as_('product'), line.date.as_('date'),
                where=where,
                group_by=[line.product, line.date]))

    @classmethod
    def _joins(cls):
        from_item, tables, withs = super()._joins()
        line = tables['line']
        if 'line.certified' not in tables:
            certified = tables['line.certified'] = cls._certified_days()
            from_item = from_item.join(certified, 'LEFT',
                condition=(certified.product == line.product)
                & (certified.date == line.date))
        return from_item, tables, withs

    @classmethod
    def _is_certified(cls, tables, withs):
        "Return the condition of the lines of goods certified on their day"
        return tables['line.certified'].product != Null

    @classmethod
    def _columns(cls, tables, withs):
        line = tables['line']
        product = tables['line.product']
        certified = Case(
            (cls._is_certified(tables, withs), line.quantity), else_=0)
        missing = Case(
            ((product.certificate_missing != Null)
                & (product.certificate_missing != ''), line.quantity),
            else_=0)
        return super()._columns(tables, withs) + [
            cls._revenue(certified, tables, withs).as_('certified_revenue'),
            cls._revenue(missing, tables, withs).as_('missing_revenue'),
            ]


class OutletCertification(
        CertificationMixin, OutletMixin, FactMixin, Abstract, ModelView):
    __name__ = 'sale.reporting.outlet.certification'
    __string__ = "Certified Sales per Outlet"

    time_series = fields.One2Many(
        'sale.reporting.outlet.certification.time_series', 'outlet',
        "Time Series")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('outlet', 'ASC'))

    @classmethod
    def _column_id(cls, tables, withs):
        return tables['line'].outlet


class OutletCertificationTimeseries(
        CertificationMixin, OutletMixin, FactMixin, AbstractTimeseries,
        ModelView):
    __name__ = 'sale.reporting.outlet.certification.time_series'
    __string__ = "Certified Sales per Outlet and Period"
