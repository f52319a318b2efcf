#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: target_account_plan
short_description: Check a target account and find which parts of the rollout differ, in one call
version_added: 0.1.0
description:
  - Reads everything the rollout manages in one target account (the automation role and its policies, the
    notification document, the C(ACCESS_KEYS_ROTATED) rule and its remediation configuration), compares each with
    the desired state, and returns the parts that differ in RV(changes). It changes nothing.
  - It also makes the checks of M(cloudsec.aged_keys.account_preflight) - the credentials act in O(account_id),
    AWS Config records IAM users, no resource of ours is someone else's - and fails with every problem found.
  - The comparisons are those of the modules that apply each part (M(cloudsec.aged_keys.ssm_document),
    M(cloudsec.aged_keys.config_rule), M(cloudsec.aged_keys.config_remediation_configuration), and amazon.aws's
    C(iam_role) and C(iam_policy)), so the role C(cloudsec.aged_keys.target_account) runs only the tasks whose part
    differs. On a converged account the plan is empty and the whole drift check is this one call.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  deployment_id:
    description:
      - The deployment whose resources the rollout manages (see M(cloudsec.aged_keys.sns_topic)); a resource of
        another deployment is a problem unless O(adopt=true).
    type: str
  adopt:
    description: A same-named resource that is not this deployment's is not a problem, because the rollout will take it over.
    type: bool
    default: false
  allow_missing_recorder:
    description:
      - The rollout creates AWS Config recording where the region has none, and completes its own recorder (see
        RV(config_recording.rollout_action)), so that is not a problem.
    type: bool
    default: false
  own_recorder_name:
    description:
      - Name of the recorder the rollout creates; with O(allow_missing_recorder=true), a recorder of this name that is
        stopped or has no delivery channel, or a delivery channel of this name without a recorder, is not a problem.
    type: str
  automation_role:
    description: The automation role, as amazon.aws's C(iam_role) and C(iam_policy) are given it.
    type: dict
    required: true
    suboptions:
      name:
        description: Role name.
        type: str
        required: true
      description:
        description: Role description.
        type: str
        required: true
      trust_policy:
        description: Trust policy document.
        type: dict
        required: true
      boundary:
        description: ARN of the permissions boundary; empty for none.
        type: str
        default: ''
      policy_name:
        description: Name of the role's one inline policy; any other inline policy differs.
        type: str
        required: true
      policy:
        description: The inline policy document.
        type: dict
        required: true
  document:
    description: The notification document, as M(cloudsec.aged_keys.ssm_document) is given it.
    type: dict
    required: true
    suboptions:
      name:
        description: Document name.
        type: str
        required: true
      content:
        description: Document content, as data or as JSON or YAML text.
        type: raw
        required: true
  config_rule:
    description: The rule, as M(cloudsec.aged_keys.config_rule) is given it.
    type: dict
    required: true
    suboptions:
      name:
        description: Rule name.
        type: str
        required: true
      description:
        description: Rule description.
        type: str
      source_identifier:
        description: Identifier of the AWS managed rule.
        type: str
        required: true
      input_parameters:
        description: Rule parameters.
        type: dict
      maximum_execution_frequency:
        description: How often the rule runs.
        type: str
  remediation:
    description: The rule's remediation configuration, as M(cloudsec.aged_keys.config_remediation_configuration) is given it.
    type: dict
    required: true
    suboptions:
      target_id:
        description: Name of the SSM document; its default version is the target version.
        type: str
        required: true
      resource_type:
        description: Resource type the remediation applies to.
        type: str
      automatic:
        description: Remediate automatically.
        type: bool
        default: false
      maximum_automatic_attempts:
        description: Automatic attempts.
        type: int
        default: 5
      retry_attempt_seconds:
        description: Seconds between attempts.
        type: int
        default: 60
      parameters:
        description: Parameters of the document, each with exactly one of C(resource_value) or C(static_value).
        type: dict
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
    Permissions used: C(sts:AssumeRole) (with O(assume_role)) or C(sts:GetCallerIdentity);
    C(config:DescribeConfigurationRecorders), C(config:DescribeConfigurationRecorderStatus),
    C(config:DescribeDeliveryChannels); C(iam:GetRole), C(iam:ListRolePolicies), C(iam:GetRolePolicy),
    C(iam:ListAttachedRolePolicies); C(ssm:DescribeDocument), C(ssm:GetDocument), C(ssm:ListTagsForResource);
    C(config:DescribeConfigRules), C(config:ListTagsForResource), C(config:DescribeRemediationConfigurations).
"""

EXAMPLES = r"""
- name: Find what differs in a target account
  cloudsec.aged_keys.target_account_plan:
    region: eu-west-1
    account_id: "222233334444"
    assume_role:
      role_arn: arn:aws:iam::222233334444:role/cloudsec-aged-keys-auditor
      session_name: drift-check
    deployment_id: "111122223333:eu-west-1:cloudsec-aged-keys-notifications"
    automation_role:
      name: cloudsec-aged-keys-remediation-eu-west-1
      description: Runs the notification document.
      trust_policy: "{{ lookup('ansible.builtin.file', 'trust.json') | from_json }}"
      policy_name: cloudsec-aged-keys-notify
      policy: "{{ lookup('ansible.builtin.file', 'policy.json') | from_json }}"
    document:
      name: cloudsec-aged-keys-notify
      content: "{{ lookup('ansible.builtin.file', 'notify_aged_access_key.yml') }}"
    config_rule:
      name: cloudsec-aged-keys-access-keys-rotated
      source_identifier: ACCESS_KEYS_ROTATED
      input_parameters:
        maxAccessKeyAge: "90"
      maximum_execution_frequency: TwentyFour_Hours
    remediation:
      target_id: cloudsec-aged-keys-notify
      resource_type: AWS::IAM::User
      automatic: true
      parameters:
        ResourceId:
          resource_value: RESOURCE_ID
  register: plan

- name: Show the parts that differ
  ansible.builtin.debug:
    var: plan.changes
"""

RETURN = r"""
account_id:
  description: The account the credentials act in.
  returned: always
  type: str
  sample: "222233334444"
changes:
  description:
    - The parts that differ from the desired state, each the task of the rollout that would change it - C(automation_role),
      C(automation_policy), C(extra_inline_policies), C(document), C(config_rule), C(remediation).
    - Empty when the account is converged.
  returned: always
  type: list
  elements: str
  sample: [config_rule]
document_version:
  description: Default version of the existing document, or null when there is none.
  returned: always
  type: str
  sample: "3"
config_recording:
  description:
    - AWS Config recording in the region, as M(cloudsec.aged_keys.account_preflight) returns it, with what the rollout
      must do about it.
  returned: always
  type: dict
  contains:
    rollout_action:
      description:
        - What the rollout must do about recording, decided from the recording found, O(own_recorder_name) and
          O(allow_missing_recorder). The role C(cloudsec.aged_keys.target_account) runs
          M(cloudsec.aged_keys.config_recorder) unless it is V(none), and that module decides the same way.
        - V(create) - the region has no recorder (nor a delivery channel, but one named O(own_recorder_name)) and
          O(allow_missing_recorder=true).
        - V(complete) - the recorder O(own_recorder_name) is stopped or has no delivery channel, and
          O(allow_missing_recorder=true).
        - V(none) - otherwise. Null when recording could not be read.
      type: str
      choices: [none, create, complete]
      sample: none
resources:
  description:
    - The role, the document and the rule, in that order, as M(cloudsec.aged_keys.account_preflight) returns its
      O(cloudsec.aged_keys.account_preflight#module:resources) (with the role's C(inline_policies)).
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

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_plan
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import plans


def main():
    plans.run_module(AnsibleAWSModule(argument_spec=account_plan.argument_spec(), supports_check_mode=True), account_plan)


if __name__ == "__main__":
    main()
