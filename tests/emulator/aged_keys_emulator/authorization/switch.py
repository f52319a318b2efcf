# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The switch, and the record of what each role was authorized for, denied and refused.

The switch is server configuration (server.py --enforce-role-policies, or the control
endpoint): /moto-api/reset leaves it as it is. The record is state: /moto-api/reset clears it.

Record, per role ARN (every session of the role), each distinct (action, resource) with a count:
"Allowed", "Denied" (with AWS's reason), "Unsupported" (refused: the emulator cannot derive
the resources) and "Unchecked" (operations of sessions of a role that does not exist in IAM).
A test reads it to see which statement a run needed.
"""

import threading

from moto.moto_api._internal.models import MotoAPIBackend

from ..patching import is_patched, wrap_attribute

_LOCK = threading.Lock()
_STATE = {"enabled": False}
_RECORD = {}
KINDS = ("Allowed", "Denied", "Unsupported", "Unchecked")


def apply():
    """Clear the record with /moto-api/reset (once per process)."""
    if not is_patched(MotoAPIBackend, "reset"):
        wrap_attribute(MotoAPIBackend, "reset", clearing_record)


def clearing_record(original):
    def reset(self, *args, **kwargs):
        original(self, *args, **kwargs)
        clear()

    return reset


def enabled():
    with _LOCK:
        return _STATE["enabled"]


def set_enabled(value):
    with _LOCK:
        _STATE["enabled"] = bool(value)


def record(role_arn, kind, action, resource, detail=""):
    """Count one decision: kind is Allowed, Denied, Unsupported or Unchecked."""
    with _LOCK:
        decisions = _RECORD.setdefault(role_arn, {kind_name: {} for kind_name in KINDS})[kind]
        key = (action, resource, detail)
        decisions[key] = decisions.get(key, 0) + 1


def decisions(role_arn=None):
    """[{"RoleArn", "Allowed": [...], "Denied": [...], "Unsupported": [...], "Unchecked": [...]}] sorted by role, action, resource."""
    with _LOCK:
        roles = {arn: {kind: dict(entries) for kind, entries in kinds.items()} for arn, kinds in _RECORD.items() if role_arn in (None, arn)}
    return [dict({"RoleArn": arn}, **{kind: [entry(kind, key, count) for key, count in sorted(entries.items())] for kind, entries in kinds.items()})
            for arn, kinds in sorted(roles.items())]


def entry(kind, key, count):
    action, resource, detail = key
    described = {"Action": action, "Resource": resource, "Count": count}
    if kind == "Denied":
        described["Reason"] = detail
    elif kind == "Unsupported":
        described = {"Action": action, "Message": detail, "Count": count}
    elif kind == "Unchecked":
        described = {"Action": action, "Count": count}
    return described


def clear(role_arn=None):
    with _LOCK:
        for arn in [arn for arn in _RECORD if role_arn in (None, arn)]:
            del _RECORD[arn]
