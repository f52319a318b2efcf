# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import paginated

TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:aged-keys"
SUB_ARN = TOPIC_ARN + ":1111-2222"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sns:Publish", "Resource": TOPIC_ARN}]}


# ---------------------------------------------------------------- validation and identity


@pytest.mark.parametrize("name", ["a", "aged-keys", "Aged_Keys_1", "x" * 256])
def test_valid_topic_names(name):
    assert sns.topic_name_problem(name) is None


@pytest.mark.parametrize("name, fragment", [
    ("", "1 to 256"),
    ("x" * 257, "1 to 256"),
    ("has.dot", "1 to 256"),
    ("arn:aws:sns:eu-west-1:1:t", "1 to 256"),
    ("orders.fifo", "FIFO"),
])
def test_invalid_topic_names(name, fragment):
    assert fragment in sns.topic_name_problem(name)


def test_topic_arn():
    assert sns.topic_arn("aws", "eu-west-1", "123456789012", "aged-keys") == TOPIC_ARN


def test_subscription_keys_canonicalise_phone_numbers():
    assert sns.subscription_key("sms", "+1 (555) 010-0000") == ("sms", "+15550100000")
    assert sns.subscription_key("email", "A@example.com") == ("email", "A@example.com")
    assert sns.subscription_key_of({"protocol": "sms", "endpoint": "+1-555"}) == ("sms", "+1555")


def test_is_pending():
    assert sns.is_pending("PendingConfirmation")
    assert not sns.is_pending(SUB_ARN)


# ---------------------------------------------------------------- attribute conversion


def test_topic_attributes_from_aws_fill_in_absent_values():
    topic = sns.topic_attributes_from_aws({"DisplayName": "", "Policy": json.dumps(POLICY), "DeliveryPolicy": "", "EffectiveDeliveryPolicy": "{}"})
    assert topic == {"display_name": "", "kms_master_key_id": "", "policy": POLICY, "delivery_policy": None}


def test_topic_attributes_from_aws_keeps_kms_key_as_set():
    assert sns.topic_attributes_from_aws({"KmsMasterKeyId": "alias/aged"})["kms_master_key_id"] == "alias/aged"


def test_subscription_attributes_round_trip():
    options = {"raw_message_delivery": True, "filter_policy": {"a": ["b"]}, "filter_policy_scope": "MessageBody", "redrive_policy": None}
    aws = sns.subscription_attributes_to_aws(options)
    assert aws == {"RawMessageDelivery": "true", "FilterPolicy": '{"a": ["b"]}', "FilterPolicyScope": "MessageBody"}
    # FilterPolicyScope first: SNS validates FilterPolicy against the scope in place.
    assert list(aws)[0] == "FilterPolicyScope"
    assert sns.subscription_attributes_from_aws(aws) == {"raw_message_delivery": True, "filter_policy": {"a": ["b"]}, "filter_policy_scope": "MessageBody"}


def test_empty_documents_remove_the_attribute():
    assert sns.subscription_attributes_to_aws({"filter_policy": {}, "redrive_policy": {}}) == {"FilterPolicy": "", "RedrivePolicy": ""}


def test_unparseable_json_attribute_stays_visible():
    assert sns.subscription_attributes_from_aws({"FilterPolicy": "not json"}) == {"filter_policy": "not json"}


def test_canonical_delivery_policy_adds_what_sns_adds():
    policy = {"http": {"defaultHealthyRetryPolicy": {"numRetries": 3}}}
    assert sns.canonical_delivery_policy(policy)["http"]["disableSubscriptionOverrides"] is False
    assert "disableSubscriptionOverrides" not in policy["http"]
    assert sns.canonical_delivery_policy(None) is None


@pytest.mark.parametrize("option, kind, current, wanted, match", [
    ("policy", "json", POLICY, json.loads(json.dumps(POLICY)), True),
    ("policy", "json", POLICY, dict(POLICY, Statement=[dict(POLICY["Statement"][0], Action=["sns:Publish"])]), True),
    ("policy", "json", POLICY, dict(POLICY, Statement=[]), False),
    ("delivery_policy", "json", {"http": {"a": 1, "disableSubscriptionOverrides": False}}, {"http": {"a": 1}}, True),
    ("delivery_policy", "json", None, {}, True),
    ("filter_policy_scope", "str", None, "MessageAttributes", True),
    ("filter_policy_scope", "str", "MessageAttributes", "MessageBody", False),
    ("filter_policy", "json", None, {}, True),
    ("filter_policy", "json", {"a": ["b"]}, {"a": ["b"]}, True),
    ("filter_policy", "json", {"a": ["b"]}, {"a": ["c"]}, False),
    ("raw_message_delivery", "bool", False, False, True),
    ("raw_message_delivery", "bool", None, True, False),
    ("kms_master_key_id", "str", "", "", True),
    ("kms_master_key_id", "str", "alias/a", "arn:aws:kms:eu-west-1:1:alias/a", False),
    ("display_name", "str", "x", "y", False),
])
def test_values_match(option, kind, current, wanted, match):
    assert sns.values_match(option, kind, current, wanted) is match


def test_attribute_changes_only_for_managed_options_that_differ():
    current = {"display_name": "Old", "kms_master_key_id": "alias/a", "policy": POLICY, "delivery_policy": None}
    desired = {"display_name": "New", "kms_master_key_id": "alias/a", "policy": None, "delivery_policy": None}
    assert sns.attribute_changes(current, desired, sns.TOPIC_ATTRIBUTES) == {"DisplayName": "New"}


def test_attribute_changes_disable_encryption():
    assert sns.attribute_changes({"kms_master_key_id": "alias/a"}, {"kms_master_key_id": ""}, sns.TOPIC_ATTRIBUTES) == {"KmsMasterKeyId": ""}


# ---------------------------------------------------------------- reading


def test_get_topic_attributes_missing_is_none():
    client = MagicMock()
    client.get_topic_attributes.side_effect = client_error("NotFound")
    assert sns.get_topic_attributes(client, TOPIC_ARN) is None


def test_get_topic_attributes_other_errors_raise():
    client = MagicMock()
    client.get_topic_attributes.side_effect = client_error("AuthorizationError")
    with pytest.raises(sns.AnsibleSNSError) as excinfo:
        sns.get_topic_attributes(client, TOPIC_ARN)
    assert "get SNS topic attributes" in str(excinfo.value)


def test_list_topic_tags():
    client = MagicMock()
    client.list_tags_for_resource.return_value = {"Tags": [{"Key": "a", "Value": "b"}]}
    assert sns.list_topic_tags(client, TOPIC_ARN) == {"a": "b"}


def test_list_topic_subscriptions_uses_paginator():
    client = MagicMock()
    paginator = paginated(client, {"Subscriptions": [{"SubscriptionArn": SUB_ARN}]}).get_paginator.return_value
    assert sns.list_topic_subscriptions(client, TOPIC_ARN) == [{"SubscriptionArn": SUB_ARN}]
    client.get_paginator.assert_called_once_with("list_subscriptions_by_topic")
    paginator.paginate.assert_called_once_with(TopicArn=TOPIC_ARN)


def test_describe_subscriptions_reads_attributes_of_confirmed_only():
    client = MagicMock()
    paginated(client, {"Subscriptions": [
        {"SubscriptionArn": SUB_ARN, "Protocol": "sqs", "Endpoint": "arn:aws:sqs:eu-west-1:1:q"},
        {"SubscriptionArn": "PendingConfirmation", "Protocol": "email", "Endpoint": "a@example.com"},
        {"SubscriptionArn": TOPIC_ARN + ":gone", "Protocol": "sqs", "Endpoint": "arn:aws:sqs:eu-west-1:1:gone"},
    ]})
    client.get_subscription_attributes.side_effect = [
        {"Attributes": {"RawMessageDelivery": "true", "Owner": "1"}},
        client_error("NotFound"),
    ]
    subscriptions = sns.describe_subscriptions(client, TOPIC_ARN)
    assert subscriptions == [
        {"arn": SUB_ARN, "protocol": "sqs", "endpoint": "arn:aws:sqs:eu-west-1:1:q", "pending_confirmation": False,
         "attributes": {"raw_message_delivery": True}},
        {"arn": None, "protocol": "email", "endpoint": "a@example.com", "pending_confirmation": True, "attributes": {}},
    ]
    assert client.get_subscription_attributes.call_count == 2


# ---------------------------------------------------------------- writing


def test_create_topic_with_attributes_and_tags():
    client = MagicMock()
    client.create_topic.return_value = {"TopicArn": TOPIC_ARN}
    assert sns.create_topic(client, "aged-keys", {"KmsMasterKeyId": "alias/a"}, {"k": "v"}) == TOPIC_ARN
    client.create_topic.assert_called_once_with(aws_retry=True, Name="aged-keys", Attributes={"KmsMasterKeyId": "alias/a"}, Tags=[{"Key": "k", "Value": "v"}])


def test_create_topic_errors_raise():
    client = MagicMock()
    client.create_topic.side_effect = client_error("InvalidParameter")
    with pytest.raises(sns.AnsibleSNSError):
        sns.create_topic(client, "aged-keys", {}, None)


def test_subscribe_returns_arn_and_passes_attributes():
    client = MagicMock()
    client.subscribe.return_value = {"SubscriptionArn": SUB_ARN}
    assert sns.subscribe(client, TOPIC_ARN, "sqs", "arn:q", {"RawMessageDelivery": "true"}) == SUB_ARN
    client.subscribe.assert_called_once_with(aws_retry=True, TopicArn=TOPIC_ARN, Protocol="sqs", Endpoint="arn:q",
                                             ReturnSubscriptionArn=True, Attributes={"RawMessageDelivery": "true"})


def test_unsubscribe_missing_is_false():
    client = MagicMock()
    client.unsubscribe.side_effect = client_error("NotFound")
    assert sns.unsubscribe(client, SUB_ARN) is False


def test_set_attributes():
    client = MagicMock()
    sns.set_topic_attribute(client, TOPIC_ARN, "KmsMasterKeyId", "")
    sns.set_subscription_attribute(client, SUB_ARN, "FilterPolicy", "{}")
    client.set_topic_attributes.assert_called_once_with(TopicArn=TOPIC_ARN, AttributeName="KmsMasterKeyId", AttributeValue="", aws_retry=True)
    client.set_subscription_attributes.assert_called_once_with(SubscriptionArn=SUB_ARN, AttributeName="FilterPolicy", AttributeValue="{}", aws_retry=True)


def test_tagging_skips_empty_changes():
    client = MagicMock()
    sns.tag_topic(client, TOPIC_ARN, {})
    sns.untag_topic(client, TOPIC_ARN, [])
    assert not client.tag_resource.called and not client.untag_resource.called
    sns.untag_topic(client, TOPIC_ARN, ["a"])
    client.untag_resource.assert_called_once_with(ResourceArn=TOPIC_ARN, TagKeys=["a"], aws_retry=True)


def test_delete_topic_missing_is_false():
    client = MagicMock()
    assert sns.delete_topic(client, TOPIC_ARN) is True
    client.delete_topic.side_effect = client_error("NotFound")
    assert sns.delete_topic(client, TOPIC_ARN) is False


@pytest.mark.parametrize("protocol, endpoint, shown", [
    ("email", "team@example.com", "team@example.com"),
    ("sqs", "arn:aws:sqs:eu-west-1:111111111111:q", "arn:aws:sqs:eu-west-1:111111111111:q"),
    ("https", "https://hooks.example.com/services/T0/B0/token?x=1", "https://hooks.example.com/...(sha256:"),
    ("http", "http://user:pass@example.com:8080/path", "http://example.com:8080/...(sha256:"),
    ("https", "not a url", "/...(sha256:"),
])
def test_shown_endpoint_hides_paths_queries_and_credentials_of_web_endpoints(protocol, endpoint, shown):
    result = sns.shown_endpoint(protocol, endpoint)
    assert result.startswith(shown)
    if sns.endpoint_is_secret(protocol):
        assert "token" not in result and "pass" not in result and "path" not in result
        assert sns.shown_endpoint(protocol, endpoint + "2") != result
