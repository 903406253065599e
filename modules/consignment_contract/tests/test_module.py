# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
import datetime as dt
from decimal import Decimal
from unittest.mock import patch

from consignment_contract.document import rupiah, tanggal
from consignment_contract.exceptions import (
    ConsignmentLocationError, SettlementError)
from consignment_contract.stock import order_sources
from trytond.model.exceptions import DomainValidationError
from trytond.modules.company.tests import create_company, set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction


class ConsignmentContractTestCase(ModuleTestCase):
    "Test Consignment Contract module"
    module = 'consignment_contract'

    def test_order_sources_consigned_first(self):
        "Consigned stock first, oldest intake first"
        fifo = {1: dt.date(2026, 3, 1), 2: dt.date(2026, 1, 1)}
        self.assertEqual(
            order_sources(['own'], [1, 2], fifo, 'consigned_first'),
            [2, 1, 'own'])

    def test_order_sources_own_first(self):
        "Own stock first, then consignments oldest first"
        fifo = {1: dt.date(2026, 3, 1), 2: dt.date(2026, 1, 1)}
        self.assertEqual(
            order_sources(['own'], [1, 2], fifo, 'own_first'),
            ['own', 2, 1])

    def test_document_date_and_amount(self):
        "Documents write dates and amounts as Indonesians do"
        self.assertEqual(tanggal(dt.date(2026, 12, 2)), "2 Desember 2026")
        self.assertEqual(tanggal(dt.date(2027, 2, 28)), "28 Februari 2027")
        self.assertEqual(tanggal(None), '')
        self.assertEqual(rupiah(Decimal('1250000')), "Rp1.250.000")

    def test_order_sources_same_day(self):
        "Intakes of the same day are taken in the order they were received"
        day = dt.date(2026, 3, 1)
        fifo = {1: (day, 20), 2: (day, 10), 3: (dt.date(2026, 2, 1), 30)}
        self.assertEqual(
            order_sources(['own'], [1, 2, 3], fifo, 'consigned_first'),
            [3, 2, 1, 'own'])
        # a location with no unit left comes first, dates alone still order
        fifo = {1: day, 2: (day, 5)}
        self.assertEqual(
            order_sources(['own'], [1, 2, 4], fifo, 'own_first'),
            ['own', 4, 1, 2])

    @with_transaction()
    def test_contract_line_unit_price(self):
        "The contract line prices what the consignor is owed per unit sold"
        pool = Pool()
        ContractLine = pool.get('consignment.contract.line')
        line = ContractLine(pricing='commission', commission=Decimal('0.2'))
        self.assertEqual(
            line.get_unit_price(Decimal('25000')), Decimal('20000'))
        self.assertIsNone(line.get_unit_price(None))
        line = ContractLine(
            pricing='consignor_price', consignor_price=Decimal('18000'))
        self.assertEqual(
            line.get_unit_price(Decimal('25000')), Decimal('18000'))

    @with_transaction()
    def test_host_share_amount(self):
        "The host's share of a commission, rounded to the rupiah"
        pool = Pool()
        Location = pool.get('stock.location')
        Currency = pool.get('currency.currency')
        idr = Currency(rounding=Decimal('1'), digits=0)
        outlet = Location(
            host_share_method='commission',
            host_commission_rate=Decimal('0.1250'))
        self.assertEqual(
            outlet.host_share_amount(Decimal('185003'), idr),
            Decimal('23125'))
        outlet = Location(
            host_share_method='fixed', host_monthly_fee=Decimal('500000'))
        self.assertEqual(
            outlet.host_share_amount(Decimal('185000'), idr), Decimal('0'))

    @with_transaction()
    def test_host_share_fixed_months(self):
        "Each month of the fixed host fee is charged once"
        pool = Pool()
        HostShare = pool.get('consignment.host_share')
        Location = pool.get('stock.location')
        outlet = Location(
            host_share_start=None, opening_date=dt.date(2026, 3, 15))
        share = HostShare(outlet=outlet, cutoff_date=dt.date(2026, 5, 31))
        self.assertEqual(
            share._fixed_months(None), (dt.date(2026, 3, 15), 3))
        share = HostShare(outlet=outlet, cutoff_date=dt.date(2026, 6, 30))
        self.assertEqual(
            share._fixed_months(dt.date(2026, 5, 31)),
            (dt.date(2026, 6, 1), 1))
        # June was charged by a share cut off mid-June
        self.assertEqual(
            share._fixed_months(dt.date(2026, 6, 15)),
            (dt.date(2026, 6, 16), 0))
        share = HostShare(outlet=outlet, cutoff_date=dt.date(2026, 7, 31))
        self.assertEqual(
            share._fixed_months(dt.date(2026, 6, 15)),
            (dt.date(2026, 6, 16), 1))
        outlet.host_share_start = dt.date(2026, 7, 1)
        share = HostShare(outlet=outlet, cutoff_date=dt.date(2026, 7, 31))
        self.assertEqual(
            share._fixed_months(None), (dt.date(2026, 7, 1), 1))

    @with_transaction()
    def test_aging_expiry_margin(self):
        "The pull-out expiry margin comes from the context, else configuration"
        pool = Pool()
        Aging = pool.get('consignment.aging')
        Configuration = pool.get('consignment.configuration')
        self.assertEqual(Aging.expiry_margin(), 30)
        Configuration.write([Configuration(1)], {'pull_out_expiry_margin': 7})
        self.assertEqual(Aging.expiry_margin(), 7)
        with Transaction().set_context(expiry_margin=10):
            self.assertEqual(Aging.expiry_margin(), 10)
            # The day counts and the flag are columns of one query
            self.assertEqual(Aging.search([('pull_out', '=', True)]), [])

    @with_transaction()
    def test_unsold_processable(self):
        "Only ended contracts have unsold goods to process"
        pool = Pool()
        Contract = pool.get('consignment.contract')
        Date = pool.get('ir.date')
        today = Date.today()
        contract = Contract(state='active', end_date=None)
        self.assertFalse(contract.has_ended)
        contract.end_date = today
        self.assertFalse(contract.has_ended)
        contract.end_date = today - dt.timedelta(days=1)
        self.assertTrue(contract.has_ended)
        for state in ['expired', 'terminated']:
            self.assertTrue(Contract(state=state).has_ended)
        self.assertFalse(Contract(state='draft').has_ended)

    @with_transaction()
    def test_statement_pdf_only_with_libreoffice(self):
        "The statement is a PDF when LibreOffice converts it, else an ODT"
        pool = Pool()
        Statement = pool.get(
            'consignment.settlement.statement', type='report')
        ActionReport = pool.get('ir.action.report')
        action, = ActionReport.search([
                ('report_name', '=', 'consignment.settlement.statement'),
                ])
        self.assertEqual(action.extension, 'pdf')
        with patch.object(Statement, '_converter_available',
                return_value=False), \
                patch('trytond.report.report.subprocess.run') as run:
            self.assertEqual(
                Statement.convert(action, b'content'), ('odt', b'content'))
            run.assert_not_called()
        with patch.object(Statement, '_converter_available',
                return_value=True), \
                patch('trytond.report.report.subprocess.run') as run:
            Statement.convert(action, b'content', retry=0)
            self.assertIn('pdf', ' '.join(run.call_args.args[0]))

    def _consigned_lines(self, company, suppliers, closed=()):
        """Create the payable and expense accounts, the suppliers and one
        consigned supplier line each, sold today; the lines of the supplier
        names in closed are on an expense account of their own.
        Return the lines and the company's today."""
        pool = Pool()
        AccountType = pool.get('account.account.type')
        Account = pool.get('account.account')
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        Location = pool.get('stock.location')
        InvoiceLine = pool.get('account.invoice.line')
        Date = pool.get('ir.date')
        payable_type = AccountType(name="Payable", statement='balance',
            payable=True, company=company)
        expense_type = AccountType(name="Expense", statement='income',
            expense=True, company=company)
        AccountType.save([payable_type, expense_type])
        payable = Account(name="Utang", type=payable_type,
            company=company, party_required=True, reconcile=True)
        accounts = {name: Account(
                name="Konsinyasi Lama" if name in closed else "Konsinyasi",
                type=expense_type, company=company)
            for name in suppliers}
        Account.save([payable] + list(accounts.values()))
        parties = [Party(name=name, account_payable=payable,
                addresses=[Address()])
            for name in suppliers]
        Party.save(parties)
        outlet, = Location.search([('type', '=', 'warehouse')], limit=1)
        today = Date.today()
        lines = [InvoiceLine(invoice_type='in', type='line',
                company=company, currency=company.currency,
                party=party, account=accounts[party.name],
                description="Kopi", quantity=1, unit_price=Decimal('20000'),
                consignment_outlet=outlet,
                consignment_selling_price=Decimal('25000'),
                consignment_date=today)
            for party in parties]
        InvoiceLine.save(lines)
        return lines, today

    @with_transaction()
    def test_settlement_attach_validates_lines(self):
        "Confirming fails on a line InvoiceLine.write could not attach"
        pool = Pool()
        InvoiceLine = pool.get('account.invoice.line')
        Settlement = pool.get('consignment.settlement')
        company = create_company()
        with set_company(company):
            lines, today = self._consigned_lines(
                company, ["UMKM Kopi", "UMKM Teh"], closed={"UMKM Teh"})
            # Closed after the sale: the account's domain on invoice lines
            # excludes it, so InvoiceLine.write of invoice would fail
            closed = lines[1].account
            closed.closed = True
            closed.save()
            with self.assertRaises(DomainValidationError) as cm:
                InvoiceLine.write([lines[1]], {'invoice': None})
            self.assertIn('"Account"', cm.exception.message)

            settlements = Settlement.settle(today, company=company)
            self.assertEqual(len(settlements), 2)
            ok, = [s for s in settlements if s.supplier == lines[0].party]
            Settlement.confirm([ok])
            self.assertEqual(lines[0].invoice, ok.invoice)
            failing, = [s for s in settlements if s != ok]
            with self.assertRaises(DomainValidationError) as cm:
                Settlement.confirm([failing])
            self.assertIn('"Account"', cm.exception.message)
            self.assertIn('"Account Invoice Line"', cm.exception.message)

    @with_transaction()
    def test_settlement_invoice_taxes(self):
        "The invoice of a taxed consignor line gets its tax, others none"
        pool = Pool()
        Account = pool.get('account.account')
        InvoiceLine = pool.get('account.invoice.line')
        Settlement = pool.get('consignment.settlement')
        Tax = pool.get('account.tax')
        company = create_company()
        with set_company(company):
            lines, today = self._consigned_lines(
                company, ["UMKM PKP", "UMKM Kopi"])
            AccountType = pool.get('account.account.type')
            tax_type = AccountType(name="Pajak", statement='balance',
                company=company)
            tax_type.save()
            tax_account = Account(name="PPN Masukan", company=company,
                type=tax_type)
            tax_account.save()
            ppn = Tax(name="PPN Masukan 12%", description="PPN 12%",
                type='percentage', rate=Decimal('.12'), company=company,
                invoice_account=tax_account,
                credit_note_account=tax_account)
            ppn.save()
            InvoiceLine.write([lines[0]], {'taxes': [('add', [ppn.id])]})

            settlements = Settlement.settle(today, company=company)
            Settlement.confirm(settlements)
            taxed, plain = sorted(settlements,
                key=lambda s: s.supplier != lines[0].party)
            self.assertEqual(taxed.invoice.untaxed_amount, Decimal('20000'))
            self.assertEqual(taxed.invoice.tax_amount, Decimal('2400'))
            tax, = taxed.invoice.taxes
            self.assertEqual(tax.tax, ppn)
            self.assertEqual(plain.invoice.taxes, ())
            self.assertEqual(plain.invoice.tax_amount, Decimal('0'))
            self.assertEqual(plain.invoice.total_amount, Decimal('20000'))

    @with_transaction()
    def test_consignment_location_leaf(self):
        "No location goes under a consignment location"
        pool = Pool()
        Location = pool.get('stock.location')
        Party = pool.get('party.party')
        supplier = Party(name="UMKM Tenun Ikat")
        supplier.save()
        consignment = Location(name="Konsinyasi Tenun", type='supplier',
            consignment_party=supplier)
        consignment.save()
        # Upstream allows only supplier locations under a supplier one
        shelf = Location(name="Rak Tenun", type='supplier')
        shelf.save()

        shelf.parent = consignment
        with self.assertRaises(ConsignmentLocationError) as cm:
            shelf.save()
        self.assertIn('"Rak Tenun"', cm.exception.message)
        self.assertIn('"Konsinyasi Tenun"', cm.exception.message)
        with self.assertRaises(ConsignmentLocationError):
            Location.create([{'name': "Rak Baru", 'type': 'supplier',
                        'parent': consignment.id}])
        # A consignment location without consignor is an ordinary one
        Location.write([consignment], {'consignment_party': None})
        shelf.parent = consignment
        shelf.save()

    @with_transaction()
    def test_settlement_attach_invoiced_line(self):
        "Confirming fails on a settled line put on another invoice"
        pool = Pool()
        Invoice = pool.get('account.invoice')
        InvoiceLine = pool.get('account.invoice.line')
        Settlement = pool.get('consignment.settlement')
        company = create_company()
        with set_company(company):
            (line,), today = self._consigned_lines(company, ["UMKM Kopi"])
            settlement, = Settlement.settle(today, company=company)
            # Put on an invoice by hand after the settlement run
            invoice = Invoice(company=company, type='in', party=line.party,
                currency=company.currency, invoice_date=today)
            invoice.on_change_type()
            invoice.on_change_party()
            invoice.save()
            InvoiceLine.write([line], {'invoice': invoice.id})
            with self.assertRaises(SettlementError) as cm:
                Settlement.confirm([settlement])
            self.assertIn(
                'is already on invoice', cm.exception.message)

del ModuleTestCase
