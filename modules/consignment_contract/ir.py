# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from trytond.pool import PoolMeta


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('consignment.contract|expire_ended',
                "Expire Ended Consignment Contracts"))
        cls.method.selection.append(
            ('consignment.settlement|settle_due',
                "Settle Consignments at Period End"))
        cls.method.selection.append(
            ('consignment.host_share|create_due',
                "Pay Host Institutions at Month End"))
        cls.method.selection.append(
            ('stock.period|close_previous_month',
                "Close the Stock Period of the Previous Month"))
        cls.method.selection.append(
            ('account.move|post_till_moves', "Post the Moves of Till Sales"))
