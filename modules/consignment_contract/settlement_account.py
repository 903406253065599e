# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"""Commission posting per settlement, with the Indonesian accounting module
(``account_id``, registered only when it is activated).

With agent accounting, a consigned sale credits the consignment clearing
account with its whole price and the consignor's invoice debits it with the
consignor's share: what is left is NTT Mart's commission.  When the invoice
of a settlement is posted, the commission of the settlement (and of the held
settlements it pays) is moved from the clearing account to the commission
revenue account, with the settlement as origin, so that the ledger matches
the statement settlement by settlement."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView
from trytond.pool import Pool, PoolMeta

ZERO = Decimal(0)


class Settlement(metaclass=PoolMeta):
    __name__ = 'consignment.settlement'

    @classmethod
    def _agent_accounting(cls, company):
        """Tell if the company books consigned sales on the consignment
        clearing account (else there is no commission to move)"""
        pool = Pool()
        Configuration = pool.get('account.configuration')
        config = Configuration(1)
        return bool(
            config.get_multivalue(
                'consignment_clearing_account', company=company.id)
            and config.get_multivalue(
                'consignment_commission_account', company=company.id))

    def _get_commission_move(self):
        pool = Pool()
        Move = pool.get('account.move')
        amount = self.commission + sum(
            (s.commission for s in self.carried_from), ZERO)
        if not amount:
            return
        invoice = self.invoice
        date = (invoice.accounting_date or invoice.invoice_date
            if invoice else self.date)
        return Move.get_consignment_commission_move(
            self.company, date, amount,
            description=gettext(
                'consignment_contract.msg_settlement_commission_move',
                settlement=self.rec_name),
            origin=self)

    @classmethod
    def mark_posted(cls, settlements):
        pool = Pool()
        Move = pool.get('account.move')
        to_post = [s for s in settlements if s.state == 'confirmed']
        super().mark_posted(settlements)
        moves, with_move = [], []
        for settlement in to_post:
            if settlement.commission_move:
                continue
            if not cls._agent_accounting(settlement.company):
                continue
            move = settlement._get_commission_move()
            if move:
                moves.append(move)
                settlement.commission_move = move
                with_move.append(settlement)
        if moves:
            Move.save(moves)
            Move.post(moves)
            cls.save(with_move)

    @classmethod
    @ModelView.button
    def cancel(cls, settlements):
        pool = Pool()
        Move = pool.get('account.move')
        moves = [s.commission_move for s in settlements
            if s.commission_move and s.state != 'cancelled']
        super().cancel(settlements)
        if moves:
            cancels = [m.cancel() for m in moves]
            Move.post(cancels)


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['consignment.settlement']
