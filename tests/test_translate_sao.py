# This file is part of NTT Mart ERP.  Licensed under the GPL-3.0-or-later.
"""sao's Indonesian is complete once scripts/translate_sao.py has run"""
import json
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAO_LOCALE = os.path.join(ROOT, 'var', 'sao', 'locale')
SCRIPT = os.path.join(ROOT, 'scripts', 'translate_sao.py')


def _sao_json():
    for name in ['id.json.orig', 'id.json']:
        path = os.path.join(SAO_LOCALE, name)
        if os.path.exists(path):
            return path
    if os.environ.get('REQUIRE_BROWSER'):
        pytest.fail(f"no sao in {SAO_LOCALE}: run make sao")
    pytest.skip("sao is not installed (make sao)")


def test_every_sao_string_in_indonesian(tmp_path):
    "Every string of sao has an Indonesian text after the script"
    original = _sao_json()
    (tmp_path / 'locale').mkdir()
    shutil.copyfile(original, tmp_path / 'locale' / 'id.json')
    with open(original, encoding='utf-8') as file:
        before = json.load(file)
    empty = {k for k, v in before.items() if k and not v[1]}

    result = subprocess.run(
        [sys.executable, SCRIPT, str(tmp_path)],
        capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert f"{len(empty)} strings filled" in result.stderr
    with open(tmp_path / 'locale' / 'id.json', encoding='utf-8') as file:
        after = json.load(file)
    assert after.keys() == before.keys()
    assert [k for k, v in after.items() if k and not v[1]] == []
    # sao's own translations are kept
    for key, value in before.items():
        if key and value[1]:
            assert after[key] == value
    assert after['This record has been modified\ndo you want to save it?'][
        1] == 'Catatan ini telah diubah,\napakah Anda ingin menyimpannya?'
    assert after['Filters'][1] == 'Filter'
