# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Config remediation executions and remediation exceptions, which moto 5.2.5 lacks.

Follows the AWS Config API Reference: StartRemediationExecution,
DescribeRemediationExecutionStatus, PutRemediationExceptions,
DescribeRemediationExceptions, DeleteRemediationExceptions and the
RemediationExecutionStatus, RemediationExecutionStep, RemediationException and
FailedRemediationExceptionBatch data types.

A remediation runs the configured SSM document the way AWS Config does: as the
Config service-linked role of the account, through SSM StartAutomationExecution on
the emulator's own endpoint, then GetAutomationExecution until the automation ends.
Remediation is asynchronous, as on AWS: the APIs answer at once and a background
thread does the work; clients poll DescribeRemediationExecutionStatus.

- Automatic remediation follows every evaluation (config_evaluation.AFTER_EVALUATION):
  each NON_COMPLIANT resource of a rule whose configuration is Automatic, without a
  remediation exception in force and without a remediation already running, is
  remediated again, so every evaluation is a reminder (AUTOMATIC_REMEDIATION_TRIGGER).
  Enabling automatic remediation (PutRemediationConfigurations) remediates the rule's
  NON_COMPLIANT resources of the last evaluation at once (PutRemediationExceptions: "it
  initiates the remediation process for all non-compliant resources for that specific rule").
- A failed automatic attempt is retried until one succeeds or MaximumAutomaticAttempts
  attempts have failed. Retries follow at once: RetryAttemptSeconds is a time window, not
  a delay. When all MaximumAutomaticAttempts attempts failed within RetryAttemptSeconds,
  AWS Config "will put a RemediationException on your behalf for the failing resource"
  (RemediationConfiguration), which blocks automatic remediation until it is deleted.
  Each attempt is one entry of StepDetails. Manual remediation makes one attempt.
- Resources are remediated one after another by one thread per request or evaluation,
  so ExecutionControls.SsmControls (concurrency and error percentages) are accepted
  but never limit anything: one automation at a time never exceeds a rate, and every
  resource is attempted whatever the error rate.

State is kept on moto's ConfigBackend of the account and region. A background job
keeps the dicts it started with, so after `/moto-api/reset` it finishes into
forgotten state instead of leaking into the new one; its errors are recorded, never raised.
"""

import copy
import datetime
import functools
import threading
import time

import botocore.session
from moto.config.exceptions import InvalidParameterValueException

from . import endpoint
from .config import add_config_actions, page_of
from .config_evaluation import AFTER_EVALUATION, current_results, existing_rule, latest_compliance, previous_compliance, utc_now, with_next_token
from .config_remediation import (AFTER_AUTOMATIC_REMEDIATION_ENABLED, RULE_NAME_PATTERN, SSM_DOCUMENT_ARN, NoSuchRemediationConfigurationException,
                                 remediation_store)
from .validation import ConstraintViolations, SerializationException, expect_type

EXECUTIONS_ATTRIBUTE = "remediation_executions"
EXCEPTIONS_ATTRIBUTE = "remediation_exceptions"
# Guards status records and exceptions, shared by request threads and remediation threads.
_STATE_LOCK = threading.Lock()

MAX_RESOURCE_KEYS = 100
LIMIT_RANGE = (0, 100)
# DescribeRemediationExecutionStatus Limit: "The default is maximum"; DescribeRemediationExceptions: "The default is 25".
DEFAULT_STATUS_LIMIT = 100
DEFAULT_EXCEPTIONS_LIMIT = 25
RUNNING_STATES = ("QUEUED", "IN_PROGRESS")

# AWS Config runs remediations with its service-linked role (AWS Config Developer Guide,
# "Using Service-Linked Roles for AWS Config"); moto lets any role be assumed.
CONFIG_SERVICE_LINKED_ROLE = "role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
# SSM API Reference, AutomationExecution.AutomationExecutionStatus: the statuses an automation ends in.
SUCCEEDED_AUTOMATION_STATUSES = ("Success", "CompletedWithSuccess")
FAILED_AUTOMATION_STATUSES = ("Failed", "TimedOut", "Cancelled", "Rejected", "CompletedWithFailure", "Exited", "ChangeCalendarOverrideRejected")
POLL_SECONDS = 0.05
AUTOMATION_TIMEOUT_SECONDS = 900

# When does an evaluation remediate a NON_COMPLIANT resource automatically? AWS documents neither
# "every NON_COMPLIANT evaluation" nor "only a change to NON_COMPLIANT". The closest documented
# behaviour: RetryAttemptSeconds exists "to prevent infinite remediation attempts", and a resource
# updated between compliance snapshots "will continue to be remediated based on the last known
# compliance data snapshot". So by default every evaluation that finds the resource NON_COMPLIANT
# remediates it again, also after a remediation that succeeded. "COMPLIANCE_CHANGE" remediates only
# resources whose previous evaluation was not NON_COMPLIANT.
EVERY_NON_COMPLIANT_EVALUATION = "EVERY_NON_COMPLIANT_EVALUATION"
COMPLIANCE_CHANGE = "COMPLIANCE_CHANGE"
AUTOMATIC_REMEDIATION_TRIGGER = EVERY_NON_COMPLIANT_EVALUATION
# AWS does not document the message of the exception it puts; this one is the emulator's.
AUTOMATIC_EXCEPTION_MESSAGE = "Placed by AWS Config after {attempts} failed automatic remediation attempts within {seconds} seconds."


def apply():
    add_config_actions(ACTIONS)
    AFTER_EVALUATION.append(remediate_automatically)
    AFTER_AUTOMATIC_REMEDIATION_ENABLED.append(functools.partial(remediate_automatically, only_changes=False))


def execution_store(config_backend):
    """(rule name, resource type, resource id) -> RemediationExecutionStatus of one account and region."""
    return config_backend.__dict__.setdefault(EXECUTIONS_ATTRIBUTE, {})


def exception_store(config_backend):
    """(rule name, resource type, resource id) -> RemediationException of one account and region."""
    return config_backend.__dict__.setdefault(EXCEPTIONS_ATTRIBUTE, {})


# --- Validation shared by the actions ---------------------------------------------------

@functools.lru_cache(maxsize=1)
def config_resource_types():
    """The ResourceType enum of AWS Config's API model, as botocore ships it."""
    return list(botocore.session.get_session().get_service_model("config").shape_for("ResourceType").enum)


def check_rule_name(violations, rule_name):
    if violations.required(rule_name, "configRuleName"):
        violations.string(rule_name, "configRuleName", 1, 128, RULE_NAME_PATTERN)


def check_resource_keys(violations, resource_keys, required):
    """ResourceKeys: 1-100 ResourceKey {resourceType (enum), resourceId (1-768)}, both required."""
    if resource_keys is None:
        if required:
            violations.required(resource_keys, "resourceKeys")
        return
    check_key_count(violations, resource_keys, "resourceKeys")
    for position, key in enumerate(resource_keys, start=1):
        path = f"resourceKeys.{position}.member"
        expect_type(key, dict, path)
        if violations.required(key.get("resourceType"), f"{path}.resourceType"):
            violations.enum(key["resourceType"], f"{path}.resourceType", config_resource_types())
        if violations.required(key.get("resourceId"), f"{path}.resourceId"):
            violations.string(key["resourceId"], f"{path}.resourceId", 1, 768)


def check_exception_keys(violations, resource_keys, required):
    """RemediationExceptionResourceKeys: 1-100 {ResourceType (1-256), ResourceId (1-1024)}."""
    if resource_keys is None:
        if required:
            violations.required(resource_keys, "resourceKeys")
        return
    check_key_count(violations, resource_keys, "resourceKeys")
    for position, key in enumerate(resource_keys, start=1):
        path = f"resourceKeys.{position}.member"
        expect_type(key, dict, path)
        violations.string(key.get("ResourceType"), f"{path}.resourceType", 1, 256)
        violations.string(key.get("ResourceId"), f"{path}.resourceId", 1, 1024)


def check_key_count(violations, resource_keys, path):
    expect_type(resource_keys, list, path)
    if not resource_keys:
        violations.messages.append(f"Value '[]' at '{path}' failed to satisfy constraint: Member must have length greater than or equal to 1")
    violations.count(resource_keys, path, MAX_RESOURCE_KEYS)


def execution_key(rule_name, resource_key):
    return (rule_name, resource_key["resourceType"], resource_key["resourceId"])


def page_key(store_key):
    # One text per stored item for the opaque pagination token.
    return "\n".join(store_key[1:])


# --- Running remediations ------------------------------------------------------------------

def remediate_automatically(config_backend, rule_names, only_changes=None):
    """Remediate the NON_COMPLIANT resources of rules with automatic remediation (after an evaluation, or when enabled).

    `only_changes`: remediate only resources that were not NON_COMPLIANT before the latest
    evaluation; by default as AUTOMATIC_REMEDIATION_TRIGGER says.
    """
    if only_changes is None:
        only_changes = AUTOMATIC_REMEDIATION_TRIGGER == COMPLIANCE_CHANGE
    for rule_name in rule_names:
        configuration = remediation_store(config_backend).get(rule_name)
        rule = config_backend.config_rules.get(rule_name)
        if not configuration or not configuration.get("Automatic") or rule is None:
            continue
        keys = [{"resourceType": qualifier["ResourceType"], "resourceId": qualifier["ResourceId"]}
                for qualifier in non_compliant_qualifiers(current_results(config_backend, rule))]
        keys = [key for key in keys if not excepted(config_backend, rule_name, key) and not running(config_backend, rule_name, key)
                and not (only_changes and previous_compliance(config_backend, rule, key["resourceId"]) == "NON_COMPLIANT")]
        if keys:
            start_remediation_job(config_backend, configuration, keys, configuration["MaximumAutomaticAttempts"], automatic=True)


def non_compliant_qualifiers(results):
    return [result["EvaluationResultIdentifier"]["EvaluationResultQualifier"] for _resource_id, result in sorted(results.items())
            if result["ComplianceType"] == "NON_COMPLIANT"]


def running(config_backend, rule_name, resource_key):
    with _STATE_LOCK:
        status = execution_store(config_backend).get(execution_key(rule_name, resource_key))
        return status is not None and status["State"] in RUNNING_STATES


def start_remediation_job(config_backend, configuration, resource_keys, attempts, automatic=False):
    """Queue the resources and remediate them in a background thread; returns at once."""
    executions = execution_store(config_backend)
    configuration = copy.deepcopy(configuration)
    now = utc_now()
    with _STATE_LOCK:
        for key in resource_keys:
            executions[execution_key(configuration["ConfigRuleName"], key)] = {
                "ResourceKey": dict(key), "State": "QUEUED", "StepDetails": [], "InvocationTime": now, "LastUpdatedTime": now,
            }
    job = RemediationJob(executions, configuration, config_backend.account_id, config_backend.region_name, config_backend.partition, attempts)
    if automatic:
        job.exceptions = exception_store(config_backend)
    threading.Thread(target=job.run, args=(resource_keys,), name=f"remediation-{configuration['ConfigRuleName']}", daemon=True).start()


class RemediationJob:
    """Remediates resources one after another, recording every attempt in its status records."""

    def __init__(self, executions, configuration, account_id, region, partition, attempts):
        self.executions = executions
        # Automatic jobs only: where AWS Config puts the exception for a resource that keeps failing.
        self.exceptions = None
        self.configuration = configuration
        self.account_id = account_id
        self.region = region
        self.partition = partition
        self.attempts = attempts
        self._ssm = None

    def ssm_client(self):
        """An SSM client acting as AWS Config's service-linked role, made once per job."""
        if self._ssm is None:
            role_arn = f"arn:{self.partition}:iam::{self.account_id}:{CONFIG_SERVICE_LINKED_ROLE}"
            self._ssm = endpoint.client("ssm", self.region, endpoint.assume_role(role_arn, "AwsConfigRemediation", self.region))
        return self._ssm

    def run(self, resource_keys):
        for key in resource_keys:
            status = self.executions[execution_key(self.configuration["ConfigRuleName"], key)]
            try:
                self.remediate(status, key["resourceId"])
            except Exception as error:  # pylint: disable=broad-exception-caught
                # A background thread must never take the server down: record and go on.
                self.update(status, State="FAILED")
                self.finish_step(status, None, False, f"The emulator failed to remediate: {type(error).__name__}: {error}")

    def remediate(self, status, resource_id):
        self.update(status, State="IN_PROGRESS")
        for attempt in range(1, self.attempts + 1):
            step = self.start_step(status, attempt)
            succeeded, message = self.attempt(step, resource_id)
            self.finish_step(status, step, succeeded, message)
            if succeeded:
                self.update(status, State="SUCCEEDED")
                return
        self.update(status, State="FAILED")
        self.except_if_failing(status)

    def except_if_failing(self, status):
        """RemediationConfiguration: after MaximumAutomaticAttempts failed attempts within RetryAttemptSeconds, put an exception."""
        if self.exceptions is None:
            return
        with _STATE_LOCK:
            starts = [step["StartTime"] for step in status["StepDetails"]]
        seconds = self.configuration["RetryAttemptSeconds"]
        if len(starts) < self.attempts or (starts[-1] - starts[0]).total_seconds() > seconds:
            return
        resource_key = {"ResourceType": status["ResourceKey"]["resourceType"], "ResourceId": status["ResourceKey"]["resourceId"]}
        message = AUTOMATIC_EXCEPTION_MESSAGE.format(attempts=self.attempts, seconds=seconds)
        rule_name = self.configuration["ConfigRuleName"]
        with _STATE_LOCK:
            self.exceptions[exception_key(rule_name, resource_key)] = remediation_exception(rule_name, resource_key, message, None)

    def attempt(self, step, resource_id):
        """One SSM Automation run; (succeeded, error message). Failures to start count as failed attempts."""
        try:
            outcome = run_automation(
                self.ssm_client, document_name(self.configuration["TargetId"]), self.configuration.get("TargetVersion"),
                automation_parameters(self.configuration, resource_id), lambda execution_id: self.name_step(step, execution_id),
            )
        except Exception as error:  # pylint: disable=broad-exception-caught
            return False, f"SSM StartAutomationExecution or GetAutomationExecution failed: {error}"
        return outcome.succeeded, outcome.failure_message if not outcome.succeeded else None

    def start_step(self, status, attempt):
        step = {"Name": f"Attempt {attempt} of {self.attempts}: SSM Automation {document_name(self.configuration['TargetId'])}",
                "State": "IN_PROGRESS", "StartTime": utc_now()}
        with _STATE_LOCK:
            status["StepDetails"].append(step)
            status["LastUpdatedTime"] = step["StartTime"]
        return step

    def name_step(self, step, execution_id):
        with _STATE_LOCK:
            step["Name"] += f" (execution {execution_id})"

    def finish_step(self, status, step, succeeded, message):
        now = utc_now()
        with _STATE_LOCK:
            if step is None:
                step = {"Name": "Remediation", "StartTime": now}
                status["StepDetails"].append(step)
            step.update(State="SUCCEEDED" if succeeded else "FAILED", StopTime=now)
            if message:
                step["ErrorMessage"] = message
            status["LastUpdatedTime"] = now

    @staticmethod
    def update(status, **changes):
        with _STATE_LOCK:
            status.update(changes, LastUpdatedTime=utc_now())


def document_name(target_id):
    """The document name of a TargetId (a name, or an ARN of the rule's account and region)."""
    arn = SSM_DOCUMENT_ARN.fullmatch(target_id)
    return arn.group("name") if arn else target_id


def automation_parameters(configuration, resource_id):
    """RemediationParameterValue: ResourceValue RESOURCE_ID is the resource's id, StaticValue its Values."""
    parameters = {}
    for name, value in (configuration.get("Parameters") or {}).items():
        parameters[name] = [resource_id] if value.get("ResourceValue") is not None else list(value["StaticValue"]["Values"])
    return parameters


class AutomationOutcome:
    def __init__(self, status, failure_message):
        self.status = status
        self.succeeded = status in SUCCEEDED_AUTOMATION_STATUSES
        self.failure_message = failure_message or f"The SSM Automation ended with status {status}."


def run_automation(ssm_client, document, version, parameters, on_started):
    """Start the automation with the client `ssm_client()` gives and wait until it ends.

    The one place that calls SSM. Returns the AutomationOutcome; an API error
    (for example InvalidAutomationExecutionParametersException) propagates to the caller.
    """
    ssm = ssm_client()
    request = {"DocumentName": document, "Parameters": parameters}
    if version:
        request["DocumentVersion"] = version
    execution_id = ssm.start_automation_execution(**request)["AutomationExecutionId"]
    on_started(execution_id)
    deadline = time.monotonic() + AUTOMATION_TIMEOUT_SECONDS
    while True:
        execution = ssm.get_automation_execution(AutomationExecutionId=execution_id)["AutomationExecution"]
        status = execution["AutomationExecutionStatus"]
        if status in SUCCEEDED_AUTOMATION_STATUSES or status in FAILED_AUTOMATION_STATUSES:
            return AutomationOutcome(status, execution.get("FailureMessage"))
        if time.monotonic() > deadline:
            return AutomationOutcome("TimedOut", f"The SSM Automation did not end within {AUTOMATION_TIMEOUT_SECONDS} seconds.")
        time.sleep(POLL_SECONDS)


# --- StartRemediationExecution ---------------------------------------------------------------

def start_remediation_execution(config_backend, rule_name, resource_keys):
    """Remediate the resources now (one attempt each); resources that cannot be remediated are FailedItems."""
    violations = ConstraintViolations()
    check_rule_name(violations, rule_name)
    check_resource_keys(violations, resource_keys, required=True)
    violations.raise_if_any()
    configuration = existing_configuration(config_backend, rule_name)
    keys = list({execution_key(rule_name, key): {"resourceType": key["resourceType"], "resourceId": key["resourceId"]} for key in resource_keys}.values())
    failures = {}
    for key in keys:
        reason = why_not_remediable(config_backend, configuration, key)
        if reason:
            failures.setdefault(reason, []).append(key)
    startable = [key for key in keys if not any(key in failed for failed in failures.values())]
    if startable:
        start_remediation_job(config_backend, configuration, startable, attempts=1)
    if not failures:
        return {"FailedItems": []}
    return {"FailureMessage": " ".join(failures), "FailedItems": [key for failed in failures.values() for key in failed]}


def existing_configuration(config_backend, rule_name):
    existing_rule(config_backend, rule_name)
    configuration = remediation_store(config_backend).get(rule_name)
    if configuration is None:
        raise NoSuchRemediationConfigurationException(rule_name)
    return configuration


def why_not_remediable(config_backend, configuration, key):
    """The reason a resource cannot be remediated now, or None.

    FailedItems: "For example, the resource is already compliant". The emulator remediates
    only resources whose latest evaluation by the rule is NON_COMPLIANT, one run at a time
    ("An existing StartRemediationExecution call for the specified resource keys must complete").
    A remediation exception does not block it: exceptions block *auto* remediation.
    """
    rule_name = configuration["ConfigRuleName"]
    if configuration.get("ResourceType") and configuration["ResourceType"] != key["resourceType"]:
        return f"The remediation configuration of rule {rule_name} applies to {configuration['ResourceType']} resources only."
    compliance = latest_compliance(config_backend, rule_name, key["resourceType"], key["resourceId"])
    if compliance is None:
        return f"Rule {rule_name} has no evaluation result for these resources."
    if compliance != "NON_COMPLIANT":
        return f"These resources are {compliance} with rule {rule_name}."
    if running(config_backend, rule_name, key):
        return "A remediation of these resources is already in progress."
    return None


# --- DescribeRemediationExecutionStatus ----------------------------------------------------

def describe_remediation_execution_status(config_backend, rule_name, resource_keys, limit, next_token):
    check_listing_request(rule_name, resource_keys, check_resource_keys, limit, next_token)
    existing_configuration(config_backend, rule_name)
    wanted = {execution_key(rule_name, key) for key in resource_keys or []}
    with _STATE_LOCK:
        items = sorted((key, copy.deepcopy(status)) for key, status in execution_store(config_backend).items()
                       if key[0] == rule_name and (not wanted or key in wanted))
    return page_answer(items, "RemediationExecutionStatuses", limit or DEFAULT_STATUS_LIMIT, next_token)


def check_listing_request(rule_name, resource_keys, check_keys, limit, next_token):
    """Model constraints of the two Describe actions: rule name, optional keys, Limit and NextToken."""
    violations = ConstraintViolations()
    check_rule_name(violations, rule_name)
    check_keys(violations, resource_keys, required=False)
    violations.number(limit, "limit", *LIMIT_RANGE)
    violations.string(next_token, "nextToken")
    violations.raise_if_any()


def page_answer(items, member, page_size, next_token):
    """One page of sorted (store key, value) items, as {member: values, "NextToken": ...}."""
    page, token = page_of(items, lambda item: page_key(item[0]), page_size, next_token)
    return with_next_token({member: [value for _key, value in page]}, "NextToken", token)


# --- Remediation exceptions ------------------------------------------------------------------

def excepted(config_backend, rule_name, resource_key):
    """True when a remediation exception in force covers the resource."""
    return (rule_name, resource_key["resourceType"], resource_key["resourceId"]) in exceptions_in_force(config_backend)


def exceptions_in_force(config_backend):
    """The exception store without expired exceptions: "The exception is automatically deleted after the expiration date"."""
    store = exception_store(config_backend)
    now = utc_now()
    with _STATE_LOCK:
        for key in [key for key, item in store.items() if item.get("ExpirationTime") and item["ExpirationTime"] <= now]:
            del store[key]
    return store


def exception_key(rule_name, resource_key):
    return (rule_name, resource_key.get("ResourceType"), resource_key.get("ResourceId"))


def put_remediation_exceptions(config_backend, rule_name, resource_keys, message, expiration_time):
    """Add or update exceptions; resources the rule found COMPLIANT or NOT_APPLICABLE are FailedBatches."""
    violations = ConstraintViolations()
    check_rule_name(violations, rule_name)
    check_exception_keys(violations, resource_keys, required=True)
    violations.string(message, "message", 1, 1024)
    violations.raise_if_any()
    expiration = expiration_datetime(expiration_time)
    check_complete_exception_keys(resource_keys)
    existing_rule(config_backend, rule_name)
    refused, store = [], exceptions_in_force(config_backend)
    for key in resource_keys:
        exception = remediation_exception(rule_name, key, message, expiration)
        # "Placing an exception can only be performed on resources that are NON_COMPLIANT. If you use this API
        # for COMPLIANT resources or resources that are NOT_APPLICABLE, a remediation exception will not be generated."
        if latest_compliance(config_backend, rule_name, key["ResourceType"], key["ResourceId"]) in ("COMPLIANT", "NOT_APPLICABLE"):
            refused.append(exception)
            continue
        with _STATE_LOCK:
            store[exception_key(rule_name, key)] = exception
    if not refused:
        return {"FailedBatches": []}
    failure = "Remediation exceptions can only be placed on resources that are not COMPLIANT or NOT_APPLICABLE with the rule."
    return {"FailedBatches": [{"FailureMessage": failure, "FailedItems": refused}]}


def expiration_datetime(expiration_time):
    """ExpirationTime (a timestamp: epoch seconds in AWS's JSON protocol) as naive UTC; must lie ahead."""
    if expiration_time is None:
        return None
    if isinstance(expiration_time, bool) or not isinstance(expiration_time, (int, float)):
        raise SerializationException(f"Value '{expiration_time}' at 'expirationTime' must be a timestamp in epoch seconds")
    expiration = datetime.datetime.fromtimestamp(expiration_time, datetime.timezone.utc).replace(tzinfo=None)
    if expiration <= utc_now():
        raise InvalidParameterValueException("The ExpirationTime of a remediation exception must be in the future.")
    return expiration


def check_complete_exception_keys(resource_keys):
    # RemediationException requires ConfigRuleName, ResourceType and ResourceId, though the key's model does not.
    for key in resource_keys:
        if not key.get("ResourceType") or not key.get("ResourceId"):
            raise InvalidParameterValueException("Each resource key of a remediation exception needs both ResourceType and ResourceId.")


def remediation_exception(rule_name, key, message, expiration):
    exception = {"ConfigRuleName": rule_name, "ResourceType": key["ResourceType"], "ResourceId": key["ResourceId"]}
    if message is not None:
        exception["Message"] = message
    if expiration is not None:
        exception["ExpirationTime"] = expiration
    return exception


def describe_remediation_exceptions(config_backend, rule_name, resource_keys, limit, next_token):
    """The rule's exceptions in force; with ResourceKeys, those (and "Limit and next token are not applicable")."""
    check_listing_request(rule_name, resource_keys, check_exception_keys, limit, next_token)
    store = exceptions_in_force(config_backend)
    with _STATE_LOCK:
        items = sorted((key, copy.deepcopy(item)) for key, item in store.items() if key[0] == rule_name)
    if resource_keys:
        wanted = {exception_key(rule_name, key) for key in resource_keys}
        return {"RemediationExceptions": [item for key, item in items if key in wanted]}
    return page_answer(items, "RemediationExceptions", limit or DEFAULT_EXCEPTIONS_LIMIT, next_token)


def delete_remediation_exceptions(config_backend, rule_name, resource_keys):
    """Delete the exceptions; keys without one are reported in FailedBatches, the others are deleted."""
    violations = ConstraintViolations()
    check_rule_name(violations, rule_name)
    check_exception_keys(violations, resource_keys, required=True)
    violations.raise_if_any()
    store = exceptions_in_force(config_backend)
    missing = []
    with _STATE_LOCK:
        for key in resource_keys:
            if store.pop(exception_key(rule_name, key), None) is None:
                missing.append(dict(key))
    if not missing:
        return {"FailedBatches": []}
    return {"FailedBatches": [{"FailureMessage": f"No remediation exception of rule {rule_name} exists for these resources.", "FailedItems": missing}]}


ACTIONS = {
    "start_remediation_execution": lambda backend, body: start_remediation_execution(backend, body.get("ConfigRuleName"), body.get("ResourceKeys")),
    "describe_remediation_execution_status": lambda backend, body: describe_remediation_execution_status(
        backend, body.get("ConfigRuleName"), body.get("ResourceKeys"), body.get("Limit"), body.get("NextToken")),
    "put_remediation_exceptions": lambda backend, body: put_remediation_exceptions(
        backend, body.get("ConfigRuleName"), body.get("ResourceKeys"), body.get("Message"), body.get("ExpirationTime")),
    "describe_remediation_exceptions": lambda backend, body: describe_remediation_exceptions(
        backend, body.get("ConfigRuleName"), body.get("ResourceKeys"), body.get("Limit"), body.get("NextToken")),
    "delete_remediation_exceptions": lambda backend, body: delete_remediation_exceptions(backend, body.get("ConfigRuleName"), body.get("ResourceKeys")),
}
