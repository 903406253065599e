# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The outcome of the coaching of suppliers (packaging, halal, BPOM,
SPP-IRT, digital marketing): the sales of the goods of each coached
supplier in the six months (182 days) before the coaching started and in
the six months after it ended, from the sales fact of the province reports
(till sales and sales orders, consigned goods by their consignor, own goods
by their producer)."""
from sql import Null
from sql.aggregate import Count, Min, Sum
from sql.conditionals import Case, Coalesce

from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from consignment_contract.consignment_return import days_between

# six months, in days
WINDOW_DAYS = 182


class CoachingOutcomeContext(ModelView):
    __name__ = 'party.coaching.outcome.context'
    __string__ = "Coaching Outcome Context"

    company = fields.Many2One('company.company', "Company", required=True)
    from_date = fields.Date(
        "From Date",
        help="Limit the figures to the coachings that started on or after "
        "the date.")
    to_date = fields.Date(
        "To Date",
        help="Limit the figures to the coachings that started on or before "
        "the date.")
    regency = fields.Many2One(
        'country.subdivision', "Origin Regency",
        domain=[
            ('type', 'in', ['regency', 'city']),
            ],
        help="Limit the figures to the suppliers of the regency.")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_from_date(cls):
        return Transaction().context.get('from_date')

    @classmethod
    def default_to_date(cls):
        return Transaction().context.get('to_date')

    @classmethod
    def default_regency(cls):
        return Transaction().context.get('regency')


class OutcomeMixin:
    __slots__ = ()

    company = fields.Many2One('company.company', "Company")
    currency = fields.Many2One('currency.currency', "Currency")
    revenue_before = Monetary(
        "Sales Before", digits='currency', currency='currency',
        help="The sales of the supplier's goods in the 182 days before the "
        "coaching started.")
    revenue_after = Monetary(
        "Sales After", digits='currency', currency='currency',
        help="The sales of the supplier's goods in the 182 days after the "
        "coaching ended (or started, when it has no end date).")
    revenue_change = fields.Function(fields.Float(
            "Change", digits=(16, 4),
            help="The sales after as a change of the sales before."),
        'get_revenue_change')

    def get_revenue_change(self, name):
        if self.revenue_before:
            return float(
                (self.revenue_after or 0) / self.revenue_before - 1)


class CoachingOutcome(OutcomeMixin, ModelSQL, ModelView):
    __name__ = 'party.coaching.outcome'
    __string__ = "Coaching Outcome"

    coaching = fields.Many2One('party.coaching', "Coaching")
    supplier = fields.Many2One(
        'party.party', "Supplier",
        context={
            'company': Eval('company', -1),
            },
        depends={'company'})
    regency = fields.Many2One('country.subdivision', "Origin Regency")
    area = fields.Selection('get_areas', "Programme Area")
    start_date = fields.Date("Start Date")
    end_date = fields.Date("End Date")
    state = fields.Selection('get_states', "State")
    days_after = fields.Integer(
        "Days Observed After",
        help="The days after the coaching that have passed (at most 182): "
        "the sales after are still growing while it is less.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('start_date', 'DESC'),
            ('id', 'DESC'),
            ]

    @classmethod
    def get_areas(cls):
        pool = Pool()
        Coaching = pool.get('party.coaching')
        return Coaching.fields_get(['area'])['area']['selection']

    @classmethod
    def get_states(cls):
        pool = Pool()
        Coaching = pool.get('party.coaching')
        return Coaching.fields_get(['state'])['state']['selection']

    @classmethod
    def _coachings(cls):
        "Return the query of the coachings of the context"
        pool = Pool()
        Coaching = pool.get('party.coaching')
        Party = pool.get('party.party')
        context = Transaction().context
        coaching = Coaching.__table__()
        party = Party.__table__()
        where = (coaching.company == context.get('company', -1)) & (
            coaching.state != 'cancelled') & (coaching.start_date != Null)
        if context.get('from_date'):
            where &= coaching.start_date >= context['from_date']
        if context.get('to_date'):
            where &= coaching.start_date <= context['to_date']
        if context.get('regency'):
            where &= party.origin_regency == context['regency']
        return (coaching
            .join(party, condition=coaching.supplier == party.id)
            .select(
                coaching.id.as_('id'),
                coaching.company.as_('company'),
                coaching.supplier.as_('supplier'),
                party.origin_regency.as_('regency'),
                coaching.area.as_('area'),
                coaching.start_date.as_('start_date'),
                coaching.end_date.as_('end_date'),
                Coalesce(coaching.end_date, coaching.start_date).as_(
                    'after_date'),
                coaching.state.as_('state'),
                where=where))

    @classmethod
    def _revenues(cls, coachings):
        """Return the query of the sales of each coaching's supplier before
        and after it, per coaching: the lines of the sales fact of the
        supplier joined to its coachings on the supplier, within the
        windows"""
        pool = Pool()
        User = pool.get('res.user')
        Fact = pool.get('sale.reporting.supplier')
        with Transaction().set_context(from_date=None, to_date=None):
            from_item, tables, withs = Fact._joins()
        line = tables['line']
        supplier = Fact._column_supplier(tables, withs)
        days_before = days_between(line.date, coachings.start_date)
        days_after = days_between(coachings.after_date, line.date)
        before = (days_before > 0) & (days_before <= WINDOW_DAYS)
        after = (days_after > 0) & (days_after <= WINDOW_DAYS)
        where = (line.company == coachings.company) & (before | after)
        # Outlet staff count the sales of their outlets only
        outlets = User.get_limited_outlets()
        if outlets is not None:
            where &= line.outlet.in_(list(outlets) or [-1])
        return (from_item
            .join(coachings, condition=coachings.supplier == supplier)
            .select(
                coachings.id.as_('coaching'),
                Fact._revenue(Case((before, line.quantity), else_=0),
                    tables, withs).as_('revenue_before'),
                Fact._revenue(Case((after, line.quantity), else_=0),
                    tables, withs).as_('revenue_after'),
                where=where,
                group_by=[coachings.id, tables['line.company.currency'].digits],
                with_=withs.values()))

    @classmethod
    def _outcomes(cls):
        "Return the query of the coachings with their sales before and after"
        pool = Pool()
        Company = pool.get('company.company')
        Date = pool.get('ir.date')
        company = Company.__table__()
        coachings = cls._coachings()
        revenues = cls._revenues(cls._coachings())
        days_after = days_between(coachings.after_date, Date.today())
        return (coachings
            .join(company, condition=coachings.company == company.id)
            .join(revenues, 'LEFT',
                condition=revenues.coaching == coachings.id)
            .select(
                coachings.id.as_('id'),
                coachings.id.as_('coaching'),
                coachings.company.as_('company'),
                company.currency.as_('currency'),
                coachings.supplier.as_('supplier'),
                coachings.regency.as_('regency'),
                coachings.area.as_('area'),
                coachings.start_date.as_('start_date'),
                coachings.end_date.as_('end_date'),
                coachings.state.as_('state'),
                Case((days_after < 0, 0),
                    (days_after > WINDOW_DAYS, WINDOW_DAYS),
                    else_=days_after).as_('days_after'),
                cls.revenue_before.sql_cast(
                    Coalesce(revenues.revenue_before, 0)).as_(
                    'revenue_before'),
                cls.revenue_after.sql_cast(
                    Coalesce(revenues.revenue_after, 0)).as_(
                    'revenue_after'),
                ))

    @classmethod
    def table_query(cls):
        return cls._outcomes()

    def get_rec_name(self, name):
        return self.coaching.rec_name if self.coaching else None

    @classmethod
    def search_rec_name(cls, name, clause):
        return [('coaching.rec_name', *clause[1:])]


class CoachingOutcomeArea(OutcomeMixin, ModelSQL, ModelView):
    __name__ = 'party.coaching.outcome.area'
    __string__ = "Coaching Outcome per Area"

    area = fields.Selection('get_areas', "Programme Area")
    area_string = area.translated('area')
    area_name = fields.Function(
        fields.Char("Programme Area"), 'get_area_name')
    coachings = fields.Integer("Coachings")
    suppliers = fields.Integer(
        "Suppliers Coached", help="The distinct suppliers coached.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('area', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def get_areas(cls):
        pool = Pool()
        Outcome = pool.get('party.coaching.outcome')
        return Outcome.get_areas()

    @classmethod
    def table_query(cls):
        pool = Pool()
        Outcome = pool.get('party.coaching.outcome')
        outcome = Outcome._outcomes()
        return outcome.select(
            Min(outcome.id).as_('id'),
            outcome.company.as_('company'),
            outcome.currency.as_('currency'),
            outcome.area.as_('area'),
            Count(outcome.id).as_('coachings'),
            Count(outcome.supplier, distinct=True).as_('suppliers'),
            cls.revenue_before.sql_cast(Sum(outcome.revenue_before)).as_(
                'revenue_before'),
            cls.revenue_after.sql_cast(Sum(outcome.revenue_after)).as_(
                'revenue_after'),
            group_by=[outcome.company, outcome.currency, outcome.area])

    def get_area_name(self, name):
        "The area as the user reads it (the graph shows the field's value)"
        return self.area_string if self.area else None

    def get_rec_name(self, name):
        return self.area_name
