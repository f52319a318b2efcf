# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The step actions and the run loop: variables, branches, failures, retries, scripts, children."""

import json

import pytest

from automation_testing import caller_identity_step, create_role, payload_of, run_steps, step, steps_by_name, wait_for
from emulator_testing import DEFAULT_ACCOUNT, REGION
from sns_testing import queue_for_topic

ECHO_SCRIPT = "def handler(events, context):\n    return {'events': events, 'execution_id': context['automation:EXECUTION_ID']}\n"


@pytest.fixture
def ssm(emulator):
    return emulator.client("ssm")


def echo_step(payload, name="echo", **properties):
    """An aws:executeScript step whose Payload output is its resolved InputPayload."""
    inputs = {"Runtime": "python3.11", "Handler": "handler", "Script": ECHO_SCRIPT, "InputPayload": payload}
    return step(name, "aws:executeScript", inputs, **properties)


def sleep_step(name, **properties):
    return step(name, "aws:sleep", {"Duration": "PT1S"}, **properties)


def failing_step(name, **properties):
    script = "def handler(e, c):\n    raise ValueError('boom')\n"
    return step(name, "aws:executeScript", {"Runtime": "python3.11", "Handler": "handler", "Script": script}, **properties)


def payload(execution, name="echo"):
    return payload_of(execution, name)


def executed(execution):
    return [(item["StepName"], item["StepStatus"]) for item in execution["StepExecutions"]]


# --- variables -------------------------------------------------------------------------------------

def test_whole_value_placeholders_keep_their_type_and_embedded_ones_become_text(ssm):
    types = {"Names": "StringList", "Count": "Integer", "On": "Boolean", "Map": "StringMap", "Word": "String"}
    parameters = {name: {"type": parameter_type} for name, parameter_type in types.items()}
    values = {"Names": ["a", "b"], "Count": ["3"], "On": ["true"], "Map": ['{"k": "v"}'], "Word": ["hi"]}
    inputs = {
        "names": "{{ Names }}", "count": "{{Count}}", "on": "{{ On }}", "map": "{{ Map }}",
        "text": "{{ Word }} x{{ Count }} {{ Names }} {{ On }}",
        "nested": {"list": ["{{ Word }}", {"deep": "{{ Names }}"}], "{{ Word }}-key": 1},
    }
    execution = run_steps(ssm, echo_step(inputs), parameters=parameters, values=values)
    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    assert payload(execution)["events"] == {
        "names": ["a", "b"], "count": 3, "on": True, "map": {"k": "v"},
        "text": 'hi x3 ["a", "b"] true',
        "nested": {"list": ["hi", {"deep": ["a", "b"]}], "hi-key": 1},
    }
    assert json.loads(steps_by_name(execution)["echo"]["Inputs"]["InputPayload"])["count"] == 3


def test_system_variables_and_step_outputs(ssm):
    inputs = {
        "account": "{{ global:ACCOUNT_ID }}", "region": "{{ global:REGION }}", "partition": "{{ global:AWS_PARTITION }}",
        "date": "{{ global:DATE }}", "date_time": "{{ global:DATE_TIME }}", "id": "{{ automation:EXECUTION_ID }}",
        "caller": "{{ who.Account }}",
    }
    execution = run_steps(ssm, caller_identity_step(), echo_step(inputs))
    events = payload(execution)["events"]
    assert (events["account"], events["region"], events["partition"], events["caller"]) == (DEFAULT_ACCOUNT, REGION, "aws", DEFAULT_ACCOUNT)
    assert events["id"] == execution["AutomationExecutionId"]
    assert events["date_time"].startswith(events["date"] + "_") and len(events["date_time"]) == len("2030-01-01_00.00.00")
    assert payload(execution)["execution_id"] == execution["AutomationExecutionId"]


def test_output_of_a_step_that_did_not_run_fails_the_step(ssm):
    skip = step("skip", "aws:branch", {"Choices": [{"NextStep": "who", "Variable": "a", "StringEquals": "b"}], "Default": "echo"})
    execution = run_steps(ssm, skip, caller_identity_step(), echo_step({"a": "{{ who.Account }}"}))
    assert executed(execution) == [("skip", "Success"), ("echo", "Failed")]
    assert "Variable {{ who.Account }} has no value: step who did not run" in execution["FailureMessage"]


# --- aws:branch ------------------------------------------------------------------------------------

@pytest.mark.parametrize("choice, value, expected", [
    ({"StringEquals": "red"}, "red", "matched"),
    ({"StringEquals": "red"}, "Red", "default"),
    ({"EqualsIgnoreCase": "red"}, "RED", "matched"),
    ({"StartsWith": "re"}, "red", "matched"),
    ({"EndsWith": "ed"}, "red", "matched"),
    ({"Contains": "e"}, "red", "matched"),
    ({"NumericEquals": 3}, "3", "matched"),
    ({"NumericGreater": 3}, "4", "matched"),
    ({"NumericGreater": 3}, "3", "default"),
    ({"NumericLesser": 3}, "2", "matched"),
    ({"NumericGreaterOrEquals": 3}, "3", "matched"),
    ({"NumericLesserOrEquals": 3}, "4", "default"),
    ({"BooleanEquals": True}, "true", "matched"),
    ({"BooleanEquals": False}, "true", "default"),
])
def test_branch_operators(ssm, choice, value, expected):
    branch = {"Choices": [dict(choice, NextStep="matched", Variable="{{ Value }}")], "Default": "default"}
    execution = run_steps(
        ssm, step("choose", "aws:branch", branch), sleep_step("matched", isEnd=True), sleep_step("default"),
        parameters={"Value": {"type": "String"}}, values={"Value": [value]},
    )
    assert executed(execution) == [("choose", "Success"), (expected, "Success")]


def test_branch_and_or_not_and_list_contains(ssm):
    names_contains_b = {"Variable": "{{ Names }}", "Contains": "b"}
    choices = [
        {"NextStep": "first", "And": [names_contains_b, {"Not": {"Variable": "{{ Names }}", "Contains": "a"}}]},
        {"NextStep": "second", "Or": [{"Variable": "x", "StringEquals": "y"}, names_contains_b]},
    ]
    execution = run_steps(
        ssm, step("choose", "aws:branch", {"Choices": choices}), sleep_step("first", isEnd=True), sleep_step("second"),
        parameters={"Names": {"type": "StringList"}}, values={"Names": ["a", "b"]},
    )
    assert executed(execution) == [("choose", "Success"), ("second", "Success")]


def test_branch_without_a_match_or_default_fails(ssm):
    execution = run_steps(ssm, step("choose", "aws:branch", {"Choices": [{"NextStep": "choose", "Variable": "a", "NumericEquals": "b"}]}))
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "'a' is not a number" in execution["FailureMessage"]


# --- flow and failures --------------------------------------------------------------------------------

def test_is_end_and_next_step(ssm):
    execution = run_steps(ssm, sleep_step("one", nextStep="three"), sleep_step("two"), sleep_step("three", isEnd=True), sleep_step("four"))
    assert executed(execution) == [("one", "Success"), ("three", "Success")]
    assert steps_by_name(execution)["one"]["NextStep"] == "three" and steps_by_name(execution)["three"]["IsEnd"] is True


def test_on_failure_abort_is_the_default(ssm):
    execution = run_steps(ssm, failing_step("fail"), sleep_step("after"))
    assert executed(execution) == [("fail", "Failed")]
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert execution["FailureMessage"] == steps_by_name(execution)["fail"]["FailureMessage"]


def test_on_failure_continue_is_not_critical_by_default(ssm):
    execution = run_steps(ssm, failing_step("fail", onFailure="Continue"), sleep_step("after"))
    assert executed(execution) == [("fail", "Failed"), ("after", "Success")]
    assert execution["AutomationExecutionStatus"] == "Success" and "FailureMessage" not in execution
    assert steps_by_name(execution)["fail"]["IsCritical"] is False


def test_on_failure_continue_of_a_critical_step_fails_the_execution_at_the_end(ssm):
    execution = run_steps(ssm, failing_step("fail", onFailure="Continue", isCritical=True), sleep_step("after"))
    assert executed(execution) == [("fail", "Failed"), ("after", "Success")]
    assert execution["AutomationExecutionStatus"] == "Failed" and "ValueError - boom" in execution["FailureMessage"]


def test_on_failure_step_jumps(ssm):
    execution = run_steps(ssm, failing_step("fail", onFailure="step:cleanup"), sleep_step("skipped"), sleep_step("cleanup"))
    assert executed(execution) == [("fail", "Failed"), ("cleanup", "Success")]
    assert execution["AutomationExecutionStatus"] == "Failed"


def test_max_attempts_retries_the_step(emulator, ssm):
    publish = {"Service": "sns", "Api": "Publish", "TopicArn": f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:missing", "Message": "x"}
    # The request log is the whole test session's: count this test's requests only.
    logged_before = len(emulator.logged_requests())
    execution = run_steps(ssm, step("publish", "aws:executeAwsApi", publish, maxAttempts=3))
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "An error occurred (NotFound) when calling the Publish operation" in execution["FailureMessage"]
    assert steps_by_name(execution)["publish"]["MaxAttempts"] == 3
    assert sum(1 for line in emulator.logged_requests()[logged_before:] if line["action"] == "Publish") == 3


def test_timeout_seconds_times_the_step_out(ssm):
    script = {"Runtime": "python3.11", "Handler": "handler", "Script": "import time\ndef handler(e, c):\n    time.sleep(1.5)\n"}
    execution = run_steps(ssm, step("slow", "aws:executeScript", script, timeoutSeconds=1))
    assert executed(execution) == [("slow", "TimedOut")]
    assert execution["AutomationExecutionStatus"] == "TimedOut"
    assert execution["FailureMessage"].startswith("Step timed out while step is Executing.")


# --- aws:sleep ------------------------------------------------------------------------------------

@pytest.mark.parametrize("inputs, error", [
    ({"Duration": "PT10M"}, None),
    ({"Duration": "P7D"}, None),
    ({"Timestamp": "2030-01-01T00:00:00Z"}, None),
    ({"Duration": "P8D"}, "longer than the maximum of 7 days"),
    ({"Duration": "ten minutes"}, "is not an ISO 8601 duration"),
    ({"Duration": "PT"}, "is not an ISO 8601 duration"),
    ({"Timestamp": "tomorrow"}, "is not an ISO 8601 timestamp"),
    ({}, "needs exactly one of Duration and Timestamp"),
])
def test_sleep_validates_without_waiting(ssm, inputs, error):
    execution = run_steps(ssm, step("nap", "aws:sleep", inputs))
    if error is None:
        assert execution["AutomationExecutionStatus"] == "Success"
    else:
        assert error in execution["FailureMessage"]


# --- aws:executeAwsApi ---------------------------------------------------------------------------------

@pytest.mark.parametrize("inputs, outputs, message", [
    ({"Service": "sts", "Api": "GetNothing"}, [], "GetNothing is not an API operation of service sts"),
    ({"Service": "sts", "Api": "GetCallerIdentity"}, [{"Name": "All", "Selector": "$", "Type": "String"}], "Output All cannot be converted to String"),
    ({"Service": "sts", "Api": "GetCallerIdentity"}, [{"Name": "N", "Selector": "$.Account", "Type": "Float"}], "Output N has type 'Float'"),
    ({"Service": "sts", "Api": "GetCallerIdentity", "Extra": "x"}, [], "Invalid input for sts GetCallerIdentity"),
    ({"Service": "s3", "Api": "ListBuckets"}, [],
     "An error occurred (UnsupportedOperation) when calling the ListBuckets operation: The emulator cannot derive"),
])
def test_execute_aws_api_failures(ssm, inputs, outputs, message):
    execution = run_steps(ssm, step("call", "aws:executeAwsApi", inputs, outputs=outputs))
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert message in execution["FailureMessage"]


def test_execute_aws_api_outputs_of_every_type(emulator, ssm):
    emulator.client("iam").create_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"}])
    emulator.client("iam").create_user(UserName="bob")
    outputs = [
        {"Name": "First", "Selector": "$.Users[0].UserName", "Type": "String"},
        {"Name": "Names", "Selector": "$.Users[*].UserName", "Type": "StringList"},
        {"Name": "Users", "Selector": "$.Users", "Type": "MapList"},
        {"Name": "FirstUser", "Selector": "$.Users[0]", "Type": "StringMap"},
        {"Name": "Truncated", "Selector": "$.IsTruncated", "Type": "Boolean"},
        {"Name": "Missing", "Selector": "$.Nothing", "Type": "String"},
    ]
    execution = run_steps(ssm, step("list", "aws:executeAwsApi", {"Service": "iam", "Api": "ListUsers"}, outputs=outputs))
    produced = steps_by_name(execution)["list"]["Outputs"]
    assert produced["First"] == ["alice"] and produced["Names"] == ["alice", "bob"] and produced["Truncated"] == ["false"]
    assert [json.loads(user)["UserName"] for user in produced["Users"]] == ["alice", "bob"]
    assert json.loads(produced["FirstUser"][0])["UserName"] == "alice"
    # Response datetimes are ISO 8601 text.
    assert json.loads(produced["FirstUser"][0])["CreateDate"][:4].isdigit()
    assert "Missing" not in produced


def test_indefinite_selector_matching_one_user_yields_a_list(emulator, ssm):
    emulator.client("iam").create_user(UserName="alice")
    outputs = [
        {"Name": "Names", "Selector": "$.Users[*].UserName", "Type": "StringList"},
        {"Name": "Users", "Selector": "$.Users[?(@.UserName == 'alice')]", "Type": "MapList"},
        {"Name": "All", "Selector": "$.Users", "Type": "MapList"},
    ]
    execution = run_steps(ssm, step("list", "aws:executeAwsApi", {"Service": "iam", "Api": "ListUsers"}, outputs=outputs))
    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    produced = steps_by_name(execution)["list"]["Outputs"]
    assert produced["Names"] == ["alice"]
    assert [json.loads(user)["UserName"] for user in produced["Users"]] == ["alice"]
    assert [json.loads(user)["UserName"] for user in produced["All"]] == ["alice"]


# --- aws:executeScript ---------------------------------------------------------------------------------

PUBLISH_SCRIPT = """
import boto3

def handler(events, context):
    arn = boto3.client("sts").get_caller_identity()["Arn"]
    message_id = boto3.Session().client("sns").publish(TopicArn=events["topic"], Message="hello")["MessageId"]
    return {"arn": arn, "message_id": message_id}
"""


def test_script_boto3_acts_as_the_role_and_is_held_to_its_policy(emulator, ssm):
    sns = emulator.client("sns")
    allowed = sns.create_topic(Name="allowed")["TopicArn"]
    forbidden = sns.create_topic(Name="forbidden")["TopicArn"]
    role_arn = create_role(emulator.client("iam"), "scripted", [{"Effect": "Allow", "Action": "sns:Publish", "Resource": allowed}])
    inputs = {"Runtime": "python3.11", "Handler": "handler", "Script": PUBLISH_SCRIPT, "InputPayload": {"topic": "{{ Topic }}"}}
    parameters = {"AutomationAssumeRole": {"type": "String"}, "Topic": {"type": "String"}}
    outputs = [{"Name": "MessageId", "Selector": "$.Payload.message_id", "Type": "String"}]

    def publish(topic):
        return run_steps(ssm, step("script", "aws:executeScript", inputs, outputs=outputs), parameters=parameters,
                         values={"AutomationAssumeRole": [role_arn], "Topic": [topic]}, assumeRole="{{ AutomationAssumeRole }}", name=topic.rsplit(":", 1)[1])

    execution = publish(allowed)
    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    result = payload(execution, "script")
    assert result["arn"] == f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/scripted/{execution['AutomationExecutionId']}"
    assert steps_by_name(execution)["script"]["Outputs"]["MessageId"] == [result["message_id"]]

    denied = publish(forbidden)
    assert denied["AutomationExecutionStatus"] == "Failed"
    assert denied["FailureMessage"].startswith("Step fails when it is Poll action status for completion. Traceback (most recent call last):")
    assert "ClientError - An error occurred (AuthorizationError) when calling the Publish operation" in denied["FailureMessage"]
    assert f"is not authorized to perform: SNS:Publish on resource: {forbidden}" in denied["FailureMessage"]


CONTEXT_SCRIPT = """
import boto3
import datetime
import json
from datetime import timezone
from botocore.exceptions import ClientError

def handler(events, context):
    now = datetime.datetime.now(timezone.utc)
    return {
        "from_context": context["automation:EXECUTION_ID"],
        "from_payload": events["execution_id"],
        "context_keys": sorted(context),
        "json": json.loads(json.dumps({"year": now.year})),
        "client_error": ClientError.__name__,
        "regions": [boto3.client("sns", region_name="us-east-1").meta.region_name, boto3.Session(region_name="us-west-2").client("sns").meta.region_name,
                    boto3.client("sns").meta.region_name],
    }
"""


def test_script_reads_the_execution_id_from_context_and_payload_and_imports_the_standard_library(ssm):
    inputs = {"Runtime": "python3.11", "Handler": "handler", "Script": CONTEXT_SCRIPT, "InputPayload": {"execution_id": "{{ automation:EXECUTION_ID }}"}}
    execution = run_steps(ssm, step("script", "aws:executeScript", inputs))
    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    result = payload(execution, "script")
    assert result["from_context"] == result["from_payload"] == execution["AutomationExecutionId"]
    assert result["context_keys"] == ["automation:EXECUTION_ID"]
    assert result["json"]["year"] >= 2024 and result["client_error"] == "ClientError"
    assert result["regions"] == ["us-east-1", "us-west-2", REGION]


def test_script_context_holds_nothing_else(ssm):
    script = "def handler(events, context):\n    return context['global:ACCOUNT_ID']\n"
    execution = run_steps(ssm, step("script", "aws:executeScript", {"Runtime": "python3.11", "Handler": "handler", "Script": script}))
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "KeyError - \"'global:ACCOUNT_ID': the emulator's context holds only automation:EXECUTION_ID" in execution["FailureMessage"]


@pytest.mark.parametrize("inputs, message", [
    ({"Runtime": "python3.11", "Handler": "handler", "Script": "def handler(e, c):\n    raise ValueError('boom')\n"}, "ValueError - boom"),
    ({"Runtime": "python3.11", "Handler": "missing", "Script": "x = 1\n"}, "Handler missing is not a function"),
    ({"Runtime": "PowerShell 7.4", "Handler": "handler", "Script": "x"}, "Runtime 'PowerShell 7.4' is not supported"),
    ({"Runtime": "python3.11", "Handler": "handler", "Attachment": "a.zip"}, "attachments are not supported"),
    ({"Runtime": "python3.11", "Handler": "handler", "Script": "def handler(e, c):\n    return object()\n"}, "not JSON serializable"),
])
def test_script_failures(ssm, inputs, message):
    execution = run_steps(ssm, step("script", "aws:executeScript", inputs))
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert message in execution["FailureMessage"]


# --- aws:executeAutomation -------------------------------------------------------------------------

def test_execute_automation_runs_aws_publish_sns_notification_as_a_child(emulator, ssm):
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    topic_arn = sns.create_topic(Name="notices")["TopicArn"]
    queue_url, queue_arn = queue_for_topic(sqs, "notices", topic_arn)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    child = {"DocumentName": "AWS-PublishSNSNotification", "RuntimeParameters": {"TopicArn": topic_arn, "Message": "from {{ automation:EXECUTION_ID }}"}}

    parent = run_steps(ssm, step("notify", "aws:executeAutomation", child))

    assert parent["AutomationExecutionStatus"] == "Success", parent.get("FailureMessage")
    outputs = steps_by_name(parent)["notify"]["Outputs"]
    assert outputs["Status"] == ["Success"]
    child_execution = wait_for(ssm, outputs["ExecutionId"][0])
    assert child_execution["ParentAutomationExecutionId"] == parent["AutomationExecutionId"]
    assert child_execution["DocumentName"] == "AWS-PublishSNSNotification" and child_execution["DocumentVersion"] == "1"
    listed = ssm.describe_automation_executions(Filters=[{"Key": "ParentExecutionId", "Values": [parent["AutomationExecutionId"]]}])
    assert [item["AutomationExecutionId"] for item in listed["AutomationExecutionMetadataList"]] == outputs["ExecutionId"]
    [message] = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert message["Body"] == f"from {parent['AutomationExecutionId']}"


def test_execute_automation_needs_start_permission_and_a_valid_child(emulator, ssm):
    role_arn = create_role(emulator.client("iam"), "no-ssm", [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}])
    child = {"DocumentName": "AWS-PublishSNSNotification", "RuntimeParameters": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:x", "Message": "m"}}
    denied = run_steps(ssm, step("notify", "aws:executeAutomation", child), parameters={"Role": {"type": "String"}},
                       values={"Role": [role_arn]}, assumeRole="{{ Role }}", name="denied")
    assert "is not authorized to perform: ssm:StartAutomationExecution on resource: " in denied["FailureMessage"]
    assert "automation-definition/AWS-PublishSNSNotification:$DEFAULT" in denied["FailureMessage"]

    invalid = run_steps(ssm, step("notify", "aws:executeAutomation", {"DocumentName": "AWS-PublishSNSNotification"}), name="invalid")
    assert "InvalidAutomationExecutionParametersException: Missing required parameter: TopicArn in user inputs." in invalid["FailureMessage"]
