# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.modules import config_rule
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_VALUE

OWNER_TAGS = {OWNER_TAG_KEY: OWNER_TAG_VALUE}
ARN = "arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-abc123"


def params(**overrides):
    values = {
        "name": "access-keys-rotated",
        "state": "present",
        "description": None,
        "source_identifier": "ACCESS_KEYS_ROTATED",
        "input_parameters": None,
        "maximum_execution_frequency": None,
        "scope": None,
        "tags": None,
        "purge_tags": True,
        "adopt": False,
    }
    values.update(overrides)
    return values


def current_rule(**overrides):
    rule = {
        "name": "access-keys-rotated",
        "arn": ARN,
        "id": "config-rule-abc123",
        "description": "old",
        "source": {"owner": "AWS", "source_identifier": "ACCESS_KEYS_ROTATED"},
        "input_parameters": {"maxAccessKeyAge": "90"},
        "maximum_execution_frequency": "TwentyFour_Hours",
        "scope": {},
        "state": "ACTIVE",
        "created_by": None,
        "tags": dict(OWNER_TAGS),
    }
    rule.update(overrides)
    return rule


# ---------------------------------------------------------------- validate


def test_valid_options_have_no_problems():
    assert config_rule.validate_rule_options(params(input_parameters={"maxAccessKeyAge": 90}, scope={"compliance_resource_types": ["AWS::IAM::User"]})) == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"name": "x" * 129}, "name must be 1 to 128 characters"),
        ({"name": "   "}, "non-blank"),
        ({"description": "d" * 257}, "description must be 0 to 256"),
        ({"input_parameters": {"ports": [1, 2]}}, "input_parameters.ports must be a single value"),
        ({"input_parameters": {"empty": None}}, "input_parameters.empty must be a single value"),
        ({"input_parameters": {"long": "v" * 1100}}, "1024 characters"),
        ({"scope": {"tag_value": "v"}}, "scope.tag_value needs scope.tag_key"),
        ({"scope": {"tag_key": "k", "compliance_resource_types": ["AWS::IAM::User"]}}, "not both"),
        ({"scope": {"compliance_resource_id": "AIDA", "compliance_resource_types": ["A", "B"]}}, "exactly one entry"),
        ({"scope": {"compliance_resource_types": ["T{0}".format(i) for i in range(101)]}}, "at most 100"),
    ],
)
def test_invalid_options_are_explained(overrides, expected):
    problems = config_rule.validate_rule_options(params(**overrides))
    assert any(expected in problem for problem in problems), problems


# ---------------------------------------------------------------- compare


def test_desired_rule_keeps_unmanaged_fields():
    desired = config_rule.build_desired_rule(current_rule(), params())
    assert desired == current_rule()


def test_desired_rule_applies_options_as_strings():
    desired = config_rule.build_desired_rule(
        current_rule(), params(description="new", input_parameters={"maxAccessKeyAge": 30}, maximum_execution_frequency="One_Hour", scope={})
    )
    assert desired["description"] == "new"
    assert desired["input_parameters"] == {"maxAccessKeyAge": "30"}
    assert desired["maximum_execution_frequency"] == "One_Hour"
    assert desired["scope"] == {}


def test_desired_rule_for_a_new_rule():
    desired = config_rule.build_desired_rule(None, params(input_parameters={"maxAccessKeyAge": 90}))
    assert desired["arn"] is None
    assert desired["source"] == {"owner": "AWS", "source_identifier": "ACCESS_KEYS_ROTATED"}
    assert desired["input_parameters"] == {"maxAccessKeyAge": "90"}


def test_rule_compare_is_canonical():
    current = current_rule(input_parameters={"maxAccessKeyAge": 90}, arn="other", state="EVALUATING")
    desired = config_rule.build_desired_rule(current, params(input_parameters={"maxAccessKeyAge": "90"}))
    assert not config_rule.rule_differs(current, desired)


def test_rule_compare_sees_parameter_change():
    current = current_rule()
    desired = config_rule.build_desired_rule(current, params(input_parameters={"maxAccessKeyAge": 45}))
    assert config_rule.rule_differs(current, desired)


def test_rule_compare_ignores_scope_order():
    current = current_rule(scope={"compliance_resource_types": ["A", "B"]})
    desired = config_rule.build_desired_rule(current, params(scope={"compliance_resource_types": ["B", "A"]}))
    assert not config_rule.rule_differs(current, desired)


# ---------------------------------------------------------------- apply


def test_create_in_check_mode_calls_nothing():
    client = MagicMock()
    changed, after = config_rule.ensure_present(client, None, params(input_parameters={"maxAccessKeyAge": 90}), check_mode=True)
    assert changed is True
    assert after["tags"] == OWNER_TAGS
    assert after["input_parameters"] == {"maxAccessKeyAge": "90"}
    assert client.method_calls == []


def test_create_puts_rule_with_ownership_tag():
    client = MagicMock()
    changed, dummy = config_rule.ensure_present(client, None, params(tags={"team": "sec"}), check_mode=False)
    assert changed is True
    tags = client.put_config_rule.call_args.kwargs["Tags"]
    assert sorted(tags, key=lambda tag: tag["Key"]) == [{"Key": OWNER_TAG_KEY, "Value": OWNER_TAG_VALUE}, {"Key": "team", "Value": "sec"}]


def test_unchanged_rule_makes_no_calls():
    client = MagicMock()
    changed, after = config_rule.ensure_present(client, current_rule(), params(input_parameters={"maxAccessKeyAge": "90"}), check_mode=False)
    assert changed is False
    assert after == current_rule()
    assert client.method_calls == []


def test_update_in_check_mode_predicts_after_state():
    client = MagicMock()
    changed, after = config_rule.ensure_present(client, current_rule(), params(input_parameters={"maxAccessKeyAge": 30}), check_mode=True)
    assert changed is True
    assert after["input_parameters"] == {"maxAccessKeyAge": "30"}
    assert client.method_calls == []


def test_update_puts_rule_and_fixes_tags():
    client = MagicMock()
    current = current_rule(tags={"other": "x"})
    changed, after = config_rule.ensure_present(client, current, params(description="new", tags={}, adopt=True), check_mode=False)
    assert changed is True
    assert client.put_config_rule.call_args.kwargs["ConfigRule"]["Description"] == "new"
    client.untag_resource.assert_called_once_with(ResourceArn=ARN, TagKeys=["other"], aws_retry=True)
    # Adopted: the ownership tag and the adopted mark, so cleanup can tell it from what the rollout created.
    adopted_tags = {OWNER_TAG_KEY: OWNER_TAG_VALUE, "cloudsec.aged_keys:adopted": "true"}
    client.tag_resource.assert_called_once()
    assert client.tag_resource.call_args.kwargs["ResourceArn"] == ARN
    assert {tag["Key"]: tag["Value"] for tag in client.tag_resource.call_args.kwargs["Tags"]} == adopted_tags
    assert after["tags"] == dict(OWNER_TAGS, **{"cloudsec.aged_keys:adopted": "true"})


def test_tag_only_change_does_not_put_rule():
    client = MagicMock()
    changed, dummy = config_rule.ensure_present(client, current_rule(), params(tags={"team": "sec"}), check_mode=False)
    assert changed is True
    client.put_config_rule.assert_not_called()
    client.tag_resource.assert_called_once()


@pytest.mark.parametrize("check_mode", [True, False])
def test_absent(check_mode):
    client = MagicMock()
    changed, after = config_rule.ensure_absent(client, current_rule(), check_mode)
    assert changed is True and after is None
    assert client.delete_config_rule.called is not check_mode


def test_absent_when_missing():
    client = MagicMock()
    assert config_rule.ensure_absent(client, None, check_mode=False) == (False, None)
    assert client.method_calls == []


def test_remediation_blocker():
    client = MagicMock()
    client.describe_remediation_configurations.return_value = {"RemediationConfigurations": [{"ConfigRuleName": "r"}]}
    assert "Delete it first" in config_rule.remediation_blocker(client, "r")
    client.describe_remediation_configurations.return_value = {"RemediationConfigurations": []}
    assert config_rule.remediation_blocker(client, "r") is None
