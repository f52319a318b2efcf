# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The compliance report against a stubbed AWS Config client: every request is checked against
botocore's model and the expected parameters, and nothing unexpected may be called."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudsec.aged_keys.plugins.modules import config_rule_compliance_info as info

RULE = "cloudsec-aged-keys-access-keys-rotated"
WHEN = datetime.datetime(2026, 11, 29, 6, 0, tzinfo=datetime.timezone.utc)
COMPLIANCE_REQUEST = {"ConfigRuleName": RULE, "ComplianceTypes": ["COMPLIANT", "NON_COMPLIANT"], "Limit": 100}


@pytest.fixture
def stubbed():
    client = boto3.client("config", region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def evaluation(user_id, compliance, annotation=None):
    result = {
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {"ConfigRuleName": RULE, "ResourceType": "AWS::IAM::User", "ResourceId": user_id},
            "OrderingTimestamp": WHEN,
        },
        "ComplianceType": compliance,
        "ResultRecordedTime": WHEN,
        "ConfigRuleInvokedTime": WHEN,
    }
    if annotation:
        result["Annotation"] = annotation
    return result


def status(user_id, state, steps=()):
    return {
        "ResourceKey": {"resourceType": "AWS::IAM::User", "resourceId": user_id},
        "State": state,
        "StepDetails": list(steps),
        "InvocationTime": WHEN,
        "LastUpdatedTime": WHEN,
    }


def user_ids(count, prefix="AIDAUSER"):
    return ["{0}{1:012d}".format(prefix, number) for number in range(count)]


def expect_compliance(stubber, results, next_token=None, request=None):
    response = {"EvaluationResults": results}
    if next_token:
        response["NextToken"] = next_token
    stubber.add_response("get_compliance_details_by_config_rule", response, dict(request or COMPLIANCE_REQUEST))


def expect_statuses(stubber, statuses):
    stubber.add_response("describe_remediation_execution_status", {"RemediationExecutionStatuses": statuses}, {"ConfigRuleName": RULE, "Limit": 100})


def expect_exceptions(stubber, exceptions, next_token=None, request_token=None):
    response = {"RemediationExceptions": exceptions}
    if next_token:
        response["NextToken"] = next_token
    request = {"ConfigRuleName": RULE, "Limit": 100}
    if request_token:
        request["NextToken"] = request_token
    stubber.add_response("describe_remediation_exceptions", response, request)


def expect_names(stubber, names, requested=None):
    """One ListDiscoveredResources call for `requested` ids (default: those of `names`) that finds `names`."""
    identifiers = [{"resourceType": "AWS::IAM::User", "resourceId": user_id, "resourceName": name} for user_id, name in names.items()]
    stubber.add_response(
        "list_discovered_resources",
        {"resourceIdentifiers": identifiers},
        {"resourceType": "AWS::IAM::User", "resourceIds": sorted(requested or names)},
    )


def test_lists_non_compliant_users_with_remediation_and_exception(stubbed):
    client, stubber = stubbed
    expect_compliance(stubber, [
        evaluation("AIDAFRESH", "COMPLIANT"),
        evaluation("AIDAOLD", "NON_COMPLIANT", annotation="Access key is older than 90 days"),
        evaluation("AIDAEXEMPT", "NON_COMPLIANT"),
        evaluation("AIDAFAILED", "NON_COMPLIANT"),
    ])
    expect_statuses(stubber, [
        status("AIDAOLD", "SUCCEEDED", [{"Name": "PublishNotification", "State": "SUCCEEDED"}]),
        status("AIDAFAILED", "FAILED", [
            {"Name": "RequireRecordedUser", "State": "FAILED", "ErrorMessage": "first attempt"},
            {"Name": "PublishNotification", "State": "FAILED", "ErrorMessage": "not authorized to perform: SNS:Publish"},
        ]),
        status("AIDAFRESH", "SUCCEEDED"),
    ])
    expect_exceptions(stubber, [{"ConfigRuleName": RULE, "ResourceType": "AWS::IAM::User", "ResourceId": "AIDAEXEMPT", "Message": "break glass"}])
    expect_names(stubber, {"AIDAOLD": "old", "AIDAEXEMPT": "break-glass", "AIDAFAILED": "unlucky"})

    report = info.build_report(client, RULE, include_compliant=False, resolve_names=True)

    assert report["rule"] == {"name": RULE, "exists": True}
    assert report["counts"] == {"compliant": 1, "non_compliant": 3}
    assert report["resources"] == [
        {"resource_id": "AIDAEXEMPT", "user_name": "break-glass", "compliance": "NON_COMPLIANT", "result_recorded_time": WHEN.isoformat(),
         "annotation": None, "remediation": None, "exception": {"message": "break glass", "expiration_time": None, "reminder_pause": False},
         "exempt": True},
        {"resource_id": "AIDAOLD", "user_name": "old", "compliance": "NON_COMPLIANT", "result_recorded_time": WHEN.isoformat(),
         "annotation": "Access key is older than 90 days",
         "remediation": {"state": "SUCCEEDED", "last_updated": WHEN.isoformat(), "error_message": None}, "exception": None, "exempt": False},
        {"resource_id": "AIDAFAILED", "user_name": "unlucky", "compliance": "NON_COMPLIANT", "result_recorded_time": WHEN.isoformat(),
         "annotation": None, "remediation": {"state": "FAILED", "last_updated": WHEN.isoformat(),
                                             "error_message": "not authorized to perform: SNS:Publish"}, "exception": None, "exempt": False},
    ]


def test_include_compliant_lists_everyone_non_compliant_first(stubbed):
    client, stubber = stubbed
    expect_compliance(stubber, [evaluation("AIDAA", "COMPLIANT"), evaluation("AIDAB", "NON_COMPLIANT")])
    expect_statuses(stubber, [])
    expect_exceptions(stubber, [])
    expect_names(stubber, {"AIDAA": "alice", "AIDAB": "zoe"})

    report = info.build_report(client, RULE, include_compliant=True, resolve_names=True)

    assert [(entry["user_name"], entry["compliance"]) for entry in report["resources"]] == [("zoe", "NON_COMPLIANT"), ("alice", "COMPLIANT")]
    assert report["counts"] == {"compliant": 1, "non_compliant": 1}


def test_only_compliant_users_cost_one_call_and_are_counted(stubbed):
    client, stubber = stubbed
    expect_compliance(stubber, [evaluation("AIDAA", "COMPLIANT"), evaluation("AIDAB", "COMPLIANT")])

    report = info.build_report(client, RULE, include_compliant=False, resolve_names=True)

    assert report == {"rule": {"name": RULE, "exists": True}, "counts": {"compliant": 2, "non_compliant": 0}, "resources": []}


def test_missing_rule_is_reported_not_failed(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("get_compliance_details_by_config_rule", "NoSuchConfigRuleException", "The ConfigRule does not exist.",
                             expected_params=COMPLIANCE_REQUEST)

    report = info.build_report(client, RULE, include_compliant=True, resolve_names=True)

    assert report == {"rule": {"name": RULE, "exists": False}, "counts": {"compliant": 0, "non_compliant": 0}, "resources": []}


def test_rule_without_remediation_configuration_has_no_remediations(stubbed):
    client, stubber = stubbed
    expect_compliance(stubber, [evaluation("AIDAB", "NON_COMPLIANT")])
    stubber.add_client_error("describe_remediation_execution_status", "NoSuchRemediationConfigurationException", "none",
                             expected_params={"ConfigRuleName": RULE, "Limit": 100})
    expect_exceptions(stubber, [])

    report = info.build_report(client, RULE, include_compliant=False, resolve_names=False)

    assert report["resources"][0]["remediation"] is None
    assert report["resources"][0]["user_name"] is None


def test_every_page_is_read_and_names_are_resolved_twenty_at_a_time(stubbed):
    client, stubber = stubbed
    ids = user_ids(45)
    expect_compliance(stubber, [evaluation(user_id, "NON_COMPLIANT") for user_id in ids[:30]], next_token="page-2")
    expect_compliance(stubber, [evaluation(user_id, "NON_COMPLIANT") for user_id in ids[30:]], request=dict(COMPLIANCE_REQUEST, NextToken="page-2"))
    expect_statuses(stubber, [])
    expiry = WHEN + datetime.timedelta(days=30)
    expect_exceptions(stubber, [], next_token="exceptions-2")
    expect_exceptions(stubber, [{"ConfigRuleName": RULE, "ResourceType": "AWS::IAM::User", "ResourceId": ids[44], "ExpirationTime": expiry}],
                      request_token="exceptions-2")
    for start in (0, 20, 40):
        # The last user is not recorded (deleted since the evaluation): its name stays unknown.
        batch = ids[start:start + 20]
        expect_names(stubber, dict((user_id, "user-" + user_id[-3:]) for user_id in batch if user_id != ids[43]), requested=batch)

    report = info.build_report(client, RULE, include_compliant=False, resolve_names=True)

    assert report["counts"]["non_compliant"] == 45
    by_id = dict((entry["resource_id"], entry) for entry in report["resources"])
    assert by_id[ids[0]]["user_name"] == "user-000"
    assert by_id[ids[43]]["user_name"] is None
    assert by_id[ids[44]]["exception"] == {"message": None, "expiration_time": expiry.isoformat(), "reminder_pause": False}


@pytest.mark.parametrize(
    "operation, permission",
    [
        ("get_compliance_details_by_config_rule", "config:GetComplianceDetailsByConfigRule"),
        ("describe_remediation_execution_status", "config:DescribeRemediationExecutionStatus"),
        ("describe_remediation_exceptions", "config:DescribeRemediationExceptions"),
        ("list_discovered_resources", "config:ListDiscoveredResources"),
    ],
)
def test_access_denied_names_the_missing_permission(stubbed, operation, permission):
    client, stubber = stubbed
    calls = ["get_compliance_details_by_config_rule", "describe_remediation_execution_status", "describe_remediation_exceptions", "list_discovered_resources"]
    for call in calls[:calls.index(operation)]:
        {
            "get_compliance_details_by_config_rule": lambda: expect_compliance(stubber, [evaluation("AIDAB", "NON_COMPLIANT")]),
            "describe_remediation_execution_status": lambda: expect_statuses(stubber, []),
            "describe_remediation_exceptions": lambda: expect_exceptions(stubber, []),
        }[call]()
    stubber.add_client_error(operation, "AccessDeniedException", "User: arn:aws:sts::123456789012:assumed-role/x is not authorized")

    with pytest.raises(AnsibleAWSError) as raised:
        info.build_report(client, RULE, include_compliant=False, resolve_names=True)

    assert permission in raised.value.message
    assert raised.value.message.startswith("Access denied")


def test_other_errors_say_which_call_failed(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("get_compliance_details_by_config_rule", "InvalidParameterValueException", "bad")

    with pytest.raises(AnsibleAWSError) as raised:
        info.build_report(client, RULE, include_compliant=False, resolve_names=True)

    assert raised.value.message == "Failed to call config:GetComplianceDetailsByConfigRule"


def runbook_execution(execution_id, started, **outputs):
    return {"AutomationExecutionId": execution_id, "DocumentName": "notify", "ExecutionStartTime": started,
            "Outputs": {"NotifyOwner." + name: value if isinstance(value, list) else [value] for name, value in outputs.items()}}


def test_the_latest_run_about_each_user_tells_what_the_runbook_did():
    first = datetime.datetime(2026, 11, 28, tzinfo=datetime.timezone.utc)
    later = first + datetime.timedelta(days=1)
    executions = [  # newest first, as list_automation_executions returns them
        runbook_execution("e3", later, Event="access-key-deactivated", ResourceId="AIDAONE", UserName="one", AgedKeys=["AKIA1"],
                          AgedKeyCreateDates=["AKIA1=2026-01-01T12:00:00.123456Z"], DeactivatedKeys=["AKIA1"], DeactivationDate="",
                          ExemptUntil="", NextReminder="2026-12-06T00:00:00Z", MessageId="m3"),
        runbook_execution("e2", later, Event="exempt", ResourceId="AIDATWO", UserName="two", AgedKeys=["AKIA2"], DeactivatedKeys=[],
                          ExemptUntil="2027-01-31", NextReminder="", MessageId=""),
        runbook_execution("e1", first, Event="aged-access-key", ResourceId="AIDAONE", UserName="one", AgedKeys=["AKIA1"], MessageId="m1"),
        {"AutomationExecutionId": "e0", "DocumentName": "notify", "ExecutionStartTime": first, "Outputs": {}},  # failed before deciding
    ]
    found = info.latest_notifications(executions, WHEN)
    assert sorted(found) == ["AIDAONE", "AIDATWO"]
    assert found["AIDAONE"] == {"event": "access-key-deactivated", "user_name": "one", "aged_keys": ["AKIA1"],
                                # Its age when the report reads it (WHEN), not when the runbook ran.
                                "aged_key_ages": [{"access_key_id": "AKIA1", "created": "2026-01-01T12:00:00.123456Z", "age_days": 331}],
                                "deactivated_keys": ["AKIA1"],
                                "deactivation_date": None, "exempt_until": None, "next_reminder": "2026-12-06T00:00:00Z", "message_id": "m3",
                                "time": later.isoformat(), "execution_id": "e3"}
    assert (found["AIDATWO"]["event"], found["AIDATWO"]["exempt_until"], found["AIDATWO"]["deactivated_keys"]) == ("exempt", "2027-01-31", [])
    # A run of the runbook before it recorded creation dates: the key is named, its age unknown.
    assert found["AIDATWO"]["aged_key_ages"] == [{"access_key_id": "AKIA2", "created": None, "age_days": None}]


def test_reminder_pauses_are_told_apart_from_exemptions():
    assert info.normalize_exception({"Message": "cloudsec.aged_keys reminder: notified; next reminder after 2026-12-07T10:00"})["reminder_pause"]
    assert not info.normalize_exception({"Message": "Break-glass user"})["reminder_pause"]
    assert not info.normalize_exception({})  # no exception at all
