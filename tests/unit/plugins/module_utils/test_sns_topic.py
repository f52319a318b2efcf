# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_VALUE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns_topic
from ansible_collections.cloudsec.aged_keys.plugins.modules import sns_topic as sns_topic_module
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import FailJson
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import module_mock

OWNER_TAGS = {OWNER_TAG_KEY: OWNER_TAG_VALUE}
TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:aged-keys"
QUEUE = "arn:aws:sqs:eu-west-1:123456789012:q"
WEBHOOK = "https://hooks.example.com/services/T0/B0/s3cr3t"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "sns:Publish", "Resource": TOPIC_ARN}]}


def attributes(**values):
    result = dict.fromkeys(["raw_message_delivery", "filter_policy", "filter_policy_scope", "redrive_policy", "delivery_policy", "subscription_role_arn"])
    result.update(values)
    return result


def requested(protocol, endpoint, **attrs):
    return {"protocol": protocol, "endpoint": endpoint, "attributes": attributes(**attrs) if attrs else None}


def existing(protocol, endpoint, arn="sub-arn", pending=False, **attrs):
    return {"arn": None if pending else arn, "protocol": protocol, "endpoint": endpoint, "pending_confirmation": pending, "attributes": attrs}


def params(**overrides):
    values = {
        "name": "aged-keys",
        "state": "present",
        "display_name": None,
        "kms_master_key_id": None,
        "policy": None,
        "delivery_policy": None,
        "subscriptions": None,
        "purge_subscriptions": True,
        "tags": None,
        "purge_tags": True,
        "adopt": False,
    }
    values.update(overrides)
    return values


def current(**overrides):
    topic = {
        "arn": TOPIC_ARN,
        "name": "aged-keys",
        "display_name": "",
        "kms_master_key_id": "alias/aged",
        "policy": POLICY,
        "delivery_policy": None,
        "subscriptions": [],
        "tags": dict(OWNER_TAGS),
    }
    topic.update(overrides)
    return topic


# ---------------------------------------------------------------- validate


def test_valid_params():
    assert sns_topic.validate_params(params(subscriptions=[requested("email", "a@example.com")])) == []


def test_invalid_params_reported_together():
    problems = sns_topic.validate_params(params(name="bad name", subscriptions=[
        requested("email", "a@example.com"),
        requested("email", "a@example.com"),
        requested("firehose", "arn:aws:firehose:eu-west-1:1:deliverystream/x"),
        requested("sqs", QUEUE, filter_policy_scope="MessageBody"),
    ]))
    assert len(problems) == 4
    assert any("more than once" in p for p in problems)
    assert any("subscription_role_arn" in p for p in problems)
    assert any("filter_policy_scope without filter_policy" in p for p in problems)


def test_duplicate_sms_numbers_detected_after_canonicalisation():
    assert sns_topic.subscription_problems([requested("sms", "+1 555 0100"), requested("sms", "+15550100")])


def test_subscriptions_not_validated_for_absent():
    assert sns_topic.validate_params(params(state="absent", subscriptions=[requested("firehose", "x")])) == []


# ---------------------------------------------------------------- compare


def test_topic_attribute_changes():
    assert sns_topic.topic_attribute_changes(current(), params()) == {}
    changes = sns_topic.topic_attribute_changes(current(), params(kms_master_key_id="alias/other", policy=POLICY, display_name="Aged"))
    assert changes == {"DisplayName": "Aged", "KmsMasterKeyId": "alias/other"}


def test_policy_change_detected():
    other = dict(POLICY, Statement=[dict(POLICY["Statement"][0], Effect="Deny")])
    assert json.loads(sns_topic.topic_attribute_changes(current(), params(policy=other))["Policy"]) == other


def test_plan_adds_removes_and_updates():
    plan = sns_topic.plan_subscriptions(
        [existing("sqs", QUEUE, raw_message_delivery=False), existing("email", "old@example.com", arn="old-arn")],
        [requested("sqs", QUEUE, raw_message_delivery=True), requested("email", "new@example.com")],
        purge=True,
    )
    assert [s["endpoint"] for s in plan["add"]] == ["new@example.com"]
    assert [s["arn"] for s in plan["remove"]] == ["old-arn"]
    assert plan["update"] == [(existing("sqs", QUEUE, raw_message_delivery=False), {"RawMessageDelivery": "true"})]
    assert plan["warnings"] == []


def test_plan_without_purge_keeps_unlisted():
    plan = sns_topic.plan_subscriptions([existing("email", "old@example.com")], [], purge=False)
    assert plan == {"add": [], "remove": [], "update": [], "warnings": []}


def test_plan_pending_subscriptions_count_as_present_and_are_reported():
    plan = sns_topic.plan_subscriptions(
        [existing("email", "a@example.com", pending=True), existing("email", "b@example.com", pending=True)],
        [requested("email", "a@example.com", raw_message_delivery=True)],
        purge=True,
    )
    assert plan["add"] == [] and plan["remove"] == [] and plan["update"] == []
    assert len(plan["warnings"]) == 2
    assert "pending confirmation" in plan["warnings"][0] and "b@example.com" in plan["warnings"][1]


def test_plan_ignores_unmanaged_attributes():
    plan = sns_topic.plan_subscriptions([existing("sqs", QUEUE, raw_message_delivery=True)], [requested("sqs", QUEUE)], purge=True)
    assert plan["update"] == []


def test_unowned_topic_fails_state_present():
    module, client = module_mock(params(state="present")), MagicMock()
    with pytest.raises(FailJson):
        sns_topic_module.ensure_state(module, client, current(tags={}), TOPIC_ARN, module.params)
    assert "SNS topic 'aged-keys'" in module.fail_json.call_args.kwargs["msg"]
    assert client.method_calls == []


def test_unowned_topic_is_left_alone_with_a_warning_for_state_absent():
    module, client = module_mock(params(state="absent")), MagicMock()
    before = current(tags={})
    changed, after, plan = sns_topic_module.ensure_state(module, client, before, TOPIC_ARN, module.params)
    assert (changed, after, plan) == (False, before, None)
    assert "SNS topic 'aged-keys'" in module.warn.call_args.args[0]
    assert client.method_calls == []


def test_adopted_topic_is_managed():
    module, client = module_mock(params(state="absent", adopt=True), check_mode=True), MagicMock()
    assert sns_topic_module.ensure_state(module, client, current(tags={}), TOPIC_ARN, module.params) == (True, None, None)


# ---------------------------------------------------------------- apply


def test_check_mode_create_calls_nothing():
    client = MagicMock()
    changed, topic, plan = sns_topic.ensure_present(client, None, TOPIC_ARN, params(
        kms_master_key_id="alias/aged", policy=POLICY, tags={"a": "b"},
        subscriptions=[requested("email", "a@example.com"), requested("sqs", QUEUE, raw_message_delivery=True)],
    ), True)
    assert changed and plan["warnings"] == []
    assert topic["arn"] == TOPIC_ARN and topic["kms_master_key_id"] == "alias/aged" and topic["policy"] == POLICY
    assert topic["tags"] == dict(OWNER_TAGS, a="b")
    assert [(s["protocol"], s["pending_confirmation"], s["attributes"]) for s in topic["subscriptions"]] == [
        ("email", True, {}), ("sqs", False, {"raw_message_delivery": True})]
    assert client.method_calls == []


def test_create_sends_attributes_tags_then_subscribes():
    client = MagicMock()
    client.create_topic.return_value = {"TopicArn": TOPIC_ARN}
    client.subscribe.return_value = {"SubscriptionArn": TOPIC_ARN + ":1"}
    changed, topic, _plan = sns_topic.ensure_present(client, None, TOPIC_ARN, params(
        kms_master_key_id="alias/aged", display_name="", subscriptions=[requested("sqs", QUEUE, raw_message_delivery=True, filter_policy={})],
    ), False)
    assert changed
    create = client.create_topic.call_args.kwargs
    assert create["Attributes"] == {"KmsMasterKeyId": "alias/aged"}
    assert create["Tags"] == [{"Key": OWNER_TAG_KEY, "Value": OWNER_TAG_VALUE}]
    client.subscribe.assert_called_once_with(aws_retry=True, TopicArn=TOPIC_ARN, Protocol="sqs", Endpoint=QUEUE,
                                             ReturnSubscriptionArn=True, Attributes={"RawMessageDelivery": "true"})
    assert topic["subscriptions"][0]["arn"] == TOPIC_ARN + ":1"


def test_update_sets_only_changed_attributes():
    client = MagicMock()
    changed, topic, _plan = sns_topic.ensure_present(client, current(), TOPIC_ARN, params(kms_master_key_id="", policy=POLICY), False)
    assert changed and topic["kms_master_key_id"] == ""
    client.set_topic_attributes.assert_called_once_with(TopicArn=TOPIC_ARN, AttributeName="KmsMasterKeyId", AttributeValue="", aws_retry=True)


def test_unchanged_topic_makes_no_calls():
    client = MagicMock()
    topic = current(subscriptions=[existing("sqs", QUEUE, raw_message_delivery=True)])
    changed, after, _plan = sns_topic.ensure_present(client, topic, TOPIC_ARN, params(
        kms_master_key_id="alias/aged", policy=POLICY, subscriptions=[requested("sqs", QUEUE, raw_message_delivery=True)],
    ), False)
    assert not changed and after == topic
    assert client.method_calls == []


def test_subscription_changes_applied_and_predicted():
    client = MagicMock()
    topic = current(subscriptions=[
        existing("sqs", QUEUE, arn="q-arn", raw_message_delivery=False, filter_policy_scope="MessageAttributes"),
        existing("email", "old@example.com", arn="old-arn"),
        existing("email", "pending@example.com", pending=True),
    ])
    changed, after, plan = sns_topic.ensure_subscriptions(client, topic, params(subscriptions=[
        requested("sqs", QUEUE, raw_message_delivery=True, filter_policy={"a": ["b"]}, filter_policy_scope="MessageBody"),
    ]), False)
    assert changed and len(plan["warnings"]) == 1
    assert sns_topic.subscription_changes(plan) == {
        "added": [], "removed": [{"protocol": "email", "endpoint": "old@example.com"}], "updated": [{"protocol": "sqs", "endpoint": QUEUE}]}
    client.unsubscribe.assert_called_once_with(SubscriptionArn="old-arn", aws_retry=True)
    names = [c.kwargs["AttributeName"] for c in client.set_subscription_attributes.call_args_list]
    assert names == ["FilterPolicyScope", "FilterPolicy", "RawMessageDelivery"]
    assert [s["endpoint"] for s in after["subscriptions"]] == [QUEUE, "pending@example.com"]
    assert after["subscriptions"][0]["attributes"] == {"raw_message_delivery": True, "filter_policy": {"a": ["b"]}, "filter_policy_scope": "MessageBody"}
    assert topic["subscriptions"][0]["attributes"]["raw_message_delivery"] is False


def test_subscription_changes_check_mode_calls_nothing():
    client = MagicMock()
    topic = current(subscriptions=[existing("email", "old@example.com", arn="old-arn")])
    changed, after, _plan = sns_topic.ensure_subscriptions(client, topic, params(subscriptions=[requested("email", "new@example.com")]), True)
    assert changed and [s["endpoint"] for s in after["subscriptions"]] == ["new@example.com"]
    assert client.method_calls == []


def test_unmanaged_subscriptions_left_alone():
    client = MagicMock()
    topic = current(subscriptions=[existing("email", "old@example.com")])
    assert sns_topic.ensure_subscriptions(client, topic, params(), False) == (False, topic, None)
    assert sns_topic.subscription_changes(None) == {"added": [], "removed": [], "updated": []}


def test_subscriptions_made_elsewhere_stay_without_purge():
    client = MagicMock()
    topic = current(subscriptions=[existing("email", "oncall@example.com", arn="oncall-arn"), existing("https", WEBHOOK, arn="hook-arn")])
    changed, after, plan = sns_topic.ensure_subscriptions(client, topic, params(
        subscriptions=[requested("sqs", QUEUE)], purge_subscriptions=False), True)
    assert changed
    assert [s["endpoint"] for s in after["subscriptions"]] == ["oncall@example.com", WEBHOOK, QUEUE]
    assert sns_topic.subscription_changes(plan) == {"added": [{"protocol": "sqs", "endpoint": QUEUE}], "removed": [], "updated": []}
    assert client.method_calls == []


def test_purged_webhooks_are_named_without_their_token():
    client = MagicMock()
    topic = current(subscriptions=[existing("https", WEBHOOK, arn="hook-arn")])
    changed, after, plan = sns_topic.ensure_subscriptions(client, topic, params(subscriptions=[]), False)
    assert changed and after["subscriptions"] == []
    client.unsubscribe.assert_called_once_with(SubscriptionArn="hook-arn", aws_retry=True)
    [removed] = sns_topic.subscription_changes(plan)["removed"]
    assert removed["protocol"] == "https" and removed["endpoint"].startswith("https://hooks.example.com/...(sha256:")
    assert "s3cr3t" not in json.dumps(sns_topic_module.shown_topic(topic))


def test_webhook_endpoints_are_masked_wherever_ansible_prints():
    module = module_mock(params(subscriptions=[requested("https", WEBHOOK), requested("email", "a@example.com")]))
    module.no_log_values = set()
    sns_topic_module.hide_secret_endpoints(module, current(subscriptions=[existing("https", WEBHOOK + "2", arn="x")]), None)
    assert module.no_log_values == {WEBHOOK, WEBHOOK + "2"}


def test_problems_name_webhooks_without_their_token():
    problems = sns_topic.validate_params(params(subscriptions=[requested("https", WEBHOOK), requested("https", WEBHOOK)]))
    assert problems and "s3cr3t" not in " ".join(problems)


def test_tags_applied():
    client = MagicMock()
    changed, topic = sns_topic.ensure_tags(client, current(tags=dict(OWNER_TAGS, old="1")), params(tags={"new": "2"}, purge_tags=True), False)
    assert changed and topic["tags"] == dict(OWNER_TAGS, new="2")
    client.untag_resource.assert_called_once_with(ResourceArn=TOPIC_ARN, TagKeys=["old"], aws_retry=True)
    client.tag_resource.assert_called_once_with(ResourceArn=TOPIC_ARN, Tags=[{"Key": "new", "Value": "2"}], aws_retry=True)


def test_absent():
    client = MagicMock()
    assert sns_topic.ensure_absent(client, None, False) is False
    assert sns_topic.ensure_absent(client, current(), True) is True
    assert client.method_calls == []
    assert sns_topic.ensure_absent(client, current(), False) is True
    client.delete_topic.assert_called_once_with(TopicArn=TOPIC_ARN, aws_retry=True)


def test_describe_missing_topic():
    client = MagicMock()
    client.get_topic_attributes.side_effect = client_error("NotFound")
    assert sns_topic.describe_topic(client, TOPIC_ARN) is None
    assert not client.get_paginator.called


def test_describe_topic():
    client = MagicMock()
    client.get_topic_attributes.return_value = {"Attributes": {"DisplayName": "Aged", "KmsMasterKeyId": "alias/aged", "Policy": json.dumps(POLICY)}}
    client.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"Subscriptions": []}
    client.list_tags_for_resource.return_value = {"Tags": [{"Key": OWNER_TAG_KEY, "Value": OWNER_TAG_VALUE}]}
    assert sns_topic.describe_topic(client, TOPIC_ARN) == current(display_name="Aged")


@pytest.mark.parametrize("protocol, pending", [("email", True), ("https", True), ("sqs", False), ("lambda", False)])
def test_predicted_pending_confirmation(protocol, pending):
    assert sns_topic.predicted_subscription(requested(protocol, "x"))["pending_confirmation"] is pending
