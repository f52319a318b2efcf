# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest
from botocore.exceptions import ClientError

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_checks as module_under_test
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

OWNED = {"arn": "arn:x", "tags": {"ManagedBy": "cloudsec.aged_keys"}, "reserved_by": None}
FOREIGN = {"arn": "arn:y", "tags": {"team": "other"}, "reserved_by": None}
OTHER_DEPLOYMENT = {"arn": "arn:z", "tags": {"ManagedBy": "cloudsec.aged_keys", "cloudsec.aged_keys:deployment": "other"}, "reserved_by": None}
ADOPTED = {"arn": "arn:a", "tags": {"ManagedBy": "cloudsec.aged_keys", "cloudsec.aged_keys:deployment": "mine",
                                    "cloudsec.aged_keys:adopted": "true"}, "reserved_by": None}
RESERVED = {"arn": None, "tags": {}, "reserved_by": "AWS (a document published by Amazon)"}
NO_RECORDER_CREATION = {"allow_missing_recorder": False, "own_recorder_name": None}


def fake_module():
    """A module whose client() hands out one MagicMock per service and records the services asked for."""
    module = MagicMock()
    clients = {}

    def client(service, retry_decorator=None, config=None):
        return clients.setdefault(service, MagicMock(name=service))
    module.client.side_effect = client
    return module, clients


def requested_services(module):
    return [call.args[0] for call in module.client.call_args_list]


# --- results and problems ---------------------------------------------------

@pytest.mark.parametrize(
    "found, looked_up, expected",
    [
        (None, True, {"exists": False, "owned": None, "adopted": None, "deployment_id": None, "arn": None}),
        (OWNED, True, {"exists": True, "owned": True, "adopted": False, "deployment_id": None, "arn": "arn:x"}),
        (FOREIGN, True, {"exists": True, "owned": False, "adopted": False, "deployment_id": None, "arn": "arn:y"}),
        (OTHER_DEPLOYMENT, True, {"exists": True, "owned": False, "adopted": False, "deployment_id": "other", "arn": "arn:z"}),
        (ADOPTED, True, {"exists": True, "owned": True, "adopted": True, "deployment_id": "mine", "arn": "arn:a"}),
        (None, False, {"exists": None, "owned": None, "adopted": None, "deployment_id": None, "arn": None}),
    ],
)
def test_resource_result(found, looked_up, expected):
    expected.update(type="iam_role", name="r")
    assert module_under_test.resource_result("iam_role", "r", found, Ownership("mine"), looked_up) == expected


@pytest.mark.parametrize("kind, detail, value", [("iam_role", "inline_policies", []), ("s3_bucket", "empty", False)])
def test_resource_result_keeps_what_a_look_up_adds(kind, detail, value):
    found = dict(OWNED, **{detail: value})
    assert module_under_test.resource_result(kind, "r", found, Ownership("mine"))[detail] == value


def test_resource_problem():
    assert module_under_test.resource_problem("iam_role", "r", None, Ownership("mine")) is None
    assert module_under_test.resource_problem("iam_role", "r", OWNED, Ownership("mine")) is None
    assert module_under_test.resource_problem("iam_role", "r", FOREIGN, Ownership("mine", adopt=True)) is None
    assert "another cloudsec.aged_keys deployment" in module_under_test.resource_problem("iam_role", "r", OTHER_DEPLOYMENT, Ownership("mine"))
    message = module_under_test.resource_problem("sns_topic", "t", FOREIGN, Ownership("mine"))
    assert "SNS topic 't'" in message and "aged_keys_adopt: true" in message and "adopt=true" in message
    # Adopting cannot take over what AWS owns.
    assert "choose another name" in module_under_test.resource_problem("ssm_document", "AWS-X", RESERVED, Ownership(adopt=True))


def test_failure_message_numbers_every_problem():
    message = module_under_test.failure_message("eu-west-1", ["first", "second"])
    assert message == "Account preflight in region eu-west-1 found 2 problem(s): (1) first (2) second"


# --- denials ------------------------------------------------------------------

def test_denial_becomes_a_problem():
    problems = []

    def denied():
        raise client_error("AccessDenied", "ListRoleTags")
    assert module_under_test.call_or_note_denial(problems, "iam", "check the IAM role 'r'", denied) == (False, None)
    assert len(problems) == 1
    assert "iam:ListRoleTags" in problems[0] and "check the IAM role 'r'" in problems[0]


def test_other_errors_are_raised():
    def broken():
        raise client_error("InternalFailure", "GetRole")
    with pytest.raises(ClientError):
        module_under_test.call_or_note_denial([], "iam", "x", broken)


# --- orchestration ---------------------------------------------------------------

def test_only_the_needed_clients_are_created(monkeypatch):
    module, clients = fake_module()
    reader = module_under_test.AwsReader(module.client)
    monkeypatch.setattr(module_under_test.preflight, "find_ssm_document", lambda client, name: None)
    problems = []
    result = module_under_test.check_resource(reader, "eu-west-1", {"type": "ssm_document", "name": "Doc"}, Ownership(), problems)
    assert result == {"type": "ssm_document", "name": "Doc", "exists": False, "owned": None, "adopted": None, "deployment_id": None, "arn": None}
    assert requested_services(module) == ["ssm"]
    assert problems == []


def test_sns_topic_uses_the_caller_account_once(monkeypatch):
    module, clients = fake_module()
    reader = module_under_test.AwsReader(module.client)
    seen = []
    monkeypatch.setattr(module_under_test.preflight, "get_caller_identity", lambda client: {"account": "123456789012", "partition": "aws"})
    monkeypatch.setattr(module_under_test.preflight, "find_sns_topic", lambda client, arn: seen.append(arn) or FOREIGN)
    problems = []
    for name in ("a", "b"):
        module_under_test.check_resource(reader, "eu-west-1", {"type": "sns_topic", "name": name}, Ownership(), problems)
    assert seen == ["arn:aws:sns:eu-west-1:123456789012:a", "arn:aws:sns:eu-west-1:123456789012:b"]
    assert sorted(set(requested_services(module))) == ["sns", "sts"]
    assert len(problems) == 2


def test_denied_resource_lookup_is_reported_not_raised():
    module, clients = fake_module()
    reader = module_under_test.AwsReader(module.client)
    kms = reader.client("kms")
    kms.get_paginator.return_value.paginate.return_value.build_full_result.side_effect = client_error("AccessDeniedException", "ListAliases")
    problems = []
    result = module_under_test.check_resource(reader, "eu-west-1", {"type": "kms_alias", "name": "alias/k"}, Ownership(), problems)
    assert result["exists"] is None
    assert problems and "kms:ListAliases" in problems[0]


def config_reader(recorders, statuses, channels):
    module, clients = fake_module()
    reader = module_under_test.AwsReader(module.client)
    config = reader.client("config")
    config.describe_configuration_recorders.return_value = {"ConfigurationRecorders": recorders}
    config.describe_configuration_recorder_status.return_value = {"ConfigurationRecordersStatus": statuses}
    config.describe_delivery_channels.return_value = {"DeliveryChannels": channels}
    return reader, config


def test_check_config_recording_healthy():
    group = {"allSupported": False, "resourceTypes": ["AWS::IAM::User"], "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}}
    reader, _config = config_reader([{"name": "default", "recordingGroup": group}],
                                    [{"name": "default", "recording": True, "lastStatus": "Success"}], [{"name": "default"}])
    problems = []
    summary = module_under_test.check_config_recording(reader, "eu-west-1", NO_RECORDER_CREATION, problems)
    assert problems == []
    assert summary["records_iam_users"] is True and summary["recording"] is True


def test_check_config_recording_names_the_fix_from_the_recording_group():
    group = {"allSupported": True, "includeGlobalResourceTypes": False}
    reader, _config = config_reader([{"name": "default", "recordingGroup": group}],
                                    [{"name": "default", "recording": True}], [{"name": "default"}])
    problems = []
    module_under_test.check_config_recording(reader, "eu-west-1", NO_RECORDER_CREATION, problems)
    assert len(problems) == 1 and "includeGlobalResourceTypes: true" in problems[0]


def test_check_config_recording_says_what_the_rollout_does():
    reader, _config = config_reader([], [], [])
    problems = []
    creation = {"allow_missing_recorder": True, "own_recorder_name": "cloudsec-aged-keys"}
    assert module_under_test.check_config_recording(reader, "eu-west-1", creation, problems)["rollout_action"] == "create"
    assert problems == []
    assert module_under_test.check_config_recording(reader, "eu-west-1", NO_RECORDER_CREATION, problems)["rollout_action"] == "none"
    assert len(problems) == 1 and "aged_keys_create_config_recorder" in problems[0]


def test_check_config_recording_reports_each_denied_read():
    reader, config = config_reader([], [], [])
    config.describe_configuration_recorders.side_effect = client_error("AccessDeniedException", "DescribeConfigurationRecorders")
    config.describe_delivery_channels.side_effect = client_error("AccessDeniedException", "DescribeDeliveryChannels")
    problems = []
    summary = module_under_test.check_config_recording(reader, "eu-west-1", NO_RECORDER_CREATION, problems)
    assert set(summary.values()) == {None}
    assert len(problems) == 2
    assert "config:DescribeConfigurationRecorders" in problems[0]
    assert "config:DescribeDeliveryChannels" in problems[1]


def test_failed_recording_is_a_warning():
    module = MagicMock()
    module_under_test.warn_about_failed_recording(module.warn, {"last_status": "Failure", "recorder_name": "default",
                                                                "last_error_code": "AccessDenied", "last_error_message": "bucket"})
    module.warn.assert_called_once()
    module.warn.reset_mock()
    module_under_test.warn_about_failed_recording(module.warn, {"last_status": "Success"})
    module.warn.assert_not_called()


def test_credentials_of_another_account_are_a_problem_before_anything_is_read():
    module, clients = fake_module()
    reader = module_under_test.AwsReader(module.client)
    clients.setdefault("sts", MagicMock(name="sts")).get_caller_identity.return_value = {
        "Account": "999999999999", "Arn": "arn:aws:sts::999999999999:assumed-role/x/y"}
    problems = []
    assert module_under_test.check_account(reader, "111111111111", problems) == "999999999999"
    assert len(problems) == 1 and "act in AWS account 999999999999, not in account 111111111111" in problems[0]
    assert module_under_test.check_account(reader, "999999999999", []) == "999999999999"


def test_check_described_gives_a_result_per_resource_and_every_problem():
    ownership = Ownership("111111111111:eu-west-1:topic")
    ours = {"ManagedBy": "cloudsec.aged_keys"}
    described = {"sns_topic": {"tags": ours}, "kms_alias": {"tags": {"Team": "other"}}, "iam_role": None, "config_rule": False}
    names = {"sns_topic": "topic", "kms_alias": "alias/keys", "iam_role": "role", "config_rule": "rule"}
    problems = []
    results = module_under_test.check_described(
        described, names, lambda kind, resource: {"arn": "arn:" + kind, "tags": resource["tags"], "reserved_by": None}, ownership, problems)
    assert [(r["type"], r["exists"], r["owned"]) for r in results] == [
        ("sns_topic", True, True), ("kms_alias", True, False), ("iam_role", False, None), ("config_rule", None, None)]
    assert len(problems) == 1 and "alias/keys" in problems[0]
