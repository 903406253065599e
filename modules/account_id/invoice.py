# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

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
            # a draft invoice has no number: its party names it, not its id
            if self.number:
                message, invoice = 'msg_invoice_tax_non_pkp', self.number
            else:
                message, invoice = (
                    'msg_invoice_new_tax_non_pkp', self.party.rec_name)
            raise NonPKPTaxError(gettext(
                    'account_id.' + message,
                    invoice=invoice,
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
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Invoice = pool.get('account.invoice')
        Product = pool.get('product.product')
        values = super().preprocess_values(mode, values)
        if (mode == 'create'
                and values.get('type', 'line') == 'line'
                and values.get('product')
                and not values.get('account')):
            # A product line without account takes the account of its
            # category or fails with the clear "missing account" error.
            type_ = values.get('invoice_type')
            company = values.get('company')
            if values.get('invoice'):
                invoice = Invoice(values['invoice'])
                type_ = type_ or invoice.type
                company = company or invoice.company.id
            with Transaction().set_context(
                    company=company or Transaction().context.get('company')):
                product = Product(values['product'])
                if type_ == 'out':
                    values['account'] = product.account_revenue_used.id
                elif type_ == 'in':
                    values['account'] = product.account_expense_used.id
        return values

    @classmethod
    def _account_domain(cls, type_):
        domain = super()._account_domain(type_)
        if type_ in {'out', 'in'}:
            # agent accounting: consigned goods are booked on the clearing
            domain = domain + [('type.consignment', '=', True)]
        return domain
