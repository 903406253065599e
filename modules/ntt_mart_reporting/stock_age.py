# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The age of the consigned stock per outlet and supplier, in buckets of
days on the shelf (0–30, 31–60, 61–90, over 90): the stock held per
consignment location, product and lot (the consigned stock aging of
``consignment_contract``) is what is left of its last receipts, the goods
leaving first in, first out as the tills take them."""
from sql import Column, Literal, Null
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

from consignment_contract.consignment_return import (
    days_between, held_of_receipt)

# the upper bounds (days on the shelf) of the buckets but the last
BUCKETS = [('quantity_30', 30), ('quantity_60', 60), ('quantity_90', 90)]


class StockAgeContext(ModelView):
    __name__ = 'consignment.stock_age.context'
    __string__ = "Consigned Stock Age Context"

    outlet = fields.Many2One(
        'stock.location', "Outlet",
        domain=[
            ('type', '=', 'warehouse'),
            ],
        help="Limit the figures to the outlet.")
    regency = fields.Many2One(
        'country.subdivision', "Regency",
        domain=[
            ('type', 'in', ['regency', 'city']),
            ],
        help="Limit the figures to the outlets of the regency.")

    @classmethod
    def default_outlet(cls):
        return Transaction().context.get('outlet')

    @classmethod
    def default_regency(cls):
        return Transaction().context.get('regency')


class StockAge(ModelSQL, ModelView):
    __name__ = 'consignment.stock_age'
    __string__ = "Consigned Stock Age"

    outlet = fields.Many2One('stock.location', "Outlet")
    regency = fields.Many2One('country.subdivision', "Regency")
    supplier = fields.Many2One('party.party', "Supplier")
    quantity = fields.Float(
        "Quantity", help="The consigned units held at the outlet.")
    quantity_30 = fields.Float(
        "0–30 Days", help="The units on the shelf for 30 days or less.")
    quantity_60 = fields.Float(
        "31–60 Days", help="The units on the shelf for 31 to 60 days.")
    quantity_90 = fields.Float(
        "61–90 Days", help="The units on the shelf for 61 to 90 days.")
    quantity_older = fields.Float(
        "Over 90 Days", help="The units on the shelf for more than 90 days.")
    oldest_days = fields.Integer(
        "Oldest (Days)",
        help="The days on the shelf of the oldest units held.")
    pull_out_quantity = fields.Float(
        "To Pull Out",
        help="The units past the contract's shelf limit or end, or within "
        "the expiry margin of their lot.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('outlet', 'ASC'),
            ('oldest_days', 'DESC'),
            ('supplier', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def _held_ages_query(cls, today):
        """Return the query of the consigned stock aging (per location,
        product and lot) with the units of each row in each bucket of days
        on the shelf and the days of the oldest, from the receipts the row
        is left of (first in, first out)"""
        pool = Pool()
        Aging = pool.get('consignment.aging')
        held = Aging.table_query()
        receipt = Aging.receipts_query()
        condition, remaining = held_of_receipt(held, receipt)
        days = days_between(receipt.date, today)
        columns = []
        lower = None
        for name, upper in BUCKETS:
            within = days <= upper
            if lower is not None:
                within &= days > lower
            columns.append(
                Sum(Case((within, remaining), else_=0.0)).as_(name))
            lower = upper
        columns.append(Sum(Case((days > lower, remaining), else_=0.0)).as_(
                'quantity_older'))
        pull_out = Case((held.pull_out == Literal(True), held.quantity),
            else_=0.0)
        return (held
            .join(receipt, 'LEFT', condition=condition)
            .select(
                held.id.as_('id'),
                held.outlet.as_('outlet'),
                held.supplier.as_('supplier'),
                held.quantity.as_('quantity'),
                *columns,
                Max(Case((remaining > 0, days), else_=Null)).as_(
                    'oldest_days'),
                pull_out.as_('pull_out_quantity'),
                group_by=[held.id, held.outlet, held.supplier,
                    held.quantity, held.pull_out]))

    @classmethod
    def table_query(cls):
        """The consigned stock held per outlet and supplier, from the
        consigned stock aging in one pass; the units received otherwise
        than from the consignor (taken back from a customer) count in the
        total only"""
        pool = Pool()
        Date = pool.get('ir.date')
        Location = pool.get('stock.location')
        User = pool.get('res.user')
        context = Transaction().context
        held = cls._held_ages_query(Date.today())
        outlet = Location.__table__()

        where = Literal(True)
        if context.get('outlet'):
            where &= held.outlet == context['outlet']
        if context.get('regency'):
            where &= outlet.regency == context['regency']
        # The outlets of outlet staff, also in the query: the rule only
        # filters the rows, a regency's sum must not hold other outlets'
        outlets = User.get_limited_outlets()
        if outlets is not None:
            where &= held.outlet.in_(list(outlets) or [-1])
        quantities = [n for n, _ in BUCKETS] + [
            'quantity_older', 'quantity', 'pull_out_quantity']
        return (held
            .join(outlet, condition=held.outlet == outlet.id)
            .select(
                Min(held.id).as_('id'),
                held.outlet.as_('outlet'),
                outlet.regency.as_('regency'),
                held.supplier.as_('supplier'),
                *(Sum(Column(held, n)).as_(n) for n in quantities),
                Max(held.oldest_days).as_('oldest_days'),
                where=where,
                group_by=[held.outlet, outlet.regency, held.supplier]))

    def get_rec_name(self, name):
        names = [r.rec_name for r in [self.outlet, self.supplier] if r]
        return ' — '.join(names)

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('outlet.rec_name', operator, operand, *extra),
            ('supplier.rec_name', operator, operand, *extra),
            ]
