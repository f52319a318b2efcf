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

from ansible.plugins.loader import init_plugin_loader

UNIT_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
init_plugin_loader([os.path.join(UNIT_DIR, "..", "..", ".build", "collections")])
sys.path.insert(0, os.path.join(UNIT_DIR, "..", "emulator"))
sys.path.insert(0, os.path.join(UNIT_DIR, "emulator"))

from emulator_fixtures import emulator, emulator_server  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
