# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The inventory plugin, loaded by Ansible's plugin loader, against an in-process emulator.

Ansible's collection loader is installed by tests/unit/conftest.py, as `ansible-inventory` does.
"""

import os
import sys

UNIT_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(UNIT_DIR, "..", "emulator"))
sys.path.insert(0, os.path.join(UNIT_DIR, "emulator"))

from emulator_fixtures import emulator, emulator_server  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
