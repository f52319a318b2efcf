# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""aws:executeScript: a Python handler run in-process, with boto3 bound to the execution's identity.

AWS Systems Manager User Guide, "aws:executeScript": inputs Runtime (python3.x or
PowerShell), Handler (the function, called as handler(events, context)), Script (inline)
or Attachment, InputPayload (the `events` argument). Outputs: Payload, the handler's
return value (declared outputs select from `$.Payload...`). An exception fails the step
with the traceback ("Step fails when it is Poll action status for completion. Traceback
... <Type> - <message>. Please refer to ...").

The script's `import boto3` (and `from boto3 import ...`) gets a stand-in module whose
client()/Session() talk to the emulator with the execution's credentials; every call is
checked against the policies like an aws:executeAwsApi call. Every other import (json,
datetime, botocore, ...) is Python's own. Only Python runs, on the emulator's interpreter;
PowerShell and attachments are refused.

`context`: the User Guide does not describe it. AWS's own runbook scripts read the
execution id from it (`context['automation:EXECUTION_ID']`), and that is all the emulator
can vouch for, so it passes exactly that key. Anything else a script needs (account,
region, ...) goes through InputPayload ("{{ global:ACCOUNT_ID }}"), which the guide does
document.
"""

import builtins
import re
import traceback
import types

from . import calls
from .errors import StepFailure, TROUBLESHOOTING_SUFFIX, step_failure

PYTHON_RUNTIME = re.compile(r"python3\.\d+")
SCRIPT_FILE = "customer_script.py"
POLL_PHASE = "Poll action status for completion"


class ScriptContext(dict):
    """The handler's `context`: the automation execution id, and a KeyError that says so for anything else."""

    def __missing__(self, key):
        raise KeyError(f"{key!r}: the emulator's context holds only {', '.join(self)}; pass other values through InputPayload")


def script_context(execution_id):
    return ScriptContext({"automation:EXECUTION_ID": execution_id})


def run_script(inputs, identity, region, context):
    """The handler's return value; a StepFailure for a bad step or a raising script."""
    check_inputs(inputs)
    namespace = {"__builtins__": builtins_with_boto3(identity, region), "__name__": "customer_script"}
    try:
        exec(compile(inputs["Script"], SCRIPT_FILE, "exec"), namespace)  # pylint: disable=exec-used
    except Exception as error:  # pylint: disable=broad-except  # the script's own failure fails the step
        raise script_failure(error) from error
    handler = namespace.get(inputs["Handler"])
    if not callable(handler):
        raise step_failure(POLL_PHASE, f"Handler {inputs['Handler']} is not a function defined by the script")
    try:
        return handler(inputs.get("InputPayload") or {}, context)
    except Exception as error:  # pylint: disable=broad-except
        raise script_failure(error) from error


def check_inputs(inputs):
    runtime = inputs.get("Runtime")
    if not isinstance(runtime, str) or not PYTHON_RUNTIME.fullmatch(runtime):
        raise step_failure("Execute/Cancelling action", f"Runtime {runtime!r} is not supported by the emulator: use python3.x")
    if "Attachment" in inputs:
        raise step_failure("Execute/Cancelling action", "Script attachments are not supported by the emulator: give the Script inline")
    for name in ("Handler", "Script"):
        if not isinstance(inputs.get(name), str) or not inputs[name]:
            raise step_failure("Execute/Cancelling action", f"Input {name} is required")
    if not isinstance(inputs.get("InputPayload", {}), dict):
        raise step_failure("Execute/Cancelling action", "InputPayload must be a map")


def builtins_with_boto3(identity, region):
    """Python's builtins, except that importing boto3 yields the bound stand-in."""
    stand_in = boto3_stand_in(identity, region)
    real_import = builtins.__import__

    def script_import(name, *args, **kwargs):
        if name == "boto3":
            return stand_in
        return real_import(name, *args, **kwargs)

    namespace = dict(vars(builtins))
    namespace["__import__"] = script_import
    return namespace


def boto3_stand_in(identity, region):
    module = types.ModuleType("boto3")

    def session_factory(*_args, region_name=None, **_kwargs):
        return calls.ScriptSession(identity, region_name or region)

    module.Session = session_factory
    module.session = types.SimpleNamespace(Session=session_factory)
    module.client = lambda service_name, *args, **kwargs: session_factory().client(service_name, *args, **kwargs)
    module.resource = lambda *args, **kwargs: session_factory().resource()
    return module


def script_failure(error):
    """AWS's shape: the traceback of the script's frames, then "<Type> - <message>"."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if frame.filename == SCRIPT_FILE]
    lines = "".join(traceback.format_list(frames))
    message = f"Traceback (most recent call last):\n{lines}\n{type(error).__name__} - {error}"
    return StepFailure(f"Step fails when it is {POLL_PHASE}. {message}. {TROUBLESHOOTING_SUFFIX}")
