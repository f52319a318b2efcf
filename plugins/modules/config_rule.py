#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: config_rule
version_added: 0.1.0
short_description: Manage an AWS Config rule that uses an AWS managed rule
description:
  - Create, update or delete an AWS Config rule whose source is an AWS managed rule such as
    C(ACCESS_KEYS_ROTATED).
  - This module exists because M(community.aws.config_rule) is not usable for this collection's
    rollout and drift detection. It has no check mode, fails on the C(EvaluationModes) key that
    current AWS returns in rule descriptions, fails on a missing rule with real
    C(DescribeConfigRules) output (C(NoSuchConfigRuleException)), and takes input parameters as a
    JSON string that it compares as text.
  - Input parameters are compared as data, fields that AWS adds (ARN, id, state, C(EvaluationModes),
    C(CreatedBy)) are ignored, and check mode predicts the result and the diff.
  - Service-linked rules (rules that AWS Security Hub, conformance packs or organization rules create,
    which carry C(CreatedBy)) are never changed or deleted; the module fails instead.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  name:
    description:
      - Name of the rule, unique within the account and region (1 to 128 characters).
    type: str
    required: true
  state:
    description:
      - Whether the rule should exist.
      - V(absent) fails while the rule still has a remediation configuration. Delete that first with
        M(cloudsec.aged_keys.config_remediation_configuration). In check mode this is a warning.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Description of the rule (up to 256 characters). V("") removes it.
      - When not set, the description is not managed.
    type: str
  source_identifier:
    description:
      - Identifier of the AWS managed rule, for example V(ACCESS_KEYS_ROTATED).
      - Only AWS managed rules (source owner C(AWS)) are supported.
      - Required when O(state=present).
    type: str
  input_parameters:
    description:
      - 'Parameters of the managed rule, for example V({"maxAccessKeyAge": 90}).'
      - AWS Config stores every value as a string, so values are sent as strings (booleans as
        V(true)/V(false)). Lists and dictionaries are not accepted; give such values as AWS expects
        them, usually comma-separated strings.
      - Compared as data with the rule's current parameters. V({}) removes all parameters.
      - When not set, the parameters are not managed.
    type: dict
  maximum_execution_frequency:
    description:
      - How often AWS Config runs a periodic rule. A cost knob, each evaluation is billed.
      - When not set, the frequency is not managed.
    type: str
    choices: [One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours]
  scope:
    description:
      - Which resources trigger evaluations. Either resource types (optionally one type with one
        resource id), or a tag key (optionally with a value), not both.
      - V({}) removes the scope. When not set, the scope is not managed.
    type: dict
    suboptions:
      compliance_resource_types:
        description: Resource types, for example V(AWS::IAM::User) (up to 100).
        type: list
        elements: str
      tag_key:
        description: Tag key of the resources to evaluate.
        type: str
      tag_value:
        description: Tag value of the resources to evaluate; needs O(scope.tag_key).
        type: str
      compliance_resource_id:
        description: Id of the one resource to evaluate; needs exactly one O(scope.compliance_resource_types).
        type: str
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - Tags are managed with the AWS Config C(TagResource), C(UntagResource) and C(ListTagsForResource) APIs
    on the rule ARN.
  - "IAM permissions: C(config:DescribeConfigRules), C(config:PutConfigRule), C(config:DeleteConfigRule),
    C(config:ListTagsForResource), C(config:TagResource), C(config:UntagResource),
    C(config:DescribeRemediationConfigurations)."
extends_documentation_fragment:
  - cloudsec.aged_keys.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.tags.modules
  - amazon.aws.boto3
  - cloudsec.aged_keys.ownership
"""

EXAMPLES = r"""
- name: Flag IAM users whose access keys are older than 90 days, evaluated daily
  cloudsec.aged_keys.config_rule:
    name: access-keys-rotated
    description: Checks that active IAM access keys are rotated within 90 days.
    source_identifier: ACCESS_KEYS_ROTATED
    input_parameters:
      maxAccessKeyAge: 90
    maximum_execution_frequency: TwentyFour_Hours
    tags:
      CostCenter: security

- name: Take over a same-named rule created by hand
  cloudsec.aged_keys.config_rule:
    name: access-keys-rotated
    source_identifier: ACCESS_KEYS_ROTATED
    input_parameters:
      maxAccessKeyAge: 90
    adopt: true

- name: Delete the rule (delete its remediation configuration first)
  cloudsec.aged_keys.config_rule:
    name: access-keys-rotated
    state: absent
"""

RETURN = r"""
config_rule:
  description:
    - The rule after the change (predicted in check mode). V({}) when the rule does not exist.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the rule.
      type: str
      returned: when the rule exists
      sample: access-keys-rotated
    arn:
      description: ARN of the rule. V(null) in check mode when the rule would be created.
      type: str
      returned: when the rule exists
      sample: arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-abc123
    id:
      description: Id of the rule. V(null) in check mode when the rule would be created.
      type: str
      returned: when the rule exists
      sample: config-rule-abc123
    description:
      description: Description of the rule.
      type: str
      returned: when the rule exists
    source:
      description: Source of the rule.
      type: dict
      returned: when the rule exists
      contains:
        owner:
          description: Owner of the rule source.
          type: str
          sample: AWS
        source_identifier:
          description: Identifier of the managed rule.
          type: str
          sample: ACCESS_KEYS_ROTATED
    input_parameters:
      description: Parameters of the rule, values as strings.
      type: dict
      returned: when the rule exists
      sample: {"maxAccessKeyAge": "90"}
    maximum_execution_frequency:
      description: How often the rule runs.
      type: str
      returned: when the rule exists
      sample: TwentyFour_Hours
    scope:
      description: Scope of the rule, with the keys of O(scope) that are set.
      type: dict
      returned: when the rule exists
      sample: {"compliance_resource_types": ["AWS::IAM::User"]}
    state:
      description: State of the rule as AWS Config reports it.
      type: str
      returned: when the rule exists
      sample: ACTIVE
    created_by:
      description: Service that created a service-linked rule; V(null) for other rules.
      type: str
      returned: when the rule exists
    tags:
      description: Tags of the rule.
      type: dict
      returned: when the rule exists
      sample: {"ManagedBy": "cloudsec.aged_keys"}
"""

import json

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import EVALUATION_FREQUENCIES
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import delete_config_rule
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import describe_config_rule
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import get_remediation_configuration
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import length_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import normalize_scope_option
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import put_config_rule
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import rule_ownership_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import stringify_parameters
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import update_config_resource_tags
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_rules import build_desired_rule
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_rules import rule_differs
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import deployment_id_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import leave_alone
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.results import build_result
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client

MAX_INPUT_PARAMETERS_LENGTH = 1024


# ---------------------------------------------------------------- validate


def input_parameters_problems(input_parameters):
    if input_parameters is None:
        return []
    problems = []
    for key, value in input_parameters.items():
        if value is None or isinstance(value, (dict, list)):
            problems.append(
                "input_parameters.{0} must be a single value (string, number or boolean); "
                "give lists as AWS expects them, usually one comma-separated string.".format(key)
            )
    if not problems and len(json.dumps(stringify_parameters(input_parameters))) > MAX_INPUT_PARAMETERS_LENGTH:
        problems.append("input_parameters must fit in {0} characters of JSON; shorten the values.".format(MAX_INPUT_PARAMETERS_LENGTH))
    return problems


def scope_problems(scope):
    if not scope:
        return []
    scope = normalize_scope_option(scope)
    resource_types = scope.get("compliance_resource_types") or []
    problems = [
        length_problem("scope.tag_key", scope.get("tag_key"), 1, 128),
        length_problem("scope.tag_value", scope.get("tag_value"), 1, 256),
        length_problem("scope.compliance_resource_id", scope.get("compliance_resource_id"), 1, 768),
    ]
    if len(resource_types) > 100:
        problems.append("scope.compliance_resource_types may list at most 100 resource types, got {0}.".format(len(resource_types)))
    if "tag_value" in scope and "tag_key" not in scope:
        problems.append("scope.tag_value needs scope.tag_key.")
    if ("tag_key" in scope) and (resource_types or "compliance_resource_id" in scope):
        problems.append("scope takes either a tag (tag_key, tag_value) or resources (compliance_resource_types, compliance_resource_id), not both.")
    if "compliance_resource_id" in scope and len(resource_types) != 1:
        problems.append("scope.compliance_resource_id needs exactly one entry in scope.compliance_resource_types.")
    return problems


def validate_rule_options(params):
    """Every problem with the options, as messages saying how to fix them."""
    problems = [
        length_problem("name", params["name"], 1, 128),
        length_problem("description", params.get("description"), 0, 256),
        length_problem("source_identifier", params.get("source_identifier"), 1, 256),
        deployment_id_problem(params.get("deployment_id")),
    ]
    if not params["name"].strip():
        problems.append("name must contain a non-blank character.")
    problems.extend(input_parameters_problems(params.get("input_parameters")))
    problems.extend(scope_problems(params.get("scope")))
    return [problem for problem in problems if problem]


# ---------------------------------------------------------------- compare


# ---------------------------------------------------------------- apply


def ensure_present(client, current, params, check_mode):
    """Create or update the rule; returns (changed, rule as it will be)."""
    desired = build_desired_rule(current, params)
    current_tags = (current["tags"] or {}) if current else None
    desired["tags"], tags_to_set, tag_keys_to_unset = Ownership.from_params(params).plan_tags(current_tags, params.get("tags"), params["purge_tags"])

    if current is None:
        if not check_mode:
            put_config_rule(client, desired, desired["tags"])
        return True, desired

    rule_changed = rule_differs(current, desired)
    tags_changed = bool(tags_to_set or tag_keys_to_unset)
    if check_mode:
        return rule_changed or tags_changed, desired
    if rule_changed:
        # The full tag set goes with the update too, in case PutConfigRule replaces the tags it is given.
        put_config_rule(client, desired, desired["tags"])
    if tags_changed:
        update_config_resource_tags(client, current["arn"], tags_to_set, tag_keys_to_unset)
    return rule_changed or tags_changed, desired


def ensure_absent(client, current, check_mode):
    """Delete the rule; returns (changed, rule as it will be)."""
    if current is None:
        return False, None
    if not check_mode:
        delete_config_rule(client, current["name"])
    return True, None


def remediation_blocker(client, name):
    """Message when the rule still has a remediation configuration, which AWS requires to be deleted first."""
    if get_remediation_configuration(client, name) is None:
        return None
    return (
        "AWS Config rule '{0}' still has a remediation configuration. Delete it first with "
        "cloudsec.aged_keys.config_remediation_configuration (config_rule_name: {0}, state: absent), then delete the rule."
    ).format(name)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        source_identifier=dict(type="str"),
        input_parameters=dict(type="dict"),
        maximum_execution_frequency=dict(type="str", choices=list(EVALUATION_FREQUENCIES)),
        scope=dict(
            type="dict",
            options=dict(
                compliance_resource_types=dict(type="list", elements="str"),
                tag_key=dict(type="str", no_log=False),
                tag_value=dict(type="str"),
                compliance_resource_id=dict(type="str"),
            ),
        ),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        **OWNERSHIP_ARGUMENT_SPEC
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["source_identifier"])],
        supports_check_mode=True,
    )
    params = module.params
    problems = validate_rule_options(params)
    if problems:
        module.fail_json(msg=" ".join(problems))

    client = aws_client(module, "config")
    try:
        current = describe_config_rule(client, params["name"])
        refusal = rule_ownership_problem(current, Ownership.from_params(params), params["state"]) if current else None
        if refusal and current["created_by"]:
            # Only the owning service may change or delete a service-linked rule.
            module.fail_json(msg=refusal)
        if leave_alone(module, refusal):
            module.exit_json(**build_result(False, "config_rule", current, current, module._diff))

        if params["state"] == "present":
            changed, after = ensure_present(client, current, params, module.check_mode)
        else:
            blocker = current and remediation_blocker(client, params["name"])
            if blocker and not module.check_mode:
                module.fail_json(msg=blocker)
            if blocker:
                module.warn(blocker + " (A real run fails here.)")
            changed, after = ensure_absent(client, current, module.check_mode)

        if changed and after and not module.check_mode:
            after = describe_config_rule(client, params["name"])
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(**build_result(changed, "config_rule", current, after, module._diff))


if __name__ == "__main__":
    main()
