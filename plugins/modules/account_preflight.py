#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: account_preflight
version_added: 0.1.0
short_description: Check that an AWS account and region are ready for the aged access key rollout
description:
  - Checks, before anything in an account is changed, that the rollout can complete there, so
    that a run never leaves an account half configured.
  - With O(config_recording=required), checks that AWS Config in the region has a configuration
    recorder that records C(AWS::IAM::User), is recording, and has a delivery channel.
  - For each entry in O(resources), looks up the same-named resource the rollout would create and
    reports whether it exists and whether it carries the ownership tag C(ManagedBy=cloudsec.aged_keys).
  - Collects every problem found, each with the fix, and then fails once listing all of them
    (O(fail_on_problems=true)) or returns them.
  - The module only reads. It never reports C(changed) and behaves the same in check mode.
  - No existing module offers these checks; they combine AWS Config, IAM, SSM, SNS, KMS and S3 reads.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  config_recording:
    description:
      - V(required) checks the AWS Config recording set-up of the region and returns RV(config_recording).
      - V(ignore) skips the check and makes no AWS Config call.
    type: str
    choices: [required, ignore]
    default: ignore
  allow_missing_recorder:
    description:
      - When V(true), a region with neither a configuration recorder nor a delivery channel is not a
        problem, because the rollout is going to create both (RV(config_recording.rollout_action) is V(create)).
      - A recorder that exists but does not record C(AWS::IAM::User) or is stopped is still a problem,
        because the rollout never changes a recorder it did not create.
      - Only used with O(config_recording=required).
    type: bool
    default: false
  own_recorder_name:
    description:
      - Name of the recorder the rollout creates. With O(allow_missing_recorder=true), a recorder of this
        name that is stopped or has no delivery channel is not a problem, because the rollout completes it
        (RV(config_recording.rollout_action) is V(complete)). It must still record C(AWS::IAM::User).
      - With O(allow_missing_recorder=true), a delivery channel of this name in a region without a recorder
        is not a problem either, because it was left by an earlier run and the rollout creates the recorder for it.
    type: str
  account_id:
    description:
      - The 12-digit id of the account the credentials must act in. C(sts:GetCallerIdentity) tells the account they
        act in; any other account is a problem, so that nothing is ever changed in the wrong account (a mistyped
        C(account_id), ambient credentials of another account).
      - Leave unset to not check.
    type: str
    version_added: 0.1.0
  resources:
    description:
      - Named resources the rollout will create in this account and region.
      - Only the AWS services these entries need are called.
    type: list
    elements: dict
    default: []
    suboptions:
      type:
        description:
          - Kind of resource.
          - For V(sns_topic) the topic is looked up in the caller's account and the module's region.
          - For V(kms_alias) ownership is read from the tags of the key the alias points to.
          - For V(s3_bucket) the module also tells whether the bucket is empty (RV(resources[].empty)). Bucket names
            are global - a bucket of that name in another account is refused (a problem), as is a denied read.
        type: str
        required: true
        choices: [iam_role, ssm_document, config_rule, sns_topic, kms_alias, s3_bucket]
      name:
        description:
          - Name of the resource. A V(kms_alias) name may be given with or without the C(alias/) prefix.
        type: str
        required: true
  deployment_id:
    description:
      - The deployment whose resources the rollout manages (see the option of the same name in
        M(cloudsec.aged_keys.sns_topic)). A resource whose tag C(cloudsec.aged_keys:deployment) names another
        deployment is not owned.
      - Unset, a resource of any deployment is owned.
    type: str
  adopt:
    description:
      - When V(true), a same-named resource that is not owned is reported in RV(resources) but is
        not a problem, because the rollout is going to take it over.
      - Resources that belong to AWS or to another AWS service are problems either way.
    type: bool
    default: false
  fail_on_problems:
    description:
      - When V(true), the module fails with one message that lists every problem found.
      - When V(false), it succeeds and returns the problems in RV(problems).
    type: bool
    default: true
notes:
  - >-
    Permissions used: C(config:DescribeConfigurationRecorders), C(config:DescribeConfigurationRecorderStatus),
    C(config:DescribeDeliveryChannels) for the recording check; C(iam:GetRole) and C(iam:ListRolePolicies);
    C(ssm:DescribeDocument), C(ssm:ListTagsForResource); C(config:DescribeConfigRules),
    C(config:ListTagsForResource); C(sts:GetCallerIdentity), C(sns:GetTopicAttributes),
    C(sns:ListTagsForResource); C(kms:ListAliases), C(kms:ListResourceTags); C(s3:GetBucketTagging),
    C(s3:ListBucketVersions). A denied call becomes a problem naming the missing permission.
  - Service-linked configuration recorders (created by other AWS services) are ignored; only the
    region's own recorder counts.
attributes:
  check_mode:
    description: Can run in check mode and returns the same result as a normal run.
    support: full
  diff_mode:
    description: The module changes nothing, so there is no diff.
    support: none
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Check the home region records IAM users and no foreign resources block the rollout
  cloudsec.aged_keys.account_preflight:
    region: eu-west-1
    config_recording: required
    resources:
      - type: iam_role
        name: aged-keys-remediation-eu-west-1
      - type: ssm_document
        name: AgedKeys-Notify
      - type: config_rule
        name: aged-keys-access-keys-rotated

- name: Let the rollout create AWS Config where the account has none
  cloudsec.aged_keys.account_preflight:
    config_recording: required
    allow_missing_recorder: true

- name: Report problems without failing, e.g. for a readiness report
  cloudsec.aged_keys.account_preflight:
    config_recording: required
    resources:
      - type: sns_topic
        name: aged-keys-notifications
      - type: kms_alias
        name: alias/aged-keys
    fail_on_problems: false
  register: preflight

- name: Show what needs fixing
  ansible.builtin.debug:
    var: preflight.problems
"""

RETURN = r"""
config_recording:
  description: AWS Config recording set-up of the region. Values are null when they could not be read.
  returned: when O(config_recording=required)
  type: dict
  contains:
    recorder_exists:
      description: Whether the region has its own (not service-linked) configuration recorder.
      type: bool
      sample: true
    recorder_name:
      description: Name of that recorder.
      type: str
      sample: default
    recording:
      description: Whether the recorder is running.
      type: bool
      sample: true
    records_iam_users:
      description: Whether the recorder's recording group covers C(AWS::IAM::User).
      type: bool
      sample: true
    last_status:
      description: Status of the recorder's last recording attempt (C(Pending), C(Success) or C(Failure)).
      type: str
      sample: Success
    last_error_code:
      description: Error code of the last failed recording attempt.
      type: str
      sample: null
    last_error_message:
      description: Error message of the last failed recording attempt.
      type: str
      sample: null
    delivery_channel_exists:
      description: Whether the region has a delivery channel.
      type: bool
      sample: true
    delivery_channel_name:
      description: Name of the delivery channel.
      type: str
      sample: default
    rollout_action:
      description:
        - What the rollout must do about recording, from O(allow_missing_recorder) and O(own_recorder_name).
        - V(create) where the rollout creates the recorder and delivery channel, V(complete) where it gives its own
          recorder a delivery channel or starts it, V(none) otherwise (always without O(allow_missing_recorder)).
      type: str
      choices: [none, create, complete]
      sample: none
resources:
  description: One entry per requested resource, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    type:
      description: Kind of resource, as requested.
      type: str
      sample: iam_role
    name:
      description: Name of the resource, as requested.
      type: str
      sample: aged-keys-remediation-eu-west-1
    exists:
      description: Whether a resource of that name exists. Null when it could not be looked up.
      type: bool
      sample: true
    owned:
      description:
        - Whether it carries the ownership tag C(ManagedBy=cloudsec.aged_keys) and, with O(deployment_id), belongs
          to that deployment (or to none, from before deployment ids).
        - Null when it does not exist or could not be looked up.
      type: bool
      sample: false
    adopted:
      description:
        - Whether it carries the mark C(cloudsec.aged_keys:adopted=true) of a resource that was taken over with
          adopt rather than created; cleanup leaves such resources in place unless told otherwise.
        - Null when it does not exist or could not be looked up.
      type: bool
      sample: false
    deployment_id:
      description: The value of its tag C(cloudsec.aged_keys:deployment), or null.
      type: str
      sample: "123456789012:eu-west-1:cloudsec-aged-keys-notifications"
    arn:
      description: ARN of the resource when it exists.
      type: str
      sample: arn:aws:iam::123456789012:role/aged-keys-remediation-eu-west-1
    inline_policies:
      description:
        - For an existing V(iam_role), the names of its inline policies (C(iam:ListRolePolicies)), so that policies
          someone else added can be told apart and removed.
      type: list
      elements: str
      returned: for an existing iam_role
      sample: [cloudsec-aged-keys-notify]
    empty:
      description:
        - For an existing V(s3_bucket), whether it holds no object version and no delete marker (only an empty bucket
          can be deleted).
      type: bool
      returned: for an existing s3_bucket
      sample: true
problems:
  description: Every problem found, each saying how to fix it. Empty when the account is ready.
  returned: always
  type: list
  elements: str
  sample:
    - >-
      The AWS Config recorder 'default' in region eu-west-1 is not recording: start it with
      'aws configservice start-configuration-recorder --configuration-recorder-name default --region eu-west-1'.
"""

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_checks
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import preflight
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import deployment_id_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client

RESOURCE_TYPES = list(preflight.RESOURCE_SERVICES)


def validate_params(module):
    for resource in module.params["resources"]:
        if not resource["name"].strip():
            module.fail_json(msg="resources: every entry needs a non-empty name (got an empty name for type {0}).".format(resource["type"]))
    expected = module.params["account_id"]
    problem = account_checks.account_id_problem(expected) if expected is not None else None
    if problem:
        module.fail_json(msg=problem)
    problem = deployment_id_problem(module.params["deployment_id"])
    if problem:
        module.fail_json(msg=problem)
    needs_region = module.params["config_recording"] == "required" or module.params["resources"]
    if needs_region and not module.region:
        module.fail_json(msg="No AWS region: set the region option (or AWS_REGION) to the region to check.")


def main():
    argument_spec = dict(
        config_recording=dict(type="str", choices=["required", "ignore"], default="ignore"),
        allow_missing_recorder=dict(type="bool", default=False),
        own_recorder_name=dict(type="str"),
        resources=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                type=dict(type="str", required=True, choices=RESOURCE_TYPES),
                name=dict(type="str", required=True),
            ),
        ),
        fail_on_problems=dict(type="bool", default=True),
        account_id=dict(type="str"),
        adopt=OWNERSHIP_ARGUMENT_SPEC["adopt"],
        deployment_id=OWNERSHIP_ARGUMENT_SPEC["deployment_id"],
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    validate_params(module)

    region = module.region
    reader = account_checks.AwsReader(lambda service: aws_client(module, service))
    problems = []
    result = dict(changed=False)
    try:
        if module.params["account_id"]:
            result["account_id"] = account_checks.check_account(reader, module.params["account_id"], problems)
            if problems:
                # Everything else would describe the wrong account.
                module.fail_json(msg=account_checks.failure_message(region, problems), **dict(result, problems=problems))
        if module.params["config_recording"] == "required":
            result["config_recording"] = account_checks.check_config_recording(reader, region, module.params, problems)
            account_checks.warn_about_failed_recording(module.warn, result["config_recording"])
        ownership = Ownership.from_params(module.params)
        result["resources"] = [account_checks.check_resource(reader, region, resource, ownership, problems) for resource in module.params["resources"]]
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg="Failed to read the account's state")

    result["problems"] = problems
    if problems and module.params["fail_on_problems"]:
        module.fail_json(msg=account_checks.failure_message(region, problems), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
