# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_checks
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import central_plan as plan
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import plans

ACCOUNT = "111122223333"
DEPLOYMENT = ACCOUNT + ":eu-west-1:topic"
OURS = {"ManagedBy": "cloudsec.aged_keys", "cloudsec.aged_keys:deployment": DEPLOYMENT}
TOPIC_ARN = "arn:aws:sns:eu-west-1:{0}:topic".format(ACCOUNT)
KEY_POLICY = {"Version": "2012-10-17", "Statement": [{"Sid": "Admin", "Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}
TOPIC_POLICY = {"Version": "2012-10-17", "Statement": [{"Sid": "Publish", "Effect": "Allow", "Action": "sns:Publish", "Resource": TOPIC_ARN}]}


def params(**overrides):
    given = {"account_id": ACCOUNT, "assume_role": None, "adopt": False, "deployment_id": DEPLOYMENT,
             "key": {"alias": "aged-keys", "description": "Encrypts", "policy": KEY_POLICY, "enable_key_rotation": True},
             "topic": {"name": "topic", "display_name": "Aged keys", "kms_master_key_id": "alias/aged-keys", "policy": TOPIC_POLICY,
                       "subscriptions": [{"protocol": "email", "endpoint": "security@example.com"}], "purge_subscriptions": False,
                       "tags": {"ManagedBy": "cloudsec.aged_keys"}, "purge_tags": False}}
    given.update(overrides)
    return given


def test_the_topic_options_are_sns_topics_own_with_the_plans_ownership():
    problems, topic = plan.param_problems(params(), "eu-west-1")
    assert problems == []
    assert (topic["state"], topic["adopt"], topic["deployment_id"], topic["delivery_policy"]) == ("present", False, DEPLOYMENT, None)


def test_every_option_problem_is_reported_together():
    topic = dict(params()["topic"], name="bad name!", subscriptions=[{"protocol": "email", "endpoint": "a@b.c"}] * 2)
    problems, _topic = plan.param_problems(params(account_id="12", topic=topic, key=dict(params()["key"], alias=" ")), None)
    assert len(problems) == 5, problems
    assert [p for p in problems if "account_id" in p] and [p for p in problems if "more than once" in p]
    assert [p for p in problems if "key.alias" in p] and [p for p in problems if "No AWS region" in p]


def test_unknown_or_mistyped_topic_options_are_refused_like_sns_topics():
    problems, topic = plan.param_problems(params(topic={"name": "topic", "state": "absent", "purge_tags": "sometimes"}), "eu-west-1")
    assert topic is None
    assert [p for p in problems if p.startswith("topic: ") and "state" in p] and [p for p in problems if "purge_tags" in p], problems


def test_secret_endpoints_are_the_http_ones():
    subscriptions = [{"protocol": "https", "endpoint": "https://hooks.example.com/s3cr3t"}, {"protocol": "email", "endpoint": "a@b.c"}]
    topic = dict(params()["topic"], subscriptions=subscriptions)
    assert plan.secret_endpoints(params(topic=topic)) == ["https://hooks.example.com/s3cr3t"]


class Reader(account_checks.AwsReader):
    """Reads from described state instead of AWS."""

    def __init__(self, key, topic, account=ACCOUNT):
        super(Reader, self).__init__(lambda service: MagicMock(), {"account": account, "partition": "aws"})
        self.key, self.topic = key, topic


@pytest.fixture
def described(monkeypatch):
    """Describe the key and the topic as a Reader holds them."""
    state = {}

    def describe_aliased_key(client, alias):
        return None if state["reader"].key is None else {"alias": {"AliasName": "alias/aged-keys", "AliasArn": "arn:alias"},
                                                         "key": state["reader"].key}
    monkeypatch.setattr(plan.kms, "describe_aliased_key", describe_aliased_key)
    monkeypatch.setattr(plan.sns_topic, "describe_topic", lambda client, arn: state["reader"].topic)

    def run(key, topic, **overrides):
        state["reader"] = Reader(key, topic, **overrides.pop("reader", {}))
        given = params(**overrides)
        problems, topic_params = plan.param_problems(given, "eu-west-1")
        assert problems == []
        return plan.plan(state["reader"], given, "eu-west-1", topic_params, None)
    return run


def key(**overrides):
    described_key = {"arn": "arn:key", "state": "Enabled", "description": "Encrypts", "rotation_enabled": True, "policy": KEY_POLICY,
                     "tags": dict(OURS)}
    described_key.update(overrides)
    return described_key


def topic(**overrides):
    described_topic = {"arn": TOPIC_ARN, "name": "topic", "display_name": "Aged keys", "kms_master_key_id": "alias/aged-keys",
                       "policy": TOPIC_POLICY, "delivery_policy": None, "tags": dict(OURS),
                       "subscriptions": [{"arn": "arn:sub", "protocol": "email", "endpoint": "security@example.com",
                                          "pending_confirmation": False, "attributes": {}}]}
    described_topic.update(overrides)
    return described_topic


def test_a_converged_central_account_has_no_change(described):
    result = described(key(), topic())
    assert (result["changes"], result["key_arn"], result["topic_arn"], result["key_tags"]) == ([], "arn:key", TOPIC_ARN, OURS)
    assert [(r["type"], r["exists"], r["owned"]) for r in result["resources"]] == [("kms_alias", True, True), ("sns_topic", True, True)]


@pytest.mark.parametrize("described_key, described_topic, changes", [
    (None, None, ["kms_key", "sns_topic"]),
    (key(rotation_enabled=False), topic(), ["kms_key"]),
    (key(), topic(display_name="edited"), ["sns_topic"]),
    (key(), topic(subscriptions=[]), ["sns_topic"]),
    (key(), topic(tags={"ManagedBy": "cloudsec.aged_keys"}), ["sns_topic"]),
], ids=["nothing yet", "key rotation", "topic display name", "subscription removed", "topic deployment tag"])
def test_each_difference_is_named(described, described_key, described_topic, changes):
    result = described(described_key, described_topic)
    assert result["changes"] == changes
    assert result["key_arn"] == (described_key or {}).get("arn")


def test_a_key_taken_over_gets_the_adopted_mark(described):
    result = described(key(tags={}), topic(), adopt=True)
    assert result["key_tags"] == dict(OURS, **{"cloudsec.aged_keys:adopted": "true"})
    assert result["changes"] == ["kms_key"]


def test_someone_elses_topic_or_key_fails_the_plan_naming_both(described):
    with pytest.raises(plans.PlanFailure) as failure:
        described(key(tags={}), topic(tags={"Team": "other"}))
    assert "KMS" in failure.value.msg and "SNS topic 'topic'" in failure.value.msg
    assert [r["owned"] for r in failure.value.result["resources"]] == [False, False]


def test_credentials_of_another_account_fail_before_anything_is_read(described):
    with pytest.raises(plans.PlanFailure) as failure:
        described(key(), topic(), reader={"account": "999988887777"})
    assert "999988887777" in failure.value.msg and failure.value.result["resources"] == []


BUCKET_NAME = "cloudsec-aged-keys-reports-" + ACCOUNT
BUCKET_OPTIONS = {"name": BUCKET_NAME, "versioning": True, "encryption": "aws:kms", "object_ownership": "BucketOwnerEnforced",
                  "public_access": {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
                                    "restrict_public_buckets": True},
                  "policy": {"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*",
                                                                     "Action": "s3:*", "Resource": "arn:aws:s3:::" + BUCKET_NAME}]}}


def bucket(**overrides):
    described_bucket = {"name": BUCKET_NAME, "arn": "arn:aws:s3:::" + BUCKET_NAME, "tags": dict(OURS), "versioning": "Enabled",
                        "encryption": {"algorithm": "aws:kms", "kms_key_id": None},
                        "public_access": {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
                                          "RestrictPublicBuckets": True},
                        "object_ownership": "BucketOwnerEnforced", "policy": BUCKET_OPTIONS["policy"]}
    described_bucket.update(overrides)
    return described_bucket


@pytest.fixture
def with_bucket(described, monkeypatch):
    """Plan with the bucket option, the bucket described as given."""
    def run(described_bucket, **overrides):
        monkeypatch.setattr(plan.s3, "describe_bucket", lambda client, name: described_bucket)
        return described(key(), topic(), bucket=BUCKET_OPTIONS, **overrides)
    return run


def test_without_the_bucket_option_no_bucket_is_read(described, monkeypatch):
    monkeypatch.setattr(plan.s3, "describe_bucket", lambda client, name: pytest.fail("read a bucket"))
    result = described(key(), topic())
    assert (result["bucket_tags"], result["bucket_differences"]) == ({}, {})


def test_a_converged_bucket_has_no_change(with_bucket):
    result = with_bucket(bucket())
    assert (result["changes"], result["bucket_tags"], result["bucket_differences"]) == ([], OURS, {})
    assert [(r["type"], r["name"], r["exists"], r["owned"]) for r in result["resources"]][-1] == ("s3_bucket", BUCKET_NAME, True, True)


@pytest.mark.parametrize("described_bucket, differences", [
    (None, ["bucket"]),
    (bucket(versioning="Suspended"), ["versioning"]),
    (bucket(encryption={"algorithm": "AES256", "kms_key_id": None}, public_access={}), ["encryption", "public_access"]),
], ids=["missing", "versioning suspended", "encryption and public access"])
def test_a_bucket_that_differs_is_named_with_its_differences(with_bucket, described_bucket, differences):
    result = with_bucket(described_bucket)
    assert result["changes"] == ["s3_bucket"]
    assert sorted(result["bucket_differences"]) == differences


def test_someone_elses_bucket_fails_the_plan_and_adopt_takes_it_over_with_the_mark(with_bucket):
    with pytest.raises(plans.PlanFailure) as failure:
        with_bucket(bucket(tags={"Team": "data"}))
    assert "S3 bucket '{0}'".format(BUCKET_NAME) in failure.value.msg and "aged_keys_adopt" in failure.value.msg
    adopted = with_bucket(bucket(tags={"Team": "data"}), adopt=True)
    assert adopted["bucket_tags"] == dict(OURS, **{"cloudsec.aged_keys:adopted": "true"})
    assert adopted["changes"] == ["s3_bucket"] and list(adopted["bucket_differences"]) == ["tags"]


def test_a_bucket_name_s3_refuses_is_a_problem():
    problems, _topic = plan.param_problems(params(bucket=dict(BUCKET_OPTIONS, name="Reports_Bucket")), "eu-west-1")
    assert len(problems) == 1 and "bucket.name 'Reports_Bucket'" in problems[0]
