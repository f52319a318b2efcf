# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deployer and auditor roles are sufficient: with the emulator holding every session of them
to their policies, the rollout, its repair, a rollout after cleanup and cleanup run as the
deployer, and the drift check and the report (written to the reports bucket) as the auditor
(README, "Permissions")."""

import json

import pytest
import readback
import rehearsal
from aged_keys_emulator.control import authorization_decisions_of, enforce_role_policies
from conftest import CENTRAL, TARGETS
from identities import AUDITOR, DEPLOYER, REPORTS_BUCKET, SETTINGS, bootstrapped_estate, inline_policy, shipped_policy

TARGET = TARGETS[0]


@pytest.fixture
def enforced(emulator):
    enforce_role_policies(emulator.url, True)
    yield
    enforce_role_policies(emulator.url, False)


@pytest.fixture
def bootstrapped(emulator, tmp_path):
    return bootstrapped_estate(emulator, tmp_path)


def roles_used(emulator):
    return {entry["RoleArn"].split("/")[-1] for entry in authorization_decisions_of(emulator.url) if entry["Allowed"]}


def test_bootstrap_makes_exactly_the_shipped_policies_and_changes_nothing_the_second_time(bootstrapped):
    central, target = bootstrapped.account(CENTRAL), bootstrapped.account(TARGET)
    assert inline_policy(central, DEPLOYER) == shipped_policy("deployer-central")
    assert inline_policy(central, AUDITOR) == shipped_policy("auditor-central")
    assert inline_policy(target, DEPLOYER) == shipped_policy("deployer-target")
    assert inline_policy(target, AUDITOR) == shipped_policy("auditor-target")
    trust = central.client("iam").get_role(RoleName=DEPLOYER)["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"AWS": SETTINGS["aged_keys_bootstrap_trusted_principal"]}
    assert bootstrapped.run("playbooks/bootstrap.yml").changed_tasks() == []


def test_the_deployer_and_the_auditor_suffice_for_every_playbook(bootstrapped, emulator, enforced):
    estate = bootstrapped
    authorization_decisions_of(emulator.url, clear=True)
    first = estate.run()
    assert first.rc == 0, first
    assert roles_used(emulator) == {DEPLOYER}
    readback.assert_central_converged(estate.account(CENTRAL), [TARGET])
    readback.assert_target_converged(estate.account(TARGET), CENTRAL)
    assert estate.run().changed_tasks() == []

    # Drift of every kind, repaired by the deployer and seen by the auditor.
    iam = estate.account(TARGET).client("iam")
    iam.put_role_policy(RoleName=readback.ROLE_NAME, PolicyName="added-by-hand",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    rule = readback.config_rule(estate.account(TARGET))
    estate.account(TARGET).client("config").put_config_rule(ConfigRule={
        "ConfigRuleName": readback.RULE_NAME, "Source": rule["Source"], "InputParameters": json.dumps({"maxAccessKeyAge": "365"}),
        "MaximumExecutionFrequency": rule["MaximumExecutionFrequency"]}, Tags=[{"Key": key, "Value": value} for key, value in rule["Tags"].items()])
    estate.account(CENTRAL).client("sns").set_topic_attributes(
        TopicArn=readback.topic_arn(CENTRAL), AttributeName="DisplayName", AttributeValue="edited")
    authorization_decisions_of(emulator.url, clear=True)
    drift = estate.run(check=True, diff=True)
    assert drift.rc == 0, drift
    assert len(drift.changed_tasks()) == 3, drift.changed_tasks()
    assert roles_used(emulator) == {AUDITOR}
    repair = estate.run()
    assert repair.rc == 0, repair
    readback.assert_target_converged(estate.account(TARGET), CENTRAL)

    # The report reads what the runbook did, as the auditor.
    rehearsal.create_user(estate.account(TARGET), "aged", key_ages=[200])
    rehearsal.evaluate(estate.account(TARGET))
    authorization_decisions_of(emulator.url, clear=True)
    report = estate.run("playbooks/report.yml")
    assert report.rc == 0, report
    assert roles_used(emulator) == {AUDITOR}
    # The auditor wrote the report to the central account's reports bucket.
    uploaded = estate.account(CENTRAL).client("s3").list_objects_v2(Bucket=REPORTS_BUCKET)["Contents"]
    assert sorted(item["Key"].rsplit("/", 1)[1] for item in uploaded) == ["report.csv", "report.html", "report.json"]

    for run in (estate.run("playbooks/cleanup.yml"), estate.run(), estate.run("playbooks/cleanup.yml")):
        assert run.rc == 0, run
    readback.assert_target_empty(estate.account(TARGET))


def test_bootstrap_never_takes_over_a_role_of_the_same_name_that_someone_else_made(emulator, tmp_path):
    estate = bootstrapped_estate(emulator, tmp_path)
    target = estate.account(TARGET)
    iam = target.client("iam")
    iam.delete_role_policy(RoleName=AUDITOR, PolicyName=AUDITOR)
    iam.delete_role(RoleName=AUDITOR)
    someone_elses = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName=AUDITOR, AssumeRolePolicyDocument=json.dumps(someone_elses))

    run = estate.run("playbooks/bootstrap.yml")
    assert run.rc != 0, run
    failures = run.failures()
    assert [host for _task, host, _message in failures] == [estate.host_name(TARGET)]
    assert AUDITOR in failures[0][2] and "aged_keys_adopt" in failures[0][2]
    assert run.total("changed") == 0
    assert iam.get_role(RoleName=AUDITOR)["Role"]["AssumeRolePolicyDocument"] == someone_elses
    assert iam.list_role_policies(RoleName=AUDITOR)["PolicyNames"] == []

    adopted = estate.run("playbooks/bootstrap.yml", extra_vars={"aged_keys_adopt": True})
    assert adopted.rc == 0, adopted
    assert inline_policy(target, AUDITOR) == shipped_policy("auditor-target")
    tags = {tag["Key"]: tag["Value"] for tag in iam.list_role_tags(RoleName=AUDITOR)["Tags"]}
    assert tags.items() >= {**readback.OWNER_TAG, **readback.ADOPTED_TAG}.items()
