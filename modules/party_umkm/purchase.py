# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from itertools import groupby

from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    @classmethod
    @ModelView.button
    @Workflow.transition('confirmed')
    def confirm(cls, purchases):
        cls.check_certificates(purchases)
        super().confirm(purchases)

    @classmethod
    def check_certificates(cls, purchases):
        "Refuse to confirm products without the certificates they need"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Certificate.gate_documents(
            (p, p._certificate_items(), date)
            for p, date in cls._certificate_dates(purchases))

    @classmethod
    def _certificate_dates(cls, purchases):
        pool = Pool()
        Date = pool.get('ir.date')
        for company, c_purchases in groupby(
                purchases, key=lambda p: p.company):
            with Transaction().set_context(company=company.id):
                today = Date.today()
            for purchase in c_purchases:
                yield purchase, purchase.purchase_date or today

    def _certificate_items(self):
        "Return the (product, supplier) pairs to check"
        return [(l.product, self.party) for l in self.lines
            if l.type == 'line' and l.product]


class CertificateUsage(metaclass=PoolMeta):
    __name__ = 'party.certificate.usage'

    @classmethod
    def _get_documents(cls):
        return super()._get_documents() + ['purchase.purchase']
