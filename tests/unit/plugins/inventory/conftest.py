# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin, loaded by Ansible's plugin loader, against an in-process emulator.

Ansible's collection loader is installed when this file is loaded, as `ansible-inventory` does:
it must come before the first import of `ansible_collections`, or the plugin loader cannot
find the plugin. Collected in path order, the other unit tests import collections later.
"""

import os
import sys

import pytest
from ansible.plugins.loader import init_plugin_loader

UNIT_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
init_plugin_loader([os.path.join(UNIT_DIR, "..", "..", ".build", "collections")])
sys.path.insert(0, os.path.join(UNIT_DIR, "..", "emulator"))
sys.path.insert(0, os.path.join(UNIT_DIR, "emulator"))

from aged_keys_emulator.runtime import EmulatorServer  # noqa: E402  pylint: disable=wrong-import-position
from emulator_testing import Emulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def organizations_emulator_server(tmp_path_factory):
    request_log_path = tmp_path_factory.mktemp("emulator") / "requests.jsonl"
    server = EmulatorServer(port=0, request_log_path=str(request_log_path)).start()
    server.request_log_file = request_log_path
    yield server
    server.stop()


@pytest.fixture
def emulator(organizations_emulator_server):
    emulator = Emulator(organizations_emulator_server)
    emulator.reset()
    return emulator
