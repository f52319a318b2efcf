# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.modules import config_remediation_configuration as remediation

ROLE_ARN = "arn:aws:iam::123456789012:role/remediation"


def params(**overrides):
    values = {
        "config_rule_name": "access-keys-rotated",
        "state": "present",
        "target_id": "AgedAccessKeyNotification",
        "target_version": None,
        "resource_type": None,
        "parameters": {
            "IAMResourceId": {"resource_value": "RESOURCE_ID"},
            "AutomationAssumeRole": {"static_value": ROLE_ARN},
        },
        "automatic": True,
        "maximum_automatic_attempts": 5,
        "retry_attempt_seconds": 60,
        "execution_controls": None,
        "adopt": False,
    }
    values.update(overrides)
    return values


def current_configuration(**overrides):
    configuration = {
        "config_rule_name": "access-keys-rotated",
        "target_type": "SSM_DOCUMENT",
        "target_id": "AgedAccessKeyNotification",
        "target_version": "1",
        "parameters": {
            "IAMResourceId": {"resource_value": "RESOURCE_ID"},
            "AutomationAssumeRole": {"static_value": [ROLE_ARN]},
        },
        "automatic": True,
        "maximum_automatic_attempts": 5,
        "retry_attempt_seconds": 60,
        "execution_controls": {"concurrent_execution_rate_percentage": 10},
        "resource_type": "AWS::IAM::User",
        "arn": "arn:aws:config:eu-west-1:123456789012:remediation-configuration/access-keys-rotated/abc",
    }
    configuration.update(overrides)
    return configuration


# ---------------------------------------------------------------- validate


def test_valid_options_have_no_problems():
    assert remediation.validate_configuration_options(params()) == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"maximum_automatic_attempts": 0}, "maximum_automatic_attempts must be between 1 and 25, got 0"),
        ({"maximum_automatic_attempts": 26}, "maximum_automatic_attempts must be between 1 and 25"),
        ({"retry_attempt_seconds": 2678001}, "retry_attempt_seconds must be between 1 and 2678000"),
        ({"execution_controls": {"concurrent_execution_rate_percentage": 0, "error_percentage": None}}, "concurrent_execution_rate_percentage"),
        ({"execution_controls": {"concurrent_execution_rate_percentage": None, "error_percentage": 101}}, "error_percentage must be between 1 and 100"),
        ({"parameters": {"P": "plain"}}, "parameters.P must be a dictionary with exactly one key"),
        ({"parameters": {"P": {"resource_value": "RESOURCE_ID", "static_value": "x"}}}, "exactly one key"),
        ({"parameters": {"P": {"static": "x"}}}, "exactly one key"),
        ({"parameters": {"P": {"resource_value": "RESOURCE_NAME"}}}, "resource_value must be RESOURCE_ID"),
        ({"parameters": {"P": {"static_value": ["v"] * 26}}}, "at most 25 values"),
        ({"parameters": {"P": {"static_value": ""}}}, "parameters.P.static_value[0] must be 1 to 256"),
        ({"parameters": {"P": {"static_value": ["ok", "x" * 257]}}}, "parameters.P.static_value[1] must be 1 to 256"),
        ({"parameters": {"P": {"static_value": {"a": 1}}}}, "not a dictionary"),
        ({"parameters": {"P": {"static_value": [["nested"]]}}}, "a string or a list of strings"),
        ({"parameters": dict(("P{0}".format(i), {"static_value": "v"}) for i in range(26))}, "at most 25 entries"),
        ({"parameters": {"IAMResourceId": {"resource_value": "RESOURCE_ID"}}}, "AutomationAssumeRole with a static_value"),
        ({"parameters": {"AutomationAssumeRole": {"resource_value": "RESOURCE_ID"}}}, "AutomationAssumeRole with a static_value"),
    ],
)
def test_invalid_options_are_explained(overrides, expected):
    problems = remediation.validate_configuration_options(params(**overrides))
    assert any(expected in problem for problem in problems), problems


def test_assume_role_not_needed_for_manual_remediation():
    assert remediation.validate_configuration_options(params(automatic=False, parameters={"IAMResourceId": {"resource_value": "RESOURCE_ID"}})) == []


def test_normalize_parameters_option_makes_static_values_lists_of_strings():
    assert remediation.normalize_parameters_option(
        {"A": {"static_value": "one"}, "B": {"static_value": [1, True]}, "C": {"resource_value": "RESOURCE_ID", "static_value": None}}
    ) == {"A": {"static_value": ["one"]}, "B": {"static_value": ["1", "true"]}, "C": {"resource_value": "RESOURCE_ID"}}


# ---------------------------------------------------------------- compare


def test_desired_configuration_keeps_unmanaged_fields():
    current = current_configuration()
    desired = remediation.build_desired_configuration(current, params())
    assert desired == current
    assert not remediation.configuration_differs(current, desired)


def test_desired_configuration_merges_execution_controls():
    desired = remediation.build_desired_configuration(
        current_configuration(), params(execution_controls={"concurrent_execution_rate_percentage": None, "error_percentage": 20})
    )
    assert desired["execution_controls"] == {"concurrent_execution_rate_percentage": 10, "error_percentage": 20}


def test_empty_target_version_removes_the_pin():
    desired = remediation.build_desired_configuration(current_configuration(), params(target_version=""))
    assert desired["target_version"] is None
    assert remediation.configuration_differs(current_configuration(), desired)


def test_new_configuration_has_aws_defaults_and_no_arn():
    desired = remediation.build_desired_configuration(None, params(automatic=False, parameters=None))
    assert desired["arn"] is None
    assert desired["parameters"] == {}
    assert desired["target_type"] == "SSM_DOCUMENT"
    assert desired["maximum_automatic_attempts"] == 5


def test_compare_ignores_arn_but_sees_parameter_changes():
    current = current_configuration()
    assert not remediation.configuration_differs(current, dict(current, arn=None))
    changed = remediation.build_desired_configuration(current, params(parameters={
        "IAMResourceId": {"resource_value": "RESOURCE_ID"},
        "AutomationAssumeRole": {"static_value": "arn:aws:iam::123456789012:role/other"},
    }))
    assert remediation.configuration_differs(current, changed)


def test_assume_role_problem_checks_the_merged_configuration():
    desired = remediation.build_desired_configuration(current_configuration(parameters={}), params(parameters=None))
    assert "AutomationAssumeRole" in remediation.assume_role_problem(desired["parameters"], desired["automatic"])


# ---------------------------------------------------------------- apply


def test_create_in_check_mode_calls_nothing():
    client = MagicMock()
    desired = remediation.build_desired_configuration(None, params())
    changed, after = remediation.ensure_present(client, None, desired, check_mode=True)
    assert changed is True and after == desired
    assert client.method_calls == []


def test_create_puts_configuration():
    client = MagicMock()
    client.put_remediation_configurations.return_value = {"FailedBatches": []}
    desired = remediation.build_desired_configuration(None, params(target_version="2"))
    changed, dummy = remediation.ensure_present(client, None, desired, check_mode=False)
    assert changed is True
    request = client.put_remediation_configurations.call_args.kwargs["RemediationConfigurations"][0]
    assert request["TargetVersion"] == "2"
    assert request["Parameters"]["AutomationAssumeRole"] == {"StaticValue": {"Values": [ROLE_ARN]}}
    assert request["Parameters"]["IAMResourceId"] == {"ResourceValue": {"Value": "RESOURCE_ID"}}


def test_unchanged_configuration_makes_no_calls():
    client = MagicMock()
    current = current_configuration()
    changed, after = remediation.ensure_present(client, current, remediation.build_desired_configuration(current, params()), check_mode=False)
    assert changed is False and after == current
    assert client.method_calls == []


@pytest.mark.parametrize("check_mode", [True, False])
def test_absent(check_mode):
    client = MagicMock()
    changed, after = remediation.ensure_absent(client, current_configuration(), check_mode)
    assert changed is True and after is None
    if check_mode:
        assert client.method_calls == []
    else:
        client.delete_remediation_configuration.assert_called_once_with(
            ConfigRuleName="access-keys-rotated", ResourceType="AWS::IAM::User", aws_retry=True
        )


def test_absent_when_missing():
    client = MagicMock()
    assert remediation.ensure_absent(client, None, check_mode=False) == (False, None)
