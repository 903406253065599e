# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from trytond.model import fields
from trytond.modules.product import price_digits
from trytond.pool import PoolMeta
from trytond.pyson import Eval


class InvoiceLine(metaclass=PoolMeta):
    __name__ = 'account.invoice.line'

    consignment_contract = fields.Many2One(
        'consignment.contract', "Consignment Contract", readonly=True,
        ondelete='RESTRICT',
        states={
            'invisible': ~Eval('consignment_contract'),
            })
    consignment_outlet = fields.Many2One(
        'stock.location', "Consignment Outlet", readonly=True,
        ondelete='RESTRICT',
        states={
            'invisible': ~Eval('consignment_outlet'),
            })
    consignment_selling_price = fields.Numeric(
        "Consignment Selling Price", digits=price_digits, readonly=True,
        states={
            'invisible': ~Eval('consignment_contract'),
            },
        help="The unit selling price (tax excluded) of the consigned goods.")

    @classmethod
    def copy(cls, lines, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('consignment_contract')
        default.setdefault('consignment_outlet')
        default.setdefault('consignment_selling_price')
        return super().copy(lines, default=default)
