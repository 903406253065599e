# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import Workflow
from trytond.pool import Pool, PoolMeta


class POSSale(metaclass=PoolMeta):
    __name__ = 'sale.point.sale'

    @classmethod
    def pay(cls, sales):
        # Refuse before the customer pays
        cls.check_certificates(sales, record=False)
        return super().pay(sales)

    @classmethod
    @Workflow.transition('done')
    def do(cls, sales):
        cls.check_certificates(sales)
        super().do(sales)

    @classmethod
    def check_certificates(cls, sales, record=True):
        "Refuse to sell products without the certificates they need"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Certificate.gate_documents(
            ((s, s._certificate_items(), s.date) for s in sales),
            record=record)

    def _certificate_items(self):
        "Return the (product, None) pairs to check: any holder counts"
        return [(l.product, None) for l in self.lines if l.product]


class CertificateUsage(metaclass=PoolMeta):
    __name__ = 'party.certificate.usage'

    @classmethod
    def _get_documents(cls):
        return super()._get_documents() + ['sale.point.sale']
