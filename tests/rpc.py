# This file is part of NTT Mart ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A JSON-RPC client of the demo server (tests/conftest.py)"""
import base64
import json
import urllib.request

PASSWORD = 'kupang-demo-53'


class RPCError(Exception):
    pass


class Client:
    "A JSON-RPC session of a user, as the web client opens one"

    def __init__(self, url, database, login):
        self.url = f'{url}/{database}/rpc/'
        self.authorization = None
        user_id, session, _ = self('common.db.login', login,
            {'password': PASSWORD}, 'en')
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        self.authorization = f'Session {token}'

    def __call__(self, method, *params):
        request = urllib.request.Request(self.url,
            data=json.dumps({'id': 1, 'method': method,
                    'params': list(params)}).encode(),
            headers={'Content-Type': 'application/json'})
        if self.authorization:
            request.add_header('Authorization', self.authorization)
        with urllib.request.urlopen(request, timeout=60) as answer:
            response = json.load(answer)
        if response.get('error'):
            raise RPCError(response['error'])
        return response['result']

    def model(self, model, method, *params):
        return self(f'model.{model}.{method}', *params, {})
