# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The demo web client (sao) in a real browser.

Uses the demo database of the run (built by ``scripts/setup_database.py``,
see ``tests/conftest.py``), serves it
with ``trytond`` and the sao of ``var/sao`` on a free loopback port, and
drives Debian's headless Chromium with playwright like a person: log in as
the Kota Kupang outlet clerk (Indonesian), open NTT Mart / Gerai Kabupaten,
check the 23 warehouses, log out, and do the same as admin (English).

Skipped when Chromium or playwright is missing, unless REQUIRE_BROWSER=1.
The screenshots are written to pytest's temporary directory (the path is
printed; see them with ``pytest -s``).
"""
import os
import re
import shutil
import tempfile
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAO_ROOT = os.path.join(ROOT, 'var', 'sao')
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    ]
PASSWORD = 'kupang-demo-53'

# milliseconds, for playwright
UI_TIMEOUT = 30_000

# 22 regency outlets + the provincial hub
WAREHOUSES = 23
EXPECTED_NAMES = {'NTT Mart Kota Kupang', 'NTT Mart Hub Kota Kupang'}


def _browser_missing():
    "Return why the browser test cannot run, or None"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the pip package playwright is not installed"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (f"no Chromium at {CHROMIUM} "
            "(apt-get install chromium)")
    if not os.path.isfile(os.path.join(SAO_ROOT, 'index.html')):
        return f"sao is not installed in {SAO_ROOT} (scripts/install_sao.sh)"
    return None


@pytest.fixture(scope='module')
def browser_available():
    reason = _browser_missing()
    if reason:
        if os.environ.get('REQUIRE_BROWSER') == '1':
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope='module')
def server(browser_available, demo_server):
    "The trytond of the run serving the demo database and sao"
    return demo_server


@pytest.fixture(scope='module')
def browser_context(server):
    "A headless Chromium with a new empty profile"
    from playwright.sync_api import sync_playwright
    profile = tempfile.mkdtemp(prefix='ntt-mart-chromium-')
    playwright = sync_playwright().start()
    try:
        # playwright gives the profile as --user-data-dir
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, locale='en-US',
            viewport={'width': 1400, 'height': 1000},
            timeout=UI_TIMEOUT)
        context.set_default_timeout(UI_TIMEOUT)
        try:
            yield context
        finally:
            context.close()
    finally:
        playwright.stop()
        shutil.rmtree(profile, ignore_errors=True)


def login(page, database, user):
    "Fill sao's login dialog and password prompt"
    dialog = page.locator('.login-dialog')
    # the database field is a select, an input or a read-only input (one
    # database) once sao has asked the server for the list
    field = dialog.locator('#database:visible')
    field.wait_for()
    if field.evaluate('e => e.tagName') == 'SELECT':
        field.select_option(database)
    elif field.get_attribute('readonly') is None:
        field.fill(database)
    else:
        assert field.input_value() == database
    dialog.locator('input#login').fill(user)
    dialog.locator('button[type=submit]').click()
    password = page.locator('input#ask-dialog-entry[name=password]')
    password.fill(PASSWORD)
    # the OK button of the password prompt
    page.locator('.modal:visible .modal-footer .btn-primary').click()
    # sao runs the user's login actions (the Module Configuration wizard of
    # a new database, in a tab) before it fills the main menu
    menu = page.locator('#menu .column-char[title="NTT Mart"]')
    menu.or_(page.locator('#tablist > li')).first.wait_for()
    password.wait_for(state='hidden')
    page.wait_for_timeout(500)
    tabs = [t.strip() for t in page.locator('#tablist > li').all_inner_texts()]
    assert tabs == [], f"{user}: tab opened at login: {tabs}"
    dialogs = page.locator('.modal:visible').all_inner_texts()
    assert dialogs == [], f"{user}: dialog opened at login: {dialogs}"
    menu.wait_for()


def close_tabs(page):
    "Close the open tabs with their close button"
    tabs = page.locator('#tablist > li')
    deadline = time.monotonic() + UI_TIMEOUT / 1000
    while tabs.count() and time.monotonic() < deadline:
        tabs.first.locator('button.close').click()
        page.wait_for_timeout(200)
    assert tabs.count() == 0, page.locator('#tablist').inner_text()


def logout(page):
    "Log out through the user menu"
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    # with open tabs, sao asks to confirm that it closes them
    close_tabs(page)
    toggle = page.locator('#user-preferences > a.dropdown-toggle')
    # the notifications, then Preferences..., Help..., Logout
    items = page.locator(
        '#user-preferences li.notification-item > a[role=menuitem]')
    login_input = page.locator('.login-dialog input#login')

    def notifications(response):
        return 'res.notification.get' in (response.request.post_data or '')
    for _ in range(3):
        # opening the menu reloads its items: the items left from the
        # previous session do nothing
        with page.expect_response(notifications, timeout=UI_TIMEOUT):
            toggle.click()
        page.wait_for_timeout(300)
        items.last.click()
        try:
            login_input.wait_for(timeout=10_000)
            return
        except PlaywrightTimeoutError:
            pass
    login_input.wait_for(timeout=1)


def open_menu(page, parent, entry):
    "Open the menu entry under its parent in the main menu"
    menu = page.locator('#menu')
    item = menu.locator(f'.column-char[title="{entry}"]:visible')
    if not item.count():
        menu.locator('tr', has=page.locator(
                f'.column-char[title="{parent}"]')).locator(
            '.expander').first.click()
    item.first.click()
    tab = page.locator('#tabcontent > .tab-pane.active')
    tab.locator('.title-long', has_text=f'{parent} / {entry}').wait_for()
    return tab


def list_rows(page, tab):
    "Return the cell texts of every row of the list, loading them all"
    rows = tab.locator('.treeview table.tree > tbody > tr:not(.more-row)')
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    # the record count ("_/23") of the toolbar, "_/0" until the search ends
    badge = tab.locator('.badge').first
    try:
        page.wait_for_function(
            "badge => /\\/[1-9]\\d*$/.test(badge.textContent.trim())",
            arg=badge.element_handle(), timeout=UI_TIMEOUT)
    except PlaywrightTimeoutError:
        pass  # an empty list: the count is checked below
    total = int(re.search(r'/(\d+)$', badge.inner_text().strip()).group(1))
    # sao shows 20 rows then a "More" button, which it also clicks itself
    # once it scrolls into view
    more = tab.locator('tr.more-row button')
    deadline = time.monotonic() + UI_TIMEOUT / 1000
    while rows.count() < total and time.monotonic() < deadline:
        try:
            more.first.click(timeout=2000)
        except PlaywrightTimeoutError:
            pass  # gone: the next rows are shown
        page.wait_for_timeout(200)
    texts = [[cell.strip() for cell in row.locator('td .cell').all_inner_texts()
            if cell.strip()]
        for row in rows.all()]
    return total, texts


def check_regency_outlets(page, entry, columns, screenshot):
    "Open NTT Mart / <entry> and check the list of the warehouses"
    tab = open_menu(page, 'NTT Mart', entry)
    total, rows = list_rows(page, tab)
    labels = tab.locator(
        '.treeview table.tree > thead th .header label').all_inner_texts()
    page.screenshot(path=str(screenshot))
    print(f"screenshot: {screenshot}")
    assert total == WAREHOUSES, f"badge {total}"
    assert len(rows) == WAREHOUSES, rows
    cells = {cell for row in rows for cell in row}
    assert EXPECTED_NAMES <= cells, sorted(cells)
    codes = sorted(row[0] for row in rows)
    assert codes[-1] == 'HUB', codes
    assert all(re.fullmatch(r'53\.\d\d', c) for c in codes[:-1]), codes
    assert set(columns) <= set(labels), labels


def test_regency_outlets_in_web_client(server, browser_context,
        tmp_path_factory):
    "Outlet clerk (Indonesian) and admin (English) list the 23 warehouses"
    url, database, log_path = server
    shots = tmp_path_factory.mktemp('browser_screenshots')
    page = browser_context.new_page()
    try:
        page.goto(f'{url}/#{database}', timeout=UI_TIMEOUT)

        login(page, database, 'kupang')
        assert 'Manajer Gerai Kota Kupang' in page.locator(
            '#user-preferences').inner_text()
        check_regency_outlets(
            page, 'Gerai Kabupaten', ['Kode', 'Nama', 'Kabupaten/Kota'],
            shots / 'regency_outlets_kupang.png')
        logout(page)

        login(page, database, 'admin')
        check_regency_outlets(
            page, 'Regency Outlets', ['Code', 'Name', 'Regency'],
            shots / 'regency_outlets_admin.png')
        logout(page)
    except BaseException:
        try:
            page.screenshot(path=str(shots / 'failure.png'))
        except Exception:
            pass
        print(f"failure screenshot: {shots / 'failure.png'}; "
            f"server log: {log_path}")
        raise
    finally:
        page.close()
