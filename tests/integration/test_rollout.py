# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""site.yml on a fresh estate: check mode first, then the rollout, then proof it is idempotent."""

import json
import re

import pytest
import readback
from conftest import CENTRAL, TARGETS

TARGET_TASKS = {
    "Ensure the automation role",
    "Ensure the automation role's least-privilege policy",
    "Ensure the notification document",
    "Ensure the ACCESS_KEYS_ROTATED rule",
    "Ensure the automatic remediation",
}
CENTRAL_TASKS = {
    "Ensure the customer-managed key that encrypts the topic",
    "Ensure the encrypted notification topic",
}


def changed_by_host(run):
    found = {}
    for task, host in run.changed_tasks():
        found.setdefault(host, set()).add(task)
    return found


@pytest.mark.smoke
def test_check_mode_on_a_fresh_estate_predicts_everything_and_creates_nothing(estate):
    run = estate.run(check=True, diff=True)
    assert run.rc == 0, run

    changed = changed_by_host(run)
    central_host = estate.host_name(CENTRAL)
    assert changed.pop(central_host) == CENTRAL_TASKS
    assert changed == {estate.host_name(t): TARGET_TASKS for t in TARGETS}
    diffs = [result["diff"] for task, host, result in run.results() if task == "Ensure the ACCESS_KEYS_ROTATED rule"]
    assert len(diffs) == len(TARGETS)
    assert all(diff["after"] for diff in diffs)

    readback.assert_central_empty(estate.account(CENTRAL))
    assert readback.kms_key(estate.account(CENTRAL)) is None
    for target in TARGETS:
        readback.assert_target_empty(estate.account(target))


@pytest.mark.smoke
def test_rollout_converges_every_account_and_a_second_run_changes_nothing(estate):
    first = estate.run()
    assert first.rc == 0, first
    changed = changed_by_host(first)
    assert changed[estate.host_name(CENTRAL)] == CENTRAL_TASKS
    for target in TARGETS:
        assert changed[estate.host_name(target)] == TARGET_TASKS

    readback.assert_central_converged(estate.account(CENTRAL), TARGETS)
    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL)
    # amazon.aws warns about deprecated iam_role options whenever they are left unset.
    deprecations = [str(notice) for _task, _host, result in first.results() for notice in result.get("deprecations", [])]
    assert [notice for notice in deprecations if "assume_role_policy_document_raw" in notice], "the run reported no deprecations at all"
    assert not [notice for notice in deprecations if "instance_profile" in notice], deprecations

    second = estate.run()
    assert second.rc == 0, second
    assert second.changed_tasks() == []

    drift_check = estate.run(check=True, diff=True, extra_vars={"aged_keys_fail_on_drift": True})
    assert drift_check.rc == 0, drift_check
    assert drift_check.changed_tasks() == []


def test_settings_flow_into_the_rule_and_remediation(estate):
    estate.write_inventory(settings={
        "aged_keys_max_access_key_age": 45,
        "aged_keys_evaluation_frequency": "Six_Hours",
    })
    run = estate.run()
    assert run.rc == 0, run
    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL, max_age="45", frequency="Six_Hours")


def test_subscriptions_and_organization_scope(estate):
    central = estate.account(CENTRAL)
    queue_url = central.client("sqs").create_queue(QueueName="security-findings")["QueueUrl"]
    queue_arn = central.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    estate.write_inventory(settings={
        "aged_keys_organization_id": "o-abcdef1234",
        "aged_keys_subscriptions": [
            {"protocol": "sqs", "endpoint": queue_arn,
             "attributes": {"raw_message_delivery": True, "filter_policy": {"event": ["aged-access-key"]}}},
            {"protocol": "email", "endpoint": "security@example.com"},
        ],
    })
    assert estate.run().rc == 0

    found = readback.topic(central)
    by_protocol = {s["Protocol"]: s for s in found["subscriptions"]}
    assert by_protocol["sqs"]["Endpoint"] == queue_arn
    assert by_protocol["email"]["Endpoint"] == "security@example.com"
    attributes = central.client("sns").get_subscription_attributes(SubscriptionArn=by_protocol["sqs"]["SubscriptionArn"])["Attributes"]
    assert attributes["RawMessageDelivery"] == "true"
    assert json.loads(attributes["FilterPolicy"]) == {"event": ["aged-access-key"]}

    readback.assert_central_converged(central, TARGETS, organization_id="o-abcdef1234")

    second = estate.run(check=True)
    assert second.rc == 0 and second.changed_tasks() == [], second


def test_credentials_are_never_printed(estate):
    run = estate.run("site.yml", "-vvv")
    assert run.rc == 0, run
    output = run.stdout + run.stderr
    # moto's assumed-role keys start like AWS's; their secrets must never show up in any form.
    assert not re.search(r'"(secret_key|session_token|SecretAccessKey|SessionToken)": "(?!VALUE_SPECIFIED_IN_NO_LOG_PARAMETER)[^"]+', output)
    assert "sts_creds" not in output or "censored" in output
