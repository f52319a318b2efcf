# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The step actions the emulator runs (AWS Systems Manager User Guide, "Systems Manager
Automation actions reference"): aws:executeAwsApi, aws:assertAwsResourceProperty,
aws:executeScript, aws:executeAutomation, aws:branch and aws:sleep.

Each action takes the execution, the step definition and its resolved inputs, and
returns the step's typed outputs (and, for aws:branch, the next step), or raises
StepFailure.
"""

import dataclasses
import datetime
import json
import re
import time

from . import calls, scripts, selectors
from .errors import StepFailure, step_failure

EXECUTE_PHASE = calls.EXECUTE_PHASE
API_KEYS = ("Service", "Api")
ASSERT_KEYS = ("PropertySelector", "DesiredValues")
CHILD_POLL_SECONDS = 0.05
TERMINAL_STATUSES = ("Success", "Failed", "Cancelled", "TimedOut", "CompletedWithSuccess", "CompletedWithFailure")


@dataclasses.dataclass
class ActionResult:
    outputs: dict
    next_step: str = None


def required(inputs, name, expected_type=str):
    value = inputs.get(name)
    if not isinstance(value, expected_type) or not value:
        raise step_failure(EXECUTE_PHASE, f"Input {name} is required and must be a {'string' if expected_type is str else expected_type.__name__}")
    return value


# --- aws:executeAwsApi, aws:assertAwsResourceProperty ------------------------------------------

def execute_aws_api(execution, step, inputs):
    """Call Service/Api with the other inputs as parameters; outputs by Selector and Type."""
    response = api_response(execution, inputs, API_KEYS)
    return ActionResult(selectors.step_outputs(step.get("outputs"), response))


def assert_aws_resource_property(execution, _step, inputs):
    """The value PropertySelector selects in the response must be one of DesiredValues.

    AWS does not document its failure wording; the emulator names the selector, what it
    found and the desired values. Every selected value must be desired.
    """
    selector = required(inputs, "PropertySelector")
    desired = required(inputs, "DesiredValues", list)
    response = api_response(execution, inputs, API_KEYS + ASSERT_KEYS)
    found = [selectors.to_string(value) for value in selectors.select(response, selector)]
    if not found or any(value not in desired for value in found):
        shown = json.dumps(found) if found else "no value"
        raise step_failure(
            "verifying property value",
            f"Property selector {selector} selected {shown}, which is not in the desired values {json.dumps(desired)}",
            stage="Verification",
            failure_type="Verification",
        )
    return ActionResult({})


def api_response(execution, inputs, reserved_keys):
    service, api = required(inputs, "Service"), required(inputs, "Api")
    params = {key: value for key, value in inputs.items() if key not in reserved_keys}
    return calls.call_api(execution.identity, execution.region, service, api, params)


# --- aws:executeScript ---------------------------------------------------------------------------

def execute_script(execution, step, inputs):
    context = scripts.script_context(execution.execution_id)
    payload = scripts.run_script(inputs, execution.identity, execution.region, context)
    try:
        payload = json.loads(json.dumps(payload))
    except (TypeError, ValueError) as error:
        raise step_failure(scripts.POLL_PHASE, f"The handler returned a value that is not JSON serializable: {error}") from error
    outputs = {"Payload": payload}
    outputs.update(selectors.step_outputs(step.get("outputs"), {"Payload": payload}))
    return ActionResult(outputs)


# --- aws:executeAutomation -----------------------------------------------------------------------

CHILD_UNSUPPORTED_INPUTS = ("Targets", "TargetParameterName", "TargetMaps", "TargetLocations", "MaxConcurrency", "MaxErrors", "Tags")


def execute_automation(execution, _step, inputs):
    """Start DocumentName as a child execution (recorded with its parent) and wait for it.

    Outputs: ExecutionId, Status and Output (the child's outputs). A child that does not
    succeed fails the step.
    """
    unsupported = [name for name in CHILD_UNSUPPORTED_INPUTS if name in inputs]
    if unsupported:
        raise step_failure(EXECUTE_PHASE, f"Inputs not supported by the emulator: {', '.join(unsupported)}")
    runtime_parameters = inputs.get("RuntimeParameters") or {}
    if not isinstance(runtime_parameters, dict):
        raise step_failure(EXECUTE_PHASE, "RuntimeParameters must be a map")
    child = execution.start_child(required(inputs, "DocumentName"), inputs.get("DocumentVersion"), runtime_parameters)
    while child.status not in TERMINAL_STATUSES:
        time.sleep(CHILD_POLL_SECONDS)
    outputs = {"ExecutionId": child.execution_id, "Status": child.status, "Output": json.dumps(child.outputs_as_string_lists())}
    if child.status != "Success":
        raise step_failure(scripts.POLL_PHASE, f"Automation execution {child.execution_id} ended with status {child.status}: {child.failure_message}")
    return ActionResult(outputs)


# --- aws:branch ----------------------------------------------------------------------------------

STRING_OPERATORS = {
    "StringEquals": lambda actual, expected: actual == expected,
    "EqualsIgnoreCase": lambda actual, expected: actual.lower() == expected.lower(),
    "StartsWith": lambda actual, expected: actual.startswith(expected),
    "EndsWith": lambda actual, expected: actual.endswith(expected),
    "Contains": lambda actual, expected: expected in actual,
}
NUMERIC_OPERATORS = {
    "NumericEquals": lambda actual, expected: actual == expected,
    "NumericGreater": lambda actual, expected: actual > expected,
    "NumericLesser": lambda actual, expected: actual < expected,
    "NumericGreaterOrEquals": lambda actual, expected: actual >= expected,
    "NumericLesserOrEquals": lambda actual, expected: actual <= expected,
}


def branch(_execution, _step, inputs):
    """The NextStep of the first choice that holds, else Default; no match and no Default fails."""
    choices = required(inputs, "Choices", list)
    for choice in choices:
        if choice_holds(choice):
            return ActionResult({}, next_step=choice.get("NextStep"))
    if inputs.get("Default"):
        return ActionResult({}, next_step=inputs["Default"])
    raise step_failure(EXECUTE_PHASE, "No choice of the branch holds and the branch has no Default")


def choice_holds(choice):
    if not isinstance(choice, dict):
        raise step_failure(EXECUTE_PHASE, "Every choice must be a map")
    if "And" in choice:
        return all(choice_holds(item) for item in choice["And"])
    if "Or" in choice:
        return any(choice_holds(item) for item in choice["Or"])
    if "Not" in choice:
        return not choice_holds(choice["Not"])
    operators = [key for key in choice if key not in ("NextStep", "Variable")]
    if "Variable" not in choice or len(operators) != 1:
        raise step_failure(EXECUTE_PHASE, f"A choice needs a Variable and exactly one operator, found {sorted(choice)}")
    return compare(operators[0], choice["Variable"], choice[operators[0]])


def compare(operator, actual, expected):
    if operator in STRING_OPERATORS:
        if operator == "Contains" and isinstance(actual, list):
            return expected in actual
        return STRING_OPERATORS[operator](selectors.to_string(actual), str(expected))
    if operator in NUMERIC_OPERATORS:
        return NUMERIC_OPERATORS[operator](as_number(actual), as_number(expected))
    if operator == "BooleanEquals":
        actual_bool, expected_bool = selectors.to_boolean(actual), selectors.to_boolean(expected)
        if selectors.NOTHING in (actual_bool, expected_bool):
            raise step_failure(EXECUTE_PHASE, f"BooleanEquals compares booleans, found {actual!r} and {expected!r}")
        return actual_bool == expected_bool
    raise step_failure(EXECUTE_PHASE, f"Unknown branch operator {operator}")


def as_number(value):
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise step_failure(EXECUTE_PHASE, f"{value!r} is not a number") from error


# --- aws:sleep -----------------------------------------------------------------------------------

ISO_DURATION = re.compile(r"P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?")
MAX_SLEEP = datetime.timedelta(days=7)


def sleep(_execution, _step, inputs):
    """Validates Duration (ISO 8601, at most 7 days) or Timestamp (ISO 8601); does not wait.

    The emulator does not wait: tests would only get slower, and nothing it runs observes time.
    """
    if ("Duration" in inputs) == ("Timestamp" in inputs):
        raise step_failure(EXECUTE_PHASE, "aws:sleep needs exactly one of Duration and Timestamp")
    if "Duration" in inputs:
        duration = parse_duration(inputs["Duration"])
        if duration > MAX_SLEEP:
            raise step_failure(EXECUTE_PHASE, f"Duration {inputs['Duration']} is longer than the maximum of 7 days")
    else:
        parse_timestamp(inputs["Timestamp"])
    return ActionResult({})


def parse_duration(text):
    match = ISO_DURATION.fullmatch(text) if isinstance(text, str) else None
    if not match or not any(match.groupdict().values()) or text.endswith("T"):
        raise step_failure(EXECUTE_PHASE, f"Duration {text!r} is not an ISO 8601 duration such as PT10M")
    parts = {name: int(value or 0) for name, value in match.groupdict().items()}
    return datetime.timedelta(**parts)


def parse_timestamp(text):
    try:
        return datetime.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError as error:
        raise step_failure(EXECUTE_PHASE, f"Timestamp {text!r} is not an ISO 8601 timestamp such as 2030-01-01T00:00:00Z") from error


ACTIONS = {
    "aws:executeAwsApi": execute_aws_api,
    "aws:assertAwsResourceProperty": assert_aws_resource_property,
    "aws:executeScript": execute_script,
    "aws:executeAutomation": execute_automation,
    "aws:branch": branch,
    "aws:sleep": sleep,
}

__all__ = ["ACTIONS", "ActionResult", "StepFailure"]
