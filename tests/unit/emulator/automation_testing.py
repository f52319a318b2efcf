# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers of the SSM Automation tests: runbooks, executions waited for, automation roles."""

import json
import time

from emulator_testing import REGION

TERMINAL_STATUSES = ("Success", "Failed", "TimedOut", "Cancelled")
SSM_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def create_runbook(ssm, name, content):
    ssm.create_document(Name=name, DocumentType="Automation", DocumentFormat="JSON", Content=json.dumps(content))
    return name


def runbook(*steps, parameters=None, **extra):
    """A schemaVersion 0.3 runbook of `steps`."""
    content = {"schemaVersion": "0.3", "parameters": parameters or {}, "mainSteps": list(steps)}
    content.update(extra)
    return content


def wait_for(ssm, execution_id, timeout=60.0):
    """The execution once it reached a terminal status (the deadline only matters on a loaded machine)."""
    deadline = time.monotonic() + timeout
    while True:
        execution = ssm.get_automation_execution(AutomationExecutionId=execution_id)["AutomationExecution"]
        if execution["AutomationExecutionStatus"] in TERMINAL_STATUSES:
            return execution
        assert time.monotonic() < deadline, f"execution still {execution['AutomationExecutionStatus']}"
        time.sleep(0.02)


def run(ssm, name, parameters=None, **request):
    """Start `name` and return the finished execution."""
    execution_id = ssm.start_automation_execution(DocumentName=name, Parameters=parameters or {}, **request)["AutomationExecutionId"]
    return wait_for(ssm, execution_id)


def run_steps(ssm, *steps, parameters=None, values=None, name="steps", **extra):
    """Create a runbook of `steps`, run it and return the finished execution."""
    create_runbook(ssm, name, runbook(*steps, parameters=parameters, **extra))
    return run(ssm, name, values)


def steps_by_name(execution):
    return {step["StepName"]: step for step in execution["StepExecutions"]}


def payload_of(execution, name):
    """The Payload output of the aws:executeScript step `name`, as data."""
    return json.loads(steps_by_name(execution)[name]["Outputs"]["Payload"][0])


def create_role(iam, name, statements, trust_policy=None):
    """A role SSM may assume, with `statements` as its one inline policy; returns its ARN."""
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_policy or SSM_TRUST_POLICY))["Role"]
    if statements:
        iam.put_role_policy(RoleName=name, PolicyName="automation", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    return role["Arn"]


def step(name, action, inputs, **properties):
    return dict({"name": name, "action": action, "inputs": inputs}, **properties)


def caller_identity_step(name="who", **properties):
    """An aws:executeAwsApi step that needs no permission and outputs the account."""
    outputs = [{"Name": "Account", "Selector": "$.Account", "Type": "String"}, {"Name": "Arn", "Selector": "$.Arn", "Type": "String"}]
    return step(name, "aws:executeAwsApi", {"Service": "sts", "Api": "GetCallerIdentity"}, outputs=outputs, **properties)


__all__ = ["REGION"]
