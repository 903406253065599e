# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"A JSON-RPC client of the tests that talk to the demo server"
import base64
import datetime as dt
import json
import urllib.request
from decimal import Decimal

PASSWORD = 'kupang-demo-53'


class RPCError(Exception):
    pass


def _encode(value):
    "Encode the values that JSON does not know as trytond's JSON-RPC does"
    if isinstance(value, dt.datetime):
        raise TypeError("datetime is not sent by these tests")
    if isinstance(value, dt.date):
        return {'__class__': 'date', 'year': value.year,
            'month': value.month, 'day': value.day}
    if isinstance(value, Decimal):
        return {'__class__': 'Decimal', 'decimal': str(value)}
    raise TypeError(f"{value!r} is not JSON serializable")


def _decode(value):
    if value.get('__class__') == 'Decimal':
        return Decimal(value['decimal'])
    if value.get('__class__') == 'date':
        return dt.date(value['year'], value['month'], value['day'])
    return value


class Client:
    "A JSON-RPC session of a user, as the web client opens one"

    def __init__(self, url, database, login, password=PASSWORD):
        self.url = f'{url}/{database}/rpc/'
        self.authorization = None
        # sent with every call, as the web client sends the preferences
        self.context = {}
        user_id, session, _ = self('common.db.login', login,
            {'password': password}, 'en')
        self.user_id = user_id
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        self.authorization = f'Session {token}'

    def __call__(self, method, *params):
        request = urllib.request.Request(self.url,
            data=json.dumps({'id': 1, 'method': method,
                    'params': list(params)}, default=_encode).encode(),
            headers={'Content-Type': 'application/json'})
        if self.authorization:
            request.add_header('Authorization', self.authorization)
        with urllib.request.urlopen(request, timeout=120) as answer:
            response = json.load(answer, object_hook=_decode)
        if response.get('error'):
            raise RPCError(response['error'])
        return response['result']

    def use_preferences(self):
        "Send the user's preferences (company, language) as context"
        self.context = self.model('res.user', 'get_preferences', True)
        return self

    def model(self, model, method, *params, context=None):
        return self(f'model.{model}.{method}', *params,
            {**self.context, **(context or {})})

    def wizard(self, name, state, data, context=None):
        """Run the wizard name from its start to state with data (the values
        of its forms by state) and return the result of that state"""
        context = {**self.context, **(context or {})}
        session, _, _ = self(f'wizard.{name}.create', context)
        try:
            return self(f'wizard.{name}.execute', session, data, state,
                context)
        finally:
            self(f'wizard.{name}.delete', session, context)
