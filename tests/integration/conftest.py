# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
import hashlib
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


def converged_estate(emulator, directory, targets=None, settings=None, playbook="site.yml"):
    """An estate like fresh_estate's (of `targets`, TARGETS unless told) that `playbook` has converged,
    for tests that start there.

    The first such estate of an inventory is converged by a real run of the playbook, after which
    the emulator keeps its state as a snapshot; later estates of the same inventory and playbook
    restore that snapshot instead of running the playbook again (the snapshots of one emulator
    stay with it)."""
    estate = Estate(emulator, directory, CENTRAL, targets or TARGETS, settings=settings)
    with open(estate.write_inventory(), encoding="utf-8") as stream:
        name = hashlib.sha256("{0}\n{1}".format(playbook, stream.read()).encode("utf-8")).hexdigest()
    if name in emulator.snapshots:
        emulator.restore(name)
        return estate
    emulator.reset()
    estate.prepare_targets()
    run = estate.run(playbook)
    assert run.rc == 0, run
    emulator.snapshot(name)
    return estate


@pytest.fixture
def estate(emulator, tmp_path):
    """A fresh estate for one test."""
    return fresh_estate(emulator, tmp_path)


@pytest.fixture
def converged(emulator, tmp_path):
    """An estate that site.yml has converged, for one test."""
    return converged_estate(emulator, tmp_path)


@pytest.fixture(scope="module")
def rolled_out(emulator, tmp_path_factory):
    """An estate after site.yml, shared by the tests of one module (each leaves it usable)."""
    return converged_estate(emulator, tmp_path_factory.mktemp("rolled-out"))
