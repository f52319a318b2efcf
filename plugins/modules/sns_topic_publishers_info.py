#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: sns_topic_publishers_info
version_added: 0.1.0
short_description: Tell whether an SNS topic's policies let given IAM roles of other accounts publish
description:
  - Reads an SNS topic's access policy and, when the topic is encrypted, the policy of its KMS key, and tells for
    each principal of O(principals) whether both admit it - C(sns:Publish) on the topic, C(kms:GenerateDataKey)
    and C(kms:Decrypt) on the key through SNS (C(kms:ViaService)).
  - The rollout runs it with the central account's credentials before it converges target accounts without the
    central account (C(--limit), AWX job slices), so that no target account ends up deployed but unable to notify.
  - The policies are evaluated the way the IAM User Guide ("Policy evaluation logic") describes for the condition
    operators C(String*), C(Arn*), C(Bool) and C(Null) (also C(...IfExists), C(ForAnyValue:) and C(ForAllValues:)).
    A statement with another operator cannot be decided - it never admits, and a C(Deny) that cannot be ruled out
    refuses - so the answer errs on the side of "cannot publish".
  - Only the resource policies are read. The principals' own identity policies live in their accounts; the rollout
    manages them there.
  - No module of amazon.aws or community.aws evaluates policies.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  topic_arn:
    description:
      - ARN of the topic. The topic's account must be the account of the credentials.
    type: str
    required: true
  principals:
    description:
      - ARNs of the IAM roles (or users) that publish.
    type: list
    elements: str
    required: true
  organization_id:
    description:
      - The AWS Organizations id of the principals' accounts (C(aws:PrincipalOrgID) of their requests).
      - Leave unset when they are not in an organization, or when it is not known; then statements that require
        C(aws:PrincipalOrgID) do not admit them.
    type: str
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - "IAM permissions: C(sns:GetTopicAttributes); for an encrypted topic also C(kms:DescribeKey) and C(kms:GetKeyPolicy)."
  - The module only reads and never reports C(changed).
extends_documentation_fragment:
  - cloudsec.aged_keys.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Check that the notification topic admits two automation roles
  cloudsec.aged_keys.sns_topic_publishers_info:
    topic_arn: arn:aws:sns:eu-west-1:111111111111:cloudsec-aged-keys-notifications
    principals:
      - arn:aws:iam::222222222222:role/cloudsec-aged-keys-remediation-eu-west-1
      - arn:aws:iam::333333333333:role/cloudsec-aged-keys-remediation-eu-west-1
    organization_id: o-abcd123456
  register: publishers

- name: Fail when one of them cannot publish
  ansible.builtin.assert:
    that: publishers.refused | length == 0
    fail_msg: "{{ publishers.refused | map(attribute='reason') | join('; ') }}"
"""

RETURN = r"""
topic:
  description: The topic that was read.
  returned: success
  type: dict
  contains:
    arn:
      description: Topic ARN.
      type: str
    exists:
      description: Whether the topic exists. When it does not, no principal is admitted.
      type: bool
    kms_key_arn:
      description: ARN of the topic's KMS key, V(null) when the topic is not encrypted (or does not exist).
      type: str
publishers:
  description: One entry per principal of O(principals), in the same order.
  returned: success
  type: list
  elements: dict
  contains:
    principal:
      description: The principal's ARN.
      type: str
    allowed:
      description: Whether the topic policy and the key policy both admit the principal.
      type: bool
    reason:
      description: Why the principal cannot publish, V(null) when it can.
      type: str
  sample:
    - principal: arn:aws:iam::222222222222:role/cloudsec-aged-keys-remediation-eu-west-1
      allowed: false
      reason: the topic policy does not allow sns:Publish
refused:
  description: The entries of RV(publishers) that cannot publish.
  returned: success
  type: list
  elements: dict
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import kms
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import policy_evaluation
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client

PRINCIPAL_ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$")
TOPIC_ACTIONS = ("sns:Publish",)
# Amazon SNS Developer Guide, "Encryption at rest": publishers to an encrypted topic need both.
KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


# ---------------------------------------------------------------- validate


def validate_params(params):
    problems = []
    if not sns.TOPIC_ARN_PATTERN.match(params["topic_arn"]):
        problems.append("topic_arn '{0}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>).".format(params["topic_arn"]))
    bad = [principal for principal in params["principals"] if not PRINCIPAL_ARN_PATTERN.match(principal)]
    if bad:
        problems.append("principals must be IAM role or user ARNs, got: {0}.".format(", ".join(bad)))
    return problems


# ---------------------------------------------------------------- describe


def describe_topic_policies(sns_client, kms_client, topic_arn):
    """{"exists", "policy", "kms_key_arn", "key_policy"} of a topic."""
    attributes = sns.get_topic_attributes(sns_client, topic_arn)
    if attributes is None:
        return {"exists": False, "policy": None, "kms_key_arn": None, "key_policy": None}
    described = sns.topic_attributes_from_aws(attributes)
    found = {"exists": True, "policy": described["policy"], "kms_key_arn": None, "key_policy": None}
    if described["kms_master_key_id"]:
        key = kms.describe_key(kms_client, described["kms_master_key_id"])
        if key is not None:
            found["kms_key_arn"] = key["Arn"]
            found["key_policy"] = kms.get_key_policy(kms_client, key["Arn"])
        else:
            found["kms_key_arn"] = described["kms_master_key_id"]
    return found


# ---------------------------------------------------------------- compare


def request_context(principal, organization_id, region):
    """What AWS puts in the request context of a publish by this principal over TLS."""
    context = {
        "aws:PrincipalArn": principal,
        "aws:PrincipalAccount": policy_evaluation.account_of(principal),
        "aws:SecureTransport": "true",
        "kms:CallerAccount": policy_evaluation.account_of(principal),
        "kms:ViaService": "sns.{0}.amazonaws.com".format(region),
    }
    if organization_id:
        context["aws:PrincipalOrgID"] = organization_id
    return context


def refusal_reason(topic_arn, found, principal, organization_id):
    """Why the principal cannot publish, or None."""
    if not found["exists"]:
        return "the topic {0} does not exist".format(topic_arn)
    context = request_context(principal, organization_id, parse_aws_arn(topic_arn)["region"])
    refused = policy_evaluation.first_refusal(found["policy"], TOPIC_ACTIONS, topic_arn, principal, context)
    if refused:
        return "the topic policy {1} {0}".format(*refused_words(refused))
    if found["kms_key_arn"] is None:
        return None
    if found["key_policy"] is None:
        return "the topic's KMS key {0} does not exist".format(found["kms_key_arn"])
    refused = policy_evaluation.first_refusal(found["key_policy"], KEY_ACTIONS, found["kms_key_arn"], principal, context)
    if refused:
        return "the policy of the topic's KMS key {1} {0}".format(*refused_words(refused))
    return None


def refused_words(refused):
    action, decision = refused
    verb = "denies" if decision == policy_evaluation.DENIED else "does not allow"
    return action, verb


def publishers(topic_arn, found, principals, organization_id):
    entries = []
    for principal in principals:
        reason = refusal_reason(topic_arn, found, principal, organization_id)
        entries.append({"principal": principal, "allowed": reason is None, "reason": reason})
    return entries


# ---------------------------------------------------------------- main


def main():
    argument_spec = dict(
        topic_arn=dict(type="str", required=True),
        principals=dict(type="list", elements="str", required=True),
        organization_id=dict(type="str"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    problems = validate_params(params)
    if problems:
        module.fail_json(msg=" ".join(problems))

    region = parse_aws_arn(params["topic_arn"])["region"]
    sns_client = aws_client(module, "sns", region=region)
    kms_client = aws_client(module, "kms", region=region)
    try:
        found = describe_topic_policies(sns_client, kms_client, params["topic_arn"])
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    entries = publishers(params["topic_arn"], found, params["principals"], params["organization_id"])
    module.exit_json(
        changed=False,
        topic={"arn": params["topic_arn"], "exists": found["exists"], "kms_key_arn": found["kms_key_arn"]},
        publishers=entries,
        refused=[entry for entry in entries if not entry["allowed"]],
    )


if __name__ == "__main__":
    main()
