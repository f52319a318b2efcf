# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SNS Publish and delivery per protocol, where moto 5.2.5 differs from AWS.

Amazon SNS API Reference, Publish, MessageStructure: "If you set MessageStructure to json,
the value of the Message parameter must: be a syntactically valid JSON object; and contain
at least a top-level JSON key of "default" with a value that is a string." Otherwise Publish
fails, before anything is delivered, with InvalidParameter "Invalid parameter: Message
Structure - JSON message body failed to parse" or "... - No default entry in JSON message
body". moto checked per subscriber, while delivering, and only when there was one.

Each subscriber then gets its protocol's key, else "default" ("You can define other
top-level keys that define the message you want to send to a specific transport protocol").

Delivery (Amazon SNS Developer Guide, "Amazon SNS message and JSON formats", "Amazon SNS raw
message delivery"):
- sqs: the JSON notification (Type, MessageId, TopicArn, Subject, Message, Timestamp,
  SignatureVersion, Signature, SigningCertURL, UnsubscribeURL, MessageAttributes), or with
  RawMessageDelivery the message itself with the attributes as SQS message attributes.
  The queue is the one the endpoint ARN names, in its own account and region. Its queue
  policy, and the key of an encrypted queue, must admit SNS (sns_sqs_delivery.py); a
  delivery they refuse, or to a missing queue, is dropped and recorded as a failure.
- email, email-json, sms and lambda cannot reach a real endpoint from the emulator. Their
  deliveries are recorded, as the subscriber would receive them, and read back through the
  control endpoint (POST /_emulator/sns/deliveries): email and sms get the text, email-json
  the JSON notification, lambda the event Lambda would be invoked with ({"Records": [...]}).
  No Lambda function runs.
- http, https and application endpoints keep moto's delivery.

Filter policies are checked before every delivery (sns_filter.py).
"""

import json

from moto.sns.exceptions import InvalidParameterValue
from moto.sns.models import SNSBackend, Subscription
from moto.sqs import sqs_backends
from moto.sqs.exceptions import QueueDoesNotExist
from moto.utilities.arns import parse_arn

from . import sns_records
from .patching import wrap_attribute
from .sns_sqs_delivery import Refusal, delivery_refusal, record_failure

DEFAULT_KEY = "default"
UNPARSABLE = "Invalid parameter: Message Structure - JSON message body failed to parse"
NO_DEFAULT = "Invalid parameter: Message Structure - No default entry in JSON message body"
RECORDED_PROTOCOLS = ("email", "email-json", "sms", "lambda")
# Amazon SNS Developer Guide, email notifications: the subject when Publish gives none.
DEFAULT_EMAIL_SUBJECT = "AWS Notification Message"
DELIVERIES_ATTRIBUTE = "emulator_deliveries"


def apply():
    wrap_attribute(SNSBackend, "publish", check_message_structure)
    wrap_attribute(Subscription, "publish", deliver_per_protocol)
    wrap_attribute(Subscription, "get_post_data", with_own_unsubscribe_url)


# --- Publish ---------------------------------------------------------------------------------

def structured_message(message):
    """The protocol -> text map of a MessageStructure=json message, or InvalidParameter as AWS words it."""
    try:
        document = json.loads(message)
    except (TypeError, ValueError) as error:
        raise InvalidParameterValue(UNPARSABLE) from error
    if not isinstance(document, dict) or not isinstance(document.get(DEFAULT_KEY), str):
        raise InvalidParameterValue(NO_DEFAULT)
    not_text = sorted(key for key, value in document.items() if not isinstance(value, str))
    if not_text:
        # AWS does not document non-text protocol values; the emulator refuses rather than guess.
        raise InvalidParameterValue(f"Invalid parameter: Message Structure - the emulator supports only string values, not for {', '.join(not_text)}")
    return document


def check_message_structure(original):
    def publish(self, message, arn, *args, message_structure=None, **kwargs):
        if message_structure == "json" and arn is not None:
            structured_message(message)
        return original(self, message, arn, *args, message_structure=message_structure, **kwargs)

    return publish


def protocol_message(message, protocol):
    document = structured_message(message)
    return document.get(protocol, document[DEFAULT_KEY])


# --- Delivery ------------------------------------------------------------------------------

def deliver_per_protocol(original):
    def publish(self, message, message_id, subject=None, message_attributes=None, group_id=None, deduplication_id=None, message_structure=None):
        if message_structure == "json":
            message = protocol_message(message, self.protocol)
        if self.protocol not in RECORDED_PROTOCOLS + ("sqs",):
            return original(self, message, message_id, subject=subject, message_attributes=message_attributes,
                            group_id=group_id, deduplication_id=deduplication_id)
        if self._filter_policy_matcher is not None and not self._filter_policy_matcher.matches(message_attributes, message):  # pylint: disable=protected-access
            return None
        if self.protocol == "sqs":
            return deliver_to_queue(self, message, message_id, subject, message_attributes or {}, group_id, deduplication_id)
        return record_delivery(self, delivered_body(self, message, message_id, subject, message_attributes or {}), subject)

    return publish


def with_own_unsubscribe_url(original):
    """moto names a fixed subscription in us-east-1; AWS names the subscriber's own."""

    def get_post_data(self, *args, **kwargs):
        data = original(self, *args, **kwargs)
        region = parse_arn(self.arn).region
        data["UnsubscribeURL"] = f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={self.arn}"
        return data

    return get_post_data


def deliver_to_queue(subscription, message, message_id, subject, attributes, group_id, deduplication_id):
    queue_arn = parse_arn(subscription.endpoint)
    backend = sqs_backends[queue_arn.account][queue_arn.region]
    if raw_delivery(subscription):
        body, sqs_attributes = message, raw_attributes(attributes)
    else:
        notification = subscription.get_post_data(message, message_id, subject, message_attributes=attributes or None)
        body, sqs_attributes = json.dumps(notification, indent=2), {}
    try:
        queue = backend.get_queue(queue_arn.resource_id)
    except QueueDoesNotExist as error:
        # SNS delivers asynchronously: a missing queue loses the message, it does not fail Publish.
        record_failure(subscription, message_id, Refusal("QueueDoesNotExist", error.message))
        return
    refusal = delivery_refusal(subscription.topic.arn, queue)
    if refusal is not None:
        record_failure(subscription, message_id, refusal)
        return
    backend.send_message(queue.name, body, message_attributes=sqs_attributes,
                         deduplication_id=deduplication_id, group_id=group_id, validate_group_id=False)


def raw_delivery(subscription):
    return str(subscription.attributes.get("RawMessageDelivery")).lower() == "true"


def raw_attributes(attributes):
    """SNS message attributes as the SQS message attributes of a raw delivery."""
    converted = {}
    for name, attribute in attributes.items():
        value_key = "BinaryValue" if attribute["Type"].startswith("Binary") else "StringValue"
        converted[name] = {"DataType": attribute["Type"], value_key: str(attribute["Value"])}
    return converted


def delivered_body(subscription, message, message_id, subject, attributes):
    """What an email, email-json, sms or lambda subscriber receives."""
    if subscription.protocol in ("email", "sms"):
        return message
    notification = subscription.get_post_data(message, message_id, subject, message_attributes=attributes or None)
    if subscription.protocol == "email-json":
        return json.dumps(notification, indent=2)
    return json.dumps({"Records": [lambda_record(subscription, notification)]})


def lambda_record(subscription, notification):
    """Amazon SNS Developer Guide / AWS Lambda Developer Guide, "Using Lambda with Amazon SNS": the event record."""
    sns_part = {key: notification[key] for key in ("Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion", "Signature")}
    sns_part.update(Subject=notification.get("Subject"), SigningCertUrl=notification["SigningCertURL"],
                    UnsubscribeUrl=notification["UnsubscribeURL"], MessageAttributes=notification.get("MessageAttributes", {}))
    return {"EventSource": "aws:sns", "EventVersion": "1.0", "EventSubscriptionArn": subscription.arn, "Sns": sns_part}


def record_delivery(subscription, body, subject):
    delivery = {"SubscriptionArn": subscription.arn, "TopicArn": subscription.topic.arn, "Protocol": subscription.protocol,
                "Endpoint": subscription.endpoint, "Body": body}
    if subscription.protocol == "email":
        delivery["Subject"] = subject or DEFAULT_EMAIL_SUBJECT
    sns_records.note(subscription, DELIVERIES_ATTRIBUTE, delivery)


def recorded_deliveries(account_id, region, subscription_arn=None):
    """The recorded deliveries of one account and region, oldest first, optionally of one subscription."""
    return sns_records.noted(DELIVERIES_ATTRIBUTE, account_id, region, subscription_arn)
