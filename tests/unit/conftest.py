# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make `ansible_collections.cloudsec.aged_keys` importable for plain pytest runs.

`make venv` links the checkout at .build/collections/ansible_collections/cloudsec/aged_keys.
"""

import os
import sys

_COLLECTIONS = os.path.join(os.path.dirname(__file__), "..", "..", ".build", "collections")
if os.path.isdir(_COLLECTIONS):
    sys.path.insert(0, os.path.abspath(_COLLECTIONS))
