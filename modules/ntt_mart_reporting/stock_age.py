# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The age of the consigned stock per outlet and supplier, in buckets of
days on the shelf (0–30, 31–60, 61–90, over 90): the stock held per
consignment location, product and lot (the consigned stock aging of
``consignment_contract``) is what is left of its last receipts, the goods
leaving first in, first out as the tills take them."""
from sql import Column, Literal, Null
from sql.aggregate import Max, Min, Sum
from sql.conditionals import Case, Coalesce

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
    def _ages_query(cls, today):
        """Return the query of the units held per outlet and supplier in
        each bucket of days on the shelf, and the days of the oldest"""
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
        return (held
            .join(receipt, condition=condition)
            .select(
                held.outlet.as_('outlet'),
                held.supplier.as_('supplier'),
                *columns,
                Max(Case((remaining > 0, days), else_=Null)).as_(
                    'oldest_days'),
                group_by=[held.outlet, held.supplier]))

    @classmethod
    def table_query(cls):
        """The consigned stock held per outlet and supplier, from the
        consigned stock aging; its days on the shelf from the receipts it
        is left of (first in, first out); the units received otherwise
        (taken back from a customer) count in the total only"""
        pool = Pool()
        Aging = pool.get('consignment.aging')
        Date = pool.get('ir.date')
        Location = pool.get('stock.location')
        User = pool.get('res.user')
        context = Transaction().context
        today = Date.today()
        held = Aging.table_query()
        ages = cls._ages_query(today)
        outlet = Location.__table__()

        totals = held.select(
            Min(held.id).as_('id'),
            held.outlet.as_('outlet'),
            held.supplier.as_('supplier'),
            Sum(held.quantity).as_('quantity'),
            Sum(Case((held.pull_out == Literal(True), held.quantity),
                    else_=0.0)).as_('pull_out_quantity'),
            group_by=[held.outlet, held.supplier])

        where = Literal(True)
        if context.get('outlet'):
            where &= totals.outlet == context['outlet']
        if context.get('regency'):
            where &= outlet.regency == context['regency']
        # The outlets of outlet staff, also in the query: the rule only
        # filters the rows, a regency's sum must not hold other outlets'
        outlets = User.get_limited_outlets()
        if outlets is not None:
            where &= totals.outlet.in_(list(outlets) or [-1])
        return (totals
            .join(outlet, condition=totals.outlet == outlet.id)
            .join(ages, 'LEFT',
                condition=(ages.outlet == totals.outlet)
                & (ages.supplier == totals.supplier))
            .select(
                totals.id.as_('id'),
                totals.outlet.as_('outlet'),
                outlet.regency.as_('regency'),
                totals.supplier.as_('supplier'),
                totals.quantity.as_('quantity'),
                *(Coalesce(Column(ages, name), 0.0).as_(name)
                    for name in [n for n, _ in BUCKETS] + ['quantity_older']),
                ages.oldest_days.as_('oldest_days'),
                totals.pull_out_quantity.as_('pull_out_quantity'),
                where=where))

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
