# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The regency outlets in the web client: the Kota Kupang outlet manager
(Indonesian) opens NTT Mart / Gerai Kabupaten and the admin (English) NTT
Mart / Regency Outlets, and both see the 23 warehouses."""
import re

from browser.sao import list_rows, login, logout, open_menu, screenshot

# 22 regency outlets + the provincial hub
WAREHOUSES = 23
EXPECTED_NAMES = {'NTT Mart Kota Kupang', 'NTT Mart Hub Kota Kupang'}


def check_regency_outlets(page, entry, columns, name):
    "Open NTT Mart / <entry> and check the list of the warehouses"
    tab = open_menu(page, 'NTT Mart', entry)
    total, rows = list_rows(page, tab)
    labels = tab.locator(
        '.treeview table.tree > thead th .header label').all_inner_texts()
    screenshot(page, name)
    assert total == WAREHOUSES, f"badge {total}"
    assert len(rows) == WAREHOUSES, rows
    cells = {cell for row in rows for cell in row}
    assert EXPECTED_NAMES <= cells, sorted(cells)
    codes = sorted(row[0] for row in rows)
    assert codes[-1] == 'HUB', codes
    assert all(re.fullmatch(r'53\.\d\d', c) for c in codes[:-1]), codes
    assert set(columns) <= set(labels), labels


def test_regency_outlets_in_web_client(server, page):
    "Outlet clerk (Indonesian) and admin (English) list the 23 warehouses"
    _, database, _ = server
    login(page, database, 'kupang')
    assert 'Manajer Gerai Kota Kupang' in page.locator(
        '#user-preferences').inner_text()
    check_regency_outlets(
        page, 'Gerai Kabupaten', ['Kode', 'Nama', 'Kabupaten/Kota'],
        'regency_outlets_kupang')
    logout(page)

    login(page, database, 'admin')
    check_regency_outlets(
        page, 'Regency Outlets', ['Code', 'Name', 'Regency'],
        'regency_outlets_admin')
    logout(page)
