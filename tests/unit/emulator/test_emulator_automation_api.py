# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""StartAutomationExecution, GetAutomationExecution, DescribeAutomationExecutions and
DescribeAutomationStepExecutions: request checks, shapes, filters, pagination, accounts."""

import datetime
import json
import uuid

import pytest

from automation_testing import SSM_TRUST_POLICY, caller_identity_step, create_role, create_runbook, run, runbook, step, wait_for
from emulator_testing import DEFAULT_ACCOUNT, raises_aws_error

PARAMETERS = {
    "Name": {"type": "String", "allowedPattern": "^[a-z]+$"},
    "Colour": {"type": "String", "allowedValues": ["red", "green"], "default": "red"},
    "Count": {"type": "Integer", "default": 1},
    "Enabled": {"type": "Boolean", "default": False},
    "Names": {"type": "StringList", "default": []},
    "Tags": {"type": "StringMap", "default": {}},
    "Items": {"type": "MapList", "default": []},
}


@pytest.fixture
def ssm(emulator):
    return emulator.client("ssm")


@pytest.fixture
def typed_runbook(ssm):
    return create_runbook(ssm, "typed", runbook(caller_identity_step(), parameters=PARAMETERS))


# --- StartAutomationExecution: documents and versions ------------------------------------------------

def test_unknown_document_is_not_found(ssm):
    with raises_aws_error("AutomationDefinitionNotFoundException", "missing"):
        ssm.start_automation_execution(DocumentName="missing")


def test_command_document_is_not_an_automation_definition(ssm):
    content = '{"schemaVersion": "2.2", "mainSteps": [{"action": "aws:runShellScript", "name": "x", "inputs": {"runCommand": ["true"]}}]}'
    ssm.create_document(Name="command", DocumentType="Command", Content=content)
    with raises_aws_error("AutomationDefinitionNotFoundException", "not Automation"):
        ssm.start_automation_execution(DocumentName="command")


def test_versions_default_latest_and_number(ssm):
    create_runbook(ssm, "versioned", runbook(caller_identity_step("first")))
    ssm.update_document(Name="versioned", DocumentVersion="$LATEST", DocumentFormat="JSON", Content=runbook_json(caller_identity_step("second")))

    def first_step(**version):
        return run(ssm, "versioned", **version)["StepExecutions"][0]["StepName"]

    assert first_step() == first_step(DocumentVersion="$DEFAULT") == first_step(DocumentVersion="1") == "first"
    assert first_step(DocumentVersion="$LATEST") == first_step(DocumentVersion="2") == "second"
    with raises_aws_error("AutomationDefinitionVersionNotFoundException"):
        ssm.start_automation_execution(DocumentName="versioned", DocumentVersion="3")


def runbook_json(*steps):
    return json.dumps(runbook(*steps))


@pytest.mark.parametrize("content, message", [
    (runbook(caller_identity_step(), schemaVersion="0.2"), "schemaVersion 0.3 only"),
    (runbook(step("x", "aws:runInstances", {})), "action 'aws:runInstances' is not supported"),
    (runbook(step("x", "aws:sleep", {"Duration": "{{ Nothing }}"})), "Variable {{ Nothing }} is not a parameter"),
    (runbook(step("x", "aws:sleep", {"Duration": "{{ y.Out }}"})), "Variable {{ y.Out }}"),
    (runbook(step("x", "aws:sleep", {"Duration": "PT1S"}, onFailure="step:nowhere")), "onFailure must be"),
    (runbook(step("x", "aws:sleep", {"Duration": "PT1S"}, nextStep="nowhere")), "next step 'nowhere'"),
    (runbook(step("x", "aws:sleep", {"Duration": "PT1S"}), step("x", "aws:sleep", {"Duration": "PT1S"})), "unique"),
    (runbook(step("x", "aws:sleep", {"Duration": "PT1S"}, maxAttempts=0)), "maxAttempts must be a positive integer"),
    (runbook(step("x", "aws:sleep", {"Duration": "PT1S"}, targets=[])), "properties not supported by the emulator: targets"),
    (runbook(caller_identity_step(), files={}), "Runbook elements not supported by the emulator: files"),
    (runbook(caller_identity_step(), outputs=["who.Nothing"]), "Runbook output who.Nothing"),
])
def test_runbooks_the_emulator_cannot_run_are_refused_at_start(ssm, content, message):
    create_runbook(ssm, "refused", content)
    with raises_aws_error("InvalidAutomationExecutionParametersException", message):
        ssm.start_automation_execution(DocumentName="refused")
    assert ssm.describe_automation_executions()["AutomationExecutionMetadataList"] == []


# --- StartAutomationExecution: parameters ------------------------------------------------------------

@pytest.mark.parametrize("parameters, message", [
    ({}, "Missing required parameter: Name in user inputs."),
    ({"Name": ["abc"], "Other": ["x"]}, 'Parameter "Other" is not defined in the document.'),
    ({"Name": ["ABC"]}, 'Parameter "Name" has value "ABC" not matching pattern ^[a-z]+$.'),
    ({"Name": ["abc"], "Colour": ["blue"]}, 'Parameter "Colour" has value "blue" not found in [red, green].'),
    ({"Name": ["abc"], "Count": ["many"]}, "Parameter type error. The value supplied for Count is not a valid integer."),
    ({"Name": ["abc"], "Enabled": ["yes"]}, "Parameter type error. The value supplied for Enabled is not a valid boolean."),
    ({"Name": ["abc", "def"]}, "Parameter type error. The value supplied for Name is not a valid string."),
    ({"Name": ["abc"], "Tags": ["[1]"]}, "Parameter type error. The value supplied for Tags is not a valid string map."),
    ({"Name": ["abc"], "Items": ["not json"]}, "Parameter type error. The value supplied for Items is not a valid map list."),
])
def test_parameters_are_checked_like_aws(ssm, typed_runbook, parameters, message):
    with raises_aws_error("InvalidAutomationExecutionParametersException", message):
        ssm.start_automation_execution(DocumentName=typed_runbook, Parameters=parameters)


def test_parameters_are_converted_and_defaulted(ssm, typed_runbook):
    supplied = {"Name": ["abc"], "Count": ["7"], "Enabled": ["true"], "Names": ["a", "b"], "Tags": ['{"k": "v"}'], "Items": ['{"a": 1}', '{"b": 2}']}
    execution = run(ssm, typed_runbook, supplied)
    assert execution["Parameters"] == {
        "Name": ["abc"], "Colour": ["red"], "Count": ["7"], "Enabled": ["true"], "Names": ["a", "b"],
        "Tags": ['{"k": "v"}'], "Items": ['{"a": 1}', '{"b": 2}'],
    }


@pytest.mark.parametrize("request_members, code, message", [
    ({"Mode": "Interactive"}, "InvalidAutomationExecutionParametersException", "Auto mode only"),
    ({"Mode": "Sometimes"}, "ValidationException", "Member must satisfy enum value set: [Auto, Interactive]"),
    ({"Targets": [{"Key": "ParameterValues", "Values": ["a"]}], "TargetParameterName": "Name"}, "InvalidAutomationExecutionParametersException",
     "does not support TargetParameterName, Targets"),
    ({"MaxConcurrency": "10"}, "InvalidAutomationExecutionParametersException", "MaxConcurrency"),
    ({"DocumentVersion": "latest"}, "ValidationException", "documentVersion"),
])
def test_unsupported_or_invalid_requests_are_refused(ssm, typed_runbook, request_members, code, message):
    with raises_aws_error(code, message):
        ssm.start_automation_execution(DocumentName=typed_runbook, Parameters={"Name": ["abc"]}, **request_members)


def test_client_token_makes_the_start_idempotent(ssm, typed_runbook):
    token = str(uuid.uuid4())
    first = ssm.start_automation_execution(DocumentName=typed_runbook, Parameters={"Name": ["abc"]}, ClientToken=token)
    again = ssm.start_automation_execution(DocumentName=typed_runbook, Parameters={"Name": ["abc"]}, ClientToken=token)
    assert first["AutomationExecutionId"] == again["AutomationExecutionId"]
    with raises_aws_error("IdempotentParameterMismatch"):
        ssm.start_automation_execution(DocumentName=typed_runbook, Parameters={"Name": ["xyz"]}, ClientToken=token)
    assert len(ssm.describe_automation_executions()["AutomationExecutionMetadataList"]) == 1


# --- assumeRole --------------------------------------------------------------------------------------

ASSUMING_RUNBOOK = runbook(caller_identity_step(), parameters={"AutomationAssumeRole": {"type": "String"}}, assumeRole="{{ AutomationAssumeRole }}")


@pytest.mark.parametrize("role_arn, trust, message", [
    ("not-an-arn", None, "The format of the supplied assume role ARN is invalid."),
    (f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/missing", None, "The defined assume role is unable to be assumed."),
    ("arn:aws:iam::999999999999:role/automation", None, "The defined assume role is unable to be assumed."),
    (f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/automation", {"Service": "lambda.amazonaws.com"}, "The defined assume role is unable to be assumed."),
])
def test_assume_role_must_exist_in_the_account_and_trust_ssm(emulator, ssm, role_arn, trust, message):
    trust_policy = dict(SSM_TRUST_POLICY, Statement=[dict(SSM_TRUST_POLICY["Statement"][0], Principal=trust)]) if trust else None
    create_role(emulator.client("iam"), "automation", [], trust_policy)
    create_runbook(ssm, "assuming", ASSUMING_RUNBOOK)
    with raises_aws_error("InvalidAutomationExecutionParametersException", message):
        ssm.start_automation_execution(DocumentName="assuming", Parameters={"AutomationAssumeRole": [role_arn]})


def test_trust_conditions_are_checked_with_the_source_account(emulator, ssm):
    condition = {"StringEquals": {"aws:SourceAccount": "999999999999"}}
    trust_policy = dict(SSM_TRUST_POLICY, Statement=[dict(SSM_TRUST_POLICY["Statement"][0], Condition=condition)])
    role_arn = create_role(emulator.client("iam"), "automation", [], trust_policy)
    create_runbook(ssm, "assuming", ASSUMING_RUNBOOK)
    with raises_aws_error("InvalidAutomationExecutionParametersException", "unable to be assumed"):
        ssm.start_automation_execution(DocumentName="assuming", Parameters={"AutomationAssumeRole": [role_arn]})


def test_steps_run_as_the_assumed_role_session(emulator, ssm):
    role_arn = create_role(emulator.client("iam"), "automation", [])
    create_runbook(ssm, "assuming", ASSUMING_RUNBOOK)
    execution = run(ssm, "assuming", {"AutomationAssumeRole": [role_arn]})
    assert execution["StepExecutions"][0]["Outputs"]["Arn"] == [f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/automation/{execution['AutomationExecutionId']}"]


# --- accounts and reset ------------------------------------------------------------------------------

def test_an_execution_runs_in_the_callers_account_and_is_listed_there_only(emulator, ssm):
    other = emulator.client("ssm", credentials=emulator.assume_account("111111111111"))
    create_runbook(other, "where", runbook(caller_identity_step()))
    execution = run(other, "where")
    assert execution["StepExecutions"][0]["Outputs"]["Account"] == ["111111111111"]
    assert execution["ExecutedBy"] == "arn:aws:sts::111111111111:assumed-role/emulator-test/emulator-test"
    assert ssm.describe_automation_executions()["AutomationExecutionMetadataList"] == []
    with raises_aws_error("AutomationExecutionNotFoundException"):
        ssm.get_automation_execution(AutomationExecutionId=execution["AutomationExecutionId"])
    emulator.reset()
    with raises_aws_error("AutomationExecutionNotFoundException"):
        other.get_automation_execution(AutomationExecutionId=execution["AutomationExecutionId"])


def test_unknown_execution_is_not_found(ssm):
    with raises_aws_error("AutomationExecutionNotFoundException"):
        ssm.get_automation_execution(AutomationExecutionId=str(uuid.uuid4()))
    with raises_aws_error("AutomationExecutionNotFoundException"):
        ssm.describe_automation_step_executions(AutomationExecutionId=str(uuid.uuid4()))


# --- shapes ------------------------------------------------------------------------------------------

def test_get_automation_execution_shape(ssm):
    create_runbook(ssm, "shape", runbook(caller_identity_step(timeoutSeconds=30), outputs=["who.Account"]))
    execution_id = ssm.start_automation_execution(DocumentName="shape")["AutomationExecutionId"]
    execution = wait_for(ssm, execution_id)
    assert execution["AutomationExecutionStatus"] == "Success"
    assert execution["DocumentName"] == "shape" and execution["DocumentVersion"] == "1" and execution["Mode"] == "Auto"
    assert execution["ExecutionStartTime"] <= execution["ExecutionEndTime"]
    assert execution["Outputs"] == {"who.Account": [DEFAULT_ACCOUNT]}
    assert "FailureMessage" not in execution and "ParentAutomationExecutionId" not in execution
    [step_execution] = execution["StepExecutions"]
    assert step_execution["Inputs"] == {"Service": '"sts"', "Api": '"GetCallerIdentity"'}
    assert step_execution["Outputs"]["Account"] == [DEFAULT_ACCOUNT]
    assert (step_execution["StepStatus"], step_execution["OnFailure"], step_execution["MaxAttempts"]) == ("Success", "Abort", 1)
    assert step_execution["TimeoutSeconds"] == 30 and step_execution["IsCritical"] is True and step_execution["IsEnd"] is False


# --- DescribeAutomationExecutions ----------------------------------------------------------------------

def test_describe_automation_executions_filters_and_pages(ssm):
    create_runbook(ssm, "alpha-one", runbook(caller_identity_step()))
    create_runbook(ssm, "beta", runbook(step("fail", "aws:branch", {"Choices": [{"NextStep": "fail", "Variable": "a", "StringEquals": "b"}]})))
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    ids = [run(ssm, name)["AutomationExecutionId"] for name in ("alpha-one", "alpha-one", "beta")]

    def listed(**request):
        return [item["AutomationExecutionId"] for item in ssm.describe_automation_executions(**request)["AutomationExecutionMetadataList"]]

    assert listed() == ids[::-1]
    assert listed(Filters=[{"Key": "DocumentNamePrefix", "Values": ["alpha"]}]) == ids[1::-1]
    assert listed(Filters=[{"Key": "ExecutionStatus", "Values": ["Failed"]}]) == [ids[2]]
    assert listed(Filters=[{"Key": "ExecutionId", "Values": [ids[0]]}]) == [ids[0]]
    assert listed(Filters=[{"Key": "StartTimeAfter", "Values": [before.isoformat()]}]) == ids[::-1]
    assert listed(Filters=[{"Key": "StartTimeBefore", "Values": [before.isoformat()]}]) == []
    first = ssm.describe_automation_executions(MaxResults=2)
    assert len(first["AutomationExecutionMetadataList"]) == 2
    rest = ssm.describe_automation_executions(MaxResults=2, NextToken=first["NextToken"])
    assert "NextToken" not in rest and len(rest["AutomationExecutionMetadataList"]) == 1
    metadata = ssm.describe_automation_executions(Filters=[{"Key": "ExecutionId", "Values": [ids[2]]}])["AutomationExecutionMetadataList"][0]
    assert metadata["AutomationExecutionStatus"] == "Failed" and "No choice of the branch holds" in metadata["FailureMessage"]
    assert metadata["AutomationType"] == "Local" and metadata["DocumentName"] == "beta"


@pytest.mark.parametrize("request_members, code", [
    ({"Filters": [{"Key": "Colour", "Values": ["x"]}]}, "ValidationException"),
    ({"Filters": [{"Key": "TagKey", "Values": ["x"]}]}, "InvalidFilterKey"),
    ({"Filters": [{"Key": "StartTimeBefore", "Values": ["yesterday"]}]}, "InvalidFilterValue"),
    ({"NextToken": "nonsense"}, "InvalidNextToken"),
    ({"MaxResults": 51}, "ValidationException"),
])
def test_describe_automation_executions_refuses_bad_requests(emulator, request_members, code):
    with raises_aws_error(code):
        emulator.client("ssm", validate=False).describe_automation_executions(**request_members)


# --- DescribeAutomationStepExecutions -----------------------------------------------------------------

def test_describe_automation_step_executions_filters_orders_and_pages(ssm):
    steps = [step("one", "aws:sleep", {"Duration": "PT1S"}), caller_identity_step("two"), step("three", "aws:sleep", {"Duration": "PT1S"})]
    create_runbook(ssm, "three-steps", runbook(*steps))
    execution_id = run(ssm, "three-steps")["AutomationExecutionId"]

    def names(**request):
        return [item["StepName"] for item in ssm.describe_automation_step_executions(AutomationExecutionId=execution_id, **request)["StepExecutions"]]

    assert names() == ["one", "two", "three"]
    assert names(ReverseOrder=True) == ["three", "two", "one"]
    assert names(Filters=[{"Key": "Action", "Values": ["aws:sleep"]}]) == ["one", "three"]
    assert names(Filters=[{"Key": "StepName", "Values": ["two"]}, {"Key": "StepExecutionStatus", "Values": ["Success"]}]) == ["two"]
    first = ssm.describe_automation_step_executions(AutomationExecutionId=execution_id, MaxResults=2)
    assert [item["StepName"] for item in first["StepExecutions"]] == ["one", "two"]
    assert names(MaxResults=2, NextToken=first["NextToken"]) == ["three"]
    with raises_aws_error("InvalidFilterKey"):
        names(Filters=[{"Key": "ParentStepExecutionId", "Values": ["x"]}])
