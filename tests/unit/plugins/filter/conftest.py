# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The integration tests' reader of the HTML report (tests/integration/html_page.py) is importable here."""

import os
import sys

INTEGRATION_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "integration"))
if INTEGRATION_DIR not in sys.path:
    sys.path.insert(0, INTEGRATION_DIR)
