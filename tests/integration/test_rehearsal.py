# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deployed pipeline at work: aged keys → Config evaluation → automatic remediation →
the deployed document, run as the deployed role → the central topic → an SQS subscriber.

One rollout serves the whole module; each test works in its own target account or with
its own users, and leaves the estate converged.
"""

import collections
import json
import time

import pytest
import readback
import rehearsal
from conftest import CENTRAL, TARGETS

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("rehearsal")

OTHER_REGION = "us-east-1"
Pipeline = collections.namedtuple("Pipeline", "estate central queue_url")


@pytest.fixture(scope="module")
def pipeline(rolled_out):
    """A rolled-out estate with an SQS queue subscribed to the central topic."""
    central = rolled_out.account(CENTRAL)
    queue_url = rehearsal.subscribe_queue(central)
    return Pipeline(rolled_out, central, queue_url)


@pytest.fixture
def inbox(pipeline):
    """Notifications that arrive during the test (the queue is emptied first)."""
    rehearsal.drain_notifications(pipeline.central, pipeline.queue_url)
    return lambda: rehearsal.drain_notifications(pipeline.central, pipeline.queue_url)


def notified(notifications):
    return sorted((n["account_id"], n["user_name"]) for n in notifications)


def test_every_user_with_an_aged_active_key_is_notified_once_and_nobody_else(pipeline, inbox):
    estate = pipeline.estate
    expected = []
    exempted = {}
    users = {}
    for target in TARGETS:
        account = estate.account(target)
        users[target] = {
            "fresh": rehearsal.create_user(account, "fresh", key_ages=[10]),
            "just-over": rehearsal.create_user(account, "just-over", key_ages=[10, 91]),
            "ancient": rehearsal.create_user(account, "ancient", key_ages=[400]),
            "old-but-inactive": rehearsal.create_user(account, "old-but-inactive", key_ages=[5], inactive_key_ages=[400]),
            "no-keys": rehearsal.create_user(account, "no-keys"),
            "break-glass": rehearsal.create_user(account, "break-glass", key_ages=[400]),
        }
        rehearsal.exempt(account, users[target]["break-glass"])
        exempted[target] = users[target]["break-glass"]
        expected += [(target, "ancient"), (target, "just-over")]

    for target in TARGETS:
        evaluation = rehearsal.evaluate(estate.account(target))
        ids = users[target]
        assert evaluation.compliance == {
            ids["fresh"]: "COMPLIANT",
            ids["just-over"]: "NON_COMPLIANT",
            ids["ancient"]: "NON_COMPLIANT",
            ids["old-but-inactive"]: "COMPLIANT",
            ids["no-keys"]: "COMPLIANT",
            ids["break-glass"]: "NON_COMPLIANT",
        }
        assert sorted(evaluation.remediations) == sorted([ids["just-over"], ids["ancient"]])
        assert {status["State"] for status in evaluation.remediations.values()} == {"SUCCEEDED"}
        assert exempted[target] not in rehearsal.remediation_statuses(estate.account(target).client("config"))

    notifications = inbox()
    assert notified(notifications) == sorted(expected)
    for message in notifications:
        assert message["topic_arn"] == readback.topic_arn(CENTRAL)
        assert message["event"] == "aged-access-key"
        assert message["subject"] == "Aged IAM access key: {user_name} in {account_id}".format(**message)
        document = message["document"]
        assert (document["account_id"], document["user_name"]) == (message["account_id"], message["user_name"])
        # Only the key past the limit: just-over's 10-day key stays untouched.
        assert [key["age_days"] for key in document["keys"]] == [91 if message["user_name"] == "just-over" else 400]
        assert [key["age_days"] for key in document["untouched_keys"]] == ([10] if message["user_name"] == "just-over" else [])


def test_the_rule_exists_in_the_home_region_only(pipeline):
    estate = pipeline.estate
    for target in TARGETS:
        rules = estate.account(target, OTHER_REGION).client("config").describe_config_rules()["ConfigRules"]
        assert [rule["ConfigRuleName"] for rule in rules] == []


def test_a_user_who_rotated_becomes_compliant_and_is_not_notified_again(pipeline, inbox):
    estate = pipeline.estate
    account = estate.account(TARGETS[0])
    user_id = rehearsal.create_user(account, "rotates-today", key_ages=[120])
    assert rehearsal.evaluate(account).compliance[user_id] == "NON_COMPLIANT"
    assert (TARGETS[0], "rotates-today") in notified(inbox())

    rehearsal.rotate_keys(account, "rotates-today")
    assert rehearsal.evaluate(account).compliance[user_id] == "COMPLIANT"
    assert (TARGETS[0], "rotates-today") not in notified(inbox())


def test_a_publish_permission_removed_out_of_band_fails_loudly_and_the_rollout_repairs_it(pipeline, inbox):
    estate = pipeline.estate
    target = TARGETS[1]
    account = estate.account(target)
    iam = account.client("iam")
    policy = iam.get_role_policy(RoleName=readback.ROLE_NAME, PolicyName=readback.POLICY_NAME)["PolicyDocument"]
    policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != "PublishToCentralTopic"]
    iam.put_role_policy(RoleName=readback.ROLE_NAME, PolicyName=readback.POLICY_NAME, PolicyDocument=json.dumps(policy))
    user_id = rehearsal.create_user(account, "unlucky", key_ages=[200])

    status = rehearsal.evaluate(account).remediations[user_id]
    assert status["State"] == "FAILED"
    failed_steps = [step for step in status["StepDetails"] if step["State"] == "FAILED"]
    # SNS spells the action SNS:Publish in its AuthorizationError messages.
    assert failed_steps and "not authorized to perform: sns:publish" in failed_steps[-1]["ErrorMessage"].lower(), status
    execution = rehearsal.automation_execution_for(account, user_id)
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "not authorized to perform: sns:publish" in execution["FailureMessage"].lower()
    steps = execution["StepExecutions"]
    assert [(s["StepName"], s["StepStatus"]) for s in steps] == [
        ("RequireRecordedUser", "Success"), ("ResolveUserName", "Success"), ("NotifyOwner", "Failed")]
    assert (target, "unlucky") not in notified(inbox())
    # Every attempt failed within RetryAttemptSeconds: AWS Config exempted the user itself.
    assert user_id in rehearsal.exempted_user_ids(account.client("config"))

    drift = estate.run(check=True, limit=estate.host_name(target))
    assert ("Ensure the automation role's least-privilege policy", estate.host_name(target)) in drift.changed_tasks()
    repair = estate.run(limit=estate.host_name(target))
    assert repair.rc == 0, repair
    readback.assert_target_converged(account, CENTRAL)

    # The exception AWS Config placed blocks the user until it is deleted (README: "When a
    # notification fails"); then the next evaluation delivers.
    rehearsal.evaluate(account)
    assert (target, "unlucky") not in notified(inbox())
    rehearsal.clear_exception(account, user_id)
    assert rehearsal.evaluate(account).remediations[user_id]["State"] == "SUCCEEDED"
    assert (target, "unlucky") in notified(inbox())


def test_a_user_that_config_does_not_list_fails_the_remediation_instead_of_naming_nobody(pipeline, inbox):
    """Config found the user NON_COMPLIANT, then the user was deleted; remediating it by hand
    (as from the console) must fail at the document's first step, not publish an empty name."""
    estate = pipeline.estate
    target = TARGETS[2]
    account = estate.account(target)
    user_id = rehearsal.create_user(account, "left-the-company", key_ages=[300])
    rehearsal.exempt(account, user_id, message="Leaving today; the account is deleted by hand")
    assert rehearsal.evaluate(account).compliance[user_id] == "NON_COMPLIANT"
    iam = account.client("iam")
    for key in iam.list_access_keys(UserName="left-the-company")["AccessKeyMetadata"]:
        iam.delete_access_key(UserName="left-the-company", AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName="left-the-company")
    inbox()

    config = account.client("config")
    started = time.time()
    response = config.start_remediation_execution(
        ConfigRuleName=readback.RULE_NAME, ResourceKeys=[{"resourceType": "AWS::IAM::User", "resourceId": user_id}])
    assert response["FailedItems"] == []
    status = rehearsal.wait_for_remediations(config, {user_id}, since=started, timeout=rehearsal.WAIT_SECONDS)[user_id]
    assert status["State"] == "FAILED"
    execution = rehearsal.automation_execution_for(account, user_id)
    assert execution["AutomationExecutionStatus"] == "Failed"
    steps = account.client("ssm").describe_automation_step_executions(
        AutomationExecutionId=execution["AutomationExecutionId"])["StepExecutions"]
    assert [(s["StepName"], s["StepStatus"]) for s in steps] == [("RequireRecordedUser", "Failed")]
    assert steps[0]["FailureMessage"], steps[0]
    assert inbox() == []
