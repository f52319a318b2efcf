# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Config helpers: config rules and their remediation configurations, with the tags and checks they share.

Recording (recorders, delivery channels, the service-linked role) is in config_recording.py and
the compliance report's reads in config_report.py.

Functions take a boto3 ``config`` client and plain arguments, never the module,
so a mocked client is enough to test them. "Not found" becomes None; other AWS
errors become AnsibleConfigError. Normalised resources use the modules' option
names (snake_case), so they compare directly with what the user asked for.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from functools import partial

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import until_consistent
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import set_tags
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import unset_tags
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import update_tags

# Defaults AWS applies when PutRemediationConfigurations omits them (API reference,
# RemediationConfiguration); a description without them means these values.
DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS = 5
DEFAULT_RETRY_ATTEMPT_SECONDS = 60
REMEDIATION_TARGET_TYPE = "SSM_DOCUMENT"
RESOURCE_ID = "RESOURCE_ID"
IAM_USER_RESOURCE_TYPE = "AWS::IAM::User"

_SCOPE_KEYS = (
    ("compliance_resource_types", "ComplianceResourceTypes"),
    ("tag_key", "TagKey"),
    ("tag_value", "TagValue"),
    ("compliance_resource_id", "ComplianceResourceId"),
)
_SSM_CONTROL_KEYS = (
    ("concurrent_execution_rate_percentage", "ConcurrentExecutionRatePercentage"),
    ("error_percentage", "ErrorPercentage"),
)


class AnsibleConfigError(AnsibleAWSError):
    pass


class ConfigErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleConfigError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(
            ["NoSuchConfigRuleException", "NoSuchRemediationConfigurationException", "ResourceNotFoundException"]
        )


# ---------------------------------------------------------------- value helpers


def stringify_parameter_value(value):
    """Config stores parameter values as strings; booleans the way AWS spells them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return to_text(value)


def stringify_parameters(parameters):
    return dict((key, stringify_parameter_value(value)) for key, value in (parameters or {}).items())


def range_problem(label, value, minimum, maximum):
    """An error message when value is set and outside [minimum, maximum], else None."""
    if value is None or minimum <= value <= maximum:
        return None
    return "{0} must be between {1} and {2}, got {3}.".format(label, minimum, maximum, value)


def length_problem(label, value, minimum, maximum):
    """An error message when a string is set and its length is outside [minimum, maximum], else None."""
    if value is None or minimum <= len(value) <= maximum:
        return None
    return "{0} must be {1} to {2} characters long, got {3}.".format(label, minimum, maximum, len(value))


def _drop_empty(data):
    return dict((key, value) for key, value in data.items() if value not in (None, "", [], {}))


# ---------------------------------------------------------------- ownership


def service_linked_rule_message(rule):
    """Message for a rule created by another AWS service, which only that service may change."""
    return (
        "AWS Config rule '{name}' is a service-linked rule created by {service}. Only that service can change or "
        "delete it, and it cannot have a remediation configuration. Choose another rule name."
    ).format(name=rule["name"], service=rule["created_by"])


def rule_ownership_problem(rule, ownership, state="present"):
    """Why the rule must be left alone in `state`, or None when an Ownership may manage it (and its remediation)."""
    if rule.get("created_by"):
        return service_linked_rule_message(rule)
    return ownership.problem("AWS Config rule", rule, state)


# ---------------------------------------------------------------- tags of rules and recorders


@ConfigErrorHandler.list_error_handler("list tags of AWS Config resource", {})
def list_config_resource_tags(client, arn):
    """Tags of a config rule or configuration recorder, by ARN."""
    paginator = client.get_paginator("list_tags_for_resource")
    return boto3_tag_list_to_ansible_dict(paginator.paginate(ResourceArn=arn).build_full_result().get("Tags", []))


@ConfigErrorHandler.common_error_handler("tag AWS Config resource")
def tag_config_resource(client, arn, tags):
    return set_tags(client.tag_resource, tags, ResourceArn=arn)


@ConfigErrorHandler.common_error_handler("untag AWS Config resource")
def untag_config_resource(client, arn, tag_keys):
    return unset_tags(client.untag_resource, tag_keys, ResourceArn=arn)


def update_config_resource_tags(client, arn, tags_to_set, tag_keys_to_unset):
    update_tags(partial(tag_config_resource, client, arn), partial(untag_config_resource, client, arn), tags_to_set, tag_keys_to_unset)


# ---------------------------------------------------------------- config rules: shapes


def parse_input_parameters(text):
    """InputParameters is a JSON object in a string; return it as a dict."""
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        # Real AWS validates the JSON; keep anything else visible instead of failing.
        return {"__unparsed__": text}


def _clean_scope(scope):
    result = _drop_empty(scope)
    if "compliance_resource_types" in result:
        # The order of resource types carries no meaning.
        result["compliance_resource_types"] = sorted(result["compliance_resource_types"])
    return result


def normalize_scope(scope):
    """A described rule's Scope in the option format."""
    scope = scope or {}
    return _clean_scope(dict((ours, scope.get(theirs)) for ours, theirs in _SCOPE_KEYS))


def normalize_scope_option(scope):
    """The scope option in the same shape normalize_scope gives for a described rule."""
    scope = scope or {}
    return _clean_scope(dict((ours, scope.get(ours)) for ours, dummy in _SCOPE_KEYS))


def scope_to_boto3(scope):
    scope = normalize_scope_option(scope)
    return dict((theirs, scope[ours]) for ours, theirs in _SCOPE_KEYS if ours in scope)


def normalize_config_rule(rule, tags):
    """A DescribeConfigRules entry (plus its tags) in the module's return format."""
    source = rule.get("Source") or {}
    return {
        "name": rule.get("ConfigRuleName"),
        "arn": rule.get("ConfigRuleArn"),
        "id": rule.get("ConfigRuleId"),
        "description": rule.get("Description") or "",
        "source": {"owner": source.get("Owner"), "source_identifier": source.get("SourceIdentifier")},
        "input_parameters": parse_input_parameters(rule.get("InputParameters")),
        "maximum_execution_frequency": rule.get("MaximumExecutionFrequency"),
        "scope": normalize_scope(rule.get("Scope")),
        "state": rule.get("ConfigRuleState"),
        "created_by": rule.get("CreatedBy"),
        "tags": tags or {},
    }


def config_rule_to_boto3(rule):
    """The ConfigRule argument of PutConfigRule for a normalised rule.

    Only fields we manage are sent: server-set ones (ARN, id, state, CreatedBy,
    EvaluationModes) are rejected or ignored by PutConfigRule.
    """
    request = {
        "ConfigRuleName": rule["name"],
        "Description": rule.get("description") or "",
        "Source": {"Owner": rule["source"]["owner"], "SourceIdentifier": rule["source"]["source_identifier"]},
        # Always sent so that removing every parameter clears them ("{}" is what the console stores).
        "InputParameters": json.dumps(stringify_parameters(rule.get("input_parameters")), sort_keys=True),
    }
    if rule.get("maximum_execution_frequency"):
        request["MaximumExecutionFrequency"] = rule["maximum_execution_frequency"]
    if rule.get("scope"):
        request["Scope"] = scope_to_boto3(rule["scope"])
    return request


# ---------------------------------------------------------------- config rules: API


@ConfigErrorHandler.list_error_handler("describe config rule")
def get_config_rule(client, name):
    """The raw DescribeConfigRules entry for a rule name, or None.

    Real AWS raises NoSuchConfigRuleException for a missing name (mapped to None by the
    error handler); some emulators return an empty list instead.
    """
    paginator = client.get_paginator("describe_config_rules")
    rules = paginator.paginate(ConfigRuleNames=[name]).build_full_result().get("ConfigRules", [])
    for rule in rules:
        if rule.get("ConfigRuleName") == name:
            return rule
    return None


def describe_config_rule(client, name):
    """A normalised rule with its tags, or None when there is no rule of that name."""
    rule = get_config_rule(client, name)
    if rule is None:
        return None
    return normalize_config_rule(rule, list_config_resource_tags(client, rule["ConfigRuleArn"]))


@ConfigErrorHandler.common_error_handler("put config rule")
# Config answers ResourceInUseException while it evaluates a rule it has just created.
@until_consistent("ResourceInUseException")
def put_config_rule(client, rule, tags):
    """Create or update a rule from its normalised form; tags is a dict."""
    # Keys starting with aws: belong to AWS and are refused in requests.
    user_tags = dict((key, value) for key, value in (tags or {}).items() if not key.startswith("aws:"))
    client.put_config_rule(ConfigRule=config_rule_to_boto3(rule), Tags=ansible_dict_to_boto3_tag_list(user_tags), aws_retry=True)
    return True


@ConfigErrorHandler.deletion_error_handler("delete config rule")
def delete_config_rule(client, name):
    client.delete_config_rule(ConfigRuleName=name, aws_retry=True)
    return True


# ---------------------------------------------------------------- remediation: shapes


def parameters_from_boto3(parameters):
    """Remediation Parameters in the module's option format."""
    result = {}
    for name, value in (parameters or {}).items():
        if "ResourceValue" in value:
            result[name] = {"resource_value": value["ResourceValue"].get("Value")}
        else:
            result[name] = {"static_value": list((value.get("StaticValue") or {}).get("Values") or [])}
    return result


def parameters_to_boto3(parameters):
    result = {}
    for name, value in (parameters or {}).items():
        if value.get("resource_value") is not None:
            result[name] = {"ResourceValue": {"Value": value["resource_value"]}}
        else:
            result[name] = {"StaticValue": {"Values": list(value["static_value"])}}
    return result


def normalize_remediation_configuration(configuration):
    """A DescribeRemediationConfigurations entry in the module's return format."""
    ssm_controls = (configuration.get("ExecutionControls") or {}).get("SsmControls") or {}
    return {
        "config_rule_name": configuration.get("ConfigRuleName"),
        "target_type": configuration.get("TargetType"),
        "target_id": configuration.get("TargetId"),
        "target_version": configuration.get("TargetVersion"),
        "parameters": parameters_from_boto3(configuration.get("Parameters")),
        "automatic": bool(configuration.get("Automatic", False)),
        "maximum_automatic_attempts": configuration.get("MaximumAutomaticAttempts", DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS),
        "retry_attempt_seconds": configuration.get("RetryAttemptSeconds", DEFAULT_RETRY_ATTEMPT_SECONDS),
        "execution_controls": _drop_empty(dict((ours, ssm_controls.get(theirs)) for ours, theirs in _SSM_CONTROL_KEYS)),
        "resource_type": configuration.get("ResourceType"),
        "arn": configuration.get("Arn"),
    }


def remediation_configuration_to_boto3(configuration):
    """One entry of PutRemediationConfigurations for a normalised configuration (Arn and CreatedByService are server-set)."""
    request = {
        "ConfigRuleName": configuration["config_rule_name"],
        "TargetType": configuration.get("target_type") or REMEDIATION_TARGET_TYPE,
        "TargetId": configuration["target_id"],
        "Parameters": parameters_to_boto3(configuration.get("parameters")),
        "Automatic": bool(configuration.get("automatic")),
        "MaximumAutomaticAttempts": configuration["maximum_automatic_attempts"],
        "RetryAttemptSeconds": configuration["retry_attempt_seconds"],
    }
    if configuration.get("target_version"):
        request["TargetVersion"] = configuration["target_version"]
    if configuration.get("resource_type"):
        request["ResourceType"] = configuration["resource_type"]
    controls = configuration.get("execution_controls") or {}
    ssm_controls = dict((theirs, controls[ours]) for ours, theirs in _SSM_CONTROL_KEYS if controls.get(ours) is not None)
    if ssm_controls:
        request["ExecutionControls"] = {"SsmControls": ssm_controls}
    return request


# ---------------------------------------------------------------- remediation: API


@ConfigErrorHandler.list_error_handler("describe remediation configuration")
def get_remediation_configuration(client, rule_name):
    """The raw remediation configuration of a rule, or None."""
    response = client.describe_remediation_configurations(ConfigRuleNames=[rule_name], aws_retry=True)
    for configuration in response.get("RemediationConfigurations", []):
        if configuration.get("ConfigRuleName") == rule_name:
            return configuration
    return None


def describe_remediation_configuration(client, rule_name):
    configuration = get_remediation_configuration(client, rule_name)
    if configuration is None:
        return None
    return normalize_remediation_configuration(configuration)


@ConfigErrorHandler.common_error_handler("put remediation configuration")
def put_remediation_configuration(client, configuration):
    """Create or replace a rule's remediation configuration from its normalised form."""
    response = client.put_remediation_configurations(
        RemediationConfigurations=[remediation_configuration_to_boto3(configuration)], aws_retry=True
    )
    # The call succeeds as a whole and reports rejected items in FailedBatches.
    failures = [batch.get("FailureMessage") or "no reason given" for batch in response.get("FailedBatches") or []]
    if failures:
        raise AnsibleConfigError(
            message="AWS Config rejected the remediation configuration of rule '{0}': {1}".format(
                configuration["config_rule_name"], "; ".join(failures)
            )
        )
    return True


@ConfigErrorHandler.deletion_error_handler("delete remediation configuration")
# Deleting fails with RemediationInProgressException while a remediation runs; it ends soon.
@until_consistent("RemediationInProgressException")
def delete_remediation_configuration(client, rule_name, resource_type=None):
    kwargs = {"ConfigRuleName": rule_name}
    if resource_type:
        kwargs["ResourceType"] = resource_type
    client.delete_remediation_configuration(aws_retry=True, **kwargs)
    return True
