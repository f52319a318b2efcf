#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: config_remediation_configuration
version_added: 0.1.0
short_description: Manage the remediation configuration of an AWS Config rule
description:
  - Create, update or delete the remediation configuration of an AWS Config rule, that is the SSM
    Automation document AWS Config runs for each non-compliant resource, its parameters and whether
    it runs automatically.
  - This module exists because neither amazon.aws nor community.aws has a module for AWS Config
    remediation configurations.
  - The configuration belongs to its rule. It is managed only when the rule carries the ownership
    tag C(ManagedBy=cloudsec.aged_keys) (see M(cloudsec.aged_keys.config_rule)) or O(adopt=true).
    A rule without the tag makes O(state=present) fail and O(state=absent) leave the configuration
    in place with a warning.
  - The rule must exist first. With O(state=present) a missing rule fails the task, except in check
    mode, where the module warns and predicts the configuration as if the rule had been created
    first. With O(state=absent) a missing rule means there is nothing to do.
  - The configuration is compared as data, ignoring the fields AWS adds (C(Arn), C(CreatedByService)),
    and replaced with C(PutRemediationConfigurations) when it differs.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  config_rule_name:
    description:
      - Name of the AWS Config rule the remediation configuration belongs to.
    type: str
    required: true
  state:
    description:
      - Whether the remediation configuration should exist.
    type: str
    choices: [present, absent]
    default: present
  target_id:
    description:
      - Name or ARN of the SSM Automation document to run. Required when O(state=present).
    type: str
  target_version:
    description:
      - Version of the SSM document to run, for example V("3"). Pins the version, so later
        document versions are not used until this option changes.
      - V("") removes the pin. When not set, the version is not managed.
    type: str
  resource_type:
    description:
      - Type of the resources to remediate, for example V(AWS::IAM::User).
      - When not set, the resource type is not managed.
    type: str
  parameters:
    description:
      - Parameters passed to the SSM document, by parameter name.
      - Each value is a dictionary with exactly one key, either C(resource_value) with the value
        V(RESOURCE_ID) (the id of the non-compliant resource, filled in at run time), or
        C(static_value) with a string or a list of strings (at most 25 values of 1 to 256
        characters each).
      - With O(automatic=true), C(AutomationAssumeRole) must be given as a C(static_value) holding the
        ARN of the role the automation assumes.
      - At most 25 parameters. When not set, the parameters are not managed.
    type: dict
  automatic:
    description:
      - Whether AWS Config runs the remediation automatically for non-compliant resources.
    type: bool
    default: false
  maximum_automatic_attempts:
    description:
      - How many times automatic remediation is tried for a resource within O(retry_attempt_seconds) (1 to 25).
    type: int
    default: 5
  retry_attempt_seconds:
    description:
      - Time window, in seconds, for O(maximum_automatic_attempts) (1 to 2678000).
    type: int
    default: 60
  execution_controls:
    description:
      - Rate limits of the SSM automations. A sub-option that is not set is not managed.
      - When not set, the execution controls are not managed.
    type: dict
    suboptions:
      concurrent_execution_rate_percentage:
        description: Largest percentage of non-compliant resources remediated at the same time (1 to 100).
        type: int
      error_percentage:
        description: Percentage of failed remediations after which SSM stops running them (1 to 100).
        type: int
  deployment_id:
    description:
      - The deployment the rule must belong to (its tag C(cloudsec.aged_keys:deployment), see
        M(cloudsec.aged_keys.config_rule)); a rule of another deployment is treated like a rule without the
        ownership tag.
      - Unset, the rule of any deployment is accepted.
    type: str
  adopt:
    description:
      - Manage the remediation configuration of a rule that is not this deployment's (it lacks the ownership tag
        C(ManagedBy=cloudsec.aged_keys), or names another deployment).
      - When V(false), such a rule makes O(state=present) fail and O(state=absent) leave the
        configuration in place with a warning.
      - The rule's tags are not changed; adopt the rule itself with M(cloudsec.aged_keys.config_rule).
    type: bool
    default: false
  keep_adopted:
    description:
      - With O(state=absent), leave the remediation configuration of a rule marked C(cloudsec.aged_keys:adopted=true)
        in place (with a warning).
      - The rollout's cleanup leaves it V(false), because the configuration points at the collection's document and
        role, which cleanup removes, even when it keeps an adopted rule.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - "IAM permissions: C(config:DescribeConfigRules), C(config:ListTagsForResource),
    C(config:DescribeRemediationConfigurations), C(config:PutRemediationConfigurations),
    C(config:DeleteRemediationConfiguration), and C(iam:PassRole) on the automation role."
  - Delete the remediation configuration before its rule; AWS Config refuses to delete a rule that still has one.
extends_documentation_fragment:
  - cloudsec.aged_keys.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Notify about each IAM user with an aged access key, automatically
  cloudsec.aged_keys.config_remediation_configuration:
    config_rule_name: access-keys-rotated
    target_id: AgedAccessKeyNotification
    target_version: "1"
    resource_type: AWS::IAM::User
    parameters:
      IAMResourceId:
        resource_value: RESOURCE_ID
      AutomationAssumeRole:
        static_value: arn:aws:iam::123456789012:role/aged-keys-remediation-eu-west-1
      TopicArn:
        static_value: arn:aws:sns:eu-west-1:210987654321:aged-access-keys
    automatic: true
    maximum_automatic_attempts: 3
    retry_attempt_seconds: 600
    execution_controls:
      concurrent_execution_rate_percentage: 10
      error_percentage: 50

- name: Remove the remediation before deleting the rule
  cloudsec.aged_keys.config_remediation_configuration:
    config_rule_name: access-keys-rotated
    state: absent
"""

RETURN = r"""
remediation_configuration:
  description:
    - The remediation configuration after the change (predicted in check mode). V({}) when there is none.
  returned: always
  type: dict
  contains:
    config_rule_name:
      description: Name of the rule.
      type: str
      returned: when the configuration exists
      sample: access-keys-rotated
    target_type:
      description: Type of the target.
      type: str
      returned: when the configuration exists
      sample: SSM_DOCUMENT
    target_id:
      description: Name or ARN of the SSM document.
      type: str
      returned: when the configuration exists
      sample: AgedAccessKeyNotification
    target_version:
      description: Pinned version of the SSM document, V(null) when not pinned.
      type: str
      returned: when the configuration exists
      sample: "1"
    parameters:
      description: Parameters in the format of O(parameters); static values are always lists.
      type: dict
      returned: when the configuration exists
      sample: {"IAMResourceId": {"resource_value": "RESOURCE_ID"},
               "AutomationAssumeRole": {"static_value": ["arn:aws:iam::123456789012:role/aged-keys-remediation"]}}
    automatic:
      description: Whether the remediation runs automatically.
      type: bool
      returned: when the configuration exists
    maximum_automatic_attempts:
      description: Attempts per resource within RV(remediation_configuration.retry_attempt_seconds).
      type: int
      returned: when the configuration exists
      sample: 5
    retry_attempt_seconds:
      description: Time window of the attempts, in seconds.
      type: int
      returned: when the configuration exists
      sample: 60
    execution_controls:
      description: Rate limits, with the keys of O(execution_controls) that are set.
      type: dict
      returned: when the configuration exists
      sample: {"concurrent_execution_rate_percentage": 10, "error_percentage": 50}
    resource_type:
      description: Type of the resources remediated, V(null) when not set.
      type: str
      returned: when the configuration exists
      sample: AWS::IAM::User
    arn:
      description: ARN of the remediation configuration. V(null) in check mode when it would be created.
      type: str
      returned: when the configuration exists
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import REMEDIATION_MAX_ATTEMPTS_RANGE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import REMEDIATION_RETRY_SECONDS_RANGE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import DEFAULT_RETRY_ATTEMPT_SECONDS
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import RESOURCE_ID
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import delete_remediation_configuration
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import describe_config_rule
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import describe_remediation_configuration
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import length_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import put_remediation_configuration
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import range_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import rule_ownership_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_rules import build_desired_configuration
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_rules import configuration_differs
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_rules import normalize_parameters_option
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_rules import static_values
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import deployment_id_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import leave_alone
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.results import build_result
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client

PARAMETER_KINDS = ("resource_value", "static_value")
MAX_PARAMETERS = 25
MAX_STATIC_VALUES = 25
ASSUME_ROLE_PARAMETER = "AutomationAssumeRole"


# ---------------------------------------------------------------- validate


def parameter_kinds(value):
    return [kind for kind in PARAMETER_KINDS if value.get(kind) is not None]


def static_value_problems(name, value):
    if isinstance(value, (list, tuple)) and any(isinstance(item, (dict, list, tuple)) or item is None for item in value):
        return ["parameters.{0}.static_value must be a string or a list of strings.".format(name)]
    if isinstance(value, dict):
        return ["parameters.{0}.static_value must be a string or a list of strings, not a dictionary.".format(name)]
    values = static_values(value)
    problems = []
    if len(values) > MAX_STATIC_VALUES:
        problems.append("parameters.{0}.static_value may hold at most {1} values, got {2}.".format(name, MAX_STATIC_VALUES, len(values)))
    problems.extend(length_problem("parameters.{0}.static_value[{1}]".format(name, index), item, 1, 256) for index, item in enumerate(values))
    return problems


def parameter_problems(name, value):
    shape_message = (
        "parameters.{0} must be a dictionary with exactly one key: resource_value (RESOURCE_ID) "
        "or static_value (a string or a list of strings)."
    ).format(name)
    if not isinstance(value, dict) or set(value) - set(PARAMETER_KINDS) or len(parameter_kinds(value)) != 1:
        return [shape_message]
    if "resource_value" in parameter_kinds(value):
        if value["resource_value"] != RESOURCE_ID:
            return ["parameters.{0}.resource_value must be {1} (the only dynamic value AWS Config offers), got {2!r}.".format(
                name, RESOURCE_ID, value["resource_value"])]
        return []
    return static_value_problems(name, value["static_value"])


def parameters_problems(parameters):
    if parameters is None:
        return []
    problems = []
    if len(parameters) > MAX_PARAMETERS:
        problems.append("parameters may hold at most {0} entries, got {1}.".format(MAX_PARAMETERS, len(parameters)))
    for name, value in parameters.items():
        problems.extend(parameter_problems(name, value))
    return problems


def assume_role_problem(parameters, automatic):
    """AWS Config runs automatic remediation only with a static AutomationAssumeRole (normalised parameters)."""
    if not automatic or (parameters or {}).get(ASSUME_ROLE_PARAMETER, {}).get("static_value"):
        return None
    return (
        "automatic=true needs parameters.{0} with a static_value holding the ARN of the role the automation "
        "assumes; AWS Config requires it for automatic remediation."
    ).format(ASSUME_ROLE_PARAMETER)


def validate_configuration_options(params):
    """Every problem with the options, as messages saying how to fix them."""
    controls = params.get("execution_controls") or {}
    problems = [
        length_problem("config_rule_name", params["config_rule_name"], 1, 128),
        length_problem("target_id", params.get("target_id"), 1, 256),
        deployment_id_problem(params.get("deployment_id")),
        range_problem("maximum_automatic_attempts", params.get("maximum_automatic_attempts"), *REMEDIATION_MAX_ATTEMPTS_RANGE),
        range_problem("retry_attempt_seconds", params.get("retry_attempt_seconds"), *REMEDIATION_RETRY_SECONDS_RANGE),
        range_problem("execution_controls.concurrent_execution_rate_percentage", controls.get("concurrent_execution_rate_percentage"), 1, 100),
        range_problem("execution_controls.error_percentage", controls.get("error_percentage"), 1, 100),
    ]
    problems.extend(parameters_problems(params.get("parameters")))
    if params.get("parameters") is not None and not any(problems):
        problems.append(assume_role_problem(normalize_parameters_option(params["parameters"]), params.get("automatic")))
    return [problem for problem in problems if problem]


# ---------------------------------------------------------------- compare


# ---------------------------------------------------------------- apply


def ensure_present(client, current, desired, check_mode):
    """Create or replace the configuration; returns (changed, configuration as it will be)."""
    if current is not None and not configuration_differs(current, desired):
        return False, current
    if not check_mode:
        put_remediation_configuration(client, desired)
    return True, desired


def ensure_absent(client, current, check_mode):
    """Delete the configuration; returns (changed, configuration as it will be)."""
    if current is None:
        return False, None
    if not check_mode:
        delete_remediation_configuration(client, current["config_rule_name"], current.get("resource_type"))
    return True, None


def missing_rule_message(rule_name, region):
    return (
        "AWS Config rule '{0}' does not exist in region {1}. Create the rule first (cloudsec.aged_keys.config_rule), "
        "then its remediation configuration."
    ).format(rule_name, region)


def must_leave_alone(module, rule):
    """True when this rule's configuration must be left alone with state=absent (after a warning).

    With state=present the same reasons fail the module. A missing rule fails too, except in
    check mode, where an earlier task of the same run would have created it.
    """
    params = module.params
    if rule is None:
        if params["state"] == "present" and not module.check_mode:
            module.fail_json(msg=missing_rule_message(params["config_rule_name"], module.region))
        if params["state"] == "present":
            module.warn(missing_rule_message(params["config_rule_name"], module.region) + " Check mode assumes it will be created first.")
        return False
    return leave_alone(module, rule_ownership_problem(rule, Ownership.from_params(params), params["state"]))


def main():
    argument_spec = dict(
        config_rule_name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        target_id=dict(type="str"),
        target_version=dict(type="str"),
        resource_type=dict(type="str"),
        parameters=dict(type="dict"),
        automatic=dict(type="bool", default=False),
        maximum_automatic_attempts=dict(type="int", default=DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS),
        retry_attempt_seconds=dict(type="int", default=DEFAULT_RETRY_ATTEMPT_SECONDS),
        execution_controls=dict(
            type="dict",
            options=dict(
                concurrent_execution_rate_percentage=dict(type="int"),
                error_percentage=dict(type="int"),
            ),
        ),
        **OWNERSHIP_ARGUMENT_SPEC
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["target_id"])],
        supports_check_mode=True,
    )
    params = module.params
    problems = validate_configuration_options(params)
    if problems:
        module.fail_json(msg=" ".join(problems))

    client = aws_client(module, "config")
    rule_name = params["config_rule_name"]
    try:
        rule = describe_config_rule(client, rule_name)
        left_alone = must_leave_alone(module, rule)
        current = describe_remediation_configuration(client, rule_name) if rule else None
        if left_alone:
            module.exit_json(**build_result(False, "remediation_configuration", current, current, module._diff))

        if params["state"] == "present":
            desired = build_desired_configuration(current, params)
            problem = assume_role_problem(desired["parameters"], desired["automatic"])
            if problem:
                module.fail_json(msg=problem)
            changed, after = ensure_present(client, current, desired, module.check_mode)
        else:
            changed, after = ensure_absent(client, current, module.check_mode)

        if changed and after and not module.check_mode:
            after = describe_remediation_configuration(client, rule_name)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(**build_result(changed, "remediation_configuration", current, after, module._diff))


if __name__ == "__main__":
    main()
