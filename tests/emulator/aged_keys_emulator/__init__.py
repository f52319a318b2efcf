# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Patches that make moto's server behave like AWS where the collection depends on it.

The patches reach into moto's internals, so moto is pinned to MOTO_VERSION and
tests/unit/emulator/test_moto_internals.py fails loudly when an upgrade moves them.
"""

import threading

import moto

MOTO_VERSION = "5.2.5"

_APPLIED = threading.Event()
_APPLY_LOCK = threading.Lock()


def apply_patches():
    """Apply every patch once per process, before the server serves a request."""
    with _APPLY_LOCK:
        if _APPLIED.is_set():
            return
        if moto.__version__ != MOTO_VERSION:
            raise RuntimeError(f"The emulator patches moto {MOTO_VERSION} internals, found moto {moto.__version__}: pin moto=={MOTO_VERSION}")
        # Imported here so that importing the package does not load every moto service.
        from . import authorization, automation, config, config_evaluation, config_remediation_execution  # pylint: disable=import-outside-toplevel
        from . import iam, iam_access_keys, kms, organizations, s3, snapshots, sns, sns_filter, sqs  # pylint: disable=import-outside-toplevel

        iam.apply()
        iam_access_keys.apply()
        kms.apply()
        organizations.apply()
        s3.apply()
        sns.apply()
        sns_filter.apply()
        sqs.apply()
        config.apply()
        config_evaluation.apply()
        config_remediation_execution.apply()
        automation.apply()
        authorization.apply()
        snapshots.apply()
        _APPLIED.set()
