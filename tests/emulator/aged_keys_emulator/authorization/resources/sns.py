# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Amazon SNS (Service Authorization Reference, "Actions, resources, and condition keys for Amazon SNS").

Resource type: topic arn:PARTITION:sns:REGION:ACCOUNT:NAME, with aws:ResourceTag/KEY; its
resource-based policy is the topic policy. Subscription operations act on the subscription's
topic (the subscription ARN is the topic ARN and an id). Publish to an encrypted topic also
needs kms:GenerateDataKey and kms:Decrypt on the topic's key, through SNS (kms:ViaService
sns.REGION.amazonaws.com; Amazon SNS Developer Guide, "Encryption at rest"), evaluated as
automation/access.py evaluates them for Automation.
"""

from ...automation import access
from .common import Unsupported, anywhere, arn_account, arn_region, merged, need, removed_tag_keys, request_tags, resource_tags

SERVICE = "sns"
# SNS API Reference, Publish, Errors: KMSAccessDenied wraps KMS's AccessDeniedException.
KMS_MESSAGE_SUFFIX = " (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)"


def topic_requirement(call, action, topic_arn, *extra):
    topic = access.find_topic(topic_arn)
    tags = dict(topic._tags) if topic is not None else None  # pylint: disable=protected-access
    return need(call, action, topic_arn, owner=arn_account(topic_arn) or call.account, resource_policy=topic.policy if topic is not None else None,
                **merged(resource_tags(tags), *extra))


def on_topic(action, parameter="TopicArn", extra=None):
    def builder(call):
        return [topic_requirement(call, action, call.required(parameter), *(extra(call) if extra else ()))]

    return builder


def on_subscription_topic(action):
    def builder(call):
        subscription_arn = call.required("SubscriptionArn")
        return [topic_requirement(call, action, subscription_arn.rsplit(":", 1)[0])]

    return builder


def create_topic(call):
    topic_arn = call.arn("sns", call.required("Name"))
    return [topic_requirement(call, "sns:CreateTopic", topic_arn, request_tags(call.params.get("Tags")))]


def subscribe_keys(call):
    return [({"sns:Protocol": call.params.get("Protocol"), "sns:Endpoint": call.params.get("Endpoint")}, ("sns:protocol", "sns:endpoint"))]


def publish(call):
    topic_arn = call.params.get("TopicArn") or call.params.get("TargetArn")
    if not topic_arn:
        raise Unsupported(SERVICE, "Publish", "to a phone number")
    return [topic_requirement(call, "sns:Publish", topic_arn)] + encryption_requirements(call, topic_arn)


def encryption_requirements(call, topic_arn):
    """The KMS calls SNS makes for the publisher of an encrypted topic."""
    topic = access.find_topic(topic_arn)
    if topic is None or not topic.kms_master_key_id:
        return []
    key, key_arn = access.find_key(topic.kms_master_key_id, arn_account(topic_arn), arn_region(topic_arn))
    if key is None:
        return [need(call, "kms:GenerateDataKey", key_arn, failure=("KMSNotFound", f"Invalid keyId {topic.kms_master_key_id}"))]
    if key.key_state != "Enabled":
        return [need(call, "kms:GenerateDataKey", key_arn, failure=("KMSDisabled", f"{key_arn} is {key.key_state.lower()}."))]
    keys = ({"kms:ViaService": f"sns.{arn_region(topic_arn)}.amazonaws.com", "kms:CallerAccount": call.account}, ("kms:viaservice", "kms:calleraccount"))
    return [need(call, action, key_arn, owner=arn_account(key_arn), resource_policy=key.policy, policy_required=True, error_code="KMSAccessDenied",
                 message_suffix=KMS_MESSAGE_SUFFIX, **merged(keys)) for action in access.SNS_ENCRYPTION_ACTIONS]


OPERATIONS = {
    "CreateTopic": create_topic,
    "GetTopicAttributes": on_topic("sns:GetTopicAttributes"),
    "SetTopicAttributes": on_topic("sns:SetTopicAttributes"),
    "DeleteTopic": on_topic("sns:DeleteTopic"),
    "ListSubscriptionsByTopic": on_topic("sns:ListSubscriptionsByTopic"),
    "Subscribe": on_topic("sns:Subscribe", extra=subscribe_keys),
    "ConfirmSubscription": on_topic("sns:ConfirmSubscription"),
    "AddPermission": on_topic("sns:AddPermission"),
    "RemovePermission": on_topic("sns:RemovePermission"),
    "Publish": publish,
    "Unsubscribe": on_subscription_topic("sns:Unsubscribe"),
    "GetSubscriptionAttributes": on_subscription_topic("sns:GetSubscriptionAttributes"),
    "SetSubscriptionAttributes": on_subscription_topic("sns:SetSubscriptionAttributes"),
    "ListTagsForResource": on_topic("sns:ListTagsForResource", "ResourceArn"),
    "TagResource": on_topic("sns:TagResource", "ResourceArn", lambda call: [request_tags(call.params.get("Tags"))]),
    "UntagResource": on_topic("sns:UntagResource", "ResourceArn", lambda call: [removed_tag_keys(call.params.get("TagKeys"))]),
    "ListTopics": anywhere("sns:ListTopics"),
    "ListSubscriptions": anywhere("sns:ListSubscriptions"),
}
