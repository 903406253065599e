# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The set-up script of the demo command, run twice on a new database."""
from ntt_mart.deploy import DEMO_USERS

DEMO_LOGINS = [login for login, *_ in DEMO_USERS]


def test_setup_database_twice(demo_database):
    "Test the set-up builds the demo database and a second run adds nothing"
    query = demo_database.query
    assert "22 regency outlets" in demo_database.first_run.stderr

    def state():
        return {
            'regencies': query(
                "SELECT COUNT(*) FROM country_subdivision "
                "WHERE kemendagri_code LIKE '53.%'")[0][0],
            'warehouses': query(
                "SELECT COUNT(*) FROM stock_location "
                "WHERE type = 'warehouse' AND regency IS NOT NULL")[0][0],
            'hubs': query(
                "SELECT name FROM stock_location "
                "WHERE provincial_hub = TRUE"),
            'companies': query(
                "SELECT c.timezone, cur.code FROM company_company AS c "
                "JOIN currency_currency AS cur ON c.currency = cur.id"),
            'accounts': query(
                "SELECT COUNT(*) FROM account_account "
                "WHERE code = '21200'")[0][0],
            'periods': query(
                "SELECT COUNT(*) FROM account_period "
                "WHERE type = 'standard'")[0][0],
            # the demo database is shared: other tests add their own users
            'users': sorted(r[0] for r in query(
                    "SELECT login FROM res_user WHERE login IN (%s)"
                    % ', '.join(f"'{l}'" for l in ['admin'] + DEMO_LOGINS))),
            'payment_methods': sorted(r[0] for r in query(
                    "SELECT name FROM account_invoice_payment_method")),
            'till_methods': sorted(r[0] for r in query(
                    "SELECT name FROM sale_point_payment_method")),
            'host_share_account': query(
                "SELECT a.code FROM consignment_configuration_sequence AS c "
                "JOIN account_account AS a ON c.host_share_account = a.id"),
            'wizard_open': query(
                "SELECT COUNT(*) FROM ir_module_config_wizard_item "
                "WHERE state != 'done'")[0][0],
            }
    before = state()
    assert before == {
        'regencies': 22,
        'warehouses': 23,
        'hubs': [('NTT Mart Hub Kota Kupang',)],
        'companies': [('Asia/Makassar', 'IDR')],
        'accounts': 1,
        'periods': 12,
        'users': ['admin', 'adminprov', 'akuntan', 'kasir', 'konsinyasi',
            'kupang', 'provinsi', 'sertifikasi'],
        'payment_methods': ['QRIS', 'Transfer Bank', 'Tunai Gerai'],
        'till_methods': ['QRIS', 'Tunai'],
        'host_share_account': [('61210',)],
        'wizard_open': 0,
        }
    second = demo_database.set_up()
    assert "Activating" not in second.stderr
    assert state() == before
