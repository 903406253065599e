# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.model import fields
from trytond.pool import PoolMeta


class Company(metaclass=PoolMeta):
    __name__ = 'company.company'
    pkp = fields.Boolean(
        "PKP",
        help="Check if the company is a Pengusaha Kena Pajak: only a PKP "
        "charges PPN (output VAT) to its customers.")

    @classmethod
    def default_pkp(cls):
        return False
