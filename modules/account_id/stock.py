# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta
from trytond.transaction import Transaction


class Move(metaclass=PoolMeta):
    __name__ = 'stock.move'

    @property
    def is_consignment_agent(self):
        "The goods moved belong to a consignor (agent accounting)"
        category = self.product.account_category
        if not category:
            return False
        with Transaction().set_context(company=self.company.id):
            return category.is_consignment_agent

    def _get_account_stock_move(self):
        # Consigned goods are never company stock: no continental valuation,
        # the clearing account carries their price until the consignor
        # invoices them.
        if self.is_consignment_agent:
            return
        return super()._get_account_stock_move()
