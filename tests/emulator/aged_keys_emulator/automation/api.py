# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The SSM Automation actions, served by moto's SimpleSystemManagerResponse.

AWS Systems Manager API Reference: StartAutomationExecution, GetAutomationExecution,
DescribeAutomationExecutions, DescribeAutomationStepExecutions, and the data types
AutomationExecution, AutomationExecutionMetadata, AutomationExecutionFilter,
StepExecution, StepExecutionFilter and FailureDetails. Times are epoch seconds, as the
JSON protocol sends them.
"""

import datetime
import json

from moto.ssm.responses import SimpleSystemManagerResponse

from ..patching import add_attribute
from ..validation import ConstraintViolations, expect_type
from . import engine, identity, parameters
from .errors import (
    AutomationExecutionNotFoundException,
    IdempotentParameterMismatch,
    InvalidAutomationExecutionParametersException,
    InvalidFilterKey,
    InvalidFilterValue,
    InvalidNextToken,
)

# StartAutomationExecution request members the emulator does not run (rate control, targets, ...).
UNSUPPORTED_START_MEMBERS = (
    "TargetParameterName", "Targets", "TargetMaps", "MaxConcurrency", "MaxErrors",
    "TargetLocations", "TargetLocationsURL", "Tags", "AlarmConfiguration",
)
DOCUMENT_NAME_PATTERN = r"[a-zA-Z0-9_\-.:/]{3,128}"
DOCUMENT_VERSION_PATTERN = r"([$]LATEST|[$]DEFAULT|[1-9][0-9]*)"
CLIENT_TOKEN_PATTERN = r"[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}"
EXECUTION_FILTER_KEYS = [
    "DocumentNamePrefix", "ExecutionStatus", "ExecutionId", "ParentExecutionId", "CurrentAction", "StartTimeBefore",
    "StartTimeAfter", "AutomationType", "TagKey", "TargetResourceGroup", "AutomationSubtype", "OpsItemId",
]
STEP_FILTER_KEYS = [
    "StartTimeBefore", "StartTimeAfter", "StepExecutionStatus", "StepExecutionId", "StepName", "Action",
    "ParentStepExecutionId", "ParentStepIteration", "ParentStepIteratorValue",
]
MAX_RESULTS = 50
CLIENT_TOKENS_ATTRIBUTE = "automation_client_tokens"


def apply():
    for action in (start_automation_execution, get_automation_execution, describe_automation_executions, describe_automation_step_executions):
        add_attribute(SimpleSystemManagerResponse, action.__name__, action)


def request_body(response):
    return expect_type(json.loads(response.body or "{}"), dict, "body")


# --- StartAutomationExecution ------------------------------------------------------------------

def start_automation_execution(self):
    body = request_body(self)
    check_start_request(body)
    backend = self.ssm_backend
    fingerprint = json.dumps({key: body.get(key) for key in ("DocumentName", "DocumentVersion", "Parameters")}, sort_keys=True)
    token = body.get("ClientToken")
    tokens = backend.__dict__.setdefault(CLIENT_TOKENS_ATTRIBUTE, {})
    if token in tokens:
        # "ClientToken: User-provided idempotency token", IdempotentParameterMismatch on reuse with other parameters.
        if tokens[token][0] != fingerprint:
            raise IdempotentParameterMismatch("The ClientToken was already used with different parameters.")
        return json.dumps({"AutomationExecutionId": tokens[token][1]})
    caller = identity.caller_identity(self.get_access_key(), self.headers.get("X-Amz-Security-Token"), self.current_account, self.region)
    execution_id = engine.start_execution(backend, body["DocumentName"], body.get("DocumentVersion"), body.get("Parameters") or {}, caller)
    if token:
        tokens[token] = (fingerprint, execution_id)
    return json.dumps({"AutomationExecutionId": execution_id})


def check_start_request(body):
    violations = ConstraintViolations()
    if violations.required(body.get("DocumentName"), "documentName"):
        violations.string(body["DocumentName"], "documentName", pattern=DOCUMENT_NAME_PATTERN)
    violations.string(body.get("DocumentVersion"), "documentVersion", pattern=DOCUMENT_VERSION_PATTERN)
    violations.string(body.get("ClientToken"), "clientToken", minimum=36, maximum=36, pattern=CLIENT_TOKEN_PATTERN)
    violations.enum(body.get("Mode"), "mode", ["Auto", "Interactive"])
    violations.count(body.get("Parameters"), "parameters", 200)
    violations.raise_if_any()
    for name, values in expect_type(body.get("Parameters") or {}, dict, "parameters").items():
        expect_type(values, list, f"parameters.{name}")
    if body.get("Mode", "Auto") != "Auto":
        raise InvalidAutomationExecutionParametersException("The emulator runs automations in Auto mode only; Interactive mode is not supported.")
    unsupported = [member for member in UNSUPPORTED_START_MEMBERS if body.get(member) not in (None, [], {}, "")]
    if unsupported:
        raise InvalidAutomationExecutionParametersException(
            f"The emulator does not support {', '.join(unsupported)}: run the automation on one account and region without targets."
        )


# --- GetAutomationExecution ------------------------------------------------------------------

def get_automation_execution(self):
    execution = find_execution(self.ssm_backend, request_body(self).get("AutomationExecutionId"))
    with engine.STATE_LOCK:
        return json.dumps({"AutomationExecution": execution_view(execution)})


def find_execution(backend, execution_id):
    execution = engine.execution_store(backend).get(execution_id) if isinstance(execution_id, str) else None
    if execution is None:
        raise AutomationExecutionNotFoundException(f"Automation execution {execution_id} does not exist.")
    return execution


def execution_view(execution):
    view = metadata_view(execution)
    view.pop("AutomationType", None)
    view["StepExecutions"] = [step_view(record) for record in execution.steps]
    view["StepExecutionsTruncated"] = False
    view["Parameters"] = {name: parameters.as_string_list(value) for name, value in execution.parameters.items()}
    return view


def metadata_view(execution):
    view = {
        "AutomationExecutionId": execution.execution_id,
        "DocumentName": execution.document_name,
        "DocumentVersion": execution.document_version,
        "AutomationExecutionStatus": execution.status,
        "ExecutionStartTime": epoch(execution.start_time),
        "ExecutedBy": execution.executed_by,
        "Mode": "Auto",
        "Outputs": execution.outputs_as_string_lists(),
        "AutomationType": "Local",
    }
    optional = {
        "ExecutionEndTime": epoch(execution.end_time) if execution.end_time else None,
        "FailureMessage": execution.failure_message,
        "ParentAutomationExecutionId": execution.parent_id,
    }
    running = [record for record in execution.steps if record.status == "InProgress"]
    if running:
        optional["CurrentStepName"] = running[-1].name
        optional["CurrentAction"] = running[-1].definition["action"]
    view.update({key: value for key, value in optional.items() if value is not None})
    return view


def step_view(record):
    definition = record.definition
    view = {
        "StepName": record.name,
        "Action": definition["action"],
        "StepExecutionId": record.step_execution_id,
        "StepStatus": record.status,
        "OnFailure": record.on_failure,
        "MaxAttempts": definition.get("maxAttempts", 1),
        "IsEnd": bool(definition.get("isEnd", False)),
        "IsCritical": record.is_critical,
        # StepExecution.Inputs: each value JSON-encoded, as AWS returns it.
        "Inputs": {name: json.dumps(value) for name, value in record.inputs.items()},
        "Outputs": {name: parameters.as_string_list(value) for name, value in record.outputs.items()},
    }
    optional = {
        "ExecutionStartTime": epoch(record.start_time) if record.start_time else None,
        "ExecutionEndTime": epoch(record.end_time) if record.end_time else None,
        "TimeoutSeconds": definition.get("timeoutSeconds"),
        "NextStep": definition.get("nextStep"),
    }
    if record.failure:
        optional["FailureMessage"] = record.failure.message
        optional["FailureDetails"] = {
            "FailureStage": record.failure.stage,
            "FailureType": record.failure.failure_type,
            "Details": {"ExceptionMessage": [record.failure.message]},
        }
    view.update({key: value for key, value in optional.items() if value is not None})
    return view


def epoch(moment):
    return moment.timestamp()


# --- DescribeAutomationExecutions / DescribeAutomationStepExecutions ----------------------------

def describe_automation_executions(self):
    body = request_body(self)
    filters = parse_filters(body.get("Filters"), "filters", EXECUTION_FILTER_KEYS, EXECUTION_FILTERS)
    with engine.STATE_LOCK:
        executions = sorted(engine.execution_store(self.ssm_backend).values(), key=lambda item: item.start_time, reverse=True)
        views = [metadata_view(item) for item in executions if all(test(item, values) for test, values in filters)]
    page, next_token = paginate(views, body)
    return json.dumps(dict({"AutomationExecutionMetadataList": page}, **next_token))


def describe_automation_step_executions(self):
    body = request_body(self)
    violations = ConstraintViolations()
    if violations.required(body.get("AutomationExecutionId"), "automationExecutionId"):
        violations.string(body["AutomationExecutionId"], "automationExecutionId", minimum=36, maximum=36)
    violations.raise_if_any()
    filters = parse_filters(body.get("Filters"), "filters", STEP_FILTER_KEYS, STEP_FILTERS)
    execution = find_execution(self.ssm_backend, body["AutomationExecutionId"])
    with engine.STATE_LOCK:
        views = [step_view(record) for record in execution.steps if all(test(record, values) for test, values in filters)]
    if body.get("ReverseOrder"):
        views.reverse()
    page, next_token = paginate(views, body)
    return json.dumps(dict({"StepExecutions": page}, **next_token))


def parse_filters(filters, path, valid_keys, supported):
    """[(test, values)] of AutomationExecutionFilter / StepExecutionFilter entries."""
    violations = ConstraintViolations()
    for position, item in enumerate(expect_type(filters or [], list, path), start=1):
        member = f"{path}.{position}.member"
        expect_type(item, dict, member)
        violations.required(item.get("Key"), f"{member}.key")
        violations.enum(item.get("Key"), f"{member}.key", valid_keys)
        if violations.required(item.get("Values"), f"{member}.values"):
            violations.count(expect_type(item["Values"], list, f"{member}.values"), f"{member}.values", 10)
            if not item["Values"]:
                violations.messages.append(f"Value '[]' at '{member}.values' failed to satisfy constraint: Member must have length greater than or equal to 1")
    violations.raise_if_any()
    parsed = []
    for item in filters or []:
        if item["Key"] not in supported:
            raise InvalidFilterKey(f"The emulator does not support the filter key {item['Key']}; supported: {', '.join(supported)}.")
        parsed.append((supported[item["Key"]], [filter_value(item["Key"], value) for value in item["Values"]]))
    return parsed


def filter_value(key, value):
    if not key.startswith("StartTime"):
        return value
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (AttributeError, ValueError) as error:
        raise InvalidFilterValue(f"The value {value} of filter {key} is not a timestamp such as 2030-01-01T00:00:00Z.") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def started_before(item, values):
    return item.start_time is not None and any(item.start_time < value for value in values)


def started_after(item, values):
    return item.start_time is not None and any(item.start_time > value for value in values)


EXECUTION_FILTERS = {
    "DocumentNamePrefix": lambda item, values: any(item.document_name.startswith(value) for value in values),
    "ExecutionStatus": lambda item, values: item.status in values,
    "ExecutionId": lambda item, values: item.execution_id in values,
    "ParentExecutionId": lambda item, values: item.parent_id in values,
    "CurrentAction": lambda item, values: any(record.status == "InProgress" and record.definition["action"] in values for record in item.steps),
    "StartTimeBefore": started_before,
    "StartTimeAfter": started_after,
    "AutomationType": lambda item, values: "Local" in values,
}
STEP_FILTERS = {
    "StartTimeBefore": started_before,
    "StartTimeAfter": started_after,
    "StepExecutionStatus": lambda record, values: record.status in values,
    "StepExecutionId": lambda record, values: record.step_execution_id in values,
    "StepName": lambda record, values: record.name in values,
    "Action": lambda record, values: record.definition["action"] in values,
}


def paginate(items, body):
    """(page, {"NextToken": ...} or {}); the token is the position of the next item."""
    violations = ConstraintViolations()
    violations.number(body.get("MaxResults"), "maxResults", 1, MAX_RESULTS)
    violations.raise_if_any()
    size = body.get("MaxResults") or MAX_RESULTS
    token = body.get("NextToken")
    if token is not None and (not isinstance(token, str) or not token.isdigit() or int(token) > len(items)):
        raise InvalidNextToken("The specified token is not valid.")
    start = int(token or 0)
    end = start + size
    return items[start:end], ({"NextToken": str(end)} if end < len(items) else {})
