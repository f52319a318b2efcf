# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SNS Publish with MessageStructure=json: AWS's validation, and each protocol's message."""

import json

import pytest

from aged_keys_emulator.control import sns_deliveries_of
from automation_testing import create_role, run_steps, step
from emulator_testing import DEFAULT_ACCOUNT, REGION, raises_aws_error
from sns_testing import notifications, queue_subscriber, received, string_attributes

TEXT = "Access key AKIA... of alice is 400 days old."
DOCUMENT = json.dumps({"schema": "aged-keys/1", "user": "alice"})
STRUCTURED = json.dumps({"default": TEXT, "email": TEXT + " (email)", "sqs": DOCUMENT, "lambda": DOCUMENT, "https": DOCUMENT})


@pytest.mark.parametrize("message, error", [
    ("not json", "Invalid parameter: Message Structure - JSON message body failed to parse"),
    ('{"default": "x"', "Invalid parameter: Message Structure - JSON message body failed to parse"),
    ('{"email": "x"}', "Invalid parameter: Message Structure - No default entry in JSON message body"),
    ('{"default": {"text": "x"}}', "Invalid parameter: Message Structure - No default entry in JSON message body"),
    ('["default"]', "Invalid parameter: Message Structure - No default entry in JSON message body"),
])
def test_structured_messages_are_validated_before_delivery(sns, sqs, topic_arn, message, error):
    queue_url, _subscription = queue_subscriber(sns, sqs, topic_arn, "checked")
    with raises_aws_error("InvalidParameter", error):
        sns.publish(TopicArn=topic_arn, Message=message, MessageStructure="json")
    assert not received(sqs, queue_url)


def test_structured_messages_are_validated_without_subscribers(sns, topic_arn):
    with raises_aws_error("InvalidParameter", "No default entry in JSON message body"):
        sns.publish(TopicArn=topic_arn, Message='{"sqs": "x"}', MessageStructure="json")


def test_each_protocol_gets_its_key_or_default(emulator, sns, sqs, topic_arn):
    envelope_url, envelope_subscription = queue_subscriber(sns, sqs, topic_arn, "envelope")
    raw_url, _subscription = queue_subscriber(sns, sqs, topic_arn, "raw", RawMessageDelivery="true")
    endpoints = {"email": "alice@example.com", "email-json": "robot@example.com", "lambda": f"arn:aws:lambda:{REGION}:{DEFAULT_ACCOUNT}:function:route"}
    subscriptions = {protocol: sns.subscribe(TopicArn=topic_arn, Protocol=protocol, Endpoint=endpoint)["SubscriptionArn"]
                     for protocol, endpoint in endpoints.items()}

    message_id = sns.publish(TopicArn=topic_arn, Message=STRUCTURED, MessageStructure="json", Subject="Aged access key",
                             MessageAttributes=string_attributes(owner="team-a", severity="high"))["MessageId"]

    [notification] = notifications(sqs, envelope_url)
    assert notification["Message"] == DOCUMENT and notification["Subject"] == "Aged access key"
    assert (notification["Type"], notification["MessageId"], notification["TopicArn"]) == ("Notification", message_id, topic_arn)
    assert notification["MessageAttributes"]["owner"] == {"Type": "String", "Value": "team-a"}
    assert notification["UnsubscribeURL"] == f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={envelope_subscription}"
    [raw] = received(sqs, raw_url)
    assert raw["Body"] == DOCUMENT
    assert raw["MessageAttributes"]["severity"] == {"DataType": "String", "StringValue": "high"}

    deliveries = {delivery["Protocol"]: delivery for delivery in sns_deliveries_of(emulator.url, DEFAULT_ACCOUNT, REGION)}
    assert deliveries["email"]["Body"] == TEXT + " (email)" and deliveries["email"]["Subject"] == "Aged access key"
    assert deliveries["email"]["SubscriptionArn"] == subscriptions["email"] and deliveries["email"]["Endpoint"] == "alice@example.com"
    email_json = json.loads(deliveries["email-json"]["Body"])
    assert email_json["Message"] == TEXT and email_json["MessageId"] == message_id
    [record] = json.loads(deliveries["lambda"]["Body"])["Records"]
    assert record["EventSource"] == "aws:sns" and record["EventSubscriptionArn"] == subscriptions["lambda"]
    assert record["Sns"]["Message"] == DOCUMENT and record["Sns"]["MessageAttributes"]["owner"]["Value"] == "team-a"
    assert sns_deliveries_of(emulator.url, DEFAULT_ACCOUNT, REGION, subscriptions["email"]) == [deliveries["email"]]


def test_plain_messages_reach_every_protocol_unchanged(emulator, sns, sqs, topic_arn):
    queue_url, _subscription = queue_subscriber(sns, sqs, topic_arn, "plain")
    sns.subscribe(TopicArn=topic_arn, Protocol="email", Endpoint="alice@example.com")

    sns.publish(TopicArn=topic_arn, Message=STRUCTURED)

    assert notifications(sqs, queue_url)[0]["Message"] == STRUCTURED
    [email] = sns_deliveries_of(emulator.url, DEFAULT_ACCOUNT, REGION)
    assert email["Body"] == STRUCTURED and email["Subject"] == "AWS Notification Message"


def test_queues_of_another_account_receive_their_notifications(emulator, sns, topic_arn):
    other_sqs = emulator.client("sqs", credentials=emulator.assume_account("210987654321"))
    queue_url, _subscription = queue_subscriber(sns, other_sqs, topic_arn, "elsewhere")

    sns.publish(TopicArn=topic_arn, Message=STRUCTURED, MessageStructure="json")

    assert notifications(other_sqs, queue_url)[0]["Message"] == DOCUMENT


PUBLISH_SCRIPT = """
import json
import boto3

def handler(events, context):
    text = "Access key of " + events["user"] + " is old."
    document = json.dumps({"user": events["user"], "execution": context["automation:EXECUTION_ID"]})
    attributes = {name: {"DataType": "String", "StringValue": value} for name, value in events["attributes"].items()}
    message = json.dumps({"default": text, "email": text, "sqs": document, "lambda": document, "https": document})
    return boto3.client("sns").publish(TopicArn=events["topic"], MessageStructure="json", Message=message,
                                       Subject="Aged access key", MessageAttributes=attributes)
"""


def test_automation_scripts_and_api_steps_publish_through_the_same_path(emulator, sns, sqs, topic_arn):
    queue_url, _subscription = queue_subscriber(sns, sqs, topic_arn, "from-automation")
    role_arn = create_role(emulator.client("iam"), "publisher", [{"Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn}])
    payload = {"topic": topic_arn, "user": "alice", "attributes": {"owner": "team-a", "event": "aged-key"}}
    script = step("script", "aws:executeScript", {"Runtime": "python3.11", "Handler": "handler", "Script": PUBLISH_SCRIPT, "InputPayload": payload})
    api = step("api", "aws:executeAwsApi", {"Service": "sns", "Api": "Publish", "TopicArn": topic_arn, "MessageStructure": "json",
                                            "Message": json.dumps({"default": "plain", "sqs": "for queues"})})
    broken = step("broken", "aws:executeAwsApi", {"Service": "sns", "Api": "Publish", "TopicArn": topic_arn, "MessageStructure": "json", "Message": "{}"})

    execution = run_steps(emulator.client("ssm"), script, api, broken, parameters={"Role": {"type": "String"}}, values={"Role": [role_arn]},
                          assumeRole="{{ Role }}")

    first, second = notifications(sqs, queue_url)
    assert json.loads(first["Message"]) == {"user": "alice", "execution": execution["AutomationExecutionId"]}
    assert first["MessageAttributes"]["event"] == {"Type": "String", "Value": "aged-key"}
    assert second["Message"] == "for queues"
    expected = "An error occurred (InvalidParameter) when calling the Publish operation: Invalid parameter: Message Structure - No default entry"
    assert expected in execution["FailureMessage"]
