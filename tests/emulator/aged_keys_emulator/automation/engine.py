# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Automation executions: started, run step by step in a background thread, recorded.

AWS Systems Manager User Guide, "Running automations" and "Data elements and parameters":
steps run in order unless `nextStep`, `isEnd` or an aws:branch choice says otherwise;
`maxAttempts` retries a failed step; `onFailure` Abort (default) ends the execution,
Continue goes on, step:<name> jumps; `isCritical` (default true, false with Continue)
decides whether a failed step makes the execution Failed; `timeoutSeconds` bounds a
step (TimedOut). Statuses follow AutomationExecutionStatus: Pending, InProgress, then
Success, Failed or TimedOut. The runbook's `outputs` ("StepName.OutputName") become the
execution's Outputs.

Executions live on the SSM backend of their account and region, so `/moto-api/reset`
clears them with everything else.
"""

import datetime
import threading
import uuid

from botocore.exceptions import ClientError
from moto.ssm.models import ssm_backends
from moto.utilities.utils import get_partition

from . import access, actions, documents, identity, interpolation, parameters
from .errors import TROUBLESHOOTING_SUFFIX, InvalidAutomationExecutionParametersException, StepFailure

STORE_ATTRIBUTE = "automation_executions"
# Guards every execution's mutable state: the runner thread writes, API calls read.
STATE_LOCK = threading.RLock()


def execution_store(ssm_backend):
    """The id -> AutomationExecution dict of one account and region (insertion ordered)."""
    return ssm_backend.__dict__.setdefault(STORE_ATTRIBUTE, {})


def now():
    return datetime.datetime.now(datetime.timezone.utc)


class StepExecution:
    """One run of one step (API Reference, StepExecution data type)."""

    def __init__(self, definition):
        self.definition = definition
        self.step_execution_id = str(uuid.uuid4())
        self.status = "Pending"
        self.start_time = None
        self.end_time = None
        self.inputs = {}
        self.outputs = {}
        self.failure = None

    @property
    def name(self):
        return self.definition["name"]

    @property
    def on_failure(self):
        return self.definition.get("onFailure", "Abort")

    @property
    def is_critical(self):
        return self.definition.get("isCritical", self.on_failure != "Continue")


class AutomationExecution:
    """One execution of a runbook (API Reference, AutomationExecution data type)."""

    def __init__(self, request, ssm_backend, caller, parent_id=None):
        self.execution_id = str(uuid.uuid4())
        self.document_name, self.document_version, self.content = request["runbook"]
        self.parameters = request["parameters"]
        self.account = ssm_backend.account_id
        self.region = ssm_backend.region_name
        self.executed_by = caller.principal.arn
        self.caller = caller
        self.parent_id = parent_id
        self.identity = None
        self.status = "Pending"
        self.start_time = now()
        self.end_time = None
        self.steps = []
        self.step_outputs = {}
        self.outputs = {}
        self.failure_message = None

    # --- variables -------------------------------------------------------------------

    def system_variables(self):
        started = self.start_time
        return {
            "global:ACCOUNT_ID": self.account,
            "global:REGION": self.region,
            "global:AWS_PARTITION": get_partition(self.region),
            "global:DATE": started.strftime("%Y-%m-%d"),
            "global:DATE_TIME": started.strftime("%Y-%m-%d_%H.%M.%S"),
            "automation:EXECUTION_ID": self.execution_id,
        }

    def lookup(self, name):
        """The typed value of a parameter, a system variable or `Step.Output`."""
        if name in self.parameters:
            return self.parameters[name]
        variables = self.system_variables()
        if name in variables:
            return variables[name]
        step_name, _dot, output = name.partition(".")
        with STATE_LOCK:
            produced = self.step_outputs.get(step_name, {})
        if output and output in produced:
            return produced[output]
        raise interpolation.UnresolvedVariable(f"Variable {{{{ {name} }}}} has no value: step {step_name} did not run or did not produce {output or name}")

    def outputs_as_string_lists(self):
        return {name: parameters.as_string_list(value) for name, value in self.outputs.items()}

    # --- children --------------------------------------------------------------------

    def start_child(self, document_name, document_version, runtime_parameters):
        """aws:executeAutomation: a child execution in this account and region, as this execution's identity."""
        try:
            request = {"DocumentName": document_name, "DocumentVersion": document_version}
            access.authorize(self.identity, "ssm", "StartAutomationExecution", request, self.region)
        except ClientError as error:
            raise actions.step_failure(actions.EXECUTE_PHASE, str(error)) from error
        supplied = {name: parameters.as_string_list(value) for name, value in runtime_parameters.items()}
        try:
            backend = ssm_backends[self.account][self.region]
            child_id = start_execution(backend, document_name, document_version, supplied, self.identity, parent_id=self.execution_id)
        except InvalidAutomationExecutionParametersException as error:
            # moto's JsonRESTError is an Exception; pylint cannot infer it through werkzeug.
            raise actions.step_failure(actions.EXECUTE_PHASE, f"{error.error_type}: {error.message}") from error  # pylint: disable=bad-exception-cause
        except Exception as error:  # pylint: disable=broad-except  # any start error fails the step
            raise actions.step_failure(actions.EXECUTE_PHASE, str(error)) from error
        return execution_store(ssm_backends[self.account][self.region])[child_id]


def start_execution(ssm_backend, document_name, document_version, supplied_parameters, caller, parent_id=None):
    """Check everything StartAutomationExecution checks, record the execution, run it in a thread."""
    runbook = documents.find_runbook(ssm_backend, document_name, document_version)
    documents.check_runbook(runbook[2], actions.ACTIONS)
    typed = parameters.resolve(runbook[2], supplied_parameters)
    execution = AutomationExecution({"runbook": runbook, "parameters": typed}, ssm_backend, caller, parent_id)
    execution.identity = run_as(execution)
    with STATE_LOCK:
        execution_store(ssm_backend)[execution.execution_id] = execution
    threading.Thread(target=run, args=(execution,), name=f"automation-{execution.execution_id}", daemon=True).start()
    return execution.execution_id


def run_as(execution):
    """The runbook's assumeRole (resolved from parameters), or the caller when it has none."""
    try:
        role_arn = interpolation.resolve(execution.content.get("assumeRole") or "", execution.lookup)
    except interpolation.UnresolvedVariable as error:
        raise InvalidAutomationExecutionParametersException(str(error)) from error
    if not role_arn:
        return execution.caller
    if not isinstance(role_arn, str):
        raise InvalidAutomationExecutionParametersException("The format of the supplied assume role ARN is invalid.")
    return identity.assume_automation_role(role_arn, execution.execution_id, execution.account, execution.region)


# --- the run loop ----------------------------------------------------------------------------

def run(execution):
    """The execution thread: an unexpected error still ends the execution, as Failed."""
    try:
        run_steps(execution)
    except Exception as error:  # pylint: disable=broad-except
        with STATE_LOCK:
            execution.status, execution.end_time = "Failed", now()
            execution.failure_message = f"Internal Server Error ({type(error).__name__}: {error}). {TROUBLESHOOTING_SUFFIX}"


def run_steps(execution):
    with STATE_LOCK:
        execution.status = "InProgress"
    steps = execution.content["mainSteps"]
    positions = {step["name"]: position for position, step in enumerate(steps)}
    position, failed_step, aborted_status = 0, None, None
    while position is not None:
        record = StepExecution(steps[position])
        with STATE_LOCK:
            execution.steps.append(record)
        next_step = run_step(execution, record)
        if record.status == "Success":
            position = following(steps, positions, position, next_step)
            continue
        if record.is_critical:
            failed_step = record
        if record.on_failure == "Abort":
            aborted_status = record.status
            break
        if record.on_failure == "Continue":
            position = following(steps, positions, position, None)
        else:
            position = positions[record.on_failure[len("step:"):]]
    finish(execution, failed_step, aborted_status)


def following(steps, positions, position, branch_target):
    """The position of the step after `position`, or None when the execution ends."""
    step = steps[position]
    if branch_target:
        return positions[branch_target]
    if step.get("isEnd"):
        return None
    if step.get("nextStep"):
        return positions[step["nextStep"]]
    return position + 1 if position + 1 < len(steps) else None


def run_step(execution, record):
    """Run one step with its retries; returns a branch's next step."""
    definition = record.definition
    with STATE_LOCK:
        record.status, record.start_time = "InProgress", now()
    failure = None
    for _attempt in range(definition.get("maxAttempts", 1)):
        try:
            inputs = resolve_inputs(execution, record)
            result = run_action(execution, definition, inputs)
        except StepFailure as error:
            failure = error
            continue
        except Exception as error:  # pylint: disable=broad-except  # an emulator bug must still end the step
            failure = StepFailure(f"Internal Server Error ({type(error).__name__}: {error}). {TROUBLESHOOTING_SUFFIX}")
            continue
        with STATE_LOCK:
            record.outputs, record.status, record.end_time = result.outputs, "Success", now()
            execution.step_outputs[record.name] = result.outputs
        return result.next_step
    with STATE_LOCK:
        record.failure, record.status, record.end_time = failure, failure.status, now()
    return None


def resolve_inputs(execution, record):
    try:
        inputs = interpolation.resolve(record.definition.get("inputs") or {}, execution.lookup)
    except interpolation.UnresolvedVariable as error:
        raise actions.step_failure("Execute/Cancelling action", str(error)) from error
    with STATE_LOCK:
        record.inputs = inputs
    return inputs


def run_action(execution, definition, inputs):
    """The action, bounded by timeoutSeconds when the step sets it."""
    action = actions.ACTIONS[definition["action"]]
    timeout = definition.get("timeoutSeconds")
    if timeout is None:
        return action(execution, definition, inputs)
    outcome = {}

    def target():
        try:
            outcome["result"] = action(execution, definition, inputs)
        except StepFailure as error:
            outcome["failure"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise StepFailure(f"Step timed out while step is Executing. {TROUBLESHOOTING_SUFFIX}", status="TimedOut")
    if "failure" in outcome:
        raise outcome["failure"]
    return outcome["result"]


def finish(execution, failed_step, aborted_status):
    """Terminal status, failure message and the runbook's outputs."""
    outputs = {}
    for name in execution.content.get("outputs") or []:
        step_name, _dot, output = name.partition(".")
        if output in execution.step_outputs.get(step_name, {}):
            outputs[name] = execution.step_outputs[step_name][output]
    with STATE_LOCK:
        execution.outputs = outputs
        execution.status = aborted_status or ("Failed" if failed_step else "Success")
        execution.failure_message = failed_step.failure.message if failed_step else None
        execution.end_time = now()
