# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
from trytond.pool import PoolMeta


class Purchase(metaclass=PoolMeta):
    __name__ = 'purchase.purchase'

    @classmethod
    def _get_origin(cls):
        return super()._get_origin() + ['consignment.contract']
