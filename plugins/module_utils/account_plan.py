# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of one target account: check it, read what the rollout manages in it and name the parts
that differ from the desired state, with the comparisons of the modules that apply each part.

Run by module_utils/plans.py for the target_account_plan module and its action plugin, which runs
the same plan in the controller's worker process (no interpreter start per account). Both hand in
an AwsReader, so nothing here knows how its clients were made.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_checks
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config_rules
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import iam
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import plans
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import preflight
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ssm
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import REMEDIATION_TARGET_TYPE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import deployment_id_problem

DOCUMENT = "document"
RULE = "config_rule"
REMEDIATION = "remediation"


# The services a plan reads, in the order it first calls them.
SERVICES = ("sts", "config", "iam", "ssm")


# ---------------------------------------------------------------- describe


def found_of(kind, resource):
    """A described resource in the form account_checks expects of a look-up."""
    if kind == "iam_role":
        return preflight.role_found(resource)
    if kind == "ssm_document":
        if resource["owner"] == preflight.AWS_DOCUMENT_OWNER:
            return preflight.reserved_document_found()
        return {"arn": resource["arn"], "tags": resource["tags"], "reserved_by": None}
    return preflight.config_rule_found(resource)


def describe(reader, params, problems):
    """Each resource of the account (None when missing), or False when it could not be read (a problem says why)."""
    role, document, rule = params["automation_role"], params["document"]["name"], params["config_rule"]["name"]
    return account_checks.describe_each(problems, [
        ("iam_role", "iam", role["name"], lambda: iam.describe_role_state(reader.client("iam"), role["name"], role["policy_name"])),
        ("ssm_document", "ssm", document, lambda: ssm.describe_document_state(reader.client("ssm"), document, False)),
        ("config_rule", "config", rule, lambda: config.describe_config_rule(reader.client("config"), rule)),
    ])


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


def param_problems(params, region):
    """Every problem of the options, and the document's desired content as data (None when it has one)."""
    problems = [account_checks.account_id_problem(params["account_id"]), deployment_id_problem(params["deployment_id"])]
    content = None
    try:
        content = ssm.parse_document_content(params["document"]["content"])
    except ValueError as error:
        problems.append(str(error))
    if not region:
        problems.append("No AWS region: set the region option (or AWS_REGION) to the region of the rule.")
    return [problem for problem in problems if problem], content


def argument_spec():
    required_str = dict(type="str", required=True)
    return dict(
        account_id=required_str,
        assume_role=plans.ASSUME_ROLE_SPEC,
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


def plan(reader, params, region, content, warn):
    """Check the account and plan its rollout; returns the result, or raises PlanFailure with every problem.

    AWS errors other than denied reads (which become problems) are raised as they are.
    """
    problems = []
    result = dict(changed=False, changes=[], document_version=None, resources=[], config_recording={}, problems=problems)
    result["account_id"] = account_checks.check_account(reader, params["account_id"], problems)
    if problems:
        # Everything else would describe the wrong account.
        raise plans.PlanFailure(account_checks.failure_message(region, problems), result)
    result["config_recording"] = account_checks.check_config_recording(reader, region, params, problems)
    account_checks.warn_about_failed_recording(warn, result["config_recording"])

    ownership = Ownership.from_params(params)
    described = describe(reader, params, problems)
    names = {"iam_role": params["automation_role"]["name"], "ssm_document": params["document"]["name"],
             "config_rule": params["config_rule"]["name"]}
    result["resources"] = account_checks.check_described(described, names, found_of, ownership, problems)
    if problems:
        raise plans.PlanFailure(account_checks.failure_message(region, problems), result)

    result["changes"] = plan_changes(reader, described, params, content, ownership)
    result["document_version"] = described["ssm_document"]["default_version"] if described["ssm_document"] else None
    return result
