#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: central_account_plan
short_description: Check the central account and find whether its topic, key or reports bucket differ, in one call
version_added: 0.1.0
description:
  - Reads the notification topic (its attributes, policy, subscriptions and tags) and the KMS key behind an alias (its
    state, description, policy, rotation and tags) in the central account, compares each with the desired state, and
    returns the ones that differ in RV(changes). It changes nothing.
  - With O(bucket), it reads the reports bucket too (its tags, versioning, default encryption, public access block,
    object ownership and policy) and compares it as C(amazon.aws.s3_bucket) would. That module has no check mode, so
    RV(bucket_differences) is what a drift check shows of the bucket.
  - It also makes the checks of M(cloudsec.aged_keys.account_preflight) for the topic, the alias and the bucket - the
    credentials act in O(account_id), none is someone else's - and fails with every problem found.
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
  bucket:
    description:
      - The reports bucket, as C(amazon.aws.s3_bucket) is given it (with O(bucket.name), the tags of RV(bucket_tags),
        C(purge_tags=false) and no C(encryption_key_id), so V(aws:kms) is the AWS managed key C(aws/s3)).
      - Left out, no bucket is read and RV(changes) never holds V(s3_bucket).
    type: dict
    suboptions:
      name:
        description: Name of the bucket.
        type: str
        required: true
      versioning:
        description: Whether versioning is enabled.
        type: bool
        default: true
      encryption:
        description: Default server-side encryption.
        type: str
        choices: [AES256, "aws:kms"]
        default: "aws:kms"
      public_access:
        description: The bucket's public access block.
        type: dict
        required: true
        suboptions:
          block_public_acls:
            description: Block public ACLs.
            type: bool
            default: false
          block_public_policy:
            description: Block public bucket policies.
            type: bool
            default: false
          ignore_public_acls:
            description: Ignore public ACLs.
            type: bool
            default: false
          restrict_public_buckets:
            description: Restrict access to a bucket with a public policy.
            type: bool
            default: false
      object_ownership:
        description: Object ownership.
        type: str
        choices: [BucketOwnerEnforced, BucketOwnerPreferred, ObjectWriter]
        required: true
      policy:
        description: Bucket policy.
        type: dict
        required: true
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
    C(sns:ListTagsForResource); with O(bucket), C(s3:GetBucketTagging), C(s3:GetBucketVersioning),
    C(s3:GetEncryptionConfiguration), C(s3:GetBucketPublicAccessBlock), C(s3:GetBucketOwnershipControls),
    C(s3:GetBucketPolicy).
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
    bucket:
      name: cloudsec-aged-keys-reports-111122223333
      public_access:
        block_public_acls: true
        block_public_policy: true
        ignore_public_acls: true
        restrict_public_buckets: true
      object_ownership: BucketOwnerEnforced
      policy: "{{ lookup('ansible.builtin.file', 'bucket-policy.json') | from_json }}"
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
      the topic; V(s3_bucket) when C(amazon.aws.s3_bucket) would create or change the bucket of O(bucket).
    - Empty when all are as desired.
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
bucket_tags:
  description:
    - The tags the bucket must carry, to give C(amazon.aws.s3_bucket) with C(purge_tags=false), as RV(key_tags) for the key.
    - Empty without O(bucket).
  returned: success
  type: dict
  sample: {"ManagedBy": "cloudsec.aged_keys", "cloudsec.aged_keys:deployment": "111122223333:eu-west-1:cloudsec-aged-keys-notifications"}
bucket_differences:
  description:
    - Each setting of the bucket that C(amazon.aws.s3_bucket) would change (V(bucket) when it does not exist), with its
      value C(before) and C(after); empty when the bucket is as desired or without O(bucket).
  returned: success
  type: dict
  sample: {"versioning": {"before": "Suspended", "after": "Enabled"}}
resources:
  description: What was found of the alias, the topic and the bucket, as M(cloudsec.aged_keys.account_preflight) returns it.
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
