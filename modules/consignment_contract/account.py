# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from trytond.model import ModelView, fields
from trytond.modules.product import price_digits
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction


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


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    @ModelView.button
    def post(cls, moves):
        # Numbering locks the row of the fiscal year's strict sequence until
        # commit: every till would wait for the others on it, so the moves
        # of till sales are left in draft and posted in batches
        if Transaction().context.get('_post_till_moves_later'):
            return
        super().post(moves)

    @classmethod
    def post_till_moves(cls, periods=None):
        """Post the draft moves of till sales and of their stock moves
        (scheduled task; also run when a period closes)"""
        domain = [('state', '=', 'draft')]
        if periods is not None:
            domain.append(('period', 'in', [p.id for p in periods]))
        moves = cls.search(domain + [
                ['OR',
                    ('origin', 'like', 'sale.point.sale,%'),
                    ('origin.origin', 'like', 'sale.point.sale.line,%',
                        'stock.move'),
                    ],
                ], order=[('date', 'ASC'), ('id', 'ASC')])
        if moves:
            cls.post(moves)
        return moves


class Period(metaclass=PoolMeta):
    __name__ = 'account.period'

    @classmethod
    def close(cls, periods):
        pool = Pool()
        Move = pool.get('account.move')
        Move.post_till_moves(periods)
        super().close(periods)
