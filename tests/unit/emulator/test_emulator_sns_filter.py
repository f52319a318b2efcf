# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SNS subscription filter policies: AWS's documented examples, and filtering of client and automation messages."""

import json

import pytest

from aged_keys_emulator.sns_filter import matches
from automation_testing import create_role, run_steps, step
from emulator_testing import raises_aws_error
from sns_testing import notifications, queue_subscriber, string_attributes


def string(value):
    return {"Type": "String", "Value": value}


def number(value):
    return {"Type": "Number", "Value": str(value)}


def array(*values):
    return {"Type": "String.Array", "Value": json.dumps(list(values))}


INTERESTS = {"customer_interests": ["rugby", "tennis"]}
ANYTHING_BUT = {"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}


# Each case is an example of the Developer Guide's filter policy pages (attributes scope).
@pytest.mark.parametrize("policy, attributes, expected", [
    (INTERESTS, {"customer_interests": string("rugby")}, True),
    (INTERESTS, {"customer_interests": string("baseball")}, False),
    (INTERESTS, {"customer_interests": string("Rugby")}, False),
    (INTERESTS, {"customer_interests": array("baseball", "tennis")}, True),
    (INTERESTS, {}, False),
    ({"customer_interests": [{"prefix": "bas"}]}, {"customer_interests": string("basketball")}, True),
    ({"customer_interests": [{"prefix": "bas"}]}, {"customer_interests": string("rugby")}, False),
    ({"customer_interests": [{"suffix": "ball"}]}, {"customer_interests": string("baseball")}, True),
    ({"customer_interests": [{"equals-ignore-case": "RUGBY"}]}, {"customer_interests": string("rugby")}, True),
    (ANYTHING_BUT, {"customer_interests": string("baseball")}, True),
    (ANYTHING_BUT, {"customer_interests": array("rugby", "baseball")}, True),
    (ANYTHING_BUT, {"customer_interests": string("rugby")}, False),
    (ANYTHING_BUT, {"customer_interests": array("rugby")}, False),
    (ANYTHING_BUT, {}, False),
    ({"event": [{"anything-but": {"prefix": "order-"}}]}, {"event": string("order_number")}, True),
    ({"event": [{"anything-but": {"prefix": "order-"}}]}, {"event": string("order-cancelled")}, False),
    ({"source_ip": [{"cidr": "10.0.0.0/24"}]}, {"source_ip": string("10.0.0.255")}, True),
    ({"source_ip": [{"cidr": "10.0.0.0/24"}]}, {"source_ip": string("10.1.1.0")}, False),
    ({"price_usd": [{"numeric": ["=", 301.5]}]}, {"price_usd": number("3.015e2")}, True),
    ({"price_usd": [{"numeric": [">", 0, "<=", 150]}]}, {"price_usd": number(150)}, True),
    ({"price_usd": [{"numeric": [">", 0, "<=", 150]}]}, {"price_usd": number(150.5)}, False),
    ({"price_usd": [{"numeric": [">", 0]}]}, {"price_usd": string("5")}, False),
    ({"price": [{"anything-but": [100, 500]}]}, {"price": number(100.1)}, True),
    ({"price": [{"anything-but": [100, 500]}]}, {"price": number(100)}, False),
    ({"price": [100]}, {"price": number("100.000001")}, True),
    ({"store": [{"exists": True}]}, {"store": string("fans")}, True),
    ({"store": [{"exists": True}]}, {"customer_interests": array("baseball")}, False),
    ({"store": [{"exists": False}]}, {"customer_interests": array("baseball")}, True),
    ({"store": [{"exists": False}]}, {"store": string("fans")}, False),
    ({"store": ["fans", {"exists": False}]}, {}, True),
    ({"store": [{"exists": True}]}, {"store": {"Type": "Binary", "Value": "AAE="}}, False),
    ({"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]},
     {"customer_interests": string("rugby"), "price_usd": number(101)}, True),
    ({"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}, {"customer_interests": string("rugby"), "price_usd": number(99)}, False),
    ({"$or": [{"owner": ["team-a"]}, {"severity": ["high"]}]}, {"severity": string("high")}, True),
    ({"$or": [{"owner": ["team-a"]}, {"severity": ["high"]}]}, {"severity": string("low")}, False),
])
def test_attribute_policies_match_as_documented(policy, attributes, expected):
    assert matches(policy, "MessageAttributes", attributes, "ignored") is expected


@pytest.mark.parametrize("policy, body, expected", [
    (INTERESTS, {"customer_interests": "rugby"}, True),
    (INTERESTS, {"customer_interests": ["baseball", "tennis"]}, True),
    (ANYTHING_BUT, {"customer_interests": ["rugby", "baseball"]}, True),
    (ANYTHING_BUT, {"customer_interests": ["rugby"]}, False),
    ({"price": [{"anything-but": [100, 500]}]}, {"price": [100, 50]}, True),
    ({"price_usd": [{"numeric": ["<", 0]}]}, {"price_usd": -3}, True),
    ({"price_usd": [{"numeric": ["<", 0]}]}, {"price_usd": "-3"}, False),
    ({"store": [{"exists": False}]}, {"customer_interests": ["baseball", "basketball"]}, True),
    ({"key": {"nested": ["x"]}}, {"key": {"nested": "x"}}, True),
    ({"key": {"nested": ["x"]}}, {"key": [{"nested": "y"}, {"nested": "x"}]}, True),
    ({"key": {"nested": ["x"]}}, {"key": "x"}, False),
    ({"key": {"nested": [{"exists": False}]}}, {"other": 1}, True),
    ({"flag": [True]}, {"flag": True}, True),
    ({"flag": [True]}, {"flag": 1}, False),
    ({"gone": [None]}, {"gone": None}, True),
    ({"$or": [{"a": ["1"]}, {"b": {"c": ["2"]}}]}, {"b": {"c": "2"}}, True),
])
def test_body_policies_match_as_documented(policy, body, expected):
    assert matches(policy, "MessageBody", {}, json.dumps(body)) is expected


@pytest.mark.parametrize("message", ["not json", "[1, 2]", '"text"'])
def test_body_policies_need_a_json_object(message):
    assert not matches({"a": [{"exists": False}]}, "MessageBody", {}, message)


# --- Through the emulator -----------------------------------------------------------------------

@pytest.fixture
def team_queues(emulator):
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    topic_arn = sns.create_topic(Name="aged-keys")["TopicArn"]
    queues = {team: queue_subscriber(sns, sqs, topic_arn, team, FilterPolicy={"owner": [team]})[0] for team in ("team-a", "team-b")}
    return topic_arn, queues


def delivered(sqs, queues):
    return {team: [notification["Message"] for notification in notifications(sqs, url)] for team, url in queues.items()}


def test_each_team_queue_receives_only_its_messages(emulator, team_queues):
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    topic_arn, queues = team_queues
    for owner in ("team-a", "team-b"):
        sns.publish(TopicArn=topic_arn, Message=f"for {owner}", MessageAttributes=string_attributes(owner=owner, severity="high"))
    sns.publish(TopicArn=topic_arn, Message="for nobody", MessageAttributes=string_attributes(severity="high"))
    sns.publish(TopicArn=topic_arn, Message="no attributes")

    assert delivered(sqs, queues) == {"team-a": ["for team-a"], "team-b": ["for team-b"]}


SCRIPT = """
import json
import boto3

def handler(events, context):
    sns = boto3.client("sns")
    for owner in events["owners"]:
        attributes = {"event": {"DataType": "String", "StringValue": "aged-key"}}
        if owner:
            attributes["owner"] = {"DataType": "String", "StringValue": owner}
        message = json.dumps({"default": "for " + (owner or "nobody"), "sqs": "queue copy for " + (owner or "nobody")})
        sns.publish(TopicArn=events["topic"], MessageStructure="json", Message=message, MessageAttributes=attributes)
"""


def test_messages_published_from_automation_are_filtered_the_same_way(emulator, team_queues):
    topic_arn, queues = team_queues
    role_arn = create_role(emulator.client("iam"), "notifier", [{"Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn}])
    payload = {"topic": topic_arn, "owners": ["team-b", "", "team-a"]}
    script = step("notify", "aws:executeScript", {"Runtime": "python3.11", "Handler": "handler", "Script": SCRIPT, "InputPayload": payload})

    execution = run_steps(emulator.client("ssm"), script, parameters={"Role": {"type": "String"}}, values={"Role": [role_arn]}, assumeRole="{{ Role }}")

    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    assert delivered(emulator.client("sqs"), queues) == {"team-a": ["queue copy for team-a"], "team-b": ["queue copy for team-b"]}


def test_message_body_scope_and_scope_changes(emulator):
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    topic_arn = sns.create_topic(Name="documents")["TopicArn"]
    queue_url, subscription_arn = queue_subscriber(sns, sqs, topic_arn, "body", FilterPolicyScope="MessageBody",
                                                   FilterPolicy={"key": {"owner": [{"prefix": "team-"}]}})
    sns.publish(TopicArn=topic_arn, Message=json.dumps({"key": {"owner": "team-a"}}))
    sns.publish(TopicArn=topic_arn, Message=json.dumps({"key": {"owner": "ops"}}), MessageAttributes=string_attributes(owner="team-a"))
    assert [notification["Message"] for notification in notifications(sqs, queue_url)] == [json.dumps({"key": {"owner": "team-a"}})]

    with raises_aws_error("InvalidParameter", "Filter policy scope MessageAttributes does not support nested filter policy"):
        sns.set_subscription_attributes(SubscriptionArn=subscription_arn, AttributeName="FilterPolicyScope", AttributeValue="MessageAttributes")
    assert sns.get_subscription_attributes(SubscriptionArn=subscription_arn)["Attributes"]["FilterPolicyScope"] == "MessageBody"
    sns.set_subscription_attributes(SubscriptionArn=subscription_arn, AttributeName="FilterPolicy", AttributeValue=json.dumps({"owner": ["team-a"]}))
    sns.set_subscription_attributes(SubscriptionArn=subscription_arn, AttributeName="FilterPolicyScope", AttributeValue="MessageAttributes")
    sns.publish(TopicArn=topic_arn, Message="by attribute", MessageAttributes=string_attributes(owner="team-a"))
    assert [notification["Message"] for notification in notifications(sqs, queue_url)] == ["by attribute"]


@pytest.mark.parametrize("attribute, value, message", [
    ("FilterPolicy", json.dumps({"ip": [{"cidr": "10.0.0.0/33"}]}), "Malformed CIDR"),
    ("FilterPolicy", json.dumps({"ip": [{"wildcard": "a*"}]}), "Unrecognized match type wildcard"),
    ("FilterPolicyScope", "Body", "must be one of MessageAttributes, MessageBody"),
])
def test_invalid_filter_settings_are_refused(emulator, attribute, value, message):
    sns, sqs = emulator.client("sns"), emulator.client("sqs")
    topic_arn = sns.create_topic(Name="checked")["TopicArn"]
    _queue_url, subscription_arn = queue_subscriber(sns, sqs, topic_arn, "checked")
    with raises_aws_error("InvalidParameter", message):
        sns.set_subscription_attributes(SubscriptionArn=subscription_arn, AttributeName=attribute, AttributeValue=value)
