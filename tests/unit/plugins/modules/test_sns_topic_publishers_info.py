# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.modules import sns_topic_publishers_info as info
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

TOPIC = "arn:aws:sns:eu-west-1:111111111111:notifications"
KEY = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::222222222222:role/cloudsec-aged-keys-remediation-eu-west-1"
OTHER = "arn:aws:iam::333333333333:role/cloudsec-aged-keys-remediation-eu-west-1"
ROLE_PATTERN = {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/cloudsec-aged-keys-remediation-*"}}
TOPIC_POLICY = {"Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::222222222222:root"]}, "Action": "sns:Publish", "Resource": TOPIC, "Condition": ROLE_PATTERN},
    {"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC, "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
]}
KEY_POLICY = {"Statement": [
    {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::222222222222:root"]}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
     "Condition": dict(ROLE_PATTERN, StringEquals={"kms:ViaService": "sns.eu-west-1.amazonaws.com"})},
]}


def found(**overrides):
    """What describe_topic_policies returns for an encrypted topic, with some fields replaced."""
    described = {"exists": True, "policy": TOPIC_POLICY, "kms_key_arn": KEY, "key_policy": KEY_POLICY}
    described.update(overrides)
    return described


def test_listed_role_is_admitted_and_others_are_refused_with_the_reason():
    entries = info.publishers(TOPIC, found(), [ROLE, OTHER], None)
    assert entries == [
        {"principal": ROLE, "allowed": True, "reason": None},
        {"principal": OTHER, "allowed": False, "reason": "the topic policy does not allow sns:Publish"},
    ]


def test_the_key_policy_is_checked_through_sns():
    wrong_service = json.loads(json.dumps(KEY_POLICY).replace("sns.eu-west-1", "sns.us-east-1"))
    assert info.refusal_reason(TOPIC, found(key_policy=wrong_service), ROLE, None) == (
        "the policy of the topic's KMS key does not allow kms:GenerateDataKey")
    assert info.refusal_reason(TOPIC, found(kms_key_arn=None, key_policy=None), ROLE, None) is None
    assert "KMS key {0} does not exist".format(KEY) in info.refusal_reason(TOPIC, found(key_policy=None), ROLE, None)


def test_a_missing_topic_admits_nobody():
    assert info.refusal_reason(TOPIC, found(exists=False), ROLE, None) == "the topic {0} does not exist".format(TOPIC)


def test_organization_scope_needs_the_organization_id():
    by_org = json.loads(json.dumps(TOPIC_POLICY).replace('"arn:aws:iam::222222222222:root"', '"*"'))
    by_org["Statement"][0]["Condition"]["StringEquals"] = {"aws:PrincipalOrgID": "o-abcd123456"}
    org_key = json.loads(json.dumps(KEY_POLICY).replace('"arn:aws:iam::222222222222:root"', '"*"'))
    assert info.refusal_reason(TOPIC, found(policy=by_org, key_policy=org_key), OTHER, "o-abcd123456") is None
    assert info.refusal_reason(TOPIC, found(policy=by_org, key_policy=org_key), OTHER, None) == "the topic policy does not allow sns:Publish"


def test_an_explicit_deny_is_named():
    denied = {"Statement": TOPIC_POLICY["Statement"] + [{"Effect": "Deny", "Principal": {"AWS": ROLE}, "Action": "sns:*", "Resource": "*"}]}
    assert info.refusal_reason(TOPIC, found(policy=denied), ROLE, None) == "the topic policy denies sns:Publish"


def test_describe_reads_the_key_behind_the_alias():
    sns_client, kms_client = MagicMock(), MagicMock()
    sns_client.get_topic_attributes.return_value = {"Attributes": {"Policy": json.dumps(TOPIC_POLICY), "KmsMasterKeyId": "alias/cloudsec-aged-keys"}}
    kms_client.describe_key.return_value = {"KeyMetadata": {"Arn": KEY}}
    kms_client.get_key_policy.return_value = {"Policy": json.dumps(KEY_POLICY)}
    assert info.describe_topic_policies(sns_client, kms_client, TOPIC) == found()
    kms_client.describe_key.assert_called_once_with(KeyId="alias/cloudsec-aged-keys", aws_retry=True)
    kms_client.get_key_policy.assert_called_once_with(KeyId=KEY, PolicyName="default", aws_retry=True)


def test_describe_a_missing_topic_or_key():
    sns_client, kms_client = MagicMock(), MagicMock()
    sns_client.get_topic_attributes.side_effect = client_error("NotFound")
    assert info.describe_topic_policies(sns_client, kms_client, TOPIC)["exists"] is False
    assert kms_client.method_calls == []
    sns_client.get_topic_attributes.side_effect = None
    sns_client.get_topic_attributes.return_value = {"Attributes": {"Policy": json.dumps(TOPIC_POLICY), "KmsMasterKeyId": "alias/gone"}}
    kms_client.describe_key.side_effect = client_error("NotFoundException")
    assert info.describe_topic_policies(sns_client, kms_client, TOPIC) == found(kms_key_arn="alias/gone", key_policy=None)


@pytest.mark.parametrize("topic_arn, principals, problem", [
    ("notifications", [ROLE], "is not an SNS topic ARN"),
    (TOPIC, ["222222222222"], "must be IAM role or user ARNs"),
    (TOPIC.replace("arn:aws:", "arn:example:"), [ROLE], "is not an SNS topic ARN"),
    (TOPIC, [ROLE.replace("arn:aws:", "arn:example:")], "must be IAM role or user ARNs"),
])
def test_bad_input_is_refused_before_any_call(topic_arn, principals, problem):
    assert problem in " ".join(info.validate_params({"topic_arn": topic_arn, "principals": principals}))
    assert info.validate_params({"topic_arn": TOPIC, "principals": [ROLE]}) == []
    china = {"topic_arn": TOPIC.replace("arn:aws:", "arn:aws-cn:"), "principals": [ROLE.replace("arn:aws:", "arn:aws-cn:")]}
    assert info.validate_params(china) == []
