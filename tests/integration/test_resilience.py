# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Organisation scale: AWS throttles and fails, an account refuses us, a run dies half-way.

Every playbook here runs through tests/integration/faults.py's proxy, which answers one call
in ten (and the first call of every action) with the throttling or 5xx error that the
called service returns, instead of forwarding it to the emulator.

The collection's one retry policy (plugins/module_utils/constants.py AWS_RETRIES: botocore's
standard retry mode, 10 attempts in all) makes every call retry throttling and 5xx enough: the
collection's modules set it on their clients, and the roles pass it to amazon.aws's modules and
sts_assume_role as aws_config. Nothing here sets retries: the product's own settings are tested.
"""

import collections
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import readback
from conftest import CENTRAL, TARGETS, fresh_estate
from estate import EXECUTION_ROLE, REPO
from faults import FaultProxy

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("resilience")

FAULT_RATE = 0.10
SEED = 20261
QUEUE_NAME = "security-findings"
EMAIL = "security@example.com"


def proxy_for(emulator, seed=SEED, **options):
    options.setdefault("rate", FAULT_RATE)
    options.setdefault("first_calls_fail", 1)
    return FaultProxy(emulator.url, seed=seed, **options)


def with_subscriptions(estate):
    """Subscriptions in the inventory, so that the rollout subscribes under faults too."""
    sqs = estate.account(CENTRAL).client("sqs")
    queue_url = sqs.create_queue(QueueName=QUEUE_NAME)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    estate.settings["aged_keys_subscriptions"] = [
        {"protocol": "sqs", "endpoint": queue_arn, "attributes": {"raw_message_delivery": True}},
        {"protocol": "email", "endpoint": EMAIL},
    ]
    estate.write_inventory()
    return queue_arn


def faults_met(proxy):
    """Assertion message: what the proxy did."""
    return "faults injected: {0}".format(proxy.summary())


def assert_faults_in_every_action(proxy):
    assert proxy.total_injected() > 0, faults_met(proxy)
    assert proxy.unfaulted_actions() == [], faults_met(proxy)


def assert_nothing_made_twice(estate, subscription_endpoints=()):
    """Exactly one of each resource the rollout makes, in every account."""
    central = estate.account(CENTRAL)
    kms = central.client("kms")
    owned_keys = []
    for key in kms.list_keys()["Keys"]:
        metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key["KeyId"])["Tags"]}
        if metadata["KeyState"] != "PendingDeletion" and tags.items() >= readback.OWNER_TAG.items():
            owned_keys.append(key["KeyId"])
    assert len(owned_keys) == 1, "the central account holds {0} keys of ours".format(len(owned_keys))
    topics = [t["TopicArn"] for t in central.client("sns").list_topics()["Topics"] if t["TopicArn"].endswith(":" + readback.TOPIC_NAME)]
    assert topics == [readback.topic_arn(CENTRAL)]
    subscriptions = collections.Counter(
        (s["Protocol"], s["Endpoint"]) for s in readback.topic(central)["subscriptions"])
    assert sorted(subscriptions) == sorted(subscription_endpoints), subscriptions
    assert set(subscriptions.values()) <= {1}, "an endpoint is subscribed more than once: {0}".format(subscriptions)

    for target in TARGETS:
        account = estate.account(target)
        document = account.client("ssm").describe_document(Name=readback.DOCUMENT_NAME)["Document"]
        assert (document["LatestVersion"], document["DefaultVersion"]) == ("1", "1"), "account {0}: {1}".format(target, document)
        config = account.client("config")
        rules = [r["ConfigRuleName"] for r in config.describe_config_rules()["ConfigRules"]]
        assert rules.count(readback.RULE_NAME) == 1, "account {0}: rules {1}".format(target, rules)
        remediations = config.describe_remediation_configurations(ConfigRuleNames=[readback.RULE_NAME])["RemediationConfigurations"]
        assert len(remediations) == 1, "account {0}: remediation configurations {1}".format(target, remediations)


def assert_converged(estate, targets=None):
    readback.assert_central_converged(estate.account(CENTRAL), TARGETS)
    for target in TARGETS if targets is None else targets:
        readback.assert_target_converged(estate.account(target), CENTRAL)


# ---------------------------------------------------------------- one call in ten fails


@pytest.fixture(scope="module")
def rolled_out_under_faults(emulator, tmp_path_factory):
    """An estate after site.yml with one call in ten failing (and the first of every action)."""
    estate = fresh_estate(emulator, tmp_path_factory.mktemp("faults"))
    queue_arn = with_subscriptions(estate)
    with proxy_for(emulator) as proxy:
        estate.endpoint_url = proxy.url
        run = estate.run()
        assert run.rc == 0, "{0}\n{1}".format(run, faults_met(proxy))
        assert_faults_in_every_action(proxy)
        yield estate, proxy, [("sqs", queue_arn), ("email", EMAIL)]


def test_rollout_converges_with_faults_and_makes_nothing_twice(rolled_out_under_faults):
    estate, proxy, endpoints = rolled_out_under_faults
    services = {service for service, _action in proxy.injected}
    assert {"sts", "iam", "kms", "sns", "ssm", "config"} <= services, faults_met(proxy)
    assert_converged(estate)
    assert_nothing_made_twice(estate, endpoints)


def test_second_run_with_faults_changes_nothing(rolled_out_under_faults):
    estate, proxy, endpoints = rolled_out_under_faults
    proxy.reset_counts()
    run = estate.run()
    assert run.rc == 0, "{0}\n{1}".format(run, faults_met(proxy))
    assert run.changed_tasks() == []
    assert_faults_in_every_action(proxy)
    assert_nothing_made_twice(estate, endpoints)


def test_drift_check_with_faults_finds_no_drift(rolled_out_under_faults):
    estate, proxy, _endpoints = rolled_out_under_faults
    proxy.reset_counts()
    run = estate.run(check=True, diff=True, extra_vars={"aged_keys_fail_on_drift": True})
    assert run.rc == 0, "{0}\n{1}".format(run, faults_met(proxy))
    assert run.changed_tasks() == []
    assert_faults_in_every_action(proxy)


def test_report_with_faults_reports_every_account(rolled_out_under_faults, tmp_path):
    estate, proxy, _endpoints = rolled_out_under_faults
    proxy.reset_counts()
    path = str(tmp_path / "report.json")
    run = estate.run("playbooks/report.yml", extra_vars={"aged_keys_report_path": path})
    assert run.rc == 0, "{0}\n{1}".format(run, faults_met(proxy))
    assert_faults_in_every_action(proxy)
    with open(path) as stream:
        report = json.load(stream)
    assert sorted(a["account_id"] for a in report["accounts"]) == sorted(TARGETS)
    assert all(a["rule"]["exists"] for a in report["accounts"])


def test_cleanup_with_faults_removes_everything(emulator, tmp_path):
    estate = fresh_estate(emulator, tmp_path)
    assert estate.run().rc == 0
    with proxy_for(emulator, seed=SEED + 1) as proxy:
        estate.endpoint_url = proxy.url
        cleanup = estate.run("playbooks/cleanup.yml")
        assert cleanup.rc == 0, "{0}\n{1}".format(cleanup, faults_met(proxy))
        assert_faults_in_every_action(proxy)
        readback.assert_central_empty(estate.account(CENTRAL))
        for target in TARGETS:
            readback.assert_target_empty(estate.account(target))

        proxy.reset_counts()
        again = estate.run("playbooks/cleanup.yml")
        assert again.rc == 0, "{0}\n{1}".format(again, faults_met(proxy))
        assert again.changed_tasks() == []


# ---------------------------------------------------------------- one account refuses us


def test_an_account_that_denies_assume_role_fails_alone(emulator, tmp_path):
    estate = fresh_estate(emulator, tmp_path)
    refusing = TARGETS[1]
    with proxy_for(emulator, seed=SEED + 2) as proxy:
        proxy.refuse("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::{0}:role/{1}".format(refusing, EXECUTION_ROLE)},
                     code="AccessDenied", message="User: arn:aws:iam::123456789012:user/testing is not authorized to perform: "
                     "sts:AssumeRole on resource: arn:aws:iam::{0}:role/{1}".format(refusing, EXECUTION_ROLE))
        estate.endpoint_url = proxy.url
        run = estate.run()
        assert proxy.refused, faults_met(proxy)
    assert run.rc != 0
    failures = run.failures()
    assert [host for _task, host, _msg in failures] == [estate.host_name(refusing)], failures
    assert refusing in failures[0][2] and EXECUTION_ROLE in failures[0][2], failures[0][2]
    assert_converged(estate, [t for t in TARGETS if t != refusing])
    readback.assert_target_empty(estate.account(refusing))


def test_a_failure_in_the_central_account_does_not_stop_the_targets_and_fails_the_run_naming_it(emulator, tmp_path):
    estate = fresh_estate(emulator, tmp_path)
    with proxy_for(emulator, seed=SEED + 3) as proxy:
        proxy.refuse("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::{0}:role/{1}".format(CENTRAL, EXECUTION_ROLE)},
                     code="AccessDenied", message="not authorized to perform: sts:AssumeRole")
        estate.endpoint_url = proxy.url
        run = estate.run()
        assert proxy.refused, faults_met(proxy)
    assert run.rc != 0
    assert {host for _task, host, _msg in run.failures()} == {estate.host_name(CENTRAL)}, run.failures()
    [final] = [message for task, _host, message in run.failures() if task == "Fail the central account if it could not be set up"]
    # The central account's plan assumes the role itself and says how to fix the refusal.
    assert "could not be set up: Check the account and find whether the topic or the key differ: Cannot assume role" in final
    assert "playbooks/bootstrap.yml" in final and "not authorized to perform: sts:AssumeRole" in final
    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL)
    readback.assert_central_empty(estate.account(CENTRAL))


# ---------------------------------------------------------------- a run dies half-way


def start_playbook(estate):
    """site.yml as Estate.run starts it, in its own process group, without waiting."""
    environment = estate.emulator.environment()
    environment["AWS_ENDPOINT_URL"] = estate.endpoint_url
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", estate.inventory,
               os.path.join(REPO, "site.yml")]
    return subprocess.Popen(command, cwd=REPO, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def test_a_run_killed_half_way_converges_on_the_next_run(emulator, tmp_path):
    estate = fresh_estate(emulator, tmp_path)
    queue_arn = with_subscriptions(estate)
    with proxy_for(emulator, seed=SEED + 3) as proxy:
        estate.endpoint_url = proxy.url
        process = start_playbook(estate)
        try:
            # Half-way: the target accounts' play has begun to change them.
            deadline = time.time() + 600
            while time.time() < deadline and process.poll() is None:
                if proxy.forwarded[("ssm", "CreateDocument")] >= 1:
                    break
                time.sleep(0.05)
            assert process.poll() is None, "the run ended before it could be killed"
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # The run left something undone.
        assert any(readback.remediation(estate.account(target)) is None for target in TARGETS)

        proxy.reset_counts()
        run = estate.run()
        assert run.rc == 0, "{0}\n{1}".format(run, faults_met(proxy))
    assert_converged(estate)
    assert_nothing_made_twice(estate, [("sqs", queue_arn), ("email", EMAIL)])
