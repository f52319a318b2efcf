# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Automatic and manual remediation, DescribeRemediationExecutionStatus and remediation exceptions.

Remediations run real SSM Automation executions of the emulator, read back with SSM's own
GetAutomationExecution. Where a test must script each attempt's outcome (a retry that
succeeds) or hold an attempt open (in progress, reset), it replaces the one function that
calls SSM (run_automation) by a double.
"""

import datetime
import re
import threading
import time

import pytest

from aged_keys_emulator import config_remediation_execution
from aged_keys_emulator.config_remediation_execution import AutomationOutcome
from emulator_testing import DEFAULT_ACCOUNT, REGION, put_access_keys_rule, raises_aws_error
from remediation_testing import (  # noqa: F401  pylint: disable=unused-import  # fixtures
    ACCESS_DENIED, DOCUMENT, FAILING_DOCUMENT, ROLE_ARN, RULE, USER_TYPE, automation_runs, automations, configure_remediation, create_user, evaluate,
    exception_key, execution_id_of, rule, settled_statuses, user_key)


# --- Automatic remediation ------------------------------------------------------------------

@pytest.mark.usefixtures("rule")
def test_an_evaluation_remediates_each_non_compliant_resource_once_with_its_parameters(emulator, config, iam):
    configure_remediation(config, TargetId=f"arn:aws:ssm:{REGION}:{DEFAULT_ACCOUNT}:document/{DOCUMENT}", TargetVersion="1")
    old = sorted(create_user(emulator, iam, name, 100) for name in ("old-1", "old-2"))
    create_user(emulator, iam, "fresh", 5)

    evaluate(config)
    statuses = settled_statuses(config)

    assert sorted(statuses) == old
    assert all(status["State"] == "SUCCEEDED" for status in statuses.values())
    runs = automation_runs(emulator)
    assert sorted(run["Parameters"]["ResourceId"][0] for run in runs) == old
    assert {(run["DocumentName"], run["DocumentVersion"], run["AutomationExecutionStatus"]) for run in runs} == {(DOCUMENT, "1", "Success")}
    assert all(run["Parameters"]["AutomationAssumeRole"] == [ROLE_ARN] for run in runs)
    ids = {execution_id_of(status["StepDetails"][0]) for status in statuses.values()}
    assert ids == {run["AutomationExecutionId"] for run in runs}


@pytest.mark.usefixtures("rule")
def test_a_status_records_key_times_and_one_step_per_attempt(emulator, config, iam):
    configure_remediation(config)
    user = create_user(emulator, iam, "old", 100)
    before = datetime.datetime.now(datetime.timezone.utc)

    evaluate(config)
    status = settled_statuses(config)[user]

    assert status["ResourceKey"] == user_key(user)
    [step] = status["StepDetails"]
    assert re.fullmatch(rf"Attempt 1 of 3: SSM Automation {DOCUMENT} \(execution \S+\)", step["Name"])
    assert step["State"] == "SUCCEEDED" and "ErrorMessage" not in step
    moments = [status["InvocationTime"], step["StartTime"], step["StopTime"], status["LastUpdatedTime"]]
    assert before - datetime.timedelta(seconds=1) <= min(moments) and moments == sorted(moments)


@pytest.mark.usefixtures("rule")
def test_failed_attempts_are_retried_up_to_maximum_automatic_attempts_with_the_failure_visible(emulator, config, iam):
    configure_remediation(config, TargetId=FAILING_DOCUMENT, MaximumAutomaticAttempts=3)
    user = create_user(emulator, iam, "old", 100)

    evaluate(config)
    status = settled_statuses(config)[user]

    assert status["State"] == "FAILED"
    runs = automation_runs(emulator)
    assert [run["AutomationExecutionStatus"] for run in runs] == ["Failed"] * 3
    assert [step["State"] for step in status["StepDetails"]] == ["FAILED"] * 3
    # The automation's FailureMessage (AccessDenied for iam:ListUsers) is the step's ErrorMessage.
    assert {step["ErrorMessage"] for step in status["StepDetails"]} == {run["FailureMessage"] for run in runs}
    assert "not authorized to perform: iam:ListUsers" in status["StepDetails"][0]["ErrorMessage"]


@pytest.mark.usefixtures("rule")
def test_a_retry_that_succeeds_ends_the_remediation(emulator, config, iam, automations):
    configure_remediation(config, MaximumAutomaticAttempts=5)
    user = create_user(emulator, iam, "old", 100)
    automations.outcomes = [("Failed", ACCESS_DENIED), ("TimedOut", None)]

    evaluate(config)
    status = settled_statuses(config)[user]

    assert status["State"] == "SUCCEEDED"
    assert [step["State"] for step in status["StepDetails"]] == ["FAILED", "FAILED", "SUCCEEDED"]
    assert status["StepDetails"][1]["ErrorMessage"] == "The SSM Automation ended with status TimedOut."


@pytest.mark.usefixtures("rule")
def test_every_evaluation_remediates_a_still_non_compliant_resource_again(emulator, config, iam):
    configure_remediation(config)
    user = create_user(emulator, iam, "old", 100)

    evaluate(config)
    settled_statuses(config)
    evaluate(config)
    settled_statuses(config)

    assert [run["Parameters"]["ResourceId"] for run in automation_runs(emulator)] == [[user], [user]]


@pytest.mark.usefixtures("rule")
def test_manual_remediation_configuration_is_not_started_by_an_evaluation(emulator, config, iam):
    configure_remediation(config, Automatic=False)
    create_user(emulator, iam, "old", 100)

    evaluate(config)
    time.sleep(0.2)

    assert automation_runs(emulator) == []
    assert settled_statuses(config) == {}


@pytest.mark.usefixtures("rule")
def test_an_exception_in_force_blocks_automatic_remediation_until_it_expires(emulator, config, iam):
    configure_remediation(config)
    excepted = create_user(emulator, iam, "excepted", 100)
    expiring = create_user(emulator, iam, "expiring", 100)
    evaluate(config)
    settled_statuses(config)
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)
    config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=[exception_key(excepted)], Message="service account")
    config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=[exception_key(expiring)], ExpirationTime=soon)

    evaluate(config)
    settled_statuses(config)
    assert len(automation_runs(emulator)) == 2

    time.sleep(1.1)
    evaluate(config)
    settled_statuses(config)
    assert sorted(run["Parameters"]["ResourceId"][0] for run in automation_runs(emulator)) == sorted([excepted, expiring, expiring])


# --- Manual remediation -----------------------------------------------------------------------

@pytest.mark.usefixtures("rule")
def test_start_remediation_execution_makes_one_attempt_per_non_compliant_resource(emulator, config, iam):
    configure_remediation(config, TargetId=FAILING_DOCUMENT, Automatic=False)
    old = create_user(emulator, iam, "old", 100)
    fresh = create_user(emulator, iam, "fresh", 1)
    evaluate(config)

    answer = config.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[user_key(old), user_key(fresh), user_key("AIDANOTEVALUATED00000")])
    status = settled_statuses(config)[old]

    assert answer["FailedItems"] == [user_key(fresh), user_key("AIDANOTEVALUATED00000")]
    assert "COMPLIANT" in answer["FailureMessage"] and "no evaluation result" in answer["FailureMessage"]
    [run] = automation_runs(emulator)
    assert status["State"] == "FAILED" and [step["ErrorMessage"] for step in status["StepDetails"]] == [run["FailureMessage"]]
    assert run["Parameters"]["ResourceId"] == [old]


@pytest.mark.usefixtures("rule")
def test_manual_remediation_ignores_remediation_exceptions(emulator, config, iam):
    configure_remediation(config, Automatic=False)
    user = create_user(emulator, iam, "old", 100)
    evaluate(config)
    config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=[exception_key(user)])

    answer = config.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[user_key(user)])

    assert answer["FailedItems"] == []
    assert settled_statuses(config)[user]["State"] == "SUCCEEDED"


@pytest.mark.usefixtures("rule")
def test_a_resource_being_remediated_cannot_be_started_again(emulator, config, iam, monkeypatch):
    release = threading.Event()

    def blocked_automation(*args):
        release.wait(5)
        return AutomationOutcome("Success", None)

    monkeypatch.setattr(config_remediation_execution, "run_automation", blocked_automation)
    configure_remediation(config, Automatic=False)
    user = create_user(emulator, iam, "old", 100)
    evaluate(config)
    config.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[user_key(user)])

    answer = config.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[user_key(user)])
    state = config.describe_remediation_execution_status(ConfigRuleName=RULE)["RemediationExecutionStatuses"][0]["State"]
    release.set()

    assert answer["FailedItems"] == [user_key(user)] and "in progress" in answer["FailureMessage"]
    assert state == "IN_PROGRESS"


@pytest.mark.usefixtures("rule")
def test_a_reset_during_a_remediation_leaves_the_server_serving_and_the_state_empty(emulator, config, iam, monkeypatch):
    started, release = threading.Event(), threading.Event()

    def blocked_automation(*args):
        started.set()
        release.wait(5)
        raise RuntimeError("the SSM execution vanished with the reset")

    monkeypatch.setattr(config_remediation_execution, "run_automation", blocked_automation)
    configure_remediation(config)
    create_user(emulator, iam, "old", 100)
    evaluate(config)
    assert started.wait(5)

    emulator.reset()
    release.set()
    time.sleep(0.2)

    put_access_keys_rule(config, RULE)
    with raises_aws_error("NoSuchRemediationConfigurationException"):
        config.describe_remediation_execution_status(ConfigRuleName=RULE)


# --- DescribeRemediationExecutionStatus -------------------------------------------------------

@pytest.mark.usefixtures("rule")
def test_statuses_filter_by_resource_key_and_paginate(emulator, config, iam):
    configure_remediation(config)
    users = sorted(create_user(emulator, iam, f"old-{number}", 100) for number in range(3))
    evaluate(config)
    settled_statuses(config)

    first = config.describe_remediation_execution_status(ConfigRuleName=RULE, Limit=2)
    second = config.describe_remediation_execution_status(ConfigRuleName=RULE, Limit=2, NextToken=first["NextToken"])
    [only] = config.describe_remediation_execution_status(ConfigRuleName=RULE, ResourceKeys=[user_key(users[1])])["RemediationExecutionStatuses"]

    assert [status["ResourceKey"]["resourceId"] for status in first["RemediationExecutionStatuses"] + second["RemediationExecutionStatuses"]] == users
    assert "NextToken" not in second
    assert only["ResourceKey"] == user_key(users[1])


# --- Remediation exceptions ------------------------------------------------------------------

@pytest.mark.usefixtures("rule")
def test_exceptions_are_put_described_updated_and_deleted(config):
    expiry = datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)
    keys = [exception_key(f"AIDAUSER{number:013d}") for number in range(3)]

    assert config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=keys, Message="break glass", ExpirationTime=expiry)["FailedBatches"] == []
    config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=keys[:1], Message="updated")

    first = config.describe_remediation_exceptions(ConfigRuleName=RULE, Limit=2)
    second = config.describe_remediation_exceptions(ConfigRuleName=RULE, Limit=2, NextToken=first["NextToken"])
    described = first["RemediationExceptions"] + second["RemediationExceptions"]
    assert described[0] == {"ConfigRuleName": RULE, "ResourceType": USER_TYPE, "ResourceId": keys[0]["ResourceId"], "Message": "updated"}
    assert described[1] == dict(ConfigRuleName=RULE, Message="break glass", ExpirationTime=expiry, **keys[1])
    assert len(described) == 3 and "NextToken" not in second
    assert config.describe_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=keys[2:])["RemediationExceptions"] == [described[2]]

    answer = config.delete_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=keys[:2] + [exception_key("AIDAUNKNOWN0000000000")])
    assert answer["FailedBatches"] == [{"FailureMessage": f"No remediation exception of rule {RULE} exists for these resources.",
                                        "FailedItems": [exception_key("AIDAUNKNOWN0000000000")]}]
    assert [item["ResourceId"] for item in config.describe_remediation_exceptions(ConfigRuleName=RULE)["RemediationExceptions"]] == [keys[2]["ResourceId"]]


@pytest.mark.usefixtures("rule")
def test_an_exception_for_a_compliant_resource_is_not_generated(emulator, config, iam):
    fresh = create_user(emulator, iam, "fresh", 1)
    evaluate(config)

    answer = config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=[exception_key(fresh)], Message="why")

    [batch] = answer["FailedBatches"]
    assert batch["FailedItems"] == [{"ConfigRuleName": RULE, "ResourceType": USER_TYPE, "ResourceId": fresh, "Message": "why"}]
    assert config.describe_remediation_exceptions(ConfigRuleName=RULE)["RemediationExceptions"] == []


@pytest.mark.usefixtures("rule")
def test_an_expired_exception_is_no_longer_listed(config):
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=0.5)
    config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=[exception_key("AIDAEXPIRING000000000")], ExpirationTime=soon)

    time.sleep(0.6)

    assert config.describe_remediation_exceptions(ConfigRuleName=RULE)["RemediationExceptions"] == []


# --- Errors -------------------------------------------------------------------------------------

@pytest.mark.usefixtures("rule")
def test_remediation_apis_answer_aws_errors(emulator, config):
    unvalidated = emulator.client("config", validate=False)
    past = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    with raises_aws_error("NoSuchRemediationConfigurationException"):
        config.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[user_key("AIDAX")])
    with raises_aws_error("NoSuchRemediationConfigurationException"):
        config.describe_remediation_execution_status(ConfigRuleName=RULE)
    with raises_aws_error("NoSuchConfigRuleException"):
        config.start_remediation_execution(ConfigRuleName="missing", ResourceKeys=[user_key("AIDAX")])
    with raises_aws_error("NoSuchConfigRuleException"):
        config.put_remediation_exceptions(ConfigRuleName="missing", ResourceKeys=[exception_key("AIDAX")])
    with raises_aws_error("ValidationException", "less than or equal to 100"):
        unvalidated.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[user_key(f"AIDA{n}") for n in range(101)])
    with raises_aws_error("ValidationException", "enum value set"):
        unvalidated.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[{"resourceType": "AWS::IAM::Nothing", "resourceId": "x"}])
    with raises_aws_error("ValidationException", "Member must not be null"):
        unvalidated.delete_remediation_exceptions(ConfigRuleName=RULE)
    with raises_aws_error("InvalidParameterValueException", "ResourceType and ResourceId"):
        config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=[{"ResourceId": "AIDAX"}])
    with raises_aws_error("InvalidParameterValueException", "future"):
        config.put_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=[exception_key("AIDAX")], ExpirationTime=past)
    with raises_aws_error("InvalidNextTokenException"):
        config.describe_remediation_exceptions(ConfigRuleName=RULE, NextToken="bm9uZQ==")
