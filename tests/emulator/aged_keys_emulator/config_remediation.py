# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Config remediation configurations, which moto 5.2.5 does not implement.

Follows the AWS Config API Reference: PutRemediationConfigurations,
DescribeRemediationConfigurations, DeleteRemediationConfiguration and the
RemediationConfiguration, RemediationParameterValue and SsmControls data types.

Configurations are kept on moto's ConfigBackend of the account and region, keyed
by rule name, so `/moto-api/reset` clears them with everything else.
This module stores and validates; config_remediation_execution.py runs them.
"""

import copy
import re
import uuid

from moto.config.exceptions import InvalidParameterValueException, NoSuchConfigRuleException
from moto.core.exceptions import JsonRESTError
from moto.ssm.models import ssm_backends

from .validation import ConstraintViolations, expect_type

STORE_ATTRIBUTE = "remediation_configurations"

# Limits of the RemediationConfiguration data type (AWS Config API Reference).
MAX_CONFIGURATIONS_PER_REQUEST = 25
MAX_PARAMETERS = 25
MAX_STATIC_VALUES = 25
RULE_NAME_PATTERN = r".*\S.*"
TARGET_TYPES = ["SSM_DOCUMENT"]
RESOURCE_VALUE_TYPES = ["RESOURCE_ID"]
MAXIMUM_AUTOMATIC_ATTEMPTS_RANGE = (1, 25)
RETRY_ATTEMPT_SECONDS_RANGE = (1, 2678000)
PERCENTAGE_RANGE = (1, 100)

# "If you do not select a number, the default is 5" / "the default is 60 seconds"
# (RemediationConfiguration data type). They only matter for automatic remediation.
DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS = 5
DEFAULT_RETRY_ATTEMPT_SECONDS = 60

# PutRemediationConfigurations: "for automatic remediation configuration, the only
# valid assumeRole field value is AutomationAssumeRole and you need to provide a value".
ASSUME_ROLE_PARAMETER = "AutomationAssumeRole"

SSM_DOCUMENT_ARN = re.compile(r"arn:[^:]+:ssm:(?P<region>[^:]*):(?P<account>\d{12}):document/(?P<name>.+)")
SSM_VERSION_KEYWORDS = ("$DEFAULT", "$LATEST")


class NoSuchRemediationConfigurationException(JsonRESTError):
    """AWS Config API Reference, DeleteRemediationConfiguration, Errors."""

    code = 400

    def __init__(self, rule_name):
        message = f"You specified an AWS Config rule without a remediation configuration: '{rule_name}'."
        super().__init__("NoSuchRemediationConfigurationException", message)


# Callables (config_backend, rule_names) run when a put makes rules' remediation automatic.
AFTER_AUTOMATIC_REMEDIATION_ENABLED = []


def remediation_store(config_backend):
    """The rule-name -> configuration dict of one account and region."""
    # setdefault on the instance dict is atomic, so concurrent first calls share one store.
    return config_backend.__dict__.setdefault(STORE_ATTRIBUTE, {})


def has_remediation_configuration(config_backend, rule_name):
    return rule_name in remediation_store(config_backend)


# --- PutRemediationConfigurations -------------------------------------------------

def put_remediation_configurations(config_backend, configurations):
    """Validate every configuration, then store them all (a put replaces the rule's previous one)."""
    check_put_constraints(configurations)
    for configuration in configurations:
        check_configuration_semantics(config_backend, configuration)
    store = remediation_store(config_backend)
    enabled = []
    for configuration in configurations:
        rule_name = configuration["ConfigRuleName"]
        previous = store.get(rule_name)
        store[rule_name] = stored_configuration(config_backend, configuration, previous)
        if store[rule_name]["Automatic"] and not (previous or {}).get("Automatic"):
            enabled.append(rule_name)
    for listener in AFTER_AUTOMATIC_REMEDIATION_ENABLED:
        listener(config_backend, enabled)
    # Every item was stored, so no batch failed.
    return {"FailedBatches": []}


def check_put_constraints(configurations):
    """Model constraints of the request, reported together as AWS does."""
    violations = ConstraintViolations()
    if violations.required(configurations, "remediationConfigurations"):
        expect_type(configurations, list, "remediationConfigurations")
        violations.count(configurations, "remediationConfigurations", MAX_CONFIGURATIONS_PER_REQUEST)
        for position, configuration in enumerate(configurations, start=1):
            path = f"remediationConfigurations.{position}.member"
            check_configuration_constraints(violations, expect_type(configuration, dict, path), path)
    violations.raise_if_any()


def check_configuration_constraints(violations, configuration, path):
    if violations.required(configuration.get("ConfigRuleName"), f"{path}.configRuleName"):
        violations.string(configuration["ConfigRuleName"], f"{path}.configRuleName", 1, 128, RULE_NAME_PATTERN)
    if violations.required(configuration.get("TargetType"), f"{path}.targetType"):
        violations.enum(configuration["TargetType"], f"{path}.targetType", TARGET_TYPES)
    if violations.required(configuration.get("TargetId"), f"{path}.targetId"):
        violations.string(configuration["TargetId"], f"{path}.targetId", 1, 256)
    violations.string(configuration.get("TargetVersion"), f"{path}.targetVersion")
    violations.string(configuration.get("ResourceType"), f"{path}.resourceType")
    expect_type(configuration.get("Automatic"), bool, f"{path}.automatic")
    violations.number(configuration.get("MaximumAutomaticAttempts"), f"{path}.maximumAutomaticAttempts", *MAXIMUM_AUTOMATIC_ATTEMPTS_RANGE)
    violations.number(configuration.get("RetryAttemptSeconds"), f"{path}.retryAttemptSeconds", *RETRY_ATTEMPT_SECONDS_RANGE)
    check_execution_controls_constraints(violations, configuration.get("ExecutionControls"), f"{path}.executionControls")
    check_parameters_constraints(violations, configuration.get("Parameters"), f"{path}.parameters")


def check_execution_controls_constraints(violations, execution_controls, path):
    expect_type(execution_controls, dict, path)
    ssm_controls = expect_type((execution_controls or {}).get("SsmControls"), dict, f"{path}.ssmControls")
    for member, field in (("ConcurrentExecutionRatePercentage", "concurrentExecutionRatePercentage"), ("ErrorPercentage", "errorPercentage")):
        violations.number((ssm_controls or {}).get(member), f"{path}.ssmControls.{field}", *PERCENTAGE_RANGE)


def check_parameters_constraints(violations, parameters, path):
    expect_type(parameters, dict, path)
    violations.count(parameters, path, MAX_PARAMETERS)
    for name, value in (parameters or {}).items():
        violations.string(name, f"{path}.key", 1, 256)
        value_path = f"{path}.{name}.member"
        expect_type(value, dict, value_path)
        resource_value = expect_type(value.get("ResourceValue"), dict, f"{value_path}.resourceValue")
        if resource_value is not None and violations.required(resource_value.get("Value"), f"{value_path}.resourceValue.value"):
            violations.enum(resource_value["Value"], f"{value_path}.resourceValue.value", RESOURCE_VALUE_TYPES)
        static_value = expect_type(value.get("StaticValue"), dict, f"{value_path}.staticValue")
        if static_value is not None:
            check_static_values_constraints(violations, static_value.get("Values"), f"{value_path}.staticValue.values")


def check_static_values_constraints(violations, values, path):
    if not violations.required(values, path):
        return
    expect_type(values, list, path)
    violations.count(values, path, MAX_STATIC_VALUES)
    for position, value in enumerate(values, start=1):
        violations.string(value, f"{path}.{position}.member", 1, 256)


def check_configuration_semantics(config_backend, configuration):
    """Rules beyond the model: the rule and the document exist, parameter values are well formed."""
    rule_name = configuration["ConfigRuleName"]
    if configuration.get("CreatedByService") is not None:
        # Only AWS sets it, for service-linked rules, which the emulator does not model.
        raise InvalidParameterValueException(
            "CreatedByService is set by AWS Config for service-linked rules; remove it from the request. "
            "Remediation of service-linked rules is not supported."
        )
    # "The AWS Config rule must already exist for you to add a remediation configuration."
    # The API reference lists no error for a missing rule; AWS Config names a missing
    # rule NoSuchConfigRuleException everywhere else, so that is what we answer.
    if rule_name not in config_backend.config_rules:
        raise NoSuchConfigRuleException(rule_name)
    parameters = configuration.get("Parameters") or {}
    for name, value in parameters.items():
        check_parameter_value(rule_name, name, value)
    if configuration.get("Automatic"):
        check_automatic_assume_role(rule_name, parameters)
    check_target_document(config_backend, configuration)


def check_parameter_value(rule_name, name, value):
    # RemediationParameterValue: "The value is dynamic" (ResourceValue) or "static" (StaticValue), one of them.
    kinds = [kind for kind in ("ResourceValue", "StaticValue") if value.get(kind) is not None]
    if len(kinds) != 1:
        raise InvalidParameterValueException(
            f"Parameter '{name}' of the remediation configuration for rule '{rule_name}' must have exactly one of "
            f"ResourceValue or StaticValue; it has {' and '.join(kinds) if kinds else 'neither'}."
        )


def check_automatic_assume_role(rule_name, parameters):
    assume_role = parameters.get(ASSUME_ROLE_PARAMETER) or {}
    static_values = (assume_role.get("StaticValue") or {}).get("Values") or []
    if not static_values:
        raise InvalidParameterValueException(
            f"Automatic remediation for rule '{rule_name}' needs the parameter {ASSUME_ROLE_PARAMETER} "
            f"as a StaticValue holding the ARN of the role SSM Automation assumes."
        )


def check_target_document(config_backend, configuration):
    # "The target (SSM document) must exist and have permissions to use the target."
    target_id = configuration["TargetId"]
    documents = find_target_documents(config_backend, target_id)
    target_version = configuration.get("TargetVersion")
    if target_version is not None and target_version not in SSM_VERSION_KEYWORDS and target_version not in documents.versions:
        raise InvalidParameterValueException(
            f"The SSM document '{target_id}' has no version '{target_version}'. "
            f"Use an existing document version, $DEFAULT or $LATEST."
        )


def find_target_documents(config_backend, target_id):
    """The SSM document (all versions) named by TargetId: a name or an ARN in the same account and region."""
    account_id, region = config_backend.account_id, config_backend.region_name
    name = target_id
    arn = SSM_DOCUMENT_ARN.fullmatch(target_id)
    if arn:
        if (arn.group("account"), arn.group("region")) != (account_id, region):
            raise InvalidParameterValueException(
                f"TargetId '{target_id}' names an SSM document of another account or region. "
                f"The emulator only resolves documents of the rule's own account ({account_id}) and region ({region})."
            )
        name = arn.group("name")
    documents = ssm_backends[account_id][region]._documents.get(name)
    if documents is None:
        raise InvalidParameterValueException(
            f"The SSM document '{target_id}' does not exist in account {account_id} region {region}. "
            f"Create the document before the remediation configuration (AWS-owned documents are not available in the emulator)."
        )
    return documents


def stored_configuration(config_backend, configuration, previous):
    """The configuration as DescribeRemediationConfigurations returns it."""
    automatic = bool(configuration.get("Automatic", False))
    stored = {"ConfigRuleName": configuration["ConfigRuleName"], "TargetType": configuration["TargetType"], "TargetId": configuration["TargetId"]}
    for member in ("TargetVersion", "Parameters", "ResourceType", "ExecutionControls", "MaximumAutomaticAttempts", "RetryAttemptSeconds"):
        if configuration.get(member) is not None:
            stored[member] = copy.deepcopy(configuration[member])
    stored["Automatic"] = automatic
    if automatic:
        stored.setdefault("MaximumAutomaticAttempts", DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS)
        stored.setdefault("RetryAttemptSeconds", DEFAULT_RETRY_ATTEMPT_SECONDS)
    # A put replaces the configuration but it stays the same resource: keep its ARN.
    stored["Arn"] = previous["Arn"] if previous else remediation_arn(config_backend, configuration["ConfigRuleName"])
    return stored


def remediation_arn(config_backend, rule_name):
    return (
        f"arn:{config_backend.partition}:config:{config_backend.region_name}:{config_backend.account_id}:"
        f"remediation-configuration/{rule_name}/{uuid.uuid4()}"
    )


# --- DescribeRemediationConfigurations -------------------------------------------

def describe_remediation_configurations(config_backend, rule_names):
    """Configurations of the named rules; names without one are left out (no error)."""
    violations = ConstraintViolations()
    if violations.required(rule_names, "configRuleNames"):
        expect_type(rule_names, list, "configRuleNames")
        violations.count(rule_names, "configRuleNames", 25)
        for position, name in enumerate(rule_names, start=1):
            violations.string(name, f"configRuleNames.{position}.member", 1, 128, RULE_NAME_PATTERN)
    violations.raise_if_any()
    store = remediation_store(config_backend)
    names = list(dict.fromkeys(rule_names))
    return {"RemediationConfigurations": [copy.deepcopy(store[name]) for name in names if name in store]}


# --- DeleteRemediationConfiguration ----------------------------------------------

def delete_remediation_configuration(config_backend, rule_name, resource_type):
    """Delete the rule's configuration; ResourceType, when given, must match the stored one."""
    violations = ConstraintViolations()
    if violations.required(rule_name, "configRuleName"):
        violations.string(rule_name, "configRuleName", 1, 128, RULE_NAME_PATTERN)
    violations.string(resource_type, "resourceType")
    violations.raise_if_any()
    store = remediation_store(config_backend)
    stored = store.get(rule_name)
    if stored is None or (resource_type is not None and stored.get("ResourceType") != resource_type):
        raise NoSuchRemediationConfigurationException(rule_name)
    del store[rule_name]
    return {}
