# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One headless Chromium for every browser test, on the demo server of the
run (tests/conftest.py), and the master data the journeys start from.

The browser tests are skipped when Chromium, playwright or sao is missing,
and fail instead when REQUIRE_BROWSER=1."""
import os
import shutil
import tempfile
import uuid
from decimal import Decimal

import pytest

from browser.sao import (
    CHROMIUM, CHROMIUM_ARGS, COUNT_REQUESTS, SCREENSHOTS, UI_TIMEOUT, browser_missing)


@pytest.fixture(scope='session')
def browser_available():
    reason = browser_missing()
    if reason:
        if os.environ.get('REQUIRE_BROWSER') == '1':
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope='session')
def server(browser_available, demo_server):
    "The trytond of the run serving the demo database and sao"
    return demo_server


@pytest.fixture(scope='session')
def browser_context(server):
    "A headless Chromium with a new empty profile"
    from playwright.sync_api import sync_playwright
    profile = tempfile.mkdtemp(prefix='ntt-mart-chromium-')
    playwright = sync_playwright().start()
    try:
        # playwright gives the profile as --user-data-dir
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, locale='en-US', accept_downloads=True,
            viewport={'width': 1400, 'height': 1000},
            timeout=UI_TIMEOUT)
        context.set_default_timeout(UI_TIMEOUT)
        context.add_init_script(COUNT_REQUESTS)
        try:
            yield context
        finally:
            context.close()
    finally:
        playwright.stop()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(server, browser_context, request):
    "A page on sao of the demo database; a screenshot when the test fails"
    url, database, log_path = server
    page = browser_context.new_page()
    page.goto(f'{url}/#{database}', timeout=UI_TIMEOUT)
    try:
        yield page
    finally:
        report = getattr(request.node, 'rep_call', None)
        if report is None or report.failed:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            path = os.path.join(
                SCREENSHOTS, f'failure-{request.node.name}.png')
            try:
                page.screenshot(path=path)
            except Exception:
                pass
            print(f"failure screenshot: {path}; server log: {log_path}")
        # the next test logs in anew, also after a test that failed logged in
        try:
            page.evaluate(
                "() => { localStorage.clear(); sessionStorage.clear(); }")
        except Exception:
            pass
        browser_context.clear_cookies()
        page.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f'rep_{report.when}', report)
    return report


@pytest.fixture(scope='session')
def world(server):
    """The master data of the journeys, created by the admin over RPC: a
    UMKM supplier, two craft products to consign, an own product in stock
    at Kota Kupang, a till of Kota Kupang and a till of another outlet

    The names carry a tag: the demo database is shared with other tests."""
    from proteus import Model

    from consignment_contract.tests.tools import create_pos
    from party_umkm.tests.tools import create_umkm_supplier
    from rpc import Client
    from stock_regency.tests.tools import get_today
    from test_outlet_isolation import admin_config

    url, database, _ = server
    admin = Client(url, database, 'admin').use_preferences()
    config = admin_config(admin)

    def get(name):
        return Model.get(name, config=config)
    tag = uuid.uuid4().hex[:6].upper()
    # the outlet's officer settles the outlet's sales: settlements per
    # outlet (an outlet's staff sees no settlement without an outlet)
    configuration = get('consignment.configuration')(1)
    configuration.settle_per_outlet = True
    configuration.save()
    today = get_today(config=config)
    Location = get('stock.location')
    kupang, = Location.find([
            ('type', '=', 'warehouse'),
            ('regency_outlet', '=', True),
            ('regency.kemendagri_code', '=', '53.71'),
            ('secondary_outlet', '=', False),
            ])
    other, = Location.find([
            ('type', '=', 'warehouse'),
            ('regency_outlet', '=', True),
            ('regency.kemendagri_code', '=', '53.01'),
            ('secondary_outlet', '=', False),
            ])
    regency, = get('country.subdivision').find([
            ('kemendagri_code', '=', '53.01')])
    supplier = create_umkm_supplier(
        f"Tenun Ikat Ina {tag}", config=config,
        umkm_legal_form='individual', nib='9120001234567',
        origin_regency=regency)

    Category = get('product.category')
    craft, = Category.find([
            ('name', '=', "Kerajinan dan Tenun"), ('accounting', '=', False)])
    consigned, = Category.find([
            ('name', '=', "Barang Konsinyasi"), ('accounting', '=', True)])
    own, = Category.find([
            ('name', '=', "Barang Dagang (Beli Putus)"),
            ('accounting', '=', True)])
    unit, = get('product.uom').find([('name', '=', 'Unit')])

    def product(name, price, account_category, category=None):
        template = get('product.template')(
            name=f"{name} {tag}", default_uom=unit, type='goods',
            salable=True, purchasable=True, list_price=Decimal(price),
            account_category=account_category)
        if category:
            template.categories.append(Category(category.id))
        template.save()
        return template.products[0]
    sarong = product("Sarung Tenun Ikat", '350000', consigned, craft)
    basket = product("Anyaman Lontar", '75000', consigned, craft)
    water = product("Air Mineral 600ml", '5000', own)

    # the own product in stock at Kota Kupang, counted
    inventory = get('stock.inventory')(location=kupang.storage_location)
    line = inventory.lines.new(product=water)
    line.quantity = 48
    inventory.click('confirm')

    journal, = get('account.journal').find(
        [('type', '=', 'revenue')], limit=1)
    till = create_pos(f"Kasir Kupang {tag}", kupang, journal, config=config)
    other_till = create_pos(
        f"Kasir Kupang Lain {tag}", other, journal, config=config)
    return {
        'admin': admin, 'config': config, 'tag': tag, 'today': today,
        'kupang': kupang.id, 'supplier': supplier.id,
        'supplier_name': supplier.name,
        'sarong': sarong.rec_name, 'basket': basket.rec_name,
        'water': water.rec_name,
        'sarong_id': sarong.id, 'basket_id': basket.id,
        'water_id': water.id,
        'till': till.name, 'till_id': till.id,
        'other_till': other_till.name,
        }
