# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""StartConfigRulesEvaluation of ACCESS_KEYS_ROTATED, DescribeComplianceByConfigRule, GetComplianceDetailsByConfigRule."""

import datetime
import json

import pytest
from moto.config.models import config_backends

from aged_keys_emulator.config_evaluation import evaluations_claimed
from aged_keys_emulator.control import set_access_key_age
from emulator_testing import DEFAULT_ACCOUNT, REGION, put_access_keys_rule, raises_aws_error, start_recorder

RULE = "access-keys-rotated"


@pytest.fixture
def recorded_rule(config):
    start_recorder(config)
    return put_access_keys_rule(config, RULE)


def create_user(emulator, iam, name, key_age_days=None, key_status="Active"):
    """A user (with one key of that age and status when key_age_days is given); returns its id."""
    user_id = iam.create_user(UserName=name)["User"]["UserId"]
    if key_age_days is not None:
        key_id = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
        set_access_key_age(emulator.url, DEFAULT_ACCOUNT, name, key_id, age_days=key_age_days)
        iam.update_access_key(UserName=name, AccessKeyId=key_id, Status=key_status)
    return user_id


def evaluate(config, *names):
    answer = config.start_config_rules_evaluation(ConfigRuleNames=list(names or [RULE]))
    assert set(answer) == {"ResponseMetadata"}


def details(config, rule=RULE, **request):
    return config.get_compliance_details_by_config_rule(ConfigRuleName=rule, **request)


def compliance_by_id(config, rule=RULE):
    return {result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]: result["ComplianceType"]
            for result in details(config, rule, Limit=100)["EvaluationResults"]}


def rule_compliance(config, rule=RULE):
    [item] = config.describe_compliance_by_config_rule(ConfigRuleNames=[rule])["ComplianceByConfigRules"]
    return item["Compliance"]


@pytest.mark.usefixtures("recorded_rule")
def test_users_with_an_old_active_key_are_non_compliant_and_the_rest_compliant(emulator, config, iam):
    fresh = create_user(emulator, iam, "fresh", key_age_days=10)
    old = create_user(emulator, iam, "old", key_age_days=120)
    inactive_old = create_user(emulator, iam, "inactive-old", key_age_days=400, key_status="Inactive")
    keyless = create_user(emulator, iam, "keyless")

    evaluate(config)

    assert compliance_by_id(config) == {fresh: "COMPLIANT", old: "NON_COMPLIANT", inactive_old: "COMPLIANT", keyless: "COMPLIANT"}
    assert rule_compliance(config) == {"ComplianceType": "NON_COMPLIANT", "ComplianceContributorCount": {"CappedCount": 1, "CapExceeded": False}}


@pytest.mark.usefixtures("recorded_rule")
def test_an_evaluation_result_has_the_shape_of_the_api_reference(emulator, config, iam):
    old = create_user(emulator, iam, "old", key_age_days=120)
    before = datetime.datetime.now(datetime.timezone.utc)

    evaluate(config)

    [result] = details(config)["EvaluationResults"]
    identifier = result["EvaluationResultIdentifier"]
    qualifier = {"ConfigRuleName": RULE, "ResourceType": "AWS::IAM::User", "ResourceId": old, "EvaluationMode": "DETECTIVE"}
    assert identifier["EvaluationResultQualifier"] == qualifier
    assert result["ComplianceType"] == "NON_COMPLIANT"
    assert "older than 90 days" in result["Annotation"]
    for moment in (identifier["OrderingTimestamp"], result["ResultRecordedTime"], result["ConfigRuleInvokedTime"]):
        assert before - datetime.timedelta(seconds=1) <= moment <= datetime.datetime.now(datetime.timezone.utc)


def test_max_access_key_age_parameter_sets_the_limit(emulator, config, iam):
    start_recorder(config)
    put_access_keys_rule(config, "strict", InputParameters=json.dumps({"maxAccessKeyAge": "30"}))
    put_access_keys_rule(config, "lenient", InputParameters=json.dumps({"maxAccessKeyAge": "365"}))
    user = create_user(emulator, iam, "middle", key_age_days=100)

    evaluate(config, "strict", "lenient")

    assert compliance_by_id(config, "strict") == {user: "NON_COMPLIANT"}
    assert compliance_by_id(config, "lenient") == {user: "COMPLIANT"}


@pytest.mark.usefixtures("recorded_rule")
def test_rotating_the_key_makes_the_user_compliant_and_deleted_users_disappear(emulator, config, iam):
    rotating = create_user(emulator, iam, "rotating", key_age_days=200)
    create_user(emulator, iam, "leaving")
    evaluate(config)
    [old_key] = iam.list_access_keys(UserName="rotating")["AccessKeyMetadata"]

    iam.create_access_key(UserName="rotating")
    iam.delete_access_key(UserName="rotating", AccessKeyId=old_key["AccessKeyId"])
    iam.delete_user(UserName="leaving")
    evaluate(config)

    assert compliance_by_id(config) == {rotating: "COMPLIANT"}
    assert rule_compliance(config) == {"ComplianceType": "COMPLIANT"}


def test_without_a_recorder_of_iam_users_there_is_nothing_to_evaluate(emulator, config, iam):
    put_access_keys_rule(config, RULE)
    create_user(emulator, iam, "old", key_age_days=120)

    evaluate(config)

    assert details(config)["EvaluationResults"] == []
    assert rule_compliance(config) == {"ComplianceType": "INSUFFICIENT_DATA"}


@pytest.mark.usefixtures("recorded_rule")
def test_a_rule_never_evaluated_has_insufficient_data(config):
    assert rule_compliance(config) == {"ComplianceType": "INSUFFICIENT_DATA"}


@pytest.mark.usefixtures("recorded_rule")
def test_a_recreated_rule_starts_without_results(emulator, config, iam):
    create_user(emulator, iam, "old", key_age_days=120)
    evaluate(config)

    config.delete_config_rule(ConfigRuleName=RULE)
    put_access_keys_rule(config, RULE)

    assert details(config)["EvaluationResults"] == []


def test_results_belong_to_the_account_and_region_of_the_rule(emulator, config, iam):
    start_recorder(config)
    put_access_keys_rule(config, RULE)
    create_user(emulator, iam, "old", key_age_days=120)
    other_region = emulator.client("config", region="us-east-1")
    put_access_keys_rule(other_region, RULE)

    evaluate(config)

    assert details(other_region)["EvaluationResults"] == []


# --- Filters and pagination ---------------------------------------------------------------

@pytest.mark.usefixtures("recorded_rule")
def test_compliance_details_filter_by_compliance_type_and_paginate_by_resource_id(emulator, config, iam):
    old_users = sorted(create_user(emulator, iam, f"old-{number}", key_age_days=100) for number in range(3))
    fresh = create_user(emulator, iam, "fresh", key_age_days=1)
    evaluate(config)

    first = details(config, ComplianceTypes=["NON_COMPLIANT"], Limit=2)
    second = details(config, ComplianceTypes=["NON_COMPLIANT"], Limit=2, NextToken=first["NextToken"])

    ids = [result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]
           for result in first["EvaluationResults"] + second["EvaluationResults"]]
    assert ids == old_users
    assert "NextToken" not in second
    [compliant] = details(config, ComplianceTypes=["COMPLIANT"])["EvaluationResults"]
    assert compliant["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"] == fresh


@pytest.mark.usefixtures("recorded_rule")
def test_compliance_details_default_to_pages_of_ten(emulator, config, iam):
    for number in range(11):
        create_user(emulator, iam, f"user-{number:02d}")
    evaluate(config)

    assert len(details(config, Limit=0)["EvaluationResults"]) == 10
    assert len(details(config)["EvaluationResults"]) == 10


def test_compliance_by_config_rule_lists_every_rule_filters_and_paginates(emulator, config, iam):
    start_recorder(config)
    for number in range(27):
        put_access_keys_rule(config, f"rule-{number:02d}")
    create_user(emulator, iam, "old", key_age_days=120)
    evaluate(config, "rule-00")

    first = config.describe_compliance_by_config_rule()
    second = config.describe_compliance_by_config_rule(NextToken=first["NextToken"])

    names = [item["ConfigRuleName"] for item in first["ComplianceByConfigRules"] + second["ComplianceByConfigRules"]]
    assert names == [f"rule-{number:02d}" for number in range(27)]
    assert "NextToken" not in second
    [non_compliant] = config.describe_compliance_by_config_rule(ComplianceTypes=["NON_COMPLIANT"])["ComplianceByConfigRules"]
    assert non_compliant["ConfigRuleName"] == "rule-00"


# --- Errors ---------------------------------------------------------------------------------

@pytest.mark.usefixtures("recorded_rule")
def test_evaluating_an_unknown_rule_is_no_such_config_rule(config):
    with raises_aws_error("NoSuchConfigRuleException", "missing"):
        config.start_config_rules_evaluation(ConfigRuleNames=[RULE, "missing"])


def test_evaluating_another_rule_is_refused_loudly(config):
    config.put_config_rule(ConfigRule={"ConfigRuleName": "mfa", "Source": {"Owner": "AWS", "SourceIdentifier": "IAM_USER_MFA_ENABLED"}})

    with raises_aws_error("InvalidParameterValueException", "only evaluates the AWS managed rule ACCESS_KEYS_ROTATED"):
        config.start_config_rules_evaluation(ConfigRuleNames=["mfa"])


def test_an_invalid_max_access_key_age_is_refused(config):
    put_access_keys_rule(config, RULE, InputParameters=json.dumps({"maxAccessKeyAge": "ninety"}))

    with raises_aws_error("InvalidParameterValueException", "maxAccessKeyAge"):
        config.start_config_rules_evaluation(ConfigRuleNames=[RULE])


@pytest.mark.usefixtures("recorded_rule")
def test_more_than_25_rules_or_none_is_a_validation_error(emulator):
    unvalidated = emulator.client("config", validate=False)
    with raises_aws_error("ValidationException", "less than or equal to 25"):
        unvalidated.start_config_rules_evaluation(ConfigRuleNames=[RULE] * 26)
    with raises_aws_error("ValidationException", "greater than or equal to 1"):
        unvalidated.start_config_rules_evaluation(ConfigRuleNames=[])
    with raises_aws_error("InvalidParameterValueException", "Specify ConfigRuleNames"):
        unvalidated.start_config_rules_evaluation()


@pytest.mark.usefixtures("recorded_rule")
def test_an_evaluation_in_progress_is_limit_exceeded(config):
    with evaluations_claimed(config_backends[DEFAULT_ACCOUNT][REGION], [RULE]):
        with raises_aws_error("LimitExceededException", "in progress"):
            config.start_config_rules_evaluation(ConfigRuleNames=[RULE])

    config.start_config_rules_evaluation(ConfigRuleNames=[RULE])


@pytest.mark.usefixtures("recorded_rule")
def test_a_rule_that_is_not_active_is_resource_in_use(config):
    config_backends[DEFAULT_ACCOUNT][REGION].config_rules[RULE].config_rule_state = "DELETING"

    with raises_aws_error("ResourceInUseException", "DELETING"):
        config.start_config_rules_evaluation(ConfigRuleNames=[RULE])


@pytest.mark.usefixtures("recorded_rule")
def test_compliance_apis_validate_like_aws(emulator, config):
    unvalidated = emulator.client("config", validate=False)
    with raises_aws_error("NoSuchConfigRuleException"):
        config.describe_compliance_by_config_rule(ConfigRuleNames=["missing"])
    with raises_aws_error("NoSuchConfigRuleException"):
        details(config, "missing")
    with raises_aws_error("ValidationException", "enum value set"):
        unvalidated.describe_compliance_by_config_rule(ComplianceTypes=["BROKEN"])
    with raises_aws_error("ValidationException", "less than or equal to 100"):
        unvalidated.get_compliance_details_by_config_rule(ConfigRuleName=RULE, Limit=101)
    with raises_aws_error("ValidationException", "less than or equal to 64"):
        unvalidated.get_compliance_details_by_config_rule(ConfigRuleName="r" * 65)
    with raises_aws_error("InvalidParameterValueException", "INSUFFICIENT_DATA"):
        details(config, ComplianceTypes=["INSUFFICIENT_DATA"])
    with raises_aws_error("InvalidNextTokenException"):
        details(config, NextToken="bm90LWEtdXNlcg==")
    with raises_aws_error("InvalidNextTokenException"):
        config.describe_compliance_by_config_rule(NextToken="%%%")
