# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The integration tests run with `--dist loadgroup`: the tests of a module marked with one
xdist_group share a module-scoped estate and must run on one worker, one after the other. With
pytest and pytest-xdist versions that do not agree on node ids the groups are silently split, each
worker builds its own estate, and tests that build on an earlier one see an estate without it."""

import os
import subprocess
import sys

GROUPED_MODULE = '''
import os
import pytest

pytestmark = pytest.mark.xdist_group("shared")


@pytest.fixture(scope="module")
def shared():
    with open(os.environ["SETUPS"], "a") as log:
        log.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")


@pytest.mark.parametrize("index", range(6))
def test_grouped(shared, index):
    pass
'''

UNGROUPED_MODULE = '''
import pytest


@pytest.mark.parametrize("index", range(12))
def test_alone(index):
    pass
'''


def test_a_group_runs_on_one_worker_with_one_module_setup(tmp_path):
    (tmp_path / "test_grouped.py").write_text(GROUPED_MODULE)
    (tmp_path / "test_alone.py").write_text(UNGROUPED_MODULE)
    setups = tmp_path / "setups"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "3", "--dist", "loadgroup", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=str(tmp_path), env=dict(os.environ, SETUPS=str(setups)), capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert len(setups.read_text().split()) == 1, setups.read_text()
