# This file is part of the account_id module for Tryton.
# The COPYRIGHT file at the top level of this repository contains the full
# copyright notices and license terms.
"""Proteus helpers to set up an Indonesian company.

They are used by the scenarios of this module and by the set-up scripts of
the NTT Mart profile (``ntt_mart``): none of them is test-only."""
import datetime
from decimal import Decimal

from proteus import Model, Wizard
from proteus.config import get_config
from trytond.modules.account.tests.tools import (
    create_fiscalyear as _create_fiscalyear)
from trytond.modules.company.tests.tools import create_company, get_company

__all__ = [
    'create_idr', 'create_company_id', 'get_today', 'create_chart',
    'get_accounts', 'get_taxes', 'get_tax_rule', 'create_fiscalyear',
    'create_payment_terms', 'create_product_categories', 'set_up_accounting',
    'ACCOUNT_CODES', 'TAX_TEMPLATES']

CHART = 'account_id.account_template_root'

# Names used by get_accounts() for the accounts of the chart
ACCOUNT_CODES = {
    'cash': '11100',
    'petty_cash': '11110',
    'bank': '11200',
    'receivable': '11300',
    'receivable_marketplace': '11310',
    'stock': '11400',
    'consigned_memo': '11410',
    'ppn_in': '11500',
    'pph22_prepaid': '11510',
    'pph23_prepaid': '11520',
    'payable': '21100',
    'consignment_clearing': '21200',
    'ppn_out': '21300',
    'pph21_payable': '21410',
    'pph22_payable': '21420',
    'pph23_payable': '21430',
    'pph_final_payable': '21440',
    'accrued': '21500',
    'customer_advance': '21600',
    'bank_loan': '22100',
    'capital': '31100',
    'drawings': '31200',
    'retained_earnings': '32100',
    'current_earnings': '32200',
    'revenue': '41100',
    'consignment_commission': '41200',
    'service_revenue': '41300',
    'sales_returns': '41900',
    'cogs': '51100',
    'cogs_consignment': '51200',
    'purchases': '51300',
    'expense': '61100',
    'other_income': '71100',
    'other_expense': '81100',
    'income_tax': '91100',
    }

# Names used by get_taxes() for the taxes of the chart
TAX_TEMPLATES = [
    'ppn_keluaran_dpp', 'ppn_keluaran_mewah', 'ppn_keluaran_bebas',
    'ppn_masukan_dpp', 'ppn_masukan_mewah', 'ppn_masukan_bebas',
    'pph23_dipotong', 'pph22_dipungut', 'pph_final_umkm',
    'pph23_dipotong_pelanggan', 'pph22_dipungut_pelanggan',
    ]


def create_idr(config=None):
    """Return the Indonesian rupiah, created if missing.

    Rupiah amounts are whole: rounding 1 and no decimal digit, so that
    invoice lines, taxes and totals are rounded to the rupiah."""
    Currency = Model.get('currency.currency', config=config)
    currencies = Currency.find([('code', '=', 'IDR')])
    if currencies:
        currency, = currencies
    else:
        currency = Currency(name="Rupiah", code='IDR', symbol='Rp')
    currency.rounding = Decimal('1')
    currency.digits = 0
    # Sales reporting converts amounts at the rates of the currency: without
    # one, every sale drops out of the reports
    if not currency.rates:
        rate = currency.rates.new()
        rate.date = datetime.date(1970, 1, 1)
        rate.rate = Decimal('1')
    currency.save()
    return currency


def create_company_id(
        party=None, name="NTT Mart", pkp=False, timezone='Asia/Makassar',
        config=None):
    """Create the company in rupiah with the PKP flag and return it.

    The time zone (NTT's by default) sets the company's today on the
    server. Wraps company's create_company (which also sets the user
    preferences)."""
    Party = Model.get('party.party', config=config)
    if party is None:
        party = Party(name=name)
        party.save()
    create_company(party=party, currency=create_idr(config=config),
        config=config)
    company = get_company(config=config)
    company.pkp = pkp
    company.timezone = timezone
    company.save()
    return company


def get_today(config=None):
    "Return the company's today (in its time zone), the server's date"
    if config is None:
        config = get_config()
    Date = Model.get('ir.date', config=config)
    return Date.today(config.context)


def create_chart(company=None, config=None):
    """Create the Indonesian chart of accounts for the company with the
    standard "Create Chart" wizard and return the wizard."""
    if config is None:
        config = get_config()
    AccountTemplate = Model.get('account.account.template', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    if not company:
        company = get_company(config=config)
    template = AccountTemplate(ModelData.get_id(CHART, config.context))

    create_chart = Wizard('account.create_chart', config=config)
    create_chart.execute('account')
    create_chart.form.account_template = template
    create_chart.form.company = company
    create_chart.execute('create_account')
    # The Indonesian defaults (11300, 21100, 21200, 41200) are proposed
    create_chart.execute('create_properties')
    return create_chart


def get_accounts(company=None, config=None):
    """Return the accounts of the Indonesian chart of the company by the
    names of ACCOUNT_CODES (and by code)."""
    Account = Model.get('account.account', config=config)
    if not company:
        company = get_company(config=config)
    accounts = {a.code: a for a in Account.find([
                ('company', '=', company.id),
                ('code', '!=', None),
                ])}
    result = dict(accounts)
    for name, code in ACCOUNT_CODES.items():
        if code in accounts:
            result[name] = accounts[code]
    return result


def get_taxes(company=None, config=None):
    """Return the taxes of the Indonesian chart of the company by the names
    of TAX_TEMPLATES."""
    Tax = Model.get('account.tax', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    if config is None:
        config = get_config()
    if not company:
        company = get_company(config=config)
    taxes = {}
    for name in TAX_TEMPLATES:
        template_id = ModelData.get_id(
            'account_id.tax_template_' + name, config.context)
        tax, = Tax.find([
                ('company', '=', company.id),
                ('template', '=', template_id),
                ])
        taxes[name] = tax
    return taxes


def get_tax_rule(name='pemasok_non_pkp', company=None, config=None):
    "Return the tax rule of the chart (default: non-PKP supplier)"
    TaxRule = Model.get('account.tax.rule', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    if config is None:
        config = get_config()
    if not company:
        company = get_company(config=config)
    rule, = TaxRule.find([
            ('company', '=', company.id),
            ('template', '=', ModelData.get_id(
                    'account_id.tax_rule_template_' + name, config.context)),
            ])
    return rule


def create_fiscalyear(
        company=None, year=None, stock_method=None, config=None):
    """Create, save and return the fiscal year (January to December of
    year) with monthly periods, its move sequence and (with account_invoice)
    its invoice sequences.

    stock_method 'continental' values stock in the accounts (needs
    account_stock_continental)."""
    if year is None:
        year = get_today(config=config).year
    fiscalyear = _create_fiscalyear(
        company=company,
        today=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        config=config)
    fiscalyear.name = str(year)
    if hasattr(fiscalyear, 'invoice_sequences'):
        from trytond.modules.account_invoice.tests.tools import (
            set_fiscalyear_invoice_sequences)
        fiscalyear = set_fiscalyear_invoice_sequences(
            fiscalyear, config=config)
    if stock_method:
        fiscalyear.account_stock_method = stock_method
    fiscalyear.click('create_period')
    return fiscalyear


def create_payment_terms(config=None):
    """Create and return the usual payment terms by name: 'tunai' (cash),
    'net14' and 'net30' days."""
    PaymentTerm = Model.get('account.invoice.payment_term', config=config)
    terms = {}
    for key, name, days in [
            ('tunai', "Tunai", 0),
            ('net14', "Net 14 hari", 14),
            ('net30', "Net 30 hari", 30),
            ]:
        term = PaymentTerm(name=name)
        line = term.lines.new(type='remainder')
        if days:
            line.relativedeltas.new(days=days)
        term.save()
        terms[key] = term
    return terms


def create_product_categories(company=None, pkp=None, config=None):
    """Create and return the accounting product categories by name:

    - 'beli_putus': own goods, gross revenue 41100, purchases 51300
      (continental stock 11400, COGS 51100 when account_stock_continental
      is activated), PPN 12% DPP 11/12 when the company is PKP;
    - 'konsinyasi': consigned goods, agent accounting: revenue and expense
      on the consignment clearing account 21200, PPN on the sale when PKP,
      no input PPN (most consignors are not PKP);
    - 'pokok': staple goods (PP 49/2022) like 'beli_putus' but PPN exempt.

    pkp defaults to the PKP flag of the company."""
    Category = Model.get('product.category', config=config)
    Tax = Model.get('account.tax', config=config)
    if not company:
        company = get_company(config=config)
    if pkp is None:
        pkp = company.pkp
    accounts = get_accounts(company, config=config)
    taxes = get_taxes(company, config=config)

    def category(name, revenue, expense, stock, customer_taxes,
            supplier_taxes):
        record = Category(name=name, accounting=True)
        record.account_revenue = accounts[revenue]
        record.account_expense = accounts[expense]
        if stock and hasattr(record, 'account_stock'):
            record.account_stock = accounts['stock']
            record.account_stock_in = accounts['purchases']
            record.account_stock_out = accounts['cogs']
        if pkp:
            record.customer_taxes.extend(Tax(t.id) for t in customer_taxes)
            record.supplier_taxes.extend(Tax(t.id) for t in supplier_taxes)
        record.save()
        return record

    return {
        'beli_putus': category(
            "Barang Dagang (Beli Putus)", 'revenue', 'purchases', True,
            [taxes['ppn_keluaran_dpp']], [taxes['ppn_masukan_dpp']]),
        'konsinyasi': category(
            "Barang Konsinyasi", 'consignment_clearing',
            'consignment_clearing', False,
            [taxes['ppn_keluaran_dpp']], []),
        'pokok': category(
            "Barang Kebutuhan Pokok (Bebas PPN)", 'revenue', 'purchases',
            True,
            [taxes['ppn_keluaran_bebas']], [taxes['ppn_masukan_bebas']]),
        }


def set_up_accounting(
        company=None, year=None, stock_method='continental', config=None):
    """Set up the accounting of an Indonesian company in one call and return
    a dictionary with:

    - 'chart': the Create Chart wizard (Indonesian chart),
    - 'fiscalyear': the fiscal year of year with monthly periods,
    - 'accounts': get_accounts(), 'taxes': get_taxes(),
    - 'payment_terms': create_payment_terms(),
    - 'categories': create_product_categories() (taxes after the PKP flag
      of the company).

    stock_method is ignored when account_stock_continental is not activated.
    """
    FiscalYear = Model.get('account.fiscalyear', config=config)
    if not company:
        company = get_company(config=config)
    if 'account_stock_method' not in FiscalYear._fields:
        stock_method = None
    chart = create_chart(company, config=config)
    fiscalyear = create_fiscalyear(
        company, year=year, stock_method=stock_method, config=config)
    return {
        'chart': chart,
        'fiscalyear': fiscalyear,
        'accounts': get_accounts(company, config=config),
        'taxes': get_taxes(company, config=config),
        'payment_terms': create_payment_terms(config=config),
        'categories': create_product_categories(company, config=config),
        }
