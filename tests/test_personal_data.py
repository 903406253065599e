# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The personal data of an individual supplier over JSON-RPC (issue #12).

On the demo database of the run served by one trytond (tests/conftest.py),
the admin creates an individual supplier with a NIK, the same number as
16-digit NPWP, a home address, a mobile and an e-mail.  The demo users
without the group UMKM Personal Data (the outlet clerk ``kupang``, the
province analyst ``provinsi``) find it by none of the searches of
party_umkm.tests.tools.personal_data_searches and read its personal fields
empty; the certification officer ``sertifikasi`` finds and reads them.
"""
import json

import pytest

from party_umkm.tests.tools import (
    PERSONAL_NIK, individual_supplier_values, personal_data_searches)

from rpc import Client, RPCError

HIDDEN = ['kupang', 'provinsi']
ALLOWED = ['sertifikasi', 'admin']
# a NIK that fails its check (no 99th month)
INVALID_NIK = '5301019999800001'


@pytest.fixture(scope='module')
def clients(demo_server):
    url, database, _ = demo_server
    return {login: Client(url, database, login)
        for login in HIDDEN + ALLOWED}


@pytest.fixture(scope='module')
def supplier(clients):
    "The individual supplier: its id, identifiers, addresses and contacts"
    admin = clients['admin']
    values = individual_supplier_values()
    party_ids = admin.model('party.party', 'search',
        [('name', '=', values['name'])], 0, None, None)
    if not party_ids:
        party_ids = admin.model('party.party', 'create', [values])
    party, = admin.model('party.party', 'read', party_ids,
        ['identifiers', 'addresses', 'contact_mechanisms'])
    return party


def search_counts(client):
    """Return by domain how many records the searches of personal data find
    for client, and for a user with access to personal data"""
    searches = personal_data_searches()
    return (
        {str(d): client.model(m, 'search_count', d) for m, d, _ in searches},
        {str(d): c for _, d, c in searches})


@pytest.mark.parametrize('login', HIDDEN)
def test_personal_data_hidden(clients, supplier, login):
    "A user without the group finds and reads no personal data"
    client = clients[login]
    found, _ = search_counts(client)
    assert found == {d: 0 for d in found}
    assert client.model('party.party', 'search_count',
        [('name', '=', "Ina Bria")]) == 1

    party, = client.model('party.party', 'read', [supplier['id']], [
            'identifiers', 'tax_identifier', 'tax_identifier.rec_name',
            'phone', 'mobile', 'email', 'addresses', 'contact_mechanisms'])
    assert party['identifiers'] == []
    assert party['tax_identifier'] is None
    assert [party[f] for f in ['phone', 'mobile', 'email']] == ['', '', '']
    assert party['addresses'] == supplier['addresses']

    identifiers = client.model('party.identifier', 'read',
        supplier['identifiers'], ['type', 'code', 'rec_name'])
    assert sorted((i['type'], i['code']) for i in identifiers) == [
        ('id_nik', None), ('id_vat', None)]
    assert all(PERSONAL_NIK not in i['rec_name'] for i in identifiers)
    address, = client.model('party.address', 'read', supplier['addresses'],
        ['street', 'postal_code', 'full_address', 'rec_name'])
    assert [address[f] for f in ['street', 'postal_code', 'full_address']] \
        == [None, None, None]
    assert 'Oelamasi' not in address['rec_name']
    mechanisms = client.model('party.contact_mechanism', 'read',
        supplier['contact_mechanisms'], ['type', 'value', 'rec_name'])
    assert sorted((m['type'], m['value']) for m in mechanisms) == [
        ('email', None), ('mobile', None)]

    exported = client.model('party.party', 'export_data', [supplier['id']],
        ['name', 'identifiers/code', 'addresses/street',
            'contact_mechanisms/value', 'mobile'])
    assert exported == [["Ina Bria", '', '', '', ''], ['', '', '', '', '']]

    with pytest.raises(RPCError):
        client.model('party.identifier', 'write', supplier['identifiers'],
            {'code': '5301015505800002'})


@pytest.mark.parametrize('login', ALLOWED)
def test_personal_data_allowed(clients, supplier, login):
    "The certification officer and the admin find and read personal data"
    found, expected = search_counts(clients[login])
    # the demo database is shared with other tests (the CSV import adds
    # suppliers with identifiers): each search finds at least the supplier's
    admin, _ = search_counts(clients['admin'])
    assert found == admin
    assert {d: min(c, expected[d]) for d, c in found.items()} == expected
    client = clients[login]

    party, = client.model('party.party', 'read', [supplier['id']],
        ['tax_identifier.rec_name', 'mobile', 'email'])
    assert party['tax_identifier.']['rec_name'] == PERSONAL_NIK
    assert (party['mobile'], party['email']) == (
        '+6281237001234', 'ina.bria@example.com')
    identifiers = client.model('party.identifier', 'read',
        supplier['identifiers'], ['code'])
    assert [i['code'] for i in identifiers] == [PERSONAL_NIK] * 2
    address, = client.model('party.address', 'read', supplier['addresses'],
        ['street'])
    assert address['street'] == "Jl. Oelamasi 7"


def test_invalid_nik_not_echoed(clients, supplier, demo_server):
    """An invalid NIK is refused without its number, on screen and in the
    log; the log of the calls (at INFO level) masks the NIK searched for"""
    _, _, log_path = demo_server
    for login in ['sertifikasi', 'kupang']:
        with pytest.raises(RPCError) as info:
            clients[login].model('party.identifier', 'create', [{
                        'party': supplier['id'],
                        'type': 'id_nik',
                        'code': INVALID_NIK,
                        }])
        assert INVALID_NIK not in json.dumps(info.value.args)
    log = log_path.read_text()
    assert 'party.party.search_count' in log
    assert INVALID_NIK not in log
    assert PERSONAL_NIK not in log
