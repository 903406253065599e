# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Driving sao, Tryton's web client, with playwright like a person does: log
in, open a menu, fill a form, add lines, click a button, run a wizard.

The locators follow sao's DOM (var/sao/dist/tryton-sao.js): the tab of a
window is ``#tabcontent > .tab-pane.active``, a form widget's input carries
the field's name, a list is ``.treeview table.tree``."""
import os
import re
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
SAO_ROOT = os.path.join(ROOT, 'var', 'sao')
SCREENSHOTS = os.path.join(ROOT, 'var', 'browser-screenshots')
CHROMIUM = os.environ.get('CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    ]
PASSWORD = 'kupang-demo-53'

# milliseconds, for playwright
UI_TIMEOUT = 30_000


def browser_missing():
    "Return why the browser tests cannot run, or None"
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


def screenshot(page, name):
    "Save a PNG of the page under var/browser-screenshots/"
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, f'{name}.png')
    page.screenshot(path=path)
    return path


def login(page, database, user, password=PASSWORD):
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
    entry = page.locator('input#ask-dialog-entry[name=password]')
    entry.fill(password)
    # the OK button of the password prompt
    page.locator('.modal:visible .modal-footer .btn-primary').click()
    # sao runs the user's login actions (the Module Configuration wizard of
    # a new database, in a tab) before it fills the main menu
    menu = page.locator('#menu .column-char')
    menu.or_(page.locator('#tablist > li')).first.wait_for()
    entry.wait_for(state='hidden')
    page.wait_for_timeout(500)
    tabs = [t.strip() for t in page.locator('#tablist > li').all_inner_texts()]
    assert tabs == [], f"{user}: tab opened at login: {tabs}"
    dialogs = page.locator('.modal:visible').all_inner_texts()
    assert dialogs == [], f"{user}: dialog opened at login: {dialogs}"
    menu.first.wait_for()


def close_tabs(page):
    "Close the open tabs with their close button, discarding changes"
    tabs = page.locator('#tablist > li')
    deadline = time.monotonic() + UI_TIMEOUT / 1000
    while tabs.count() and time.monotonic() < deadline:
        tabs.first.locator('button.close').click()
        # a modified record: sao asks whether to save it; don't
        dialog = page.locator('.modal:visible')
        try:
            dialog.first.wait_for(timeout=500)
        except Exception:
            continue
        no = dialog.locator('.modal-footer button').filter(
            has_text=re.compile(r'^\s*(No|Tidak)\s*$'))
        if no.count():
            no.first.click()
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


def menu_entries(page):
    "Return the titles of the menu entries shown"
    return page.locator('#menu .column-char').evaluate_all(
        'cells => cells.map(c => c.title)')


def _titled(names):
    "Return the CSS selector of the menu entries titled one of names"
    if isinstance(names, str):
        names = [names]
    return ', '.join(f'.column-char[title="{n}"]:visible' for n in names)


def open_menu(page, *path, window=True):
    """Open the menu entry at path (its parents first) in the main menu and
    return the tab of the window it opens

    Each step of path is a title or a tuple of titles (the Indonesian one
    and the English one of an entry not translated yet).  A wizard
    (window=False) opens in a dialog: return nothing."""
    menu = page.locator('#menu')
    for depth, names in enumerate(path):
        item = menu.locator(_titled(names)).first
        item.wait_for()
        if depth < len(path) - 1:
            children = menu.locator(_titled(path[depth + 1]))
            if not children.count():
                title = item.get_attribute('title')
                menu.locator('tr', has=page.locator(
                        f'.column-char[title="{title}"]')).locator(
                    '.expander').first.click()
                children.first.wait_for()
        else:
            title = item.get_attribute('title')
            item.click()
    if not window:
        wait_idle(page)
        return
    tab = page.locator('#tabcontent > .tab-pane.active')
    tab.locator('.title-long', has_text=title).wait_for()
    wait_idle(page)
    return tab


def list_row(tab, *texts):
    """Return the rows of the list shown in the tab (a window with domain
    tabs has a list per tab) with all the texts"""
    rows = tab.locator(
        '.treeview:visible table.tree > tbody > tr:not(.more-row)')
    for text in texts:
        rows = rows.filter(has_text=text)
    return rows


def open_row(tab, *texts):
    "Open the record of the row of the list with texts in its form"
    row = list_row(tab, *texts).first
    # select the row, then switch to the form
    row.locator('td.selection-state input').check()
    wait_idle(tab.page)
    toolbar(tab, 'Ganti Tampilan').click()
    tab.locator('.form:visible').first.wait_for()
    wait_idle(tab.page)


def list_rows(page, tab):
    "Return the record count and the cell texts of every row of the list"
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    rows = list_row(tab)
    # the record count ("_/23") of the toolbar, "_/0" until the search ends
    badge = tab.locator('.badge').first
    try:
        page.wait_for_function(
            "badge => /\\/[1-9]\\d*$/.test(badge.textContent.trim())",
            arg=badge.element_handle(), timeout=UI_TIMEOUT)
    except PlaywrightTimeoutError:
        pass  # an empty list: the count is checked by the caller
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


def search(page, tab, text):
    "Type text in the search entry of the list and wait for the result"
    entry = tab.locator('.filter-box input.form-control').first
    entry.fill(text)
    with page.expect_response(is_call('search')):
        entry.press('Enter')
    wait_idle(page)


def is_call(method):
    "Return a predicate of the responses to the JSON-RPC calls of method"
    def predicate(response):
        data = response.request.post_data or ''
        return f'.{method}"' in data or f'"{method}"' in data
    return predicate


# counts the requests of sao in flight (sao shows its "Processing" only
# after 3 seconds): add it to the browser context with add_init_script
COUNT_REQUESTS = """
window.__requests = 0;
const send = XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.send = function (...args) {
    window.__requests += 1;
    this.addEventListener('loadend', () => { window.__requests -= 1; });
    return send.apply(this, args);
};
"""


def wait_idle(page, settle=150):
    """Wait until sao has no request in flight, and none starts within
    settle milliseconds (sao chains calls: an on_change, then a reload)"""
    idle = '() => window.__requests === 0'
    page.wait_for_function(idle, timeout=UI_TIMEOUT)
    page.wait_for_timeout(settle)
    page.wait_for_function(idle, timeout=UI_TIMEOUT)


# The form of a record

def widget(tab, name):
    "Return the input of the field name in the form of the tab"
    return tab.locator(
        f'.form [name="{name}"]:is(input, select, textarea):visible').first


def label_text(tab, name):
    "Return the text of the label of the field name"
    input_ = widget(tab, name)
    input_.wait_for()
    id_ = input_.get_attribute('id')
    return tab.locator(f'label[for="{id_}"]').inner_text().strip()


def type_in(input_, value):
    """Type value in input_ and leave it, again if an on_change of an earlier
    field answered meanwhile and cleared or replaced it (a number or a
    date is compared by its digits, as sao formats it)"""
    page = input_.page
    value = str(value)
    digits = re.sub(r'\D', '', value)

    def stayed():
        shown = input_.input_value().strip()
        if not digits:
            return bool(shown)
        return re.sub(r'\D', '', shown).startswith(digits)
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    for _ in range(5):
        try:
            # sao formats a number again when it gets the focus: empty it
            # first; a number shows another input while it is edited, which
            # a redraw may hide: find the input again then
            input_.fill('', timeout=5000)
            input_.fill(value, timeout=5000)
            input_.press('Tab', timeout=5000)
        except PlaywrightTimeoutError:
            wait_idle(page, settle=300)
            continue
        wait_idle(page, settle=300)
        if stayed():
            return
    raise AssertionError(f"{value!r} does not stay in the field")


def fill(tab, name, value):
    "Type value in the field name of the form and leave it"
    type_in(widget(tab, name), value)


def complete(input_, text, choice=None):
    """Type text in the many2one or many2many entry input_ and pick choice
    (text by default) among the completions sao proposes"""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
    page = input_.page
    proposal = input_.locator('xpath=..').locator(
        '.dropdown-completion li:not(.dropdown-header)',
        has_text=choice or text).first
    for attempt in range(3):
        wait_idle(page)
        input_.fill('')
        # key by key, as sao completes on the keys typed
        input_.press_sequentially(text, delay=10)
        try:
            proposal.click(timeout=5000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    wait_idle(page)


def fill_many2one(tab, name, text, choice=None):
    "Pick the record of the many2one name that sao completes text with"
    input_ = widget(tab, name)
    complete(input_, text, choice)
    assert (choice or text) in input_.input_value(), input_.input_value()


def search_window(page):
    "Return sao's search window (a dialog with a list)"
    return page.locator('.modal:visible', has=page.locator('.treeview')).last


def click_button(tab, text, confirm=False):
    "Click the button of the form with text; accept its confirmation"
    page = tab.page
    button = tab.locator('.form button:visible', has_text=text).first
    button.click()
    if confirm:
        dialog = page.locator('.modal:visible')
        dialog.first.wait_for()
        dialog.locator('.modal-footer .btn-primary').first.click()
        # sao calls the button once the dialog is gone: on a busy machine
        # that may be later than wait_idle's settling time
        dialog.first.wait_for(state='hidden')
    wait_idle(page)


def toolbar(tab, title):
    "Return the toolbar button of the tab with title (Baru, Simpan...)"
    return tab.locator(f'.toolbar [title^="{title}"]:visible').first


def field_value(tab, name):
    "Return the shown value of the field name"
    input_ = widget(tab, name)
    if input_.evaluate('e => e.tagName') == 'SELECT':
        return input_.evaluate('e => e.options[e.selectedIndex].text')
    return input_.input_value()


def state_in(tab, values, name='state', timeout=UI_TIMEOUT):
    """Return the shown value of the field name (the state) once it is one of
    values, or the last one shown after timeout milliseconds: the form shows
    a button's result when sao has reloaded the record"""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = field_value(tab, name)
        if value in values or time.monotonic() > deadline:
            return value
        tab.page.wait_for_timeout(100)


def messages(page):
    "Return the texts of sao's open dialogs (errors, warnings)"
    return [t.strip() for t in
        page.locator('.modal:visible .modal-body').all_inner_texts()]
