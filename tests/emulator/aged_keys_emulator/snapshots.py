# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Named snapshots of the emulator's whole state, restored in place of a rollout already made.

A test that needs an estate the rollout has converged can have it restored from a snapshot
that an earlier real rollout of the same inventory left, instead of paying for the rollout
again. Everything the emulator knows lives on moto's backends (ours too: rule evaluations,
remediation and automation executions, SNS deliveries), so a snapshot is one deep copy of
every backend moto has made, taken in one go so that objects shared between services stay
shared. Restoring resets the emulator as /moto-api/reset does and puts a fresh copy of the
snapshot in place, so the snapshot itself never changes.

Background work (remediations, automations, evaluations) would be copied half-done and never
finish, so a snapshot is refused while any is running: the caller waits and asks again.
"""

import copy
import threading

from moto.core.base_backend import BackendDict, backend_lock
from moto.moto_api._internal.models import moto_api_backend
from moto.ssm.models import ParameterDict

from .automation.engine import STORE_ATTRIBUTE as AUTOMATIONS_ATTRIBUTE
from .config_evaluation import IN_PROGRESS_ATTRIBUTE
from .config_remediation_execution import EXECUTIONS_ATTRIBUTE
from .patching import add_attribute

# Executions in these states have a background thread still working on them.
RUNNING_REMEDIATION_STATES = ("QUEUED", "IN_PROGRESS")
RUNNING_AUTOMATION_STATUSES = ("Pending", "InProgress")

_SNAPSHOTS = {}
_LOCK = threading.Lock()


class SnapshotRefused(Exception):
    """The emulator cannot take (or does not have) the snapshot asked for."""


def apply():
    # moto's ParameterDict (a defaultdict) takes its account and region as arguments, which the
    # generic deep copy of a dict subclass does not give back.
    add_attribute(ParameterDict, "__deepcopy__", copy_parameter_dict)


def copy_parameter_dict(self, memo):
    copied = ParameterDict(self.account_id, self.region_name)
    memo[id(self)] = copied
    copied.__dict__.update(copy.deepcopy(self.__dict__, memo))
    for name, versions in self.items():
        copied[name] = copy.deepcopy(versions, memo)
    return copied


def take(name):
    """Keep the emulator's state as it is now under `name` (replacing a snapshot of that name)."""
    with backend_lock:
        busy = running_work()
        if busy:
            raise SnapshotRefused(f"background work is still running ({', '.join(busy)}); ask again when it has finished")
        state = [(backend_dict, dict(backend_dict)) for backend_dict in BackendDict._instances]  # pylint: disable=protected-access
        copied = copy.deepcopy(state, shared_backend_dicts())
    with _LOCK:
        _SNAPSHOTS[name] = copied


def restore(name):
    """Replace the emulator's state by a copy of the snapshot `name`."""
    with _LOCK:
        if name not in _SNAPSHOTS:
            raise SnapshotRefused(f"the emulator has no snapshot named {name!r}; known: {', '.join(sorted(_SNAPSHOTS)) or 'none'}")
        state = copy.deepcopy(_SNAPSHOTS[name], shared_backend_dicts())
    moto_api_backend.reset()
    with backend_lock:
        for backend_dict, accounts in state:
            dict.update(backend_dict, accounts)
            BackendDict._instances.append(backend_dict)  # pylint: disable=protected-access


def shared_backend_dicts():
    """A deep-copy memo that keeps moto's BackendDicts themselves (the services' registries) uncopied."""
    return {id(backend_dict): backend_dict for backend_dict in BackendDict._instances}  # pylint: disable=protected-access


def running_work():
    """What the emulator is still working on in the background, described."""
    busy = []
    for backend_dict in list(BackendDict._instances):  # pylint: disable=protected-access
        for account_id, region, backend in backend_dict.iter_backends():
            state = backend.__dict__
            if state.get(IN_PROGRESS_ATTRIBUTE):
                busy.append(f"rule evaluations in {account_id} {region}")
            if any(status["State"] in RUNNING_REMEDIATION_STATES for status in list(state.get(EXECUTIONS_ATTRIBUTE, {}).values())):
                busy.append(f"remediations in {account_id} {region}")
            if any(execution.status in RUNNING_AUTOMATION_STATUSES for execution in list(state.get(AUTOMATIONS_ATTRIBUTE, {}).values())):
                busy.append(f"automations in {account_id} {region}")
    return busy
