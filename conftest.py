"""Collect Tryton scenario doctests (``tests/scenario_*.rst``) as pytest items.

Upstream loads scenarios through unittest's ``load_tests``, which pytest
ignores; this hook runs each scenario file (and each configuration of its
``.json`` companion) with the doctest helpers of ``trytond.tests.test_tryton``
so that a wrong expected value fails the run.
"""
import doctest
import json
import unittest

import pytest


def pytest_collect_file(parent, file_path):
    if (file_path.suffix == '.rst'
            and file_path.name.startswith('scenario_')
            and file_path.parent.name == 'tests'):
        return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFailure(Exception):
    pass


class ScenarioFile(pytest.File):

    def collect(self):
        config = self.path.with_suffix('.json')
        if config.exists():
            with config.open() as fp:
                configs = json.load(fp)
        else:
            configs = [{}]
        for index, globs in enumerate(configs):
            name = self.path.stem
            if len(configs) > 1:
                name += f'[{index}]'
            yield ScenarioItem.from_parent(self, name=name, globs=globs)


class ScenarioItem(pytest.Item):

    def __init__(self, *, globs, **kwargs):
        super().__init__(**kwargs)
        self.globs = globs

    def runtest(self):
        from trytond import backend
        from trytond.tests.test_tryton import (
            STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)

        optionflags = (
            doctest.REPORT_ONLY_FIRST_FAILURE
            | doctest.ELLIPSIS
            | doctest.IGNORE_EXCEPTION_DETAIL)
        if backend.name == 'sqlite':
            optionflags |= STRIP_DECIMAL
        suite = doctest.DocFileSuite(
            str(self.path), module_relative=False,
            globs=dict(self.globs),
            setUp=doctest_setup, tearDown=doctest_teardown,
            encoding='utf-8', checker=doctest_checker,
            optionflags=optionflags)
        result = unittest.TestResult()
        suite.run(result)
        if result.testsRun != 1:
            raise ScenarioFailure(f"{self.path}: no scenario was run")
        problems = result.failures + result.errors
        if problems:
            raise ScenarioFailure('\n'.join(text for _, text in problems))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"scenario: {self.name}"


# Every test runs on one activated database per backend (see
# ntt_mart/tests/shared_set.py): installed before any test module imports
# trytond's activate_module(s)
from ntt_mart.tests import shared_set  # noqa: E402

shared_set.install()
