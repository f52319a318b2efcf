# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DescribeConfigRules for missing names, and EvaluationModes in rule descriptions."""

from emulator_testing import put_access_keys_rule, raises_aws_error


def test_missing_rule_name_in_an_empty_region_is_no_such_config_rule(config):
    with raises_aws_error("NoSuchConfigRuleException", "'missing-rule'"):
        config.describe_config_rules(ConfigRuleNames=["missing-rule"])


def test_missing_rule_name_next_to_an_existing_one_is_no_such_config_rule(config):
    put_access_keys_rule(config, "present-rule")

    with raises_aws_error("NoSuchConfigRuleException", "'missing-rule'"):
        config.describe_config_rules(ConfigRuleNames=["present-rule", "missing-rule"])


def test_describe_without_names_in_an_empty_region_is_an_empty_list(config):
    assert config.describe_config_rules()["ConfigRules"] == []


def test_rule_created_without_evaluation_modes_is_detective(config):
    put_access_keys_rule(config, "rule")

    [rule] = config.describe_config_rules(ConfigRuleNames=["rule"])["ConfigRules"]

    assert rule["EvaluationModes"] == [{"Mode": "DETECTIVE"}]
    assert rule["Source"] == {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"}


def test_rule_created_with_detective_mode_keeps_it(config):
    put_access_keys_rule(config, "rule", EvaluationModes=[{"Mode": "DETECTIVE"}])

    [rule] = config.describe_config_rules()["ConfigRules"]

    assert rule["EvaluationModes"] == [{"Mode": "DETECTIVE"}]


def test_proactive_mode_is_refused_as_not_emulated(config):
    with raises_aws_error("InvalidParameterValueException", "PROACTIVE"):
        put_access_keys_rule(config, "rule", EvaluationModes=[{"Mode": "PROACTIVE"}])


def test_unknown_mode_is_a_validation_exception(config):
    with raises_aws_error("ValidationException", "Member must satisfy enum value set: [DETECTIVE, PROACTIVE]"):
        put_access_keys_rule(config, "rule", EvaluationModes=[{"Mode": "SOMETIMES"}])
