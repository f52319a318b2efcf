# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers and fixtures of the remediation tests: a rule with documents and a role, users with aged keys, statuses.

Where a test must script each attempt's outcome (a retry that succeeds) or hold an attempt
open (in progress, reset), it replaces the one function that calls SSM (run_automation) by
a double (`automations`).
"""

import json
import re
import threading
import time

import pytest

from aged_keys_emulator import config_remediation_execution
from aged_keys_emulator.config_remediation_execution import AutomationOutcome
from aged_keys_emulator.control import set_access_key_age
from emulator_testing import DEFAULT_ACCOUNT, create_automation_document, put_access_keys_rule, start_recorder

RULE = "access-keys-rotated"
DOCUMENT = "notify-aged-keys"
ROLE_ARN = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/remediation"
USER_TYPE = "AWS::IAM::User"
ACCESS_DENIED = "AccessDeniedException: not authorized to perform sns:Publish"
# Runs as a role without permissions: every execution fails with AccessDenied.
FAILING_DOCUMENT = "list-users"
LIST_USERS_DOCUMENT = {
    "schemaVersion": "0.3",
    "assumeRole": "{{ AutomationAssumeRole }}",
    "parameters": {"AutomationAssumeRole": {"type": "String"}, "ResourceId": {"type": "String"}},
    "mainSteps": [{"name": "listUsers", "action": "aws:executeAwsApi", "inputs": {"Service": "iam", "Api": "ListUsers"}}],
}
SSM_TRUST_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


class RecordedAutomations:
    """Stands in for run_automation: records each call and answers the next scripted outcome (default Success)."""

    def __init__(self):
        self.calls = []
        self.outcomes = []
        self.lock = threading.Lock()

    def __call__(self, ssm_client, document, version, parameters, on_started):
        with self.lock:
            self.calls.append({"document": document, "version": version, "parameters": parameters})
            execution_id = f"execution-{len(self.calls)}"
            status, message = self.outcomes.pop(0) if self.outcomes else ("Success", None)
        on_started(execution_id)
        return AutomationOutcome(status, message)


@pytest.fixture
def automations(monkeypatch):
    recorded = RecordedAutomations()
    monkeypatch.setattr(config_remediation_execution, "run_automation", recorded)
    return recorded


@pytest.fixture
def rule(emulator, config, iam):
    start_recorder(config)
    put_access_keys_rule(config, RULE)
    ssm = emulator.client("ssm")
    create_automation_document(ssm, DOCUMENT)
    ssm.create_document(Name=FAILING_DOCUMENT, DocumentType="Automation", DocumentFormat="JSON", Content=json.dumps(LIST_USERS_DOCUMENT))
    iam.create_role(RoleName="remediation", AssumeRolePolicyDocument=json.dumps(SSM_TRUST_POLICY))
    return RULE


def automation_runs(emulator):
    """Every SSM Automation execution of the account, as GetAutomationExecution describes it."""
    ssm = emulator.client("ssm")
    metadata = ssm.describe_automation_executions(MaxResults=50)["AutomationExecutionMetadataList"]
    return [ssm.get_automation_execution(AutomationExecutionId=item["AutomationExecutionId"])["AutomationExecution"] for item in metadata]


def execution_id_of(step):
    return re.search(r"\(execution (\S+)\)$", step["Name"]).group(1)


def configure_remediation(config, **changes):
    configuration = {
        "ConfigRuleName": RULE, "TargetType": "SSM_DOCUMENT", "TargetId": DOCUMENT, "Automatic": True, "MaximumAutomaticAttempts": 3,
        "Parameters": {"AutomationAssumeRole": {"StaticValue": {"Values": [ROLE_ARN]}}, "ResourceId": {"ResourceValue": {"Value": "RESOURCE_ID"}}},
    }
    configuration.update(changes)
    config.put_remediation_configurations(RemediationConfigurations=[configuration])


def create_user(emulator, iam, name, key_age_days):
    user_id = iam.create_user(UserName=name)["User"]["UserId"]
    key_id = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    set_access_key_age(emulator.url, DEFAULT_ACCOUNT, name, key_id, age_days=key_age_days)
    return user_id


def user_key(user_id):
    return {"resourceType": USER_TYPE, "resourceId": user_id}


def exception_key(user_id):
    return {"ResourceType": USER_TYPE, "ResourceId": user_id}


def evaluate(config):
    config.start_config_rules_evaluation(ConfigRuleNames=[RULE])


def settled_statuses(config, timeout=10):
    """Poll DescribeRemediationExecutionStatus, as clients of AWS do, until no remediation is queued or running."""
    deadline = time.monotonic() + timeout
    while True:
        statuses = config.describe_remediation_execution_status(ConfigRuleName=RULE)["RemediationExecutionStatuses"]
        if all(status["State"] in ("SUCCEEDED", "FAILED") for status in statuses) or time.monotonic() > deadline:
            return {status["ResourceKey"]["resourceId"]: status for status in statuses}
        time.sleep(0.05)
