# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_plan as plan

DEPLOYMENT = "111111111111:eu-west-1:topic"
OURS = {"ManagedBy": "cloudsec.aged_keys", "cloudsec.aged_keys:deployment": DEPLOYMENT}
CONTENT = {"schemaVersion": "0.3", "mainSteps": [{"name": "notify", "action": "aws:executeScript"}]}
PARAMS = {
    "document": {"name": "notify", "content": CONTENT},
    "config_rule": {"name": "rule", "description": "Flags aged keys", "source_identifier": "ACCESS_KEYS_ROTATED",
                    "input_parameters": {"maxAccessKeyAge": "90"}, "maximum_execution_frequency": "TwentyFour_Hours"},
    "remediation": {"target_id": "notify", "resource_type": "AWS::IAM::User", "automatic": True, "maximum_automatic_attempts": 5,
                    "retry_attempt_seconds": 60, "parameters": {"ResourceId": {"resource_value": "RESOURCE_ID"},
                                                                "TopicArn": {"static_value": "arn:topic"}}},
}


def document(**overrides):
    described = {"name": "notify", "arn": "arn:doc", "owner": "111111111111", "default_version": "2", "content": CONTENT,
                 "target_type": None, "tags": dict(OURS)}
    described.update(overrides)
    return described


def rule(**overrides):
    described = {"name": "rule", "arn": "arn:rule", "id": "r-1", "description": "Flags aged keys",
                 "source": {"owner": "AWS", "source_identifier": "ACCESS_KEYS_ROTATED"}, "input_parameters": {"maxAccessKeyAge": "90"},
                 "maximum_execution_frequency": "TwentyFour_Hours", "scope": {}, "state": "ACTIVE", "created_by": None, "tags": dict(OURS)}
    described.update(overrides)
    return described


def remediation(**overrides):
    described = {"config_rule_name": "rule", "target_type": "SSM_DOCUMENT", "target_id": "notify", "target_version": "2",
                 "parameters": {"ResourceId": {"resource_value": "RESOURCE_ID"}, "TopicArn": {"static_value": ["arn:topic"]}},
                 "automatic": True, "maximum_automatic_attempts": 5, "retry_attempt_seconds": 60, "execution_controls": {},
                 "resource_type": "AWS::IAM::User", "arn": "arn:remediation"}
    described.update(overrides)
    return described


OWNERSHIP = Ownership(DEPLOYMENT)


def test_a_converged_document_rule_and_remediation_have_no_change(monkeypatch):
    assert plan.needs_new_version(document(), CONTENT) is False
    assert plan.document_changes(document(), False, OWNERSHIP) == []
    assert plan.rule_changes(rule(), PARAMS, OWNERSHIP) == []
    monkeypatch.setattr(plan.config, "describe_remediation_configuration", lambda client, name: remediation())
    assert plan.remediation_changes(MagicMock(), rule(), document(), False, PARAMS) == []


@pytest.mark.parametrize("described", [None, document(content=dict(CONTENT, description="edited")), document(tags={})],
                         ids=["missing", "content edited", "ownership tags missing"])
def test_document_changes(described):
    assert plan.document_changes(described, plan.needs_new_version(described, CONTENT), OWNERSHIP) == ["document"]


def test_document_content_given_as_text_is_compared_as_data():
    text = '{"mainSteps": [{"action": "aws:executeScript", "name": "notify"}], "schemaVersion": "0.3"}'
    assert plan.needs_new_version(document(), plan.ssm.parse_document_content(text)) is False


@pytest.mark.parametrize("described", [None, rule(input_parameters={"maxAccessKeyAge": "365"}), rule(maximum_execution_frequency="One_Hour"),
                                       rule(description="edited"), rule(tags={"ManagedBy": "cloudsec.aged_keys"})],
                         ids=["missing", "parameter", "frequency", "description", "deployment tag missing"])
def test_rule_changes(described):
    assert plan.rule_changes(described, PARAMS, OWNERSHIP) == ["config_rule"]


@pytest.mark.parametrize("described", [None, remediation(automatic=False), remediation(target_version="1"),
                                       remediation(parameters={"ResourceId": {"resource_value": "RESOURCE_ID"}}),
                                       remediation(maximum_automatic_attempts=1)],
                         ids=["missing", "not automatic", "other version", "parameter removed", "attempts"])
def test_remediation_changes(monkeypatch, described):
    monkeypatch.setattr(plan.config, "describe_remediation_configuration", lambda client, name: described)
    assert plan.remediation_changes(MagicMock(), rule(), document(), False, PARAMS) == ["remediation"]


def test_a_new_rule_or_document_version_always_changes_the_remediation(monkeypatch):
    monkeypatch.setattr(plan.config, "describe_remediation_configuration", lambda client, name: pytest.fail("not read"))
    assert plan.remediation_changes(MagicMock(), None, document(), False, PARAMS) == ["remediation"]
    assert plan.remediation_changes(MagicMock(), rule(), None, plan.needs_new_version(None, CONTENT), PARAMS) == ["remediation"]
    edited = document(content=dict(CONTENT, description="edited"))
    assert plan.remediation_changes(MagicMock(), rule(), edited, plan.needs_new_version(edited, CONTENT), PARAMS) == ["remediation"]


def test_a_tag_only_document_change_keeps_the_version_and_compares_the_remediation(monkeypatch):
    monkeypatch.setattr(plan.config, "describe_remediation_configuration", lambda client, name: remediation())
    tag_only = document(tags={})
    assert plan.remediation_changes(MagicMock(), rule(), tag_only, plan.needs_new_version(tag_only, CONTENT), PARAMS) == []


def test_found_of_gives_what_the_ownership_checks_expect():
    role = {"arn": "arn:role", "tags": OURS, "inline_policies": ["notify"]}
    assert plan.found_of("iam_role", role) == {"arn": "arn:role", "tags": OURS, "reserved_by": None, "inline_policies": ["notify"]}
    assert plan.found_of("ssm_document", document(owner="Amazon"))["reserved_by"].startswith("AWS")
    assert plan.found_of("config_rule", rule(created_by="securityhub.amazonaws.com"))["reserved_by"].startswith("the service securityhub")
