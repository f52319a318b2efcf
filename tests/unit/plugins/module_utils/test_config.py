# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_VALUE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import paginated

RULE_ARN = "arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-abc123"
OWNER_TAGS = {OWNER_TAG_KEY: OWNER_TAG_VALUE}


def described_rule(**extra):
    rule = {
        "ConfigRuleName": "access-keys-rotated",
        "ConfigRuleArn": RULE_ARN,
        "ConfigRuleId": "config-rule-abc123",
        "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
        "InputParameters": '{"maxAccessKeyAge":"90"}',
        "MaximumExecutionFrequency": "TwentyFour_Hours",
        "ConfigRuleState": "ACTIVE",
        "EvaluationModes": [{"Mode": "DETECTIVE"}],
    }
    rule.update(extra)
    return rule


def described_remediation(**extra):
    configuration = {
        "ConfigRuleName": "access-keys-rotated",
        "TargetType": "SSM_DOCUMENT",
        "TargetId": "AgedAccessKeyNotification",
        "TargetVersion": "1",
        "Parameters": {
            "IAMResourceId": {"ResourceValue": {"Value": "RESOURCE_ID"}},
            "AutomationAssumeRole": {"StaticValue": {"Values": ["arn:aws:iam::123456789012:role/remediation"]}},
        },
        "Automatic": True,
        "MaximumAutomaticAttempts": 3,
        "RetryAttemptSeconds": 600,
        "ExecutionControls": {"SsmControls": {"ConcurrentExecutionRatePercentage": 10, "ErrorPercentage": 50}},
        "ResourceType": "AWS::IAM::User",
        "Arn": "arn:aws:config:eu-west-1:123456789012:remediation-configuration/access-keys-rotated/abc",
        "CreatedByService": None,
    }
    configuration.update(extra)
    return configuration


# ---------------------------------------------------------------- value helpers


@pytest.mark.parametrize(
    "value, expected",
    [(True, "true"), (False, "false"), (90, "90"), ("90", "90"), (1.5, "1.5")],
)
def test_stringify_parameter_value(value, expected):
    assert config.stringify_parameter_value(value) == expected


@pytest.mark.parametrize(
    "value, expected_none",
    [(None, True), (1, True), (25, True), (0, False), (26, False)],
)
def test_range_problem(value, expected_none):
    problem = config.range_problem("attempts", value, 1, 25)
    assert (problem is None) is expected_none
    if problem:
        assert "attempts must be between 1 and 25" in problem


def test_length_problem_names_the_length():
    assert config.length_problem("name", "x" * 129, 1, 128) == "name must be 1 to 128 characters long, got 129."
    assert config.length_problem("name", None, 1, 128) is None


# ---------------------------------------------------------------- ownership


def test_rule_ownership_problem():
    rule = {"name": "r", "created_by": None, "tags": OWNER_TAGS}
    assert config.rule_ownership_problem(rule, Ownership()) is None
    foreign = {"name": "r", "created_by": None, "tags": {}}
    assert "adopt=true" in config.rule_ownership_problem(foreign, Ownership())
    assert config.rule_ownership_problem(foreign, Ownership(adopt=True)) is None


def test_service_linked_rule_is_refused_even_when_adopting():
    rule = {"name": "securityhub-x", "created_by": "securityhub.amazonaws.com", "tags": {}}
    message = config.rule_ownership_problem(rule, Ownership(adopt=True))
    assert "service-linked" in message and "securityhub.amazonaws.com" in message


# ---------------------------------------------------------------- config rules


def test_normalize_config_rule_ignores_server_fields():
    rule = config.normalize_config_rule(
        described_rule(Scope={"ComplianceResourceTypes": ["AWS::IAM::User", "AWS::IAM::Group"]}), {"a": "b"}
    )
    assert rule == {
        "name": "access-keys-rotated",
        "arn": RULE_ARN,
        "id": "config-rule-abc123",
        "description": "",
        "source": {"owner": "AWS", "source_identifier": "ACCESS_KEYS_ROTATED"},
        "input_parameters": {"maxAccessKeyAge": "90"},
        "maximum_execution_frequency": "TwentyFour_Hours",
        "scope": {"compliance_resource_types": ["AWS::IAM::Group", "AWS::IAM::User"]},
        "state": "ACTIVE",
        "created_by": None,
        "tags": {"a": "b"},
    }


@pytest.mark.parametrize("text, expected", [(None, {}), ("", {}), ("{}", {}), ('{"a": "1"}', {"a": "1"})])
def test_parse_input_parameters(text, expected):
    assert config.parse_input_parameters(text) == expected


def test_scope_option_and_description_share_a_shape():
    option = {"compliance_resource_types": ["B", "A"], "tag_key": None, "tag_value": None, "compliance_resource_id": None}
    assert config.normalize_scope_option(option) == config.normalize_scope({"ComplianceResourceTypes": ["A", "B"]})
    assert config.scope_to_boto3(option) == {"ComplianceResourceTypes": ["A", "B"]}


def test_config_rule_to_boto3_sends_only_managed_fields():
    rule = config.normalize_config_rule(described_rule(Description="d", CreatedBy=None), {})
    rule["input_parameters"] = {"maxAccessKeyAge": 90, "flag": True}
    request = config.config_rule_to_boto3(rule)
    assert request == {
        "ConfigRuleName": "access-keys-rotated",
        "Description": "d",
        "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
        "InputParameters": json.dumps({"flag": "true", "maxAccessKeyAge": "90"}, sort_keys=True),
        "MaximumExecutionFrequency": "TwentyFour_Hours",
    }


def test_get_config_rule_missing_raises_no_such_rule():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = client_error(
        "NoSuchConfigRuleException"
    )
    assert config.get_config_rule(client, "missing") is None


def test_get_config_rule_missing_as_empty_list():
    client = paginated(MagicMock(), {"ConfigRules": []})
    assert config.get_config_rule(client, "missing") is None
    client.get_paginator.assert_called_with("describe_config_rules")
    client.get_paginator.return_value.paginate.assert_called_with(ConfigRuleNames=["missing"])


def test_get_config_rule_other_errors_raise():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = client_error("AccessDeniedException")
    with pytest.raises(config.AnsibleConfigError, match="describe config rule"):
        config.get_config_rule(client, "r")


def test_describe_config_rule_reads_tags_from_the_rule_arn():
    client = MagicMock()
    paginators = {
        "describe_config_rules": {"ConfigRules": [described_rule()]},
        "list_tags_for_resource": {"Tags": [{"Key": OWNER_TAG_KEY, "Value": OWNER_TAG_VALUE}]},
    }

    def paginator(name):
        mock = MagicMock()
        mock.paginate.return_value.build_full_result.return_value = paginators[name]
        return mock

    client.get_paginator.side_effect = paginator
    rule = config.describe_config_rule(client, "access-keys-rotated")
    assert rule["tags"] == OWNER_TAGS
    assert rule["arn"] == RULE_ARN


def test_describe_config_rule_missing():
    client = paginated(MagicMock(), {"ConfigRules": []})
    assert config.describe_config_rule(client, "missing") is None


def test_put_config_rule_passes_tags_and_retries():
    client = MagicMock()
    rule = config.normalize_config_rule(described_rule(), {})
    config.put_config_rule(client, rule, {"a": "b"})
    kwargs = client.put_config_rule.call_args.kwargs
    assert kwargs["Tags"] == [{"Key": "a", "Value": "b"}]
    assert kwargs["aws_retry"] is True
    assert "ConfigRuleArn" not in kwargs["ConfigRule"]


def test_delete_config_rule_already_gone():
    client = MagicMock()
    client.delete_config_rule.side_effect = client_error("NoSuchConfigRuleException", "DeleteConfigRule")
    assert config.delete_config_rule(client, "r") is False


def test_tag_and_untag_skip_empty_changes():
    client = MagicMock()
    assert config.tag_config_resource(client, RULE_ARN, {}) is False
    assert config.untag_config_resource(client, RULE_ARN, []) is False
    client.tag_resource.assert_not_called()
    client.untag_resource.assert_not_called()
    assert config.tag_config_resource(client, RULE_ARN, {"a": "b"}) is True
    client.tag_resource.assert_called_once_with(ResourceArn=RULE_ARN, Tags=[{"Key": "a", "Value": "b"}], aws_retry=True)
    assert config.untag_config_resource(client, RULE_ARN, ["c"]) is True
    client.untag_resource.assert_called_once_with(ResourceArn=RULE_ARN, TagKeys=["c"], aws_retry=True)


def test_update_config_resource_tags_removes_before_setting():
    client = MagicMock()
    config.update_config_resource_tags(client, RULE_ARN, {"a": "b"}, ["c"])
    assert [name for name, dummy, dummy in client.method_calls] == ["untag_resource", "tag_resource"]


def test_list_config_resource_tags():
    client = paginated(MagicMock(), {"Tags": [{"Key": "a", "Value": "b"}]})
    assert config.list_config_resource_tags(client, RULE_ARN) == {"a": "b"}
    client.get_paginator.return_value.paginate.assert_called_once_with(ResourceArn=RULE_ARN)


def test_list_config_resource_tags_of_a_missing_resource_is_empty():
    client = paginated(MagicMock(), client_error("ResourceNotFoundException", "ListTagsForResource"))
    assert config.list_config_resource_tags(client, RULE_ARN) == {}


# ---------------------------------------------------------------- remediation


def test_normalize_remediation_configuration_ignores_server_fields():
    assert config.normalize_remediation_configuration(described_remediation()) == {
        "config_rule_name": "access-keys-rotated",
        "target_type": "SSM_DOCUMENT",
        "target_id": "AgedAccessKeyNotification",
        "target_version": "1",
        "parameters": {
            "IAMResourceId": {"resource_value": "RESOURCE_ID"},
            "AutomationAssumeRole": {"static_value": ["arn:aws:iam::123456789012:role/remediation"]},
        },
        "automatic": True,
        "maximum_automatic_attempts": 3,
        "retry_attempt_seconds": 600,
        "execution_controls": {"concurrent_execution_rate_percentage": 10, "error_percentage": 50},
        "resource_type": "AWS::IAM::User",
        "arn": "arn:aws:config:eu-west-1:123456789012:remediation-configuration/access-keys-rotated/abc",
    }


def test_normalize_remediation_configuration_applies_aws_defaults():
    minimal = {"ConfigRuleName": "r", "TargetType": "SSM_DOCUMENT", "TargetId": "doc"}
    normalized = config.normalize_remediation_configuration(minimal)
    assert normalized["automatic"] is False
    assert normalized["maximum_automatic_attempts"] == 5
    assert normalized["retry_attempt_seconds"] == 60
    assert normalized["execution_controls"] == {}
    assert normalized["parameters"] == {}


def test_remediation_configuration_round_trip():
    described = described_remediation()
    request = config.remediation_configuration_to_boto3(config.normalize_remediation_configuration(described))
    expected = dict(described)
    del expected["Arn"], expected["CreatedByService"]
    assert request == expected


def test_get_remediation_configuration_none_when_absent():
    client = MagicMock()
    client.describe_remediation_configurations.return_value = {"RemediationConfigurations": []}
    assert config.get_remediation_configuration(client, "r") is None
    client.describe_remediation_configurations.assert_called_once_with(ConfigRuleNames=["r"], aws_retry=True)


def test_get_remediation_configuration_missing_rule():
    client = MagicMock()
    client.describe_remediation_configurations.side_effect = client_error(
        "NoSuchConfigRuleException", "DescribeRemediationConfigurations"
    )
    assert config.describe_remediation_configuration(client, "r") is None


def test_put_remediation_configuration_reports_failed_batches():
    client = MagicMock()
    client.put_remediation_configurations.return_value = {
        "FailedBatches": [{"FailureMessage": "Document not found", "FailedItems": []}]
    }
    configuration = config.normalize_remediation_configuration(described_remediation())
    with pytest.raises(config.AnsibleConfigError, match="Document not found"):
        config.put_remediation_configuration(client, configuration)


def test_put_remediation_configuration_wraps_client_errors():
    client = MagicMock()
    client.put_remediation_configurations.side_effect = client_error("InsufficientPermissionsException", "PutRemediationConfigurations")
    configuration = config.normalize_remediation_configuration(described_remediation())
    with pytest.raises(config.AnsibleConfigError, match="put remediation configuration"):
        config.put_remediation_configuration(client, configuration)


def test_delete_remediation_configuration():
    client = MagicMock()
    assert config.delete_remediation_configuration(client, "r", "AWS::IAM::User") is True
    client.delete_remediation_configuration.assert_called_once_with(ConfigRuleName="r", ResourceType="AWS::IAM::User", aws_retry=True)
    client.delete_remediation_configuration.side_effect = client_error(
        "NoSuchRemediationConfigurationException", "DeleteRemediationConfiguration"
    )
    assert config.delete_remediation_configuration(client, "r") is False


def test_put_config_rule_leaves_out_aws_reserved_tags():
    client = MagicMock()
    rule = config.normalize_config_rule(described_rule(), {})
    config.put_config_rule(client, rule, {"aws:cloudformation:stack-name": "s", "a": "b"})
    assert client.put_config_rule.call_args.kwargs["Tags"] == [{"Key": "a", "Value": "b"}]
