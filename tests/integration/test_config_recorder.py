# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""site.yml with aged_keys_create_config_recorder: AWS Config recording is created where a
target has none, and a recorder someone else made is never touched."""

import json

import pytest

import readback
from conftest import CENTRAL, TARGETS
from estate import REGION, Estate

RECORDER_NAME = "cloudsec-aged-keys"
RECORDER_TASK = "Ensure the AWS Config recorder and delivery channel"
PLAN_TASK = "Check the account and find what differs from the rollout"
BUCKET_TASK = "Ensure the private, encrypted bucket for the AWS Config delivery channel"


def config_bucket(account_id):
    return "cloudsec-aged-keys-config-{0}-{1}".format(account_id, REGION)


@pytest.fixture
def bare_estate(emulator, tmp_path):
    """Targets without any AWS Config recording, and the rollout allowed to create it."""
    emulator.reset()
    fresh = Estate(emulator, tmp_path, CENTRAL, TARGETS, settings={"aged_keys_create_config_recorder": True})
    fresh.write_inventory()
    return fresh


def recording(account):
    """The region's recorders (with their status) and delivery channels, read with boto3."""
    config = account.client("config")
    statuses = {s["name"]: s for s in config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]}
    recorders = config.describe_configuration_recorders()["ConfigurationRecorders"]
    for recorder in recorders:
        recorder["recording"] = statuses[recorder["name"]]["recording"]
    return {"recorders": recorders, "channels": config.describe_delivery_channels()["DeliveryChannels"]}


def config_bucket_settings(account):
    s3 = account.client("s3")
    bucket = config_bucket(account.account_id)
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    return {
        "policy": json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]),
        "public_access": s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"],
        "encryption": encryption["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"],
        "tags": {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=bucket)["TagSet"]},
    }


def assert_recording_created(account):
    found = recording(account)
    assert len(found["recorders"]) == 1, found
    recorder = found["recorders"][0]
    assert recorder["name"] == RECORDER_NAME
    assert recorder["recording"] is True
    group = recorder["recordingGroup"]
    assert group["allSupported"] is False
    assert group["resourceTypes"] == ["AWS::IAM::User"]
    assert recorder["roleARN"].startswith(
        "arn:aws:iam::{0}:role/aws-service-role/config.amazonaws.com/".format(account.account_id))
    assert [(c["name"], c["s3BucketName"]) for c in found["channels"]] == [(RECORDER_NAME, config_bucket(account.account_id))]


def assert_config_bucket_secured(account):
    settings = config_bucket_settings(account)
    assert settings["encryption"] == "AES256"
    assert all(settings["public_access"].values()), settings["public_access"]
    assert settings["tags"].items() >= readback.OWNER_TAG.items()
    bucket_arn = "arn:aws:s3:::{0}".format(config_bucket(account.account_id))
    granted = {}
    for item in settings["policy"]["Statement"]:
        if item["Effect"] == "Allow":
            assert item["Principal"] == {"Service": "config.amazonaws.com"}
            assert item["Condition"]["StringEquals"]["aws:SourceAccount"] == account.account_id
            granted[item["Action"]] = item
    assert sorted(granted) == ["s3:GetBucketAcl", "s3:ListBucket", "s3:PutObject"]
    assert granted["s3:GetBucketAcl"]["Resource"] == bucket_arn
    delivery = granted["s3:PutObject"]
    assert delivery["Resource"] == "{0}/AWSLogs/{1}/Config/*".format(bucket_arn, account.account_id)
    assert delivery["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"


def test_recording_is_created_where_missing_and_the_rollout_converges(bare_estate):
    first = bare_estate.run()
    assert first.rc == 0, first
    for target in TARGETS:
        account = bare_estate.account(target)
        assert (RECORDER_TASK, bare_estate.host_name(target)) in first.changed_tasks()
        assert_recording_created(account)
        assert_config_bucket_secured(account)
        readback.assert_target_converged(account, CENTRAL)

    second = bare_estate.run()
    assert second.rc == 0, second
    assert second.changed_tasks() == []


def test_a_foreign_recorder_that_misses_iam_users_fails_its_account_and_is_left_untouched(bare_estate):
    foreign, *others = TARGETS
    account = bare_estate.account(foreign)
    account.enable_config_recording(include_iam_users=False)
    before = recording(account)

    run = bare_estate.run()

    assert run.rc != 0, run
    failures = run.failures()
    assert {host for task, host, msg in failures} == {bare_estate.host_name(foreign)}, failures
    assert any("does not record AWS::IAM::User" in msg for task, host, msg in failures), failures
    assert recording(account) == before
    readback.assert_target_empty(account)
    for target in others:
        assert_recording_created(bare_estate.account(target))
        readback.assert_target_converged(bare_estate.account(target), CENTRAL)


def test_check_mode_predicts_the_recording_and_creates_nothing(bare_estate):
    predicted = bare_estate.run(check=True, diff=True)
    assert predicted.rc == 0, predicted
    predicting_hosts = [host for task, host in predicted.changed_tasks() if task == RECORDER_TASK]
    assert sorted(predicting_hosts) == sorted(bare_estate.host_name(t) for t in TARGETS)
    for task, host, result in predicted.results():
        if task == PLAN_TASK:
            assert result["config_recording"]["rollout_action"] == "create", result
        if task == RECORDER_TASK:
            assert result["diff"]["before"] == {}
            assert result["diff"]["after"]["recording_group"]["resource_types"] == ["AWS::IAM::User"]
    for target in TARGETS:
        assert recording(bare_estate.account(target)) == {"recorders": [], "channels": []}


def test_our_recorder_stopped_out_of_band_is_drift_and_is_restarted(bare_estate):
    target = TARGETS[0]
    account = bare_estate.account(target)
    assert bare_estate.run().rc == 0
    account.client("config").stop_configuration_recorder(ConfigurationRecorderName=RECORDER_NAME)

    drift = bare_estate.run(check=True, extra_vars={"aged_keys_fail_on_drift": True})
    assert drift.rc != 0
    assert [(host, msg) for task, host, msg in drift.failures()] == [
        (bare_estate.host_name(target), "Account {0} ({1}) has drifted: config recorder".format(bare_estate.host_name(target), target))]
    assert recording(account)["recorders"][0]["recording"] is False
    actions = {host: result["config_recording"]["rollout_action"] for task, host, result in drift.results() if task == PLAN_TASK}
    assert actions == {bare_estate.host_name(t): "complete" if t == target else "none" for t in TARGETS}, actions

    repair = bare_estate.run()
    assert repair.rc == 0, repair
    assert repair.changed_tasks() == [(RECORDER_TASK, bare_estate.host_name(target))]
    assert_recording_created(account)
