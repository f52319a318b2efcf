# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resources belong to one deployment: another deployment with the same names never changes or
removes them, and cleanup leaves what was taken over with aged_keys_adopt unless told otherwise."""

import json

import readback
from conftest import CENTRAL, TARGETS

OTHER_DEPLOYMENT = {"aged_keys_deployment_id": "team-b"}


def assert_rolled_out(estate):
    readback.assert_central_converged(estate.account(CENTRAL), TARGETS)
    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL)


def test_another_deployment_never_changes_or_removes_this_ones_resources(converged):
    estate = converged
    ours = "{0}:{1}:{2}".format(CENTRAL, readback.REGION, readback.TOPIC_NAME)

    estate.write_inventory(settings=OTHER_DEPLOYMENT)
    other = estate.run()
    assert other.rc != 0, other
    assert other.total("changed") == 0
    failed_hosts = sorted({host for _task, host, _msg in other.failures()})
    assert failed_hosts == sorted(estate.host_name(account) for account in [CENTRAL] + TARGETS)
    for _task, _host, message in other.failures():
        assert "belongs to another cloudsec.aged_keys deployment" in message and ours in message, message

    other_cleanup = estate.run("playbooks/cleanup.yml")
    assert other_cleanup.rc == 0, other_cleanup
    assert other_cleanup.changed_tasks() == []
    assert_rolled_out(estate)

    estate.write_inventory()
    cleanup = estate.run("playbooks/cleanup.yml")
    assert cleanup.rc == 0, cleanup
    readback.assert_central_empty(estate.account(CENTRAL))
    for target in TARGETS:
        readback.assert_target_empty(estate.account(target))


def create_key_with_our_alias(account):
    """A key someone made and named with the collection's alias; returns its id."""
    kms = account.client("kms")
    key_id = kms.create_key(Description="The security team's own key")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=readback.KMS_ALIAS, TargetKeyId=key_id)
    return key_id


def create_rule_with_our_name(account):
    account.client("config").put_config_rule(ConfigRule={
        "ConfigRuleName": readback.RULE_NAME,
        "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
        "InputParameters": json.dumps({"maxAccessKeyAge": "30"}),
    })


def test_cleanup_leaves_adopted_resources_unless_told_to_remove_them(estate):
    central, adopter = estate.account(CENTRAL), estate.account(TARGETS[0])
    key_id = create_key_with_our_alias(central)
    create_rule_with_our_name(adopter)
    estate.write_inventory(settings={"aged_keys_adopt": True})

    run = estate.run()
    assert run.rc == 0, run
    assert_rolled_out(estate)
    key, rule = readback.kms_key(central), readback.config_rule(adopter)
    assert key["metadata"]["KeyId"] == key_id
    # What was taken over is marked; what the rollout created is not.
    assert key["tags"].items() >= readback.ADOPTED_TAG.items()
    assert rule["Tags"].items() >= readback.ADOPTED_TAG.items()
    assert readback.ADOPTED_TAG.keys().isdisjoint(readback.topic(central)["tags"])
    assert readback.ADOPTED_TAG.keys().isdisjoint(readback.config_rule(estate.account(TARGETS[1]))["Tags"])
    again = estate.run()
    assert again.rc == 0, again
    assert again.changed_tasks() == []

    cleanup = estate.run("playbooks/cleanup.yml")
    assert cleanup.rc == 0, cleanup
    assert readback.topic(central) is None
    kept_key = readback.kms_key(central)
    assert kept_key["metadata"]["KeyId"] == key_id and kept_key["metadata"]["KeyState"] == "Enabled"
    # The adopted rule stays, without the remediation that pointed at the removed document.
    assert readback.config_rule(adopter) is not None
    assert readback.remediation(adopter) is None
    assert readback.document(adopter) is None and readback.automation_role(adopter) is None
    for target in TARGETS[1:]:
        readback.assert_target_empty(estate.account(target))

    everything = estate.run("playbooks/cleanup.yml", extra_vars={"aged_keys_cleanup_adopted": True})
    assert everything.rc == 0, everything
    readback.assert_central_empty(central)
    assert central.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    readback.assert_target_empty(adopter)


def test_resources_from_before_deployment_ids_count_as_this_deployments(converged):
    estate = converged
    central, target = estate.account(CENTRAL), estate.account(TARGETS[0])
    # As an earlier version of the collection left them: the owner tag alone.
    central.client("sns").untag_resource(ResourceArn=readback.topic_arn(CENTRAL), TagKeys=[readback.DEPLOYMENT_TAG_KEY])
    rule_arn = readback.config_rule(target)["ConfigRuleArn"]
    target.client("config").untag_resource(ResourceArn=rule_arn, TagKeys=[readback.DEPLOYMENT_TAG_KEY])

    drift = estate.run(check=True, diff=True)
    assert drift.rc == 0, drift
    assert sorted(drift.changed_tasks()) == sorted([
        ("Ensure the encrypted notification topic", estate.host_name(CENTRAL)),
        ("Ensure the ACCESS_KEYS_ROTATED rule", estate.host_name(TARGETS[0])),
    ])

    upgrade = estate.run()
    assert upgrade.rc == 0, upgrade
    assert_rolled_out(estate)
    assert readback.ADOPTED_TAG.keys().isdisjoint(readback.config_rule(target)["Tags"])
