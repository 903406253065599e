# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from itertools import groupby

from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Sale(metaclass=PoolMeta):
    __name__ = 'sale.sale'

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, sales):
        cls.check_certificates(sales)
        super().confirm(sales)

    @classmethod
    def check_certificates(cls, sales):
        "Refuse to sell products without the certificates they need"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Certificate.gate_documents(
            (s, s._certificate_items(), date)
            for s, date in cls._certificate_dates(sales))

    @classmethod
    def _certificate_dates(cls, sales):
        pool = Pool()
        Date = pool.get('ir.date')
        for company, c_sales in groupby(sales, key=lambda s: s.company):
            with Transaction().set_context(company=company.id):
                today = Date.today()
            for sale in c_sales:
                yield sale, sale.sale_date or today

    def _certificate_items(self):
        "Return the (product, None) pairs to check: any holder counts"
        return [(l.product, None) for l in self.lines
            if l.type == 'line' and l.product]


class CertificateUsage(metaclass=PoolMeta):
    __name__ = 'party.certificate.usage'

    @classmethod
    def _get_documents(cls):
        return super()._get_documents() + ['sale.sale']
