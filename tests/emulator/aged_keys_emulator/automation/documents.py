# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runbook an execution runs: found by name and version, checked before anything runs.

StartAutomationExecution (AWS Systems Manager API Reference): DocumentName, DocumentVersion
($DEFAULT, $LATEST or a version number; the default version when omitted);
AutomationDefinitionNotFoundException / AutomationDefinitionVersionNotFoundException.
AWS validates a runbook when it is created; moto does not, so the emulator checks the
structure here, at start, and refuses what it would otherwise have to skip.
"""

import copy

from . import interpolation
from .errors import AutomationDefinitionNotFoundException, AutomationDefinitionVersionNotFoundException, InvalidAutomationExecutionParametersException

SCHEMA_VERSION = "0.3"
DOCUMENT_KEYS = {"schemaVersion", "description", "assumeRole", "parameters", "mainSteps", "outputs"}
STEP_KEYS = {"name", "action", "description", "inputs", "outputs", "onFailure", "onCancel", "maxAttempts", "timeoutSeconds", "isEnd", "nextStep", "isCritical"}
# Outputs every step of an action has, besides the declared ones ("Automation actions reference").
BUILT_IN_OUTPUTS = {"aws:executeScript": {"Payload"}, "aws:executeAutomation": {"ExecutionId", "Status", "Output"}}

# AWS-owned runbook available in every account and region ("Systems Manager Automation
# runbook reference", AWS-PublishSNSNotification): publishes Message to TopicArn.
AWS_PUBLISH_SNS_NOTIFICATION = {
    "schemaVersion": "0.3",
    "description": "Publish SNS Notification",
    "assumeRole": "{{ AutomationAssumeRole }}",
    "parameters": {
        "TopicArn": {"type": "String", "description": "(Required) The ARN of the SNS topic to publish the notification to."},
        "Message": {"type": "String", "description": "(Required) The message to include in the SNS notification."},
        "AutomationAssumeRole": {
            "type": "String",
            "description": "(Optional) The ARN of the role that allows Automation to perform the actions on your behalf.",
            "default": "",
        },
    },
    "mainSteps": [
        {
            "name": "PublishSNSNotification",
            "action": "aws:executeAwsApi",
            "inputs": {"Service": "sns", "Api": "Publish", "TopicArn": "{{TopicArn}}", "Message": "{{Message}}"},
        }
    ],
}
AWS_OWNED_RUNBOOKS = {"AWS-PublishSNSNotification": AWS_PUBLISH_SNS_NOTIFICATION}
AWS_OWNED_VERSION = "1"


def find_runbook(ssm_backend, name, version):
    """(document name, version, content) of an Automation runbook of this account and region."""
    if name in AWS_OWNED_RUNBOOKS:
        if version not in (None, "$DEFAULT", "$LATEST", AWS_OWNED_VERSION):
            raise AutomationDefinitionVersionNotFoundException(f"Document {name} does not have version {version}.")
        return name, AWS_OWNED_VERSION, copy.deepcopy(AWS_OWNED_RUNBOOKS[name])
    documents = ssm_backend._documents.get(name)  # pylint: disable=protected-access
    if documents is None:
        raise AutomationDefinitionNotFoundException(f"Document with name {name} does not exist.")
    document = documents.find(None if version == "$DEFAULT" else version, strict=False)
    if document is None:
        raise AutomationDefinitionVersionNotFoundException(f"Document {name} does not have version {version}.")
    if document.document_type != "Automation":
        raise AutomationDefinitionNotFoundException(f"Document {name} is of type {document.document_type}, not Automation.")
    return name, document.document_version, copy.deepcopy(document.content_json)


def check_runbook(content, action_names):
    """Refuse a runbook the emulator cannot run faithfully, naming what is wrong."""
    if not isinstance(content, dict) or content.get("schemaVersion") != SCHEMA_VERSION:
        found = content.get("schemaVersion") if isinstance(content, dict) else None
        refuse(f"The emulator runs Automation runbooks of schemaVersion {SCHEMA_VERSION} only, found {found!r}")
    unknown = set(content) - DOCUMENT_KEYS
    if unknown:
        refuse(f"Runbook elements not supported by the emulator: {', '.join(sorted(unknown))}")
    steps = content.get("mainSteps")
    if not isinstance(steps, list) or not steps:
        refuse("mainSteps must be a non-empty list of steps")
    names = [step.get("name") if isinstance(step, dict) else None for step in steps]
    if len(set(names)) != len(names) or not all(isinstance(name, str) and name for name in names):
        refuse("Every step needs a name, and step names must be unique")
    for step in steps:
        check_step(step, set(names), action_names)
    check_references(content, steps)


def check_step(step, step_names, action_names):
    name = step["name"]
    unknown = set(step) - STEP_KEYS
    if unknown:
        refuse(f"Step {name}: properties not supported by the emulator: {', '.join(sorted(unknown))}")
    if step.get("action") not in action_names:
        refuse(f"Step {name}: action {step.get('action')!r} is not supported by the emulator (supported: {', '.join(sorted(action_names))})")
    on_failure = step.get("onFailure", "Abort")
    if on_failure not in ("Abort", "Continue") and not (on_failure.startswith("step:") and on_failure[5:] in step_names):
        refuse(f"Step {name}: onFailure must be Abort, Continue or step:<name of a step>, found {on_failure!r}")
    for target in [step.get("nextStep")] + branch_targets(step):
        if target is not None and target not in step_names:
            refuse(f"Step {name}: next step {target!r} is not a step of the runbook")
    for number in ("maxAttempts", "timeoutSeconds"):
        if number in step and (not isinstance(step[number], int) or isinstance(step[number], bool) or step[number] < 1):
            refuse(f"Step {name}: {number} must be a positive integer")


def branch_targets(step):
    if step.get("action") != "aws:branch":
        return []
    inputs = step.get("inputs") or {}
    return [choice.get("NextStep") for choice in inputs.get("Choices") or [] if isinstance(choice, dict)] + [inputs.get("Default")]


def check_references(content, steps):
    """Every placeholder must name a parameter, a system variable or an output of a step."""
    known = set(content.get("parameters") or {}) | set(interpolation.SYSTEM_VARIABLES)
    for step in steps:
        declared = {output.get("Name") for output in step.get("outputs") or [] if isinstance(output, dict)}
        known |= {f"{step['name']}.{output}" for output in declared | BUILT_IN_OUTPUTS.get(step["action"], set())}
    fragments = [content.get("assumeRole")] + [step.get("inputs") for step in steps]
    for name in interpolation.placeholders(fragments):
        if name not in known:
            refuse(f"Variable {{{{ {name} }}}} is not a parameter, a step output or an Automation system variable")
    for name in content.get("outputs") or []:
        if name not in known:
            refuse(f"Runbook output {name} is not an output of a step")


def refuse(message):
    raise InvalidAutomationExecutionParametersException(message + ".")
