# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""When AWS Config remediates automatically: each evaluation, enabling, and the exception after repeated failures."""

import time

import pytest

from aged_keys_emulator import config_remediation_execution
from aged_keys_emulator.config_remediation_execution import AutomationOutcome
from aged_keys_emulator.control import set_access_key_age
from emulator_testing import DEFAULT_ACCOUNT
from remediation_testing import (  # noqa: F401  pylint: disable=unused-import  # fixtures
    FAILING_DOCUMENT, RULE, automation_runs, automations, configure_remediation, create_user, evaluate, exception_key, rule, settled_statuses)


def exceptions(config):
    return config.describe_remediation_exceptions(ConfigRuleName=RULE)["RemediationExceptions"]


@pytest.mark.usefixtures("rule")
def test_a_resource_that_stays_non_compliant_after_a_successful_remediation_is_remediated_at_each_evaluation(emulator, config, iam):
    configure_remediation(config, MaximumAutomaticAttempts=1, RetryAttemptSeconds=3600)
    user = create_user(emulator, iam, "old", 100)

    for _evaluation in range(3):
        evaluate(config)
        assert settled_statuses(config)[user]["State"] == "SUCCEEDED"

    assert len(automation_runs(emulator)) == 3
    assert exceptions(config) == []


@pytest.mark.usefixtures("rule")
def test_failing_every_attempt_within_the_window_puts_a_remediation_exception(emulator, config, iam):
    configure_remediation(config, TargetId=FAILING_DOCUMENT, MaximumAutomaticAttempts=2, RetryAttemptSeconds=60)
    user = create_user(emulator, iam, "old", 100)

    evaluate(config)
    assert settled_statuses(config)[user]["State"] == "FAILED"

    [exception] = exceptions(config)
    assert (exception["ResourceType"], exception["ResourceId"]) == ("AWS::IAM::User", user) and "ExpirationTime" not in exception
    assert exception["Message"] == "Placed by AWS Config after 2 failed automatic remediation attempts within 60 seconds."
    # The exception blocks automatic remediation until it is deleted.
    evaluate(config)
    time.sleep(0.2)
    assert len(automation_runs(emulator)) == 2
    config.delete_remediation_exceptions(ConfigRuleName=RULE, ResourceKeys=[exception_key(user)])
    evaluate(config)
    settled_statuses(config)
    assert len(automation_runs(emulator)) == 4


@pytest.mark.usefixtures("rule")
def test_failures_spread_over_more_than_the_window_put_no_exception(emulator, config, iam, monkeypatch):
    def slow_failure(_ssm_client, _document, _version, _parameters, on_started):
        on_started("slow")
        time.sleep(0.6)
        return AutomationOutcome("Failed", "boom")

    monkeypatch.setattr(config_remediation_execution, "run_automation", slow_failure)
    configure_remediation(config, MaximumAutomaticAttempts=3, RetryAttemptSeconds=1)
    user = create_user(emulator, iam, "old", 100)

    evaluate(config)

    status = settled_statuses(config)[user]
    assert status["State"] == "FAILED" and len(status["StepDetails"]) == 3
    assert exceptions(config) == []


@pytest.mark.usefixtures("rule")
def test_manual_remediation_never_puts_an_exception(emulator, config, iam):
    configure_remediation(config, TargetId=FAILING_DOCUMENT, Automatic=False)
    user = create_user(emulator, iam, "old", 100)
    evaluate(config)

    config.start_remediation_execution(ConfigRuleName=RULE, ResourceKeys=[{"resourceType": "AWS::IAM::User", "resourceId": user}])

    assert settled_statuses(config)[user]["State"] == "FAILED"
    assert exceptions(config) == []


@pytest.mark.usefixtures("rule")
def test_enabling_automatic_remediation_remediates_the_last_evaluations_non_compliant_resources(emulator, config, iam, automations):
    configure_remediation(config, Automatic=False)
    old = create_user(emulator, iam, "old", 100)
    create_user(emulator, iam, "fresh", 1)
    evaluate(config)

    configure_remediation(config)
    assert list(settled_statuses(config)) == [old]
    # Putting it again while it is already automatic starts nothing new.
    configure_remediation(config, MaximumAutomaticAttempts=4)
    time.sleep(0.2)
    assert [call["parameters"]["ResourceId"] for call in automations.calls] == [[old]]


@pytest.mark.usefixtures("rule")
def test_the_compliance_change_switch_remediates_only_resources_that_became_non_compliant(emulator, config, iam, automations, monkeypatch):
    monkeypatch.setattr(config_remediation_execution, "AUTOMATIC_REMEDIATION_TRIGGER", config_remediation_execution.COMPLIANCE_CHANGE)
    configure_remediation(config)
    user = create_user(emulator, iam, "old", 100)
    [key] = iam.list_access_keys(UserName="old")["AccessKeyMetadata"]

    evaluate(config)
    settled_statuses(config)
    evaluate(config)
    settled_statuses(config)
    assert len(automations.calls) == 1

    set_access_key_age(emulator.url, DEFAULT_ACCOUNT, "old", key["AccessKeyId"], age_days=1)
    evaluate(config)
    set_access_key_age(emulator.url, DEFAULT_ACCOUNT, "old", key["AccessKeyId"], age_days=100)
    evaluate(config)
    settled_statuses(config)
    assert [call["parameters"]["ResourceId"] for call in automations.calls] == [[user], [user]]
