# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What SNS needs to deliver to an SQS queue, and the deliveries that failed.

SNS sends to a subscribed queue as the service principal sns.amazonaws.com, on behalf of
the topic:
- The queue policy must allow sqs:SendMessage to it (Amazon SNS Developer Guide, "Fanout
  to Amazon SQS queues", "Give permission to the Amazon SNS topic to send messages to the
  Amazon SQS queue": Principal Service sns.amazonaws.com, Condition aws:SourceArn the topic).
  A queue without a policy admits nobody but its own account's identities.
- A queue encrypted with a KMS key (KmsMasterKeyId) needs that key to let
  sns.amazonaws.com call kms:GenerateDataKey and kms:Decrypt (Amazon SQS Developer Guide,
  "Amazon SQS key management", "Enable compatibility between event sources from AWS
  services and encrypted queues"; Amazon SNS Developer Guide, "Encryption at rest").
  The AWS managed key alias/aws/sqs cannot do that: its key policy cannot be changed and
  admits only principals of the account calling through SQS (same guide, "Configuring
  AWS KMS permissions"), so SNS cannot deliver to a queue encrypted with it.
Requests of a service principal carry aws:SourceArn (the topic), aws:SourceAccount (its
owner), aws:PrincipalServiceName and aws:PrincipalIsAWSService (IAM User Guide, "AWS
global condition context keys"); the KMS calls also kms:ViaService sqs.REGION.amazonaws.com,
as SQS makes them. Policies are evaluated by automation/policy.py.

SNS does not retry such client-side errors: the message is dropped, or moved to the
subscription's dead-letter queue, and delivery status logging reports it (Amazon SNS
Developer Guide, "Amazon SNS message delivery retries", "Amazon SNS dead-letter queues").
The emulator drops it and records the failure instead, per topic account and region, read
through POST /_emulator/sns/delivery-failures. Error codes are those of the SQS API
Reference (SendMessage, Errors; Common Errors for AccessDeniedException).
"""

import dataclasses
import re

from moto.utilities.utils import get_partition

from . import sns_records
from .automation import access, policy
from .automation.identity import Identity

SNS_SERVICE_PRINCIPAL = "sns.amazonaws.com"
ENCRYPTION_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
AWS_MANAGED_SQS_ALIAS = "alias/aws/sqs"
FAILURES_ATTRIBUTE = "emulator_delivery_failures"


@dataclasses.dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def aws_managed_sqs_key_policy(account, region):
    """The key policy of the AWS managed key for SQS (aws/sqs): the account's principals, through SQS only. It cannot be changed."""
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "Allow access through Simple Queue Service (SQS) for all principals in the account that are authorized to use SQS",
         "Effect": "Allow", "Principal": {"AWS": "*"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
         "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": account, "kms:ViaService": f"sqs.{region}.amazonaws.com"}}},
        {"Sid": "Allow direct access to key metadata to the account", "Effect": "Allow",
         "Principal": {"AWS": f"arn:{get_partition(region)}:iam::{account}:root"},
         "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"], "Resource": "*"},
    ]}


def delivery_refusal(topic_arn, queue):
    """None when SNS may deliver from `topic_arn` to `queue`, else the Refusal SQS answers."""
    refusal = queue_policy_refusal(topic_arn, queue)
    if refusal is None and queue.kms_master_key_id:
        refusal = queue_key_refusal(topic_arn, queue)
    return refusal


def queue_policy_refusal(topic_arn, queue):
    decision = policy.evaluate(queue.policy or '{"Statement": []}', service_request("sqs:SendMessage", queue.queue_arn, topic_arn), resource_policy=True)
    if decision.allow and not decision.deny:
        return None
    # AWS re:Post Knowledge Center, "Troubleshoot AccessDenied errors in Amazon SQS": SQS's wording.
    detail = f" (not evaluated by the emulator: {'; '.join(decision.notes)})" if decision.notes else ""
    return Refusal("AccessDeniedException", f"Access to the resource {queue.physical_resource_id} is denied.{detail}")


def queue_key_refusal(topic_arn, queue):
    reference = queue.kms_master_key_id
    if is_aws_managed_sqs_key(reference):
        key_arn = f"arn:{get_partition(queue.region)}:kms:{queue.region}:{queue.account_id}:{AWS_MANAGED_SQS_ALIAS}"
        return key_policy_refusal(topic_arn, aws_managed_sqs_key_policy(queue.account_id, queue.region), key_arn, queue.region)
    key, key_arn = access.find_key(reference, queue.account_id, queue.region)
    if key is None:
        return Refusal("KmsNotFound", f"Invalid keyId {reference}")
    if key.key_state != "Enabled":
        state = re.sub(r"(?<!^)(?=[A-Z])", " ", key.key_state).lower()
        return Refusal("KmsDisabled" if key.key_state == "Disabled" else "KmsInvalidState", f"{key_arn} is {state}.")
    return key_policy_refusal(topic_arn, key.policy, key_arn, queue.region)


def is_aws_managed_sqs_key(reference):
    return reference == AWS_MANAGED_SQS_ALIAS or reference.endswith(":" + AWS_MANAGED_SQS_ALIAS)


def key_policy_refusal(topic_arn, key_policy, key_arn, region):
    via_sqs = {"kms:ViaService": f"sqs.{region}.amazonaws.com"}
    for action in ENCRYPTION_ACTIONS:
        decision = policy.evaluate(key_policy, service_request(action, key_arn, topic_arn, via_sqs), resource_policy=True)
        if decision.deny:
            reason = "with an explicit deny in a resource-based policy"
        elif not decision.allow:
            reason = f"because no resource-based policy allows the {action} action"
        else:
            continue
        message = access.denial_message(service_identity(access.arn_account(topic_arn)), "kms", action, key_arn, (reason, decision.notes))
        return Refusal("KmsAccessDenied", message)
    return None


def service_principal(account):
    return policy.Principal(arn=SNS_SERVICE_PRINCIPAL, account=account, principal_arn=SNS_SERVICE_PRINCIPAL, service=SNS_SERVICE_PRINCIPAL)


def service_identity(account):
    return Identity(principal=service_principal(account), credentials={})


def service_request(action, resource, topic_arn, extra_context=None):
    """A request SNS makes for `topic_arn`, with the condition keys of a service principal."""
    context = {"aws:SourceArn": topic_arn, "aws:SourceAccount": access.arn_account(topic_arn),
               "aws:PrincipalServiceName": SNS_SERVICE_PRINCIPAL, "aws:PrincipalIsAWSService": "true"}
    context.update(extra_context or {})
    return policy.Request(action=action, resource=resource, principal=service_principal(access.arn_account(topic_arn)), context=context,
                          known_keys=("aws:principalservicename", "aws:principalisawsservice"))


# --- Failed deliveries -------------------------------------------------------------------------

def record_failure(subscription, message_id, refusal):
    """Note a delivery SNS gave up on, in the topic's account and region."""
    sns_records.note(subscription, FAILURES_ATTRIBUTE, {
        "SubscriptionArn": subscription.arn, "TopicArn": subscription.topic.arn, "Protocol": subscription.protocol,
        "Endpoint": subscription.endpoint, "MessageId": message_id, "ErrorCode": refusal.code, "ErrorMessage": refusal.message})


def recorded_failures(account_id, region, subscription_arn=None):
    """The failed deliveries of the topics of one account and region, oldest first, optionally of one subscription."""
    return sns_records.noted(FAILURES_ATTRIBUTE, account_id, region, subscription_arn)
