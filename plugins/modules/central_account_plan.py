#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: central_account_plan
short_description: Check the central account and find whether its topic or key differ, in one call
version_added: 0.1.0
description:
  - Reads the notification topic (its attributes, policy, subscriptions and tags) and the KMS key behind an alias (its
    state, description, policy, rotation and tags) in the central account, compares each with the desired state, and
    returns the ones that differ in RV(changes). It changes nothing.
  - It also makes the checks of M(cloudsec.aged_keys.account_preflight) for the topic and the alias - the credentials
    act in O(account_id), neither is someone else's - and fails with every problem found.
  - The topic is compared by M(cloudsec.aged_keys.sns_topic)'s own functions, in check mode; the key by the checks
    that C(amazon.aws.kms_key) makes for the options the role gives it. The role C(cloudsec.aged_keys.central_account)
    runs only the tasks whose resource differs, so on a converged central account a drift check is this one call.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  deployment_id:
    description:
      - The deployment whose topic and key these are (see M(cloudsec.aged_keys.sns_topic)); a topic or key of another
        deployment is a problem unless O(adopt=true).
    type: str
  adopt:
    description: A same-named topic or alias that is not this deployment's is not a problem, because the rollout will take it over.
    type: bool
    default: false
  key:
    description: The key, as C(amazon.aws.kms_key) is given it (with C(purge_tags=false) and no grants).
    type: dict
    required: true
    suboptions:
      alias:
        description: Alias of the key, with or without C(alias/).
        type: str
        required: true
      description:
        description: Description of the key.
        type: str
        required: true
      policy:
        description: Key policy.
        type: dict
        required: true
      enable_key_rotation:
        description: Whether automatic key rotation is on.
        type: bool
        default: true
  topic:
    description:
      - The topic, as M(cloudsec.aged_keys.sns_topic) is given it - its options, checked as that module checks them,
        except O(cloudsec.aged_keys.sns_topic#module:state), which is V(present), and the ownership options, which are
        this module's O(adopt) and O(deployment_id).
    type: dict
    required: true
extends_documentation_fragment:
  - cloudsec.aged_keys.attributes
  - cloudsec.aged_keys.plan
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - >-
    Permissions used: C(sts:AssumeRole) (with O(assume_role)) or C(sts:GetCallerIdentity); C(kms:ListAliases),
    C(kms:DescribeKey), C(kms:GetKeyPolicy), C(kms:GetKeyRotationStatus), C(kms:ListResourceTags);
    C(sns:GetTopicAttributes), C(sns:ListSubscriptionsByTopic), C(sns:GetSubscriptionAttributes),
    C(sns:ListTagsForResource).
seealso:
  - module: cloudsec.aged_keys.sns_topic
  - module: cloudsec.aged_keys.target_account_plan
"""

EXAMPLES = r"""
- name: Find what differs in the central account
  cloudsec.aged_keys.central_account_plan:
    region: eu-west-1
    account_id: "111122223333"
    assume_role:
      role_arn: arn:aws:iam::111122223333:role/cloudsec-aged-keys-auditor
      session_name: drift-check
    deployment_id: "111122223333:eu-west-1:cloudsec-aged-keys-notifications"
    key:
      alias: cloudsec-aged-keys
      description: Encrypts the cloudsec.aged_keys notification topic.
      policy: "{{ lookup('ansible.builtin.file', 'key-policy.json') | from_json }}"
    topic:
      name: cloudsec-aged-keys-notifications
      display_name: Aged IAM access keys
      kms_master_key_id: alias/cloudsec-aged-keys
      policy: "{{ lookup('ansible.builtin.file', 'topic-policy.json') | from_json }}"
      subscriptions:
        - protocol: email
          endpoint: security@example.com
      purge_subscriptions: false
      purge_tags: false
  register: central_plan

- name: Update the topic only when it differs
  cloudsec.aged_keys.sns_topic:
    name: cloudsec-aged-keys-notifications
    display_name: Aged IAM access keys
    kms_master_key_id: alias/cloudsec-aged-keys
    policy: "{{ lookup('ansible.builtin.file', 'topic-policy.json') | from_json }}"
    purge_tags: false
  when: "'sns_topic' in central_plan.changes"
"""

RETURN = r"""
account_id:
  description: The account the credentials act in.
  returned: always
  type: str
  sample: "111122223333"
changes:
  description:
    - The resources that differ from the desired state, sorted. V(kms_key) when the key is missing, not enabled, or
      its description, policy, rotation or tags differ; V(sns_topic) when C(cloudsec.aged_keys.sns_topic) would change
      the topic.
    - Empty when both are as desired.
  returned: success
  type: list
  elements: str
  sample: ["sns_topic"]
topic_arn:
  description: ARN of the topic, whether it exists or not.
  returned: success
  type: str
  sample: arn:aws:sns:eu-west-1:111122223333:cloudsec-aged-keys-notifications
key_arn:
  description: ARN of the key the alias points to; null when there is no such key yet.
  returned: success
  type: str
  sample: arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
key_tags:
  description:
    - The tags the key must carry, to give C(amazon.aws.kms_key) with C(purge_tags=false) - the ownership tags, and
      C(cloudsec.aged_keys:adopted=true) on a key that was not this deployment's.
  returned: success
  type: dict
  sample: {"ManagedBy": "cloudsec.aged_keys", "cloudsec.aged_keys:deployment": "111122223333:eu-west-1:cloudsec-aged-keys-notifications"}
resources:
  description: What was found of the alias and the topic, as M(cloudsec.aged_keys.account_preflight) returns it.
  returned: always
  type: list
  elements: dict
problems:
  description: Every problem found, each saying how to fix it; the module fails when there is one.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import central_plan
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import plans


def main():
    module = AnsibleAWSModule(argument_spec=central_plan.argument_spec(), supports_check_mode=True)
    module.no_log_values.update(endpoint for endpoint in central_plan.secret_endpoints(module.params) if endpoint)
    plans.run_module(module, central_plan)


if __name__ == "__main__":
    main()
