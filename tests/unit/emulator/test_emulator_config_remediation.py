# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""PutRemediationConfigurations, DescribeRemediationConfigurations, DeleteRemediationConfiguration."""

import re

import pytest

from emulator_testing import DEFAULT_ACCOUNT, REGION, create_automation_document, put_access_keys_rule, raises_aws_error

ROLE_ARN = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/remediation"
RULE = "access-keys-rotated"
DOCUMENT = "notify-aged-keys"


@pytest.fixture
def unvalidated_config(emulator):
    return emulator.client("config", validate=False)


@pytest.fixture
def rule_and_document(emulator, config):
    put_access_keys_rule(config, RULE)
    create_automation_document(emulator.client("ssm"), DOCUMENT)


def remediation(**changes):
    configuration = {
        "ConfigRuleName": RULE,
        "TargetType": "SSM_DOCUMENT",
        "TargetId": DOCUMENT,
        "Automatic": True,
        "Parameters": {
            "AutomationAssumeRole": {"StaticValue": {"Values": [ROLE_ARN]}},
            "ResourceId": {"ResourceValue": {"Value": "RESOURCE_ID"}},
        },
    }
    configuration.update(changes)
    return configuration


def describe(config, *names):
    return config.describe_remediation_configurations(ConfigRuleNames=list(names or [RULE]))["RemediationConfigurations"]


@pytest.mark.usefixtures("rule_and_document")
def test_put_then_describe_returns_the_configuration_with_defaults_and_arn(config):
    answer = config.put_remediation_configurations(RemediationConfigurations=[remediation()])

    assert answer["FailedBatches"] == []
    [stored] = describe(config)
    arn = stored.pop("Arn")
    assert re.fullmatch(rf"arn:aws:config:{REGION}:{DEFAULT_ACCOUNT}:remediation-configuration/{RULE}/[0-9a-f-]{{36}}", arn)
    assert stored == dict(remediation(), MaximumAutomaticAttempts=5, RetryAttemptSeconds=60)
    assert "CreatedByService" not in stored


@pytest.mark.usefixtures("rule_and_document")
def test_manual_remediation_keeps_only_what_was_given(config):
    manual = remediation(Automatic=False, TargetVersion="1", ResourceType="AWS::IAM::User",
                         ExecutionControls={"SsmControls": {"ConcurrentExecutionRatePercentage": 10, "ErrorPercentage": 20}})

    config.put_remediation_configurations(RemediationConfigurations=[manual])

    [stored] = describe(config)
    stored.pop("Arn")
    assert stored == manual


@pytest.mark.usefixtures("rule_and_document")
def test_put_on_a_configured_rule_replaces_it_and_keeps_the_arn(config):
    config.put_remediation_configurations(RemediationConfigurations=[remediation()])
    [first] = describe(config)

    config.put_remediation_configurations(RemediationConfigurations=[remediation(MaximumAutomaticAttempts=3, RetryAttemptSeconds=600)])

    [second] = describe(config)
    assert (second["MaximumAutomaticAttempts"], second["RetryAttemptSeconds"]) == (3, 600)
    assert second["Arn"] == first["Arn"]


@pytest.mark.usefixtures("rule_and_document")
def test_target_id_may_be_the_document_arn(config):
    arn = f"arn:aws:ssm:{REGION}:{DEFAULT_ACCOUNT}:document/{DOCUMENT}"

    config.put_remediation_configurations(RemediationConfigurations=[remediation(TargetId=arn)])

    assert describe(config)[0]["TargetId"] == arn


@pytest.mark.usefixtures("rule_and_document")
def test_describe_leaves_out_rules_without_configuration(config):
    put_access_keys_rule(config, "other-rule")
    config.put_remediation_configurations(RemediationConfigurations=[remediation()])

    assert [item["ConfigRuleName"] for item in describe(config, "missing", "other-rule", RULE)] == [RULE]
    assert describe(config, "missing") == []


@pytest.mark.usefixtures("rule_and_document")
def test_configurations_are_per_account_and_region(emulator, config):
    config.put_remediation_configurations(RemediationConfigurations=[remediation()])

    assert describe(emulator.client("config", region="us-east-1")) == []
    other_account = emulator.client("config", credentials=emulator.assume_account("210987654321"))
    assert describe(other_account) == []


@pytest.mark.usefixtures("rule_and_document")
def test_delete_removes_the_configuration(config):
    config.put_remediation_configurations(RemediationConfigurations=[remediation(ResourceType="AWS::IAM::User")])

    config.delete_remediation_configuration(ConfigRuleName=RULE, ResourceType="AWS::IAM::User")

    assert describe(config) == []


@pytest.mark.usefixtures("rule_and_document")
def test_delete_without_configuration_is_an_error(config):
    with raises_aws_error("NoSuchRemediationConfigurationException", RULE):
        config.delete_remediation_configuration(ConfigRuleName=RULE)


@pytest.mark.usefixtures("rule_and_document")
def test_delete_with_another_resource_type_is_an_error(config):
    config.put_remediation_configurations(RemediationConfigurations=[remediation(ResourceType="AWS::IAM::User")])

    with raises_aws_error("NoSuchRemediationConfigurationException"):
        config.delete_remediation_configuration(ConfigRuleName=RULE, ResourceType="AWS::IAM::Role")


@pytest.mark.usefixtures("rule_and_document")
def test_rule_with_remediation_cannot_be_deleted_until_the_remediation_is(config):
    config.put_remediation_configurations(RemediationConfigurations=[remediation()])

    with raises_aws_error("ResourceInUseException", "currently has a RemediationConfiguration"):
        config.delete_config_rule(ConfigRuleName=RULE)

    config.delete_remediation_configuration(ConfigRuleName=RULE)
    config.delete_config_rule(ConfigRuleName=RULE)


@pytest.mark.usefixtures("rule_and_document")
def test_reset_clears_remediation_configurations(emulator, config):
    config.put_remediation_configurations(RemediationConfigurations=[remediation()])

    emulator.reset()

    put_access_keys_rule(config, RULE)
    assert describe(config) == []


def test_put_for_a_missing_rule_is_an_error(emulator, config):
    create_automation_document(emulator.client("ssm"), DOCUMENT)

    with raises_aws_error("NoSuchConfigRuleException", RULE):
        config.put_remediation_configurations(RemediationConfigurations=[remediation()])


def test_put_for_a_missing_document_is_an_error(config):
    put_access_keys_rule(config, RULE)

    with raises_aws_error("InvalidParameterValueException", f"The SSM document '{DOCUMENT}' does not exist"):
        config.put_remediation_configurations(RemediationConfigurations=[remediation()])


@pytest.mark.usefixtures("rule_and_document")
def test_a_failed_put_stores_nothing(config):
    put_access_keys_rule(config, "second-rule")
    valid, invalid = remediation(ConfigRuleName="second-rule"), remediation(TargetId="missing-document")

    with raises_aws_error("InvalidParameterValueException"):
        config.put_remediation_configurations(RemediationConfigurations=[valid, invalid])

    assert describe(config, "second-rule", RULE) == []


SEMANTIC_ERRORS = {
    "both value kinds": (
        {"Parameters": {"AutomationAssumeRole": {"StaticValue": {"Values": [ROLE_ARN]}},
                        "ResourceId": {"ResourceValue": {"Value": "RESOURCE_ID"}, "StaticValue": {"Values": ["x"]}}}},
        "exactly one of ResourceValue or StaticValue; it has ResourceValue and StaticValue",
    ),
    "no value kind": (
        {"Parameters": {"AutomationAssumeRole": {"StaticValue": {"Values": [ROLE_ARN]}}, "ResourceId": {}}},
        "it has neither",
    ),
    "automatic without assume role": ({"Parameters": {"ResourceId": {"ResourceValue": {"Value": "RESOURCE_ID"}}}}, "AutomationAssumeRole"),
    "automatic with assume role from the resource": (
        {"Parameters": {"AutomationAssumeRole": {"ResourceValue": {"Value": "RESOURCE_ID"}}}},
        "AutomationAssumeRole",
    ),
    "automatic with empty assume role": ({"Parameters": {"AutomationAssumeRole": {"StaticValue": {"Values": []}}}}, "AutomationAssumeRole"),
    "missing document version": ({"TargetVersion": "7"}, "has no version '7'"),
    "document of another account": ({"TargetId": f"arn:aws:ssm:{REGION}:210987654321:document/{DOCUMENT}"}, "another account or region"),
    "created by a service": ({"CreatedByService": "securityhub.amazonaws.com"}, "service-linked"),
}


@pytest.mark.usefixtures("rule_and_document")
@pytest.mark.parametrize("changes, message", SEMANTIC_ERRORS.values(), ids=SEMANTIC_ERRORS.keys())
def test_invalid_configuration_is_an_invalid_parameter_value(config, changes, message):
    with raises_aws_error("InvalidParameterValueException", message):
        config.put_remediation_configurations(RemediationConfigurations=[remediation(**changes)])


@pytest.mark.usefixtures("rule_and_document")
def test_manual_remediation_needs_no_assume_role(config):
    manual = remediation(Automatic=False, Parameters={"ResourceId": {"ResourceValue": {"Value": "RESOURCE_ID"}}})

    config.put_remediation_configurations(RemediationConfigurations=[manual])

    assert describe(config)[0]["Automatic"] is False


def violation(path_end, constraint):
    """The tail of AWS's message for one violated model constraint."""
    return f"{path_end}' failed to satisfy constraint: Member must {constraint}"


ASSUME_ROLE = {"StaticValue": {"Values": [ROLE_ARN]}}
CONSTRAINT_ERRORS = {
    "target type": ({"TargetType": "LAMBDA"}, violation("targetType", "satisfy enum value set: [SSM_DOCUMENT]")),
    "target id missing": ({"TargetId": None}, "Value 'null' at 'remediationConfigurations.1.member.targetId'"),
    "target id too long": ({"TargetId": "d" * 257}, violation("targetId", "have length less than or equal to 256")),
    "rule name blank": ({"ConfigRuleName": " "}, violation("configRuleName", "satisfy regular expression pattern")),
    "too many attempts": ({"MaximumAutomaticAttempts": 26}, violation("maximumAutomaticAttempts", "have value less than or equal to 25")),
    "no attempts": ({"MaximumAutomaticAttempts": 0}, violation("maximumAutomaticAttempts", "have value greater than or equal to 1")),
    "retry too long": ({"RetryAttemptSeconds": 2678001}, violation("retryAttemptSeconds", "have value less than or equal to 2678000")),
    "retry zero": ({"RetryAttemptSeconds": 0}, violation("retryAttemptSeconds", "have value greater than or equal to 1")),
    "concurrency above 100": (
        {"ExecutionControls": {"SsmControls": {"ConcurrentExecutionRatePercentage": 101}}},
        violation("executionControls.ssmControls.concurrentExecutionRatePercentage", "have value less than or equal to 100"),
    ),
    "error percentage zero": (
        {"ExecutionControls": {"SsmControls": {"ErrorPercentage": 0}}},
        violation("executionControls.ssmControls.errorPercentage", "have value greater than or equal to 1"),
    ),
    "resource value not a resource id": (
        {"Parameters": {"AutomationAssumeRole": ASSUME_ROLE, "ResourceId": {"ResourceValue": {"Value": "RESOURCE_NAME"}}}},
        violation("resourceValue.value", "satisfy enum value set: [RESOURCE_ID]"),
    ),
    "too many static values": (
        {"Parameters": {"AutomationAssumeRole": {"StaticValue": {"Values": [ROLE_ARN] * 26}}}},
        violation("staticValue.values", "have length less than or equal to 25"),
    ),
    "static value too long": (
        {"Parameters": {"AutomationAssumeRole": {"StaticValue": {"Values": ["v" * 257]}}}},
        violation("staticValue.values.1.member", "have length less than or equal to 256"),
    ),
    "empty static value": (
        {"Parameters": {"AutomationAssumeRole": {"StaticValue": {"Values": [""]}}}},
        violation("staticValue.values.1.member", "have length greater than or equal to 1"),
    ),
    "too many parameters": (
        {"Parameters": {f"Parameter{number}": {"StaticValue": {"Values": ["v"]}} for number in range(26)}},
        violation("parameters", "have length less than or equal to 25"),
    ),
}


@pytest.mark.usefixtures("rule_and_document")
@pytest.mark.parametrize("changes, message", CONSTRAINT_ERRORS.values(), ids=CONSTRAINT_ERRORS.keys())
def test_model_constraint_violation_is_a_validation_exception(unvalidated_config, changes, message):
    with raises_aws_error("ValidationException", message):
        unvalidated_config.put_remediation_configurations(RemediationConfigurations=[remediation(**changes)])


@pytest.mark.usefixtures("rule_and_document")
def test_every_constraint_violation_is_reported_at_once(config):
    two_violations = remediation(MaximumAutomaticAttempts=30, RetryAttemptSeconds=3000000)

    with raises_aws_error("ValidationException", "2 validation errors detected") as excinfo:
        config.put_remediation_configurations(RemediationConfigurations=[two_violations])

    assert "maximumAutomaticAttempts" in str(excinfo.value) and "retryAttemptSeconds" in str(excinfo.value)


@pytest.mark.usefixtures("rule_and_document")
def test_more_than_25_configurations_is_a_validation_exception(unvalidated_config):
    with raises_aws_error("ValidationException", violation("'remediationConfigurations", "have length less than or equal to 25")):
        unvalidated_config.put_remediation_configurations(RemediationConfigurations=[remediation()] * 26)


def test_wrong_json_type_is_a_serialization_exception(unvalidated_config):
    with raises_aws_error("SerializationException", "maximumAutomaticAttempts"):
        unvalidated_config.put_remediation_configurations(RemediationConfigurations=[remediation(MaximumAutomaticAttempts="5")])


def test_describe_needs_rule_names(unvalidated_config):
    with raises_aws_error("ValidationException", "Value 'null' at 'configRuleNames'"):
        unvalidated_config.describe_remediation_configurations()


def test_describe_accepts_at_most_25_names(unvalidated_config):
    with raises_aws_error("ValidationException", violation("'configRuleNames", "have length less than or equal to 25")):
        unvalidated_config.describe_remediation_configurations(ConfigRuleNames=[f"rule-{number}" for number in range(26)])
