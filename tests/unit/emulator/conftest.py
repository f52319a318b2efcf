# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A patched emulator served in-process on a free port, reset before each test."""

import os
import sys

EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "emulator"))
sys.path.insert(0, EMULATOR_DIR)

from emulator_fixtures import config, emulator, emulator_server, iam, sns, sqs, topic_arn  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from authorization_testing import enforced  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
