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
  - With O(assume_role) the module assumes the role itself, so no separate credentials task is needed; the
    credentials are never returned.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  account_id:
    description: The 12-digit account the credentials must act in; the module fails before reading anything else otherwise.
    type: str
    required: true
  assume_role:
    description:
      - Assume this role with the module's own credentials and read the account with the role's.
      - Unset, the module's own credentials are used.
    type: dict
    suboptions:
      role_arn:
        description: ARN of the role.
        type: str
        required: true
      session_name:
        description: Role session name, visible in CloudTrail.
        type: str
        required: true
      duration_seconds:
        description: Lifetime of the credentials.
        type: int
        default: 900
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
    description: A region without an AWS Config recorder is not a problem (the rollout is going to create one).
    type: bool
    default: false
  own_recorder_name:
    description: Name of the recorder the rollout creates; a stopped recorder of this name is not a problem.
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
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - It changes nothing, in check mode or not; the tasks it names show their own differences with C(--diff).
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
  description: AWS Config recording in the region, as M(cloudsec.aged_keys.account_preflight) returns it.
  returned: always
  type: dict
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

import re

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_checks
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config_rules
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import iam
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import preflight
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ssm
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import REMEDIATION_TARGET_TYPE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import deployment_id_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client

ACCOUNT_ID_PATTERN = re.compile(r"^[0-9]{12}$")
DOCUMENT = "document"
RULE = "config_rule"
REMEDIATION = "remediation"


# ---------------------------------------------------------------- credentials


def assume_role(module):
    """Assume the role of the assume_role option; the module's clients use its credentials from then on.

    Returns the account id and partition of the role's session, so no sts:GetCallerIdentity is needed.
    """
    options = module.params["assume_role"]
    try:
        response = aws_client(module, "sts").assume_role(
            RoleArn=options["role_arn"], RoleSessionName=options["session_name"], DurationSeconds=options["duration_seconds"], aws_retry=True)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg=(
            "Cannot assume role {0}. Check that the role exists and trusts the controller's identity (playbooks/bootstrap.yml "
            "creates the deployer and auditor roles), set aged_keys_execution_role_name to the right role, or set "
            "aged_keys_assume_role: false for an account whose credentials are already in the environment").format(options["role_arn"]))
    credentials = response["Credentials"]
    module.no_log_values.update([credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]])
    # The role's credentials replace the module's own, as if they had been given as options.
    module.params.update(access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                         session_token=credentials["SessionToken"], profile=None)
    session_arn = response["AssumedRoleUser"]["Arn"].split(":")
    return {"account": session_arn[4], "partition": session_arn[1]}


# ---------------------------------------------------------------- describe


def found_of(kind, resource):
    """A described resource in the form account_checks expects of a look-up (None when missing)."""
    if resource is None:
        return None
    if kind == "iam_role":
        return preflight.role_found(resource)
    if kind == "ssm_document":
        if resource["owner"] == preflight.AWS_DOCUMENT_OWNER:
            return preflight.reserved_document_found()
        return {"arn": resource["arn"], "tags": resource["tags"], "reserved_by": None}
    return preflight.config_rule_found(resource)


def describe(reader, params, problems):
    """Each resource of the account (None when missing), or False when it could not be read (a problem says why)."""
    readers = [
        ("iam_role", "iam", params["automation_role"]["name"], lambda client, name: iam.describe_role_state(
            client, name, params["automation_role"]["policy_name"])),
        ("ssm_document", "ssm", params["document"]["name"], lambda client, name: ssm.describe_document_state(client, name, False)),
        ("config_rule", "config", params["config_rule"]["name"], config.describe_config_rule),
    ]
    described = {}
    for kind, service, name, read in readers:
        purpose = "check the {0} '{1}'".format(preflight.RESOURCE_LABELS[kind], name)
        looked_up, resource = account_checks.call_or_note_denial(problems, service, purpose, read, reader.client(service), name)
        described[kind] = resource if looked_up else False
    return described


# ---------------------------------------------------------------- compare


def needs_new_version(document, content):
    """True when the document task will make (or find) another version: a missing document or other content."""
    return document is None or ssm.content_differs(document, content, None)


def document_changes(document, new_version, ownership):
    if new_version:
        return [DOCUMENT]
    tags_to_set, tag_keys_to_unset = ownership.plan_tags(document["tags"], None, False)[1:]
    return [DOCUMENT] if tags_to_set or tag_keys_to_unset else []


def rule_changes(rule, params, ownership):
    if rule is None:
        return [RULE]
    desired = config_rules.build_desired_rule(rule, dict(params["config_rule"], scope=None))
    tags_to_set, tag_keys_to_unset = ownership.plan_tags(rule["tags"], None, False)[1:]
    return [RULE] if config_rules.rule_differs(rule, desired) or tags_to_set or tag_keys_to_unset else []


def remediation_changes(client, rule, document, new_version, params):
    """A new document version, or a new rule, always changes the remediation; else it is compared."""
    if rule is None or new_version:
        return [REMEDIATION]
    current = config.describe_remediation_configuration(client, rule["name"])
    if current is None:
        return [REMEDIATION]
    wanted = dict(params["remediation"], config_rule_name=rule["name"], target_version=document["default_version"], execution_controls=None)
    desired = config_rules.build_desired_configuration(current, wanted)
    return [REMEDIATION] if current["target_type"] != REMEDIATION_TARGET_TYPE or config_rules.configuration_differs(current, desired) else []


def plan_changes(reader, described, params, content, ownership):
    """content: the document's desired content, parsed once by validate_params."""
    role, document, rule = described["iam_role"], described["ssm_document"], described["config_rule"]
    new_version = needs_new_version(document, content)
    wanted_role_tags = ownership.tags_of_new_resource(None) if role is None else ownership.wanted_tags(role["tags"], {})
    changes = iam.role_changes(role, params["automation_role"], wanted_role_tags)
    changes += document_changes(document, new_version, ownership)
    changes += rule_changes(rule, params, ownership)
    changes += remediation_changes(reader.client("config"), rule, document, new_version, params)
    return sorted(changes)


# ---------------------------------------------------------------- main


def validate_params(module):
    """Fails with every problem of the options; returns the document's desired content as data."""
    problems = []
    if not ACCOUNT_ID_PATTERN.match(module.params["account_id"]):
        problems.append("account_id must be a 12-digit AWS account id, got '{0}'.".format(module.params["account_id"]))
    problems.append(deployment_id_problem(module.params["deployment_id"]))
    content = None
    try:
        content = ssm.parse_document_content(module.params["document"]["content"])
    except ValueError as error:
        problems.append(str(error))
    if not module.region:
        problems.append("No AWS region: set the region option (or AWS_REGION) to the region of the rule.")
    problems = [problem for problem in problems if problem]
    if problems:
        module.fail_json(msg=" ".join(problems))
    return content


def argument_spec():
    required_str = dict(type="str", required=True)
    return dict(
        account_id=required_str,
        assume_role=dict(type="dict", options=dict(
            role_arn=required_str, session_name=required_str, duration_seconds=dict(type="int", default=900))),
        allow_missing_recorder=dict(type="bool", default=False),
        own_recorder_name=dict(type="str"),
        automation_role=dict(type="dict", required=True, options=dict(
            name=required_str, description=required_str, trust_policy=dict(type="dict", required=True),
            boundary=dict(type="str", default=""), policy_name=required_str, policy=dict(type="dict", required=True))),
        document=dict(type="dict", required=True, options=dict(name=required_str, content=dict(type="raw", required=True))),
        config_rule=dict(type="dict", required=True, options=dict(
            name=required_str, description=dict(type="str"), source_identifier=required_str,
            input_parameters=dict(type="dict"), maximum_execution_frequency=dict(type="str"))),
        remediation=dict(type="dict", required=True, options=dict(
            target_id=required_str, resource_type=dict(type="str"), automatic=dict(type="bool", default=False),
            maximum_automatic_attempts=dict(type="int", default=config.DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS),
            retry_attempt_seconds=dict(type="int", default=config.DEFAULT_RETRY_ATTEMPT_SECONDS),
            parameters=dict(type="dict"))),
        adopt=OWNERSHIP_ARGUMENT_SPEC["adopt"],
        deployment_id=OWNERSHIP_ARGUMENT_SPEC["deployment_id"],
    )


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    content = validate_params(module)
    params, region = module.params, module.region
    problems = []
    result = dict(changed=False, changes=[], document_version=None, resources=[], config_recording={}, problems=problems)
    try:
        identity = assume_role(module) if params["assume_role"] else None
        reader = account_checks.AwsReader(module, identity)
        result["account_id"] = account_checks.check_account(reader, params["account_id"], problems)
        if problems:
            # Everything else would describe the wrong account.
            module.fail_json(msg=account_checks.failure_message(region, problems), **result)
        result["config_recording"] = account_checks.check_config_recording(reader, region, params, problems)
        account_checks.warn_about_failed_recording(module, result["config_recording"])

        ownership = Ownership.from_params(params)
        described = describe(reader, params, problems)
        names = {"iam_role": params["automation_role"]["name"], "ssm_document": params["document"]["name"],
                 "config_rule": params["config_rule"]["name"]}
        for kind, resource in described.items():
            found = found_of(kind, resource) if resource is not False else None
            problem = account_checks.resource_problem(kind, names[kind], found, ownership)
            if problem:
                problems.append(problem)
            result["resources"].append(account_checks.resource_result(kind, names[kind], found, ownership, resource is not False))
        if problems:
            module.fail_json(msg=account_checks.failure_message(region, problems), **result)

        result["changes"] = plan_changes(reader, described, params, content, ownership)
        result["document_version"] = described["ssm_document"]["default_version"] if described["ssm_document"] else None
    except AnsibleAWSError as error:
        module.fail_json_aws_error(error)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
        module.fail_json_aws(error, msg="Failed to read the account's state")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
