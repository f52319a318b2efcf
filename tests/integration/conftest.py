# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from estate import AMBIENT_ACCOUNT, Emulator, Estate  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "smoke: the rollout's check mode, converge and idempotence, run by `make oldest` too")


CENTRAL = "210987654321"
# The last target uses the controller's ambient credentials (no role assumed).
TARGETS = ["222233334444", "333344445555", AMBIENT_ACCOUNT]


@pytest.fixture(scope="session")
def emulator():
    with Emulator() as running:
        yield running


def fresh_estate(emulator, directory):
    """One central account and three target accounts recording IAM users, nothing rolled out."""
    emulator.reset()
    fresh = Estate(emulator, directory, CENTRAL, TARGETS)
    fresh.prepare_targets()
    fresh.write_inventory()
    return fresh


@pytest.fixture
def estate(emulator, tmp_path):
    """A fresh estate for one test."""
    return fresh_estate(emulator, tmp_path)


@pytest.fixture(scope="module")
def rolled_out(emulator, tmp_path_factory):
    """An estate after site.yml, shared by the tests of one module (each leaves it usable)."""
    rolled = fresh_estate(emulator, tmp_path_factory.mktemp("rolled-out"))
    run = rolled.run()
    assert run.rc == 0, run
    return rolled
