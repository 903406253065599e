# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, Workflow
from trytond.pool import PoolMeta

from .exceptions import NonPKPTaxError
from .invoice import taxes_charged_by_pkp


class POSSale(metaclass=PoolMeta):
    __name__ = 'sale.point.sale'

    def check_pkp(self):
        "Refuse PPN on a till sale of a company that is not PKP"
        if self.company.pkp:
            return
        taxes = set()
        for line in self.lines:
            taxes.update(taxes_charged_by_pkp(line.taxes))
        if taxes:
            raise NonPKPTaxError(gettext(
                    'account_id.msg_pos_sale_tax_non_pkp',
                    sale=self.rec_name,
                    company=self.company.rec_name,
                    taxes=', '.join(sorted(t.rec_name for t in taxes))))

    @classmethod
    @ModelView.button
    @Workflow.transition('posted')
    def post(cls, sales):
        for sale in sales:
            sale.check_pkp()
        super().post(sales)
