# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A day at NTT Mart Kota Kupang in the web client, each role in turn
(issue #13), on the master data of the ``world`` fixture:

1. the consignment officer writes a contract with two lines, activates it,
   and receives the supplier's goods (an intake);
2. the cashier opens the till (the till picker shows only the outlet's
   tills), sells consigned and own goods paid with QRIS and cash, and
   prints the receipt;
3. the outlet manager posts the sale and closes and posts the cash session;
4. the officer settles with the supplier and downloads the statement;
5. the province analyst reads the sales, settlements and stock, and cannot
   change them;
6. the officer opens the product: its consigned stock, its price without
   decimals, and the producer's certificate linked from the product.

The tests run in this order and each needs the one before."""
import datetime as dt
import re

import pytest
from trytond import backend

from browser.sao import (
    click_button, complete, fill, fill_many2one, field_value, list_row,
    list_rows, login, logout, open_menu, open_row, screenshot, search,
    state_in, toolbar, type_in, wait_idle, widget)

SALES = ('Penjualan', 'Sales')
POS_SALES = ('Penjualan Kasir', 'Penjualan POS', 'POS Sales')
CASH_SESSIONS = ('Sesi Kas Kasir', 'Sesi Kas POS', 'POS Cash Sessions')
CONSIGNMENT = 'Konsinyasi'

# The journeys run on the SQLite demo set-up (what `make demo` builds);
# on PostgreSQL the same roles' access is tested over RPC
# (tests/test_outlet_isolation.py, tests/test_bad_input.py), and the
# browser logs in there too (test_regency_outlets.py)
pytestmark = pytest.mark.skipif(backend.name != 'sqlite',
    reason="the browser journeys run on the SQLite demo set-up")


@pytest.fixture(scope='module')
def day():
    "What each role leaves to the next"
    return {}


def expect_editable(input_):
    from playwright.sync_api import expect
    expect(input_).to_be_editable()


def errors(page):
    "Return the texts of the error and warning dialogs shown"
    return [t.strip() for t in page.locator(
            '.modal:visible:is(.error-dialog, .warning-dialog) .modal-body'
            ).all_inner_texts()]


def save(tab):
    "Save the record of the form and check that no error came back"
    toolbar(tab, 'Simpan').click()
    wait_idle(tab.page)
    assert errors(tab.page) == []


def new_record(tab, first_field):
    "Click New and wait for the form to be ready"
    toolbar(tab, 'Baru').click()
    wait_idle(tab.page)
    expect_editable(widget(tab, first_field))


def one2many(tab, label):
    "Return the one2many widget of the form with label"
    return tab.locator('.form-one2many', has=tab.page.locator(
            'label', has_text=label)).first


def add_editable_line(lines, **values):
    """Add a line to the editable list lines: the product (completed), then
    the other fields typed in"""
    page = lines.page
    lines.locator('button[title^="Baru"]').first.click()
    wait_idle(page)
    complete(lines.locator('tbody tr input[name=product]:visible').last,
        values.pop('product'))
    for name, value in values.items():
        type_in(lines.locator(f'tbody tr input[name={name}]:visible').last,
            value)


def add_dialog_line(page, lines, product, quantity):
    "Add a line to the one2many lines in its form dialog"
    lines.locator('button[title^="Baru"]').first.click()
    dialog = page.locator('.modal:visible').last
    product_input = dialog.locator('input[name=product]:visible')
    expect_editable(product_input)
    complete(product_input, product)
    type_in(dialog.locator('input[name=quantity]:visible'), quantity)
    # "Tambah", not "Tambah dan Baru" (add and new)
    dialog.locator('.modal-footer button',
        has_text=re.compile(r'^\s*Tambah\s*$')).click()
    dialog.wait_for(state='hidden')
    wait_idle(page)


def print_report(page, tab, name):
    "Print the report name of the record and return the file that comes back"
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    button = tab.locator('.toolbar button[title="Cetak laporan"]').first
    item = tab.locator('.toolbar .dropdown-menu li a', has_text=name).first
    for attempt in range(5):
        # sao redraws the toolbar when a call answers, closing the menu:
        # open it again then
        wait_idle(page)
        button.click()
        try:
            # LibreOffice converts the document: its first start is slow
            with page.expect_download(timeout=180_000) as download:
                item.click(timeout=5000)
            break
        except PlaywrightTimeoutError:
            if attempt == 4:
                raise
    download = download.value
    with open(download.path(), 'rb') as file:
        data = file.read()
    # sao shows the file in a Download dialog, which closes on the click
    # on the file
    dialog = page.locator(
        '.modal:visible', has_text=download.suggested_filename)
    try:
        dialog.wait_for(state='hidden', timeout=2000)
    except PlaywrightTimeoutError:
        dialog.locator('.modal-footer button').first.click()
    return download.suggested_filename, data


def is_document(data):
    "Tell whether data is a PDF or an OpenDocument (a zip)"
    return data.startswith(b'%PDF') or data.startswith(b'PK')


def read(world, model, ids, fields):
    return world['admin'].model(model, 'read', ids, fields)


def test_officer_writes_contract_and_receives(server, world, page, day):
    "The officer writes and activates a contract, then receives the goods"
    _, database, _ = server
    login(page, database, 'konsinyasi')
    assert 'Petugas Konsinyasi' in page.locator(
        '#user-preferences').inner_text()

    tab = open_menu(page, CONSIGNMENT, 'Kontrak')
    new_record(tab, 'supplier')
    fill_many2one(tab, 'supplier', world['supplier_name'])
    fill(tab, 'default_commission', '20')
    lines = one2many(tab, 'Baris')
    add_editable_line(lines, product=world['sarong'])
    add_editable_line(lines, product=world['basket'])
    # the basket at a consignor price (harga titip)
    basket = lines.locator('tbody tr', has_text=world['basket'])
    pricing = lines.locator('tbody tr select[name=pricing]:visible').last
    pricing.select_option(label='Harga Titip')
    wait_idle(page)
    type_in(lines.locator(
            'tbody tr input[name=consignor_price]:visible').last, '50000')
    tab.locator('.nav-tabs a', has_text='Gerai').first.click()
    outlets = tab.locator('.form-many2many').first
    complete(outlets.locator('input[name=outlets]'), 'Kota Kupang', '[53.71]')
    save(tab)
    click_button(tab, 'Aktifkan')
    assert errors(page) == []
    assert field_value(tab, 'state') == 'Aktif'
    number = field_value(tab, 'number')
    assert re.fullmatch(r'KTR/\d{4}/\d+', number), number
    tab.locator('.nav-tabs a', has_text='Produk').first.click()
    # the lines are drawn again when the tab shows
    sarong = lines.locator('tbody tr', has_text=world['sarong'])
    basket.first.wait_for()
    sarong.first.wait_for()
    assert basket.count() == 1
    assert sarong.count() == 1
    screenshot(page, '1-officer-contract-active')
    contract, = world['admin'].model('consignment.contract', 'search', [
            ('number', '=', number)], 0, None, None)
    contract, = read(world, 'consignment.contract', [contract],
        ['state', 'supplier', 'lines', 'outlets'])
    assert contract['state'] == 'active'
    assert contract['supplier'] == world['supplier']
    assert len(contract['lines']) == 2
    assert contract['outlets'] == [world['kupang']]
    day['contract'] = number

    tab = open_menu(page, CONSIGNMENT, 'Penerimaan')
    new_record(tab, 'contract')
    fill_many2one(tab, 'contract', number)
    # the supplier and outlet come from the contract
    assert field_value(tab, 'supplier') == world['supplier_name']
    assert 'NTT Mart Kota Kupang' in field_value(tab, 'outlet')
    fill(tab, 'reference', f"SJ-{world['tag']}")
    lines = tab.locator('.form-one2many').first
    add_editable_line(lines, product=world['sarong'], quantity=5)
    add_editable_line(lines, product=world['basket'], quantity=10)
    save(tab)
    click_button(tab, 'Terima')
    assert errors(page) == []
    assert field_value(tab, 'state') == 'Selesai'
    intake_number = field_value(tab, 'number')
    assert intake_number.startswith('TTB/'), intake_number
    screenshot(page, '1-officer-intake-received')
    intake, = world['admin'].model('consignment.intake', 'search_read', [
            ('number', '=', intake_number)], 0, None, None,
        ['state', 'lines'])
    assert intake['state'] == 'done'
    assert len(intake['lines']) == 2
    logout(page)


def test_cashier_sells(server, world, page, day):
    """The cashier opens the till of the outlet, sells consigned and own
    goods paid with QRIS and cash, and prints the receipt"""
    _, database, _ = server
    login(page, database, 'kasir')

    tab = open_menu(page, SALES, CASH_SESSIONS)
    new_record(tab, 'point')
    point = widget(tab, 'point')
    # the till picker: the search window of the till field
    point.locator('xpath=..').locator('.icon-secondary button').first.click()
    window = page.locator('.modal:visible', has=page.locator('.treeview'))
    window.locator('.treeview tbody tr').first.wait_for()
    wait_idle(page)
    tills = window.locator('.treeview tbody tr').all_inner_texts()
    screenshot(page, '2-cashier-till-picker')
    assert any(world['till'] in t for t in tills), tills
    assert not any(world['other_till'] in t for t in tills), tills
    # every till shown takes its goods from NTT Mart Kota Kupang
    assert all('NTT Mart Kota Kupang' in t for t in tills), tills
    window.locator('.treeview tbody tr', has_text=world['till']).first.dblclick()
    window.wait_for(state='hidden')
    wait_idle(page)
    assert point.input_value() == world['till']
    save(tab)
    assert field_value(tab, 'state') in {'Buka', 'Open'}
    screenshot(page, '2-cashier-till-open')

    tab = open_menu(page, SALES, POS_SALES)
    new_record(tab, 'point')
    complete(widget(tab, 'point'), world['till'])
    lines = tab.locator('.form-one2many').first
    add_dialog_line(page, lines, world['sarong'], 1)
    add_dialog_line(page, lines, world['water'], 2)
    assert field_value(tab, 'total') == '360.000'

    def pay(method, amount=None):
        wizard = page.locator(
            '.modal:visible', has=page.locator('select[name=method]'))
        if not wizard.count():
            click_button(tab, re.compile(r'Bayar|Pay'))
        method_input = wizard.locator('select[name=method]')
        method_input.wait_for()
        method_input.select_option(label=method)
        wait_idle(page)
        if amount is not None:
            type_in(wizard.locator('input[name=amount]:visible'), amount)
        wizard.locator('.modal-footer button', has_text='OK').click()
        wait_idle(page)
    pay('QRIS', 350000)
    # the rest in cash: what is left to pay
    pay('Tunai')
    assert errors(page) == []
    assert field_value(tab, 'amount_to_pay') == '0'
    assert state_in(tab, {'Selesai', 'Done'}) in {'Selesai', 'Done'}
    number = field_value(tab, 'number')
    assert number
    screenshot(page, '2-cashier-sale-paid')
    name, data = print_report(page, tab, 'Struk')
    assert name.startswith('Struk'), name
    assert is_document(data), data[:20]
    screenshot(page, '2-cashier-receipt')
    sale, = world['admin'].model('sale.point.sale', 'search_read', [
            ('point', '=', world['till_id']), ('number', '=', number)],
        0, None, None, ['state', 'total', 'payments'])
    assert sale['state'] == 'done'
    assert len(sale['payments']) == 2
    day['sale'] = number
    logout(page)


def test_manager_posts_day(server, world, page, day):
    "The outlet manager posts the sale, closes and posts the cash session"
    _, database, _ = server
    login(page, database, 'kupang')
    tab = open_menu(page, SALES, POS_SALES)
    search(page, tab, f'Kasir: "{world["till"]}"')
    tab.locator('.nav-tabs li a',
        has_text=re.compile(r'^\s*(Selesai|Done)\b')).first.click()
    wait_idle(page)
    total, rows = list_rows(page, tab)
    assert total == 1, rows
    open_row(tab, world['till'])
    assert field_value(tab, 'number') == day['sale']
    click_button(tab, re.compile(r'Bukukan|Post'), confirm=True)
    assert errors(page) == []
    assert state_in(tab, {'Dibukukan', 'Diposting', 'Posted'}) in {
        'Dibukukan', 'Diposting', 'Posted'}
    screenshot(page, '3-manager-sale-posted')

    tab = open_menu(page, SALES, CASH_SESSIONS)
    search(page, tab, f'Kasir: "{world["till"]}"')
    open_row(tab, world['till'])
    # the cash counted: the water paid in cash
    assert field_value(tab, 'balance') == '10.000'
    fill(tab, 'end_amount', '10000')
    save(tab)
    click_button(tab, re.compile(r'Tutup|Close'))
    assert errors(page) == []
    click_button(tab, re.compile(r'Bukukan|Post'), confirm=True)
    assert errors(page) == []
    assert state_in(tab, {'Dibukukan', 'Diposting', 'Posted'}) in {
        'Dibukukan', 'Diposting', 'Posted'}
    screenshot(page, '3-manager-session-posted')
    session, = world['admin'].model('sale.point.cash.session', 'search_read',
        [('point', '=', world['till_id'])], 0, None, None, ['state'])
    assert session['state'] == 'posted'
    logout(page)


def company_today():
    "The date in Asia/Makassar (UTC+8), the company's"
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()


def test_officer_settles(server, world, page, day):
    "The officer settles with the supplier and downloads the statement"
    _, database, _ = server
    login(page, database, 'konsinyasi')
    open_menu(page, CONSIGNMENT, 'Selesaikan Konsinyasi', window=False)
    wizard = page.locator('.modal:visible').last
    cutoff = wizard.locator('input[name=cutoff_date]')
    cutoff.wait_for()
    # the cut-off: the company's today (WITA), typed as a clerk would
    type_in(cutoff, company_today().strftime('%d/%m/%Y'))
    suppliers = wizard.locator('.form-many2many').first
    complete(suppliers.locator('input[name=suppliers]'),
        world['supplier_name'])
    screenshot(page, '4-officer-settle-wizard')
    wizard.locator('.modal-footer button', has_text=re.compile(
            r'Selesaikan|Settle')).click()
    wizard.wait_for(state='hidden')
    wait_idle(page)
    assert errors(page) == []
    # the wizard opens the settlements it made
    tab = page.locator('#tabcontent > .tab-pane.active')
    tab.locator('.title-long', has_text='Penyelesaian').wait_for()
    wait_idle(page)
    total, rows = list_rows(page, tab)
    assert total == 1, rows
    open_row(tab, world['supplier_name'])
    assert field_value(tab, 'supplier') == world['supplier_name']
    # a draft: the officer may still change its date
    expect_editable(widget(tab, 'date'))
    screenshot(page, '4-officer-settlement')
    name, data = print_report(page, tab, 'Laporan Konsinyasi')
    assert is_document(data), data[:20]
    assert name.startswith('Laporan Konsinyasi'), name
    screenshot(page, '4-officer-statement')
    settlement, = world['admin'].model(
        'consignment.settlement', 'search_read',
        [('supplier', '=', world['supplier'])], 0, None, None, ['state'])
    day['settlement'] = settlement['id']
    logout(page)


def test_province_analyst_reads(server, world, page, day):
    """The province analyst reads the sales, the settlements and the stock,
    and can change none of them"""
    _, database, _ = server
    login(page, database, 'provinsi')

    tab = open_menu(page, SALES, POS_SALES)
    search(page, tab, f'Kasir: "{world["till"]}"')
    tab.locator('.nav-tabs li a',
        has_text=re.compile(r'^\s*(Semua|All)\b')).first.click()
    wait_idle(page)
    total, rows = list_rows(page, tab)
    assert total == 1, rows
    assert toolbar(tab, 'Baru').is_disabled()
    open_row(tab, world['till'])
    assert field_value(tab, 'number') == day['sale']
    assert widget(tab, 'date').is_editable() is False
    screenshot(page, '5-analyst-sale')

    tab = open_menu(page, CONSIGNMENT, 'Penyelesaian')
    search(page, tab, world['supplier_name'])
    total, rows = list_rows(page, tab)
    assert total >= 1, rows
    assert toolbar(tab, 'Baru').is_disabled()
    screenshot(page, '5-analyst-settlements')
    # the draft settlement the officer may change is read-only here
    open_row(tab, world['supplier_name'])
    date = widget(tab, 'date')
    date.wait_for()
    assert not date.is_editable()
    screenshot(page, '5-analyst-settlement-read-only')

    tab = open_menu(page, CONSIGNMENT, 'Stok Sendiri dan Titipan')
    search(page, tab, world['tag'])
    total, rows = list_rows(page, tab)
    # 5 sarongs received, 1 sold; 10 baskets received
    for product, quantity in [(world['sarong'], '4'), (world['basket'], '10')]:
        row, = [r for r in rows if product in r]
        assert quantity in row, rows
    screenshot(page, '5-analyst-stock')

    # the age of the consigned stock per outlet and consignor: the 14 units
    # the officer received today, all within 30 days
    tab = open_menu(page, CONSIGNMENT, 'Kelompok Umur Stok Konsinyasi')
    # a report with a context (outlet, regency) above its search box
    tab.locator('.treeview').first.wait_for()
    total, rows = list_rows(page, tab)
    row, = [r for r in rows if world['supplier_name'] in r]
    assert any('Kota Kupang' in cell for cell in row), rows
    assert row.count('14') == 2, rows  # 0-30 days and the total
    assert toolbar(tab, 'Baru').is_disabled()
    screenshot(page, '5-analyst-stock-age')

    # the province dashboard opens on the company's current year, on its
    # graph: the sales per month since the 1st of January
    tab = open_menu(page, 'Dasbor Provinsi', 'Penjualan per Bulan')
    tab.locator('.graph svg').first.wait_for()
    year = str(company_today().year)
    from_date = field_value(tab, 'from_date')
    assert from_date.startswith('01/01/') and year in from_date, from_date
    screenshot(page, '5-analyst-dashboard-sales')
    tab = open_menu(
        page, 'Dasbor Provinsi', 'Sertifikat Akan Berakhir per Kabupaten/Kota')
    tab.locator('.graph svg').first.wait_for()
    screenshot(page, '5-analyst-dashboard-certificates')
    logout(page)


def test_officer_product_form(server, world, page, day):
    """The officer opens a consigned product: its consigned stock per outlet
    and consignor, and the producer's certificate linked from the product"""
    from party_umkm.tests.tools import create_certificate
    from proteus import Model

    _, database, _ = server
    config = world['config']
    Template = Model.get('product.template', config=config)
    sarong = Model.get('product.product', config=config)(
        world['sarong_id']).template
    sarong = Template(sarong.id)
    sarong.producer = Model.get('party.party', config=config)(
        world['supplier'])
    sarong.save()
    # a halal number as BPJPH writes them: ID and 17 digits
    number = f"ID0041{int(world['tag'], 16) % 10 ** 13:013d}"
    certificate = create_certificate(
        sarong.producer, 'halal', number, config=config,
        issue_date=world['today'])

    login(page, database, 'konsinyasi')
    # Produk ‣ Produk: the entry has the title of its parent menu
    menu = page.locator('#menu')
    entries = menu.locator('.column-char[title="Produk"]:visible')
    entries.first.wait_for()
    menu.locator('tr', has=page.locator('.column-char[title="Produk"]')
        ).first.locator('.expander').first.click()
    entries.nth(1).wait_for()
    entries.nth(1).click()
    tab = page.locator('#tabcontent > .tab-pane.active')
    tab.locator('.title-long', has_text='Produk').wait_for()
    wait_idle(page)
    search(page, tab, world['sarong'])
    open_row(tab, world['sarong'])
    # a price in rupiah shows without the zeros of its unused decimals
    assert field_value(tab, 'list_price') == '350.000'
    tab.locator('.nav-tabs a', has_text='Stok Titipan').first.click()
    stock = tab.locator('.form-many2many, .form-one2many').filter(
        has=page.locator('th', has_text='Pengamanat')).first
    row = stock.locator('tbody tr', has_text=world['supplier_name']).first
    row.wait_for()
    # 5 sarongs received, 1 sold
    assert 'NTT Mart Kota Kupang' in row.inner_text()
    assert re.search(r'\b4\b', row.inner_text()), row.inner_text()
    screenshot(page, '6-officer-product-consigned-stock')

    tab.locator('.nav-tabs a', has_text='Sertifikasi').first.click()
    certificates = tab.locator('.form-many2many').filter(
        has=page.locator('input[name=certificates]')).first
    complete(certificates.locator('input[name=certificates]'), number)
    save(tab)
    assert errors(page) == []
    certificates.locator('tbody tr', has_text=number).first.wait_for()
    screenshot(page, '6-officer-product-certificate')
    certificate.reload()
    assert [t.id for t in certificate.templates] == [sarong.id]
    logout(page)


def test_officer_drafts_beli_putus(server, world, page, day):
    """The officer reads how the outlet's consigned goods sell and drafts
    the beli putus purchase of the sarongs sold from the sell-through"""
    _, database, _ = server
    login(page, database, 'konsinyasi')
    tab = open_menu(page, CONSIGNMENT, 'Laju Penjualan Barang Konsinyasi')
    # a report with a context (dates, outlet, regency) above its search box
    tab.locator('.treeview').first.wait_for()
    _, rows = list_rows(page, tab)
    row, = [r for r in rows if world['sarong'] in r
        and world['supplier_name'] in r]
    # 5 sarongs received today, 1 sold: 20 % sold through
    assert '20' in ' '.join(row), row
    screenshot(page, '7-officer-sell-through')

    # select the row and run Draft Purchases from the actions of the list
    # (its selection box: the outlet, supplier and product cells are links)
    list_row(tab, world['sarong'], world['supplier_name']).first.locator(
        'input[type="checkbox"]').first.check()
    wait_idle(page)
    tab.locator('.toolbar button[title="Jalankan tindakan"]').first.click()
    tab.locator('.toolbar .dropdown-menu li a',
        has_text='Buat Draf Pembelian').first.click()
    wait_idle(page)
    assert errors(page) == []
    purchases = page.locator('#tabcontent > .tab-pane.active')
    purchases.locator('.title-long', has_text='Pembelian').first.wait_for()
    wait_idle(page)
    # the one purchase drafted opens in its form: from the consignor, the
    # sarong sold at the contract's price to the consignor
    widget(purchases, 'party').wait_for()
    assert world['supplier_name'] in field_value(purchases, 'party')
    purchases.locator('tr', has_text=world['sarong']).first.wait_for()
    screenshot(page, '7-officer-draft-purchase')
    logout(page)

    purchase, = world['admin'].model('purchase.purchase', 'search_read',
        [('party', '=', world['supplier']), ('state', '=', 'draft'),
            ('lines.product', '=', world['sarong_id'])],
        0, None, None, ['warehouse', 'lines'])
    line, = read(world, 'purchase.line', purchase['lines'],
        ['product', 'quantity', 'unit_price'])
    assert (line['product'], line['quantity']) == (world['sarong_id'], 1)
    assert line['unit_price'] > 0
