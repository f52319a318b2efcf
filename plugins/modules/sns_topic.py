#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: sns_topic
version_added: 0.1.0
short_description: Manage an encrypted Amazon SNS topic, its policy and its subscriptions
description:
  - Create, update and delete a standard SNS topic with its display name, KMS encryption,
    access policy, delivery policy, subscriptions (with their attributes) and tags.
  - This module exists because C(community.aws.sns_topic) cannot set server-side encryption
    (C(KmsMasterKeyId)) and its check mode fails on a topic that does not exist yet. Here check
    mode predicts the result without calling anything on a topic that is not there.
  - Policies are compared as data (the access policy with C(amazon.aws)'s policy comparison), so
    formatting and ordering never cause a change.
  - Subscriptions waiting for their endpoint to confirm (email, HTTP/S) have no ARN yet. SNS
    cannot remove them or change their attributes; the module reports them with
    RV(sns_topic.subscriptions[].pending_confirmation=true) and a warning instead of failing.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  name:
    description:
      - Name of the topic in the account and region of the credentials, 1 to 256 letters,
        digits, C(-) and C(_). FIFO topics are not supported.
    type: str
    required: true
  state:
    description:
      - Whether the topic should exist. V(absent) deletes the topic and its subscriptions.
    type: str
    choices: [present, absent]
    default: present
  display_name:
    description:
      - Display name of the topic, used as the sender name of SMS and email messages.
      - Leave unset to not manage it, V("") removes it.
    type: str
  kms_master_key_id:
    description:
      - The KMS key that encrypts messages at rest, as a key id, key ARN, alias name or alias ARN.
      - It is compared exactly as given, because SNS returns exactly what was set. Use the same
        spelling on every run.
      - Publishers in other accounts need a customer-managed key; C(alias/aws/sns) cannot be shared.
      - Leave unset to not manage encryption, V("") disables it.
    type: str
  policy:
    description:
      - The topic's access policy, as data.
      - Leave unset to not manage it (a new topic then gets the SNS default policy).
    type: dict
  delivery_policy:
    description:
      - The topic's delivery policy (retries for HTTP/S endpoints), as data.
      - Leave unset to not manage it, V({}) removes it.
    type: dict
  subscriptions:
    description:
      - Subscriptions of the topic. A subscription is identified by O(subscriptions[].protocol)
        and O(subscriptions[].endpoint).
      - Leave unset to not manage subscriptions.
    type: list
    elements: dict
    suboptions:
      protocol:
        description: Delivery protocol.
        type: str
        required: true
        choices: [application, email, email-json, firehose, http, https, lambda, sms, sqs]
      endpoint:
        description:
          - Where messages go, for example an email address or a queue ARN.
          - HTTP/S endpoints often carry a token, so the module never returns or prints them in full. Results, diffs
            and messages show the scheme, the host and a fingerprint, and Ansible masks the full URL wherever it
            would print it.
        type: str
        required: true
      attributes:
        description:
          - Subscription attributes. An attribute left unset is not managed.
          - They are given to SNS when subscribing, so they also apply to a subscription that is
            still pending confirmation; SNS does not show them until the endpoint confirms.
        type: dict
        suboptions:
          raw_message_delivery:
            description: Deliver the message without the SNS JSON envelope (C(RawMessageDelivery)).
            type: bool
          filter_policy:
            description: Filter policy (C(FilterPolicy)) as data; V({}) removes it.
            type: dict
          filter_policy_scope:
            description:
              - What O(subscriptions[].attributes.filter_policy) applies to (C(FilterPolicyScope)).
              - Only with O(subscriptions[].attributes.filter_policy); SNS uses V(MessageAttributes) by default.
            type: str
            choices: [MessageAttributes, MessageBody]
          redrive_policy:
            description:
              - Dead-letter queue for undeliverable messages (C(RedrivePolicy)), a dictionary with the
                key C(deadLetterTargetArn) set to an SQS queue ARN; V({}) removes it.
            type: dict
          delivery_policy:
            description: Delivery policy of an HTTP/S subscription (C(DeliveryPolicy)); V({}) removes it.
            type: dict
          subscription_role_arn:
            description: Role SNS assumes to write to a Firehose stream (C(SubscriptionRoleArn)); required for O(subscriptions[].protocol=firehose).
            type: str
  purge_subscriptions:
    description:
      - Remove subscriptions not listed in O(subscriptions). Only applies when O(subscriptions) is set.
      - With V(false), subscriptions that others made (by hand, or another tool) are left in place and only
        the listed ones are added or updated.
      - Pending subscriptions count as present. SNS cannot remove them; they are reported with
        a warning and expire when not confirmed within three days.
    type: bool
    default: true
  tags:
    description:
      - Tags for the topic. Leave unset to not manage tags other than the ownership tag.
    type: dict
  purge_tags:
    description:
      - Remove tags not listed in O(tags). The ownership tag is never removed.
    type: bool
    default: true
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The topic ARN is built from the caller's account (sts:GetCallerIdentity) and the region.
  - The module calls sns:GetTopicAttributes, sns:ListTagsForResource, sns:ListSubscriptionsByTopic,
    sns:GetSubscriptionAttributes, sns:CreateTopic, sns:SetTopicAttributes, sns:Subscribe, sns:Unsubscribe,
    sns:SetSubscriptionAttributes, sns:TagResource, sns:UntagResource and sns:DeleteTopic.
extends_documentation_fragment:
  - cloudsec.aged_keys.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cloudsec.aged_keys.ownership
"""

EXAMPLES = r"""
- name: Central topic, encrypted with a customer-managed key, that target accounts publish to
  cloudsec.aged_keys.sns_topic:
    name: aged-access-keys
    display_name: Aged access keys
    kms_master_key_id: alias/aged-access-keys
    policy:
      Version: "2012-10-17"
      Statement:
        - Sid: PublishFromOrganization
          Effect: Allow
          Principal: "*"
          Action: sns:Publish
          Resource: arn:aws:sns:eu-west-1:111122223333:aged-access-keys
          Condition:
            StringEquals:
              aws:PrincipalOrgID: o-exampleorgid
    subscriptions:
      - protocol: email
        endpoint: security-team@example.com
      - protocol: sqs
        endpoint: arn:aws:sqs:eu-west-1:111122223333:aged-access-keys
        attributes:
          raw_message_delivery: true
    tags:
      Purpose: aged-access-keys
  register: topic

- name: Turn encryption off and leave subscriptions as they are
  cloudsec.aged_keys.sns_topic:
    name: aged-access-keys
    kms_master_key_id: ""

- name: Delete the topic and its subscriptions
  cloudsec.aged_keys.sns_topic:
    name: aged-access-keys
    state: absent
"""

RETURN = r"""
sns_topic:
  description: The topic after the change (predicted in check mode). Empty when O(state=absent).
  returned: always
  type: complex
  contains:
    arn:
      description: Topic ARN.
      type: str
      returned: success
      sample: arn:aws:sns:eu-west-1:111122223333:aged-access-keys
    name:
      description: Topic name.
      type: str
      returned: success
      sample: aged-access-keys
    display_name:
      description: Display name, V("") when none.
      type: str
      returned: success
    kms_master_key_id:
      description: The KMS key as it was set, V("") when the topic is not encrypted.
      type: str
      returned: success
      sample: alias/aged-access-keys
    policy:
      description: Access policy as data. In check mode, V(null) for a new topic without O(policy) (SNS picks a default).
      type: dict
      returned: success
    delivery_policy:
      description: Delivery policy as data, V(null) when none.
      type: dict
      returned: success
    subscriptions:
      description: Subscriptions of the topic.
      type: list
      elements: dict
      returned: success
      contains:
        arn:
          description: Subscription ARN; V(null) while pending confirmation, and in check mode for a new subscription.
          type: str
        protocol:
          description: Delivery protocol.
          type: str
        endpoint:
          description: Endpoint. An HTTP/S endpoint is shown as its scheme and host with a fingerprint of the whole URL.
          type: str
          sample: https://hooks.example.com/...(sha256:1f2e3d4c)
        pending_confirmation:
          description: Whether the endpoint has not confirmed yet (predicted for new subscriptions in check mode).
          type: bool
        attributes:
          description: Managed attributes, in option names (empty while pending confirmation).
          type: dict
    tags:
      description: Topic tags.
      type: dict
      returned: success
      sample: {"ManagedBy": "cloudsec.aged_keys"}
subscription_changes:
  description:
    - The subscriptions the module added, removed or updated (in check mode, would add, remove or update),
      each as its protocol and endpoint, HTTP/S endpoints shown as in RV(sns_topic.subscriptions[].endpoint).
  returned: success
  type: dict
  contains:
    added:
      description: Subscriptions added.
      type: list
      elements: dict
    removed:
      description: Subscriptions removed (only with O(purge_subscriptions=true)).
      type: list
      elements: dict
    updated:
      description: Subscriptions whose attributes changed.
      type: list
      elements: dict
  sample: {"added": [{"protocol": "sqs", "endpoint": "arn:aws:sqs:eu-west-1:111111111111:findings"}], "removed": [], "updated": []}
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns_topic
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import leave_alone
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.results import build_result
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client


def ensure_state(module, client, before, arn, params):
    """(changed, after, subscription plan or None) for the requested state; a topic someone else owns is left alone."""
    if leave_alone(module, Ownership.from_params(params).problem("SNS topic", before, params["state"])):
        return False, before, None
    if params["state"] == "absent":
        return sns_topic.ensure_absent(client, before, module.check_mode), None, None
    return sns_topic.ensure_present(client, before, arn, params, module.check_mode)


def shown_topic(topic):
    """The topic as results and diffs show it: HTTP/S endpoints without their path and query."""
    if not topic:
        return topic
    return dict(topic, subscriptions=sns.shown_subscriptions(topic.get("subscriptions")))


def hide_secret_endpoints(module, *topics):
    """Mask every HTTP/S endpoint, given or found, wherever Ansible would print it (module arguments included)."""
    subscriptions = list(module.params["subscriptions"] or [])
    for topic in topics:
        subscriptions.extend((topic or {}).get("subscriptions") or [])
    for subscription in subscriptions:
        if sns.endpoint_is_secret(subscription["protocol"]):
            module.no_log_values.add(subscription["endpoint"])


# ---------------------------------------------------------------- main


def main():
    module = AnsibleAWSModule(argument_spec=sns_topic.argument_spec(), supports_check_mode=True)
    params = module.params
    hide_secret_endpoints(module)
    problems = sns_topic.validate_params(params)
    if problems:
        module.fail_json(msg=" ".join(problems))

    client = aws_client(module, "sns")
    account_id, partition = get_aws_account_info(module)
    arn = sns.topic_arn(partition, client.meta.region_name, account_id, params["name"])
    try:
        before = sns_topic.describe_topic(client, arn)
        hide_secret_endpoints(module, before)
        changed, after, plan = ensure_state(module, client, before, arn, params)
        if changed and after and not module.check_mode:
            after = sns_topic.describe_topic(client, arn)
            hide_secret_endpoints(module, after)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    for warning in (plan or {}).get("warnings", []):
        module.warn(warning)
    result = build_result(changed, "sns_topic", shown_topic(before), shown_topic(after), module._diff)
    result["subscription_changes"] = sns_topic.subscription_changes(plan)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
