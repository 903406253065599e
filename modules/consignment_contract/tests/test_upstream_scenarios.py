# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"""Run Tryton's own stock_consignment, sale_point, sale and purchase
scenarios with consignment_contract active, to show this module does not
change their behaviour where no consignment contract is involved."""
import doctest
import os
import unittest
from unittest import mock

import trytond.tests.tools as tools
from trytond import backend
from trytond.modules import purchase, sale, sale_point, stock_consignment
from trytond.tests.test_tryton import (
    STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)

MODULE = 'consignment_contract'
UPSTREAM = {
    'stock_consignment': stock_consignment,
    'sale_point': sale_point,
    'sale': sale,
    'purchase': purchase,
    }
_activate_modules = tools.activate_modules


def activate_with_consignment_contract(modules, *setup):
    "Activate the upstream modules through consignment_contract"
    if isinstance(modules, str):
        modules = [modules]
    assert set(modules) <= set(UPSTREAM), modules
    # Both are dependencies: activating this module alone shares the
    # cached database with this module's own scenarios
    return _activate_modules(MODULE, *setup)


def upstream_scenarios():
    for name, module in UPSTREAM.items():
        directory = os.path.join(os.path.dirname(module.__file__), 'tests')
        for filename in sorted(os.listdir(directory)):
            if (filename.startswith('scenario_')
                    and filename.endswith('.rst')):
                yield name, os.path.join(directory, filename)


class UpstreamScenarioTestCase(unittest.TestCase):
    "Upstream scenarios with consignment_contract active"

    def run_scenario(self, path):
        optionflags = (
            doctest.REPORT_ONLY_FIRST_FAILURE
            | doctest.ELLIPSIS
            | doctest.IGNORE_EXCEPTION_DETAIL)
        if backend.name == 'sqlite':
            optionflags |= STRIP_DECIMAL
        suite = doctest.DocFileSuite(
            path, module_relative=False,
            setUp=doctest_setup, tearDown=doctest_teardown,
            encoding='utf-8', checker=doctest_checker,
            optionflags=optionflags)
        result = unittest.TestResult()
        activate = mock.Mock(side_effect=activate_with_consignment_contract)
        with mock.patch.object(tools, 'activate_modules', activate):
            suite.run(result)
        self.assertEqual(result.testsRun, 1)
        # The scenario really ran with this module activated
        activate.assert_called_once()
        problems = result.failures + result.errors
        if problems:
            self.fail('\n'.join(text for _, text in problems))


def _make_test(path):
    def test(self):
        self.run_scenario(path)
    return test


for _module, _path in upstream_scenarios():
    _name = os.path.splitext(os.path.basename(_path))[0]
    setattr(
        UpstreamScenarioTestCase, f'test_{_module}_{_name}', _make_test(_path))
