# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow
from trytond.pool import PoolMeta

from .exceptions import NonPKPTaxError


def taxes_charged_by_pkp(taxes):
    "Return the taxes that only a PKP may charge (PPN of a sale group)"
    result = []
    for tax in taxes:
        group = tax.group
        parent = tax.parent
        while not group and parent:
            group, parent = parent.group, parent.parent
        if group and group.code and group.code.startswith('PPN'):
            result.append(tax)
    return result


class Invoice(metaclass=PoolMeta):
    __name__ = 'account.invoice'

    def check_pkp(self):
        "Refuse PPN on a customer invoice of a company that is not PKP"
        if self.type != 'out' or self.company.pkp:
            return
        taxes = set()
        for line in self.line_lines:
            taxes.update(taxes_charged_by_pkp(line.taxes))
        for tax in self.taxes:
            if tax.tax:
                taxes.update(taxes_charged_by_pkp([tax.tax]))
        if taxes:
            raise NonPKPTaxError(gettext(
                    'account_id.msg_invoice_tax_non_pkp',
                    invoice=self.rec_name,
                    company=self.company.rec_name,
                    taxes=', '.join(sorted(t.rec_name for t in taxes))))

    @classmethod
    @ModelView.button
    @Workflow.transition('validated')
    def validate_invoice(cls, invoices):
        for invoice in invoices:
            invoice.check_pkp()
        super().validate_invoice(invoices)

    @classmethod
    def _post(cls, invoices):
        for invoice in invoices:
            invoice.check_pkp()
        super()._post(invoices)


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    @classmethod
    def _account_domain(cls, type_):
        domain = super()._account_domain(type_)
        if type_ in {'out', 'in'}:
            # agent accounting: consigned goods are booked on the clearing
            domain = domain + [('type.consignment', '=', True)]
        return domain
