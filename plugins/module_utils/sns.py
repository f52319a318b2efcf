# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Amazon SNS topic and subscription helpers.

Functions take a boto3 ``sns`` client and plain arguments, never the module, so a
mocked client is enough to test them. "Not found" becomes None; other AWS errors
become AnsibleSNSError. Attributes are converted between SNS's strings (JSON
documents, "true"/"false") and the module's option names and data types.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re
from copy import deepcopy
from functools import partial

from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import NAME_PATTERNS
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import set_tags
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import unset_tags
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import update_tags

# CreateTopic: 1-256 letters, digits, '-' and '_' (FIFO topics add '.fifo', not supported here).
TOPIC_NAME_PATTERN = re.compile(NAME_PATTERNS["topic_name"])
TOPIC_ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$")
# Protocols whose endpoints are never shown in full (see shown_endpoint).
SECRET_ENDPOINT_PROTOCOLS = ("http", "https")
# ListSubscriptionsByTopic shows this instead of an ARN until the endpoint confirms.
PENDING_CONFIRMATION = "PendingConfirmation"

# Topic attributes the module manages: option name -> (SNS attribute name, kind).
TOPIC_ATTRIBUTES = (
    ("display_name", "DisplayName", "str"),
    ("kms_master_key_id", "KmsMasterKeyId", "str"),
    ("policy", "Policy", "json"),
    ("delivery_policy", "DeliveryPolicy", "json"),
)

# Subscription attributes the module manages, in the order they must be set:
# SNS validates FilterPolicy against the FilterPolicyScope already in place.
SUBSCRIPTION_ATTRIBUTES = (
    ("filter_policy_scope", "FilterPolicyScope", "str"),
    ("filter_policy", "FilterPolicy", "json"),
    ("raw_message_delivery", "RawMessageDelivery", "bool"),
    ("redrive_policy", "RedrivePolicy", "json"),
    ("delivery_policy", "DeliveryPolicy", "json"),
    ("subscription_role_arn", "SubscriptionRoleArn", "str"),
)


class AnsibleSNSError(AnsibleAWSError):
    pass


class SNSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSNSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFound")


# ---------------------------------------------------------------- validation and identity


def topic_name_problem(name):
    """Why a topic name is unusable, or None."""
    if (name or "").endswith(".fifo"):
        return "SNS topic name '{0}' ends with .fifo: FIFO topics are not supported by this module, use a standard topic.".format(name)
    if not TOPIC_NAME_PATTERN.match(name or ""):
        return "SNS topic name '{0}' is invalid: use 1 to 256 characters from letters, digits, '-' and '_'.".format(name)
    return None


def topic_arn(partition, region, account_id, name):
    return "arn:{0}:sns:{1}:{2}:{3}".format(partition, region, account_id, name)


def canonical_endpoint(protocol, endpoint):
    # SNS stores phone numbers in E.164 form, without separators.
    if protocol == "sms":
        return re.sub(r"[^0-9+]", "", endpoint)
    return endpoint


def endpoint_is_secret(protocol):
    """HTTP/S endpoints often carry a token in their path or query (chat webhooks, paging services)."""
    return protocol in SECRET_ENDPOINT_PROTOCOLS


def shown_endpoint(protocol, endpoint):
    """The endpoint as results, diffs and messages may show it: an HTTP/S URL keeps its scheme and
    host, and a short fingerprint of the whole URL tells two endpoints of one host apart."""
    if not endpoint_is_secret(protocol):
        return endpoint
    match = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)(?:[^@/?#]*@)?([^/?#]*)", endpoint or "")
    fingerprint = hashlib.sha256(to_bytes(endpoint or "")).hexdigest()[:8]
    prefix = match.group(1) + match.group(2) if match else ""
    return "{0}/...(sha256:{1})".format(prefix, fingerprint)


def shown_subscriptions(subscriptions):
    """Copies of normalised subscriptions with their endpoints as shown_endpoint gives them."""
    return [dict(subscription, endpoint=shown_endpoint(subscription["protocol"], subscription["endpoint"]))
            for subscription in subscriptions or []]


def subscription_key(protocol, endpoint):
    """What identifies a subscription on a topic."""
    return protocol, canonical_endpoint(protocol, endpoint)


def subscription_key_of(subscription):
    return subscription_key(subscription["protocol"], subscription["endpoint"])


def is_pending(subscription_arn):
    return subscription_arn == PENDING_CONFIRMATION


# ---------------------------------------------------------------- attribute conversion


def _parse_json(text):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        # Not JSON after all: keep it visible rather than failing the whole describe.
        return text


def _from_aws(kind, value):
    if kind == "json":
        return _parse_json(value)
    if kind == "bool":
        return str(value).lower() == "true"
    return value


def attribute_value_to_aws(kind, value):
    if kind == "json":
        # An empty document removes the policy.
        return json.dumps(value) if value else ""
    if kind == "bool":
        return "true" if value else "false"
    return value


def attributes_from_aws(attributes, spec):
    """SNS attributes (strings) -> option names and data, for the attributes in spec that are set."""
    result = {}
    for option, aws_name, kind in spec:
        if aws_name in attributes:
            result[option] = _from_aws(kind, attributes[aws_name])
    return result


def attributes_to_aws(options, spec):
    """Option names and data -> SNS attribute strings, for the options that are not None."""
    return dict((aws_name, attribute_value_to_aws(kind, options[option])) for option, aws_name, kind in spec if options.get(option) is not None)


def topic_attributes_from_aws(attributes):
    topic = attributes_from_aws(attributes, TOPIC_ATTRIBUTES)
    topic.setdefault("display_name", "")
    # SNS returns KmsMasterKeyId exactly as it was set, and omits it when encryption is off.
    topic["kms_master_key_id"] = topic.get("kms_master_key_id") or ""
    topic.setdefault("policy", None)
    topic["delivery_policy"] = topic.get("delivery_policy") or None
    return topic


def subscription_attributes_from_aws(attributes):
    return attributes_from_aws(attributes, SUBSCRIPTION_ATTRIBUTES)


def subscription_attributes_to_aws(options):
    return attributes_to_aws(options or {}, SUBSCRIPTION_ATTRIBUTES)


def canonical_delivery_policy(policy):
    """A delivery policy with what SNS adds to it, so policies compare as AWS stores them."""
    policy = deepcopy(policy) if policy else None
    if policy and isinstance(policy.get("http"), dict):
        # SNS adds disableSubscriptionOverrides=false to an http policy that omits it.
        policy["http"].setdefault("disableSubscriptionOverrides", False)
    return policy


def values_match(option, kind, current, wanted):
    """Whether an attribute already has the wanted value, comparing documents as data."""
    if option == "policy":
        return not compare_policies(current or {}, wanted or {})
    if option == "delivery_policy":
        return canonical_delivery_policy(current) == canonical_delivery_policy(wanted)
    if option == "filter_policy_scope":
        # SNS applies MessageAttributes when no scope was set.
        return (current or "MessageAttributes") == wanted
    if kind == "json":
        return (current or None) == (wanted or None)
    if kind == "bool":
        return bool(current) == bool(wanted)
    return (current or "") == (wanted or "")


def attribute_changes(current, desired, spec):
    """SNS attribute name -> new value (string) for every desired option (not None) that differs, in spec order."""
    changes = {}
    for option, aws_name, kind in spec:
        wanted = desired.get(option)
        if wanted is not None and not values_match(option, kind, current.get(option), wanted):
            changes[aws_name] = attribute_value_to_aws(kind, wanted)
    return changes


# ---------------------------------------------------------------- reading


@SNSErrorHandler.list_error_handler("get SNS topic attributes")
def get_topic_attributes(client, arn):
    """The topic's attributes, or None when there is no such topic."""
    return client.get_topic_attributes(TopicArn=arn, aws_retry=True)["Attributes"]


@SNSErrorHandler.list_error_handler("list SNS topic tags", {})
def list_topic_tags(client, arn):
    return boto3_tag_list_to_ansible_dict(client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("Tags", []))


@SNSErrorHandler.list_error_handler("list SNS topic subscriptions", [])
def list_topic_subscriptions(client, arn):
    paginator = client.get_paginator("list_subscriptions_by_topic")
    return paginator.paginate(TopicArn=arn).build_full_result().get("Subscriptions", [])


@SNSErrorHandler.list_error_handler("get SNS subscription attributes")
def get_subscription_attributes(client, subscription_arn):
    """The subscription's attributes, or None when it no longer exists."""
    return client.get_subscription_attributes(SubscriptionArn=subscription_arn, aws_retry=True)["Attributes"]


def normalize_subscription(subscription, attributes=None):
    """A ListSubscriptionsByTopic entry with its attributes in option names."""
    pending = is_pending(subscription["SubscriptionArn"])
    return {
        "arn": None if pending else subscription["SubscriptionArn"],
        "protocol": subscription["Protocol"],
        "endpoint": subscription["Endpoint"],
        "pending_confirmation": pending,
        "attributes": subscription_attributes_from_aws(attributes or {}),
    }


def describe_subscriptions(client, arn):
    """Normalised subscriptions of a topic; a pending one has no ARN and no readable attributes."""
    subscriptions = []
    for subscription in list_topic_subscriptions(client, arn):
        attributes = None
        if not is_pending(subscription["SubscriptionArn"]):
            attributes = get_subscription_attributes(client, subscription["SubscriptionArn"])
            if attributes is None:
                # Unsubscribed between the two calls.
                continue
        subscriptions.append(normalize_subscription(subscription, attributes))
    return subscriptions


# ---------------------------------------------------------------- writing


@SNSErrorHandler.common_error_handler("create SNS topic")
def create_topic(client, name, attributes, tags):
    """Create a topic with its attributes (SNS strings) and tags (dict); returns its ARN."""
    params = {"Name": name, "Attributes": attributes or {}}
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return client.create_topic(aws_retry=True, **params)["TopicArn"]


@SNSErrorHandler.common_error_handler("set SNS topic attribute")
def set_topic_attribute(client, arn, name, value):
    client.set_topic_attributes(TopicArn=arn, AttributeName=name, AttributeValue=value, aws_retry=True)


@SNSErrorHandler.common_error_handler("subscribe to SNS topic")
def subscribe(client, arn, protocol, endpoint, attributes=None):
    """Subscribe an endpoint with its attributes (SNS strings); returns the subscription ARN."""
    params = {"TopicArn": arn, "Protocol": protocol, "Endpoint": endpoint, "ReturnSubscriptionArn": True}
    if attributes:
        params["Attributes"] = attributes
    return client.subscribe(aws_retry=True, **params)["SubscriptionArn"]


@SNSErrorHandler.deletion_error_handler("unsubscribe from SNS topic")
def unsubscribe(client, subscription_arn):
    client.unsubscribe(SubscriptionArn=subscription_arn, aws_retry=True)
    return True


@SNSErrorHandler.common_error_handler("set SNS subscription attribute")
def set_subscription_attribute(client, subscription_arn, name, value):
    client.set_subscription_attributes(SubscriptionArn=subscription_arn, AttributeName=name, AttributeValue=value, aws_retry=True)


@SNSErrorHandler.common_error_handler("tag SNS topic")
def tag_topic(client, arn, tags):
    return set_tags(client.tag_resource, tags, ResourceArn=arn)


@SNSErrorHandler.common_error_handler("untag SNS topic")
def untag_topic(client, arn, tag_keys):
    return unset_tags(client.untag_resource, tag_keys, ResourceArn=arn)


def update_topic_tags(client, arn, tags_to_set, tag_keys_to_unset):
    update_tags(partial(tag_topic, client, arn), partial(untag_topic, client, arn), tags_to_set, tag_keys_to_unset)


@SNSErrorHandler.deletion_error_handler("delete SNS topic")
def delete_topic(client, arn):
    """Delete a topic and, with it, its subscriptions; False when it was already gone."""
    client.delete_topic(TopicArn=arn, aws_retry=True)
    return True
