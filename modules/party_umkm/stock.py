# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from itertools import groupby

from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class ShipmentIn(metaclass=PoolMeta):
    __name__ = 'stock.shipment.in'

    @classmethod
    @ModelView.button
    @Workflow.transition('received')
    def receive(cls, shipments):
        cls.check_certificates(shipments)
        super().receive(shipments)

    @classmethod
    def check_certificates(cls, shipments):
        "Refuse to receive products without the certificates they need"
        pool = Pool()
        Certificate = pool.get('party.certificate')
        Certificate.gate_documents(
            (s, s._certificate_items(), date)
            for s, date in cls._certificate_dates(shipments))

    @classmethod
    def _certificate_dates(cls, shipments):
        pool = Pool()
        Date = pool.get('ir.date')
        for company, c_shipments in groupby(
                shipments, key=lambda s: s.company):
            with Transaction().set_context(company=company.id):
                today = Date.today()
            for shipment in c_shipments:
                yield shipment, shipment.effective_date or today

    def _certificate_items(self):
        "Return the (product, supplier) pairs to check"
        return [(m.product, self.supplier) for m in self.incoming_moves
            if m.state != 'cancelled']


class CertificateUsage(metaclass=PoolMeta):
    __name__ = 'party.certificate.usage'

    @classmethod
    def _get_documents(cls):
        return super()._get_documents() + ['stock.shipment.in']
