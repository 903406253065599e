# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from trytond.pool import PoolMeta

CONSIGNMENT_CLAUSE = ('type.consignment', '=', True)


def allow_consignment_clearing(domain):
    """Return domain where the clauses on revenue or expense types also
    accept a consignment clearing account (agent accounting)."""
    result = []
    for clause in domain:
        if (isinstance(clause, tuple)
                and len(clause) == 3
                and clause[0] in {'type.revenue', 'type.expense'}
                and clause[1] == '='
                and clause[2] is True):
            clause = ['OR', clause, CONSIGNMENT_CLAUSE]
        result.append(clause)
    return result


class Category(metaclass=PoolMeta):
    __name__ = 'product.category'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for field in [cls.account_revenue, cls.account_expense]:
            field.domain = allow_consignment_clearing(field.domain)

    @property
    def is_consignment_agent(self):
        "Goods of the category are sold on behalf of a consignor"
        category = self
        while category and category.account_parent:
            category = category.parent
        if not category:
            return False
        account = category.get_multivalue('account_revenue')
        return bool(account and account.type and account.type.consignment)


class CategoryAccount(metaclass=PoolMeta):
    __name__ = 'product.category.account'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for field in [cls.account_revenue, cls.account_expense]:
            field.domain = allow_consignment_clearing(field.domain)
