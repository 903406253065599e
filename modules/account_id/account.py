# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
from decimal import Decimal

from sql.aggregate import Sum

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.modules.currency.fields import Monetary
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.tools import sqlite_apply_types
from trytond.transaction import Transaction
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import (
    ConsignmentCommissionError, ConsignmentConfigurationError)

# Templates of the Indonesian chart used as defaults by the Create Chart
# wizard; other charts simply leave the fields empty.
CHART_DEFAULTS = {
    'account_receivable': 'account_id.account_template_11300',
    'account_payable': 'account_id.account_template_21100',
    'consignment_clearing_account': 'account_id.account_template_21200',
    'consignment_commission_account': 'account_id.account_template_41200',
    }


def _consignment_field(template=False):
    return fields.Boolean(
        "Consignment Clearing",
        domain=[
            If((Eval('statement') != 'balance') | Eval('assets', False),
                ('consignment', '=', False), ()),
            ],
        states={
            'invisible': ((Eval('statement') != 'balance')
                | Eval('assets', False)),
            },
        help="Check for the liability that receives the price of goods "
        "sold on behalf of a consignor (agent accounting).\n"
        "Its accounts may be used as revenue and expense accounts of "
        "product categories and on invoice lines.")


class TypeTemplate(metaclass=PoolMeta):
    __name__ = 'account.account.type.template'
    consignment = _consignment_field(template=True)

    @classmethod
    def default_consignment(cls):
        return False

    def _get_type_value(self, type=None):
        values = super()._get_type_value(type=type)
        if not type or type.consignment != self.consignment:
            values['consignment'] = self.consignment
        return values


class Type(metaclass=PoolMeta):
    __name__ = 'account.account.type'
    consignment = _consignment_field()

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.consignment.states['readonly'] = (
            Bool(Eval('template', -1)) & ~Eval('template_override', False))

    @classmethod
    def default_consignment(cls):
        return False


def _consignment_accounts_fields(company):
    clearing = fields.Many2One(
        'account.account', "Consignment Clearing Account",
        domain=[
            ('closed', '!=', True),
            ('type.consignment', '=', True),
            ('company', '=', company),
            ],
        help="The liability credited with the price of consigned goods sold "
        "and debited by the consignor's invoice.")
    commission = fields.Many2One(
        'account.account', "Consignment Commission Account",
        domain=[
            ('closed', '!=', True),
            ('type.revenue', '=', True),
            ('company', '=', company),
            ],
        help="The revenue account of the commission left on the clearing "
        "account once the consignor is invoiced.")
    return clearing, commission


class Configuration(metaclass=PoolMeta):
    __name__ = 'account.configuration'
    consignment_clearing_account, consignment_commission_account = (
        _consignment_accounts_fields(Eval('context', {}).get('company', -1)))
    consignment_clearing_account = fields.MultiValue(
        consignment_clearing_account)
    consignment_commission_account = fields.MultiValue(
        consignment_commission_account)

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {
                'consignment_clearing_account',
                'consignment_commission_account'}:
            return pool.get('account.configuration.consignment_account')
        return super().multivalue_model(field)


class ConfigurationConsignmentAccount(ModelSQL, CompanyValueMixin):
    __name__ = 'account.configuration.consignment_account'
    consignment_clearing_account, consignment_commission_account = (
        _consignment_accounts_fields(Eval('company', -1)))


class Move(metaclass=PoolMeta):
    __name__ = 'account.move'

    @classmethod
    def get_consignment_clearing_balance(cls, company, date):
        """Return the credit balance of the consignment clearing account
        of the company for the posted and draft lines up to date."""
        pool = Pool()
        Line = pool.get('account.move.line')
        clearing, _ = cls._consignment_accounts(company)
        table = Line.__table__()
        move = cls.__table__()
        cursor = Transaction().connection.cursor()
        query = table.join(move, condition=table.move == move.id).select(
            Sum(table.credit - table.debit).as_('balance'),
            where=(table.account == clearing.id)
            & (move.date <= date)
            & (move.company == company.id))
        if backend.name == 'sqlite':
            sqlite_apply_types(query, ['NUMERIC'])
        cursor.execute(*query)
        balance, = cursor.fetchone()
        balance = Decimal(str(balance or 0))
        return company.currency.round(balance)

    @classmethod
    def _consignment_accounts(cls, company):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        config = Configuration(1)
        clearing = config.get_multivalue(
            'consignment_clearing_account', company=company.id)
        commission = config.get_multivalue(
            'consignment_commission_account', company=company.id)
        if not clearing or not commission:
            raise ConsignmentConfigurationError(gettext(
                    'account_id.msg_consignment_accounts_missing',
                    company=company.rec_name))
        return clearing, commission

    @classmethod
    def _consignment_commission_journal(cls):
        "Return the journal of commission moves: the miscellaneous journal"
        pool = Pool()
        Journal = pool.get('account.journal')
        ModelData = pool.get('ir.model.data')
        try:
            return Journal(
                ModelData.get_id('account', 'journal_miscellaneous'))
        except KeyError:
            journal, = Journal.search([
                    ('type', '=', 'general'),
                    ], order=[('id', 'ASC')], limit=1)
            return journal

    @classmethod
    def get_consignment_commission_move(
            cls, company, date, amount, journal=None, description=None,
            origin=None):
        """Return an unsaved move recognising amount as commission:
        debit the consignment clearing account, credit the commission
        revenue account.

        The settlement module calls it with the commission of one settlement
        (gross sales less the consignor's invoice) and the settlement as
        origin."""
        pool = Pool()
        Line = pool.get('account.move.line')
        Period = pool.get('account.period')
        clearing, commission = cls._consignment_accounts(company)
        amount = company.currency.round(amount)
        lang = pool.get('ir.lang').get()
        if not amount:
            raise ConsignmentCommissionError(gettext(
                    'account_id.msg_consignment_commission_zero',
                    date=lang.strftime(date)))
        if journal is None:
            journal = cls._consignment_commission_journal()
        if description is None:
            description = gettext(
                'account_id.msg_consignment_commission_description',
                date=lang.strftime(date))
        debit, credit = Line(), Line()
        debit.account, credit.account = clearing, commission
        if amount > 0:
            debit.debit, debit.credit = amount, Decimal(0)
            credit.debit, credit.credit = Decimal(0), amount
        else:
            # a loss on consigned goods (sold below the consignor price)
            debit.debit, debit.credit = Decimal(0), -amount
            credit.debit, credit.credit = -amount, Decimal(0)
        move = cls(
            company=company,
            journal=journal,
            period=Period.find(company, date=date),
            date=date,
            description=description,
            lines=[debit, credit])
        if origin is not None:
            move.origin = origin
        return move

    @classmethod
    def recognise_consignment_commission(
            cls, company, date, amount=None, journal=None, description=None,
            origin=None):
        """Post and return the commission move of the company at date.

        Without amount, the whole credit balance left on the consignment
        clearing account up to date is recognised: call it only when every
        consigned sale up to date has been invoiced by its consignor."""
        if amount is None:
            amount = cls.get_consignment_clearing_balance(company, date)
        move = cls.get_consignment_commission_move(
            company, date, amount, journal=journal, description=description,
            origin=origin)
        move.save()
        cls.post([move])
        return move


class TaxTemplate(metaclass=PoolMeta):
    __name__ = 'account.tax.template'
    dpp_ratio = fields.Numeric(
        "DPP Ratio", digits=(None, 10),
        domain=['OR',
            ('dpp_ratio', '=', None),
            [('dpp_ratio', '>', 0), ('dpp_ratio', '<=', 1)],
            ],
        states={
            'invisible': Eval('type') != 'percentage',
            },
        help="The part of the price that is the tax base "
        "(DPP nilai lain), e.g. 11/12 for PPN 12% on ordinary goods.\n"
        "Leave empty for the full price.")

    def _get_tax_value(self, tax=None):
        values = super()._get_tax_value(tax=tax)
        if not tax or tax.dpp_ratio != self.dpp_ratio:
            values['dpp_ratio'] = self.dpp_ratio
        return values


class Tax(metaclass=PoolMeta):
    __name__ = 'account.tax'
    dpp_ratio = fields.Numeric(
        "DPP Ratio", digits=(None, 10),
        domain=['OR',
            ('dpp_ratio', '=', None),
            [('dpp_ratio', '>', 0), ('dpp_ratio', '<=', 1)],
            ],
        states={
            'invisible': Eval('type') != 'percentage',
            'readonly': (Bool(Eval('template', -1))
                & ~Eval('template_override', False)),
            },
        help="The part of the price that is the tax base "
        "(DPP nilai lain), e.g. 11/12 for PPN 12% on ordinary goods.\n"
        "Leave empty for the full price.")

    @property
    def dpp_ratio_used(self):
        "The ratio of the price that is the tax base"
        if self.type == 'percentage' and self.dpp_ratio:
            return self.dpp_ratio
        return Decimal(1)

    def _process_tax(self, price_unit):
        values = super()._process_tax(price_unit)
        if values and self.type == 'percentage' and self.dpp_ratio:
            # The base recorded on tax lines (and so in the tax codes of the
            # PPN report and the e-Faktur) is the DPP, not the price.
            base = price_unit * self.dpp_ratio
            values['base'] = base
            values['amount'] = base * self.rate
        return values

    def _reverse_rate_amount_from_type(self, rate, amount):
        if self.type == 'percentage' and self.dpp_ratio:
            return rate + self.rate * self.dpp_ratio, amount
        return super()._reverse_rate_amount_from_type(rate, amount)


class CreateChartProperties(metaclass=PoolMeta):
    __name__ = 'account.create_chart.properties'
    consignment_clearing_account = fields.Many2One(
        'account.account', "Consignment Clearing Account",
        domain=[
            ('closed', '!=', True),
            ('type.consignment', '=', True),
            ('company', '=', Eval('company', -1)),
            ])
    consignment_commission_account = fields.Many2One(
        'account.account', "Consignment Commission Account",
        domain=[
            ('closed', '!=', True),
            ('type.revenue', '=', True),
            ('company', '=', Eval('company', -1)),
            ])


class CreateChart(metaclass=PoolMeta):
    __name__ = 'account.create_chart'

    def _account_id_default(self, name):
        try:
            return self.get_account(CHART_DEFAULTS[name])
        except (KeyError, ValueError):
            return None

    def default_properties(self, fields):
        defaults = super().default_properties(fields)
        for name in CHART_DEFAULTS:
            if name.startswith('account_') and defaults.get(name):
                continue
            account = self._account_id_default(name)
            if account:
                defaults[name] = account
        return defaults

    def transition_create_properties(self):
        pool = Pool()
        Configuration = pool.get('account.configuration')
        state = super().transition_create_properties()
        with Transaction().set_context(company=self.properties.company.id):
            config = Configuration(1)
            config.consignment_clearing_account = (
                self.properties.consignment_clearing_account)
            config.consignment_commission_account = (
                self.properties.consignment_commission_account)
            config.save()
        return state


class RecogniseConsignmentCommissionStart(ModelView):
    __name__ = 'account.consignment.commission.recognise.start'
    company = fields.Many2One('company.company', "Company", required=True)
    date = fields.Date("Date", required=True,
        help="The consigned sales up to this date are invoiced by their "
        "consignors.")
    currency = fields.Function(fields.Many2One(
            'currency.currency', "Currency"), 'on_change_with_currency')
    amount = Monetary(
        "Amount", currency='currency', digits='currency', required=True,
        help="The commission to recognise, by default the balance left on "
        "the consignment clearing account up to the date.")
    description = fields.Char("Description")

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_date(cls):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today()

    @fields.depends('company')
    def on_change_with_currency(self, name=None):
        return self.company.currency if self.company else None

    @fields.depends('company', 'date')
    def on_change_with_amount(self):
        pool = Pool()
        Move = pool.get('account.move')
        if self.company and self.date:
            try:
                return Move.get_consignment_clearing_balance(
                    self.company, self.date)
            except ConsignmentConfigurationError:
                return None


class RecogniseConsignmentCommission(Wizard):
    "Post the commission left on the consignment clearing account"
    __name__ = 'account.consignment.commission.recognise'
    start = StateView('account.consignment.commission.recognise.start',
        'account_id.consignment_commission_recognise_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Recognise", 'recognise', 'tryton-ok', default=True),
            ])
    recognise = StateTransition()

    def transition_recognise(self):
        pool = Pool()
        Move = pool.get('account.move')
        Move.recognise_consignment_commission(
            self.start.company, self.start.date, amount=self.start.amount,
            description=self.start.description or None)
        return 'end'
