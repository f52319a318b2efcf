# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config_recording
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import AnsibleConfigError
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_VALUE
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

OWNER_TAGS = {OWNER_TAG_KEY: OWNER_TAG_VALUE}
NAME = "cloudsec-aged-keys"
BUCKET = "cloudsec-aged-keys-config-123456789012-eu-west-1"
SLR_ARN = "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


# --- recording group coverage ----------------------------------------------

@pytest.mark.parametrize(
    "group, covered",
    [
        # Legacy shape without recordingStrategy.
        ({"allSupported": True, "includeGlobalResourceTypes": True}, True),
        ({"allSupported": True, "includeGlobalResourceTypes": False}, False),
        ({"allSupported": True}, False),
        # Current shape that AWS returns for "all supported".
        ({"allSupported": True, "includeGlobalResourceTypes": True, "resourceTypes": [],
          "exclusionByResourceTypes": {"resourceTypes": []}, "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}}, True),
        ({"allSupported": True, "includeGlobalResourceTypes": False, "resourceTypes": [],
          "exclusionByResourceTypes": {"resourceTypes": []}, "recordingStrategy": {"useOnly": "ALL_SUPPORTED_RESOURCE_TYPES"}}, False),
        # Inclusion.
        ({"allSupported": False, "resourceTypes": ["AWS::IAM::User", "AWS::IAM::Role"],
          "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}}, True),
        ({"allSupported": False, "resourceTypes": ["AWS::IAM::Role"],
          "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"}}, False),
        ({"allSupported": False, "resourceTypes": ["AWS::IAM::User"]}, True),
        ({"allSupported": False, "resourceTypes": []}, False),
        # includeGlobalResourceTypes only matters with allSupported.
        ({"allSupported": False, "includeGlobalResourceTypes": True, "resourceTypes": ["AWS::S3::Bucket"]}, False),
        # Exclusion overrides the other fields.
        ({"allSupported": False, "includeGlobalResourceTypes": False, "exclusionByResourceTypes": {"resourceTypes": ["AWS::EC2::Volume"]},
          "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}, True),
        ({"allSupported": False, "exclusionByResourceTypes": {"resourceTypes": ["AWS::IAM::User"]},
          "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}, False),
        ({"exclusionByResourceTypes": {}, "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}, True),
        ({}, False),
        (None, False),
    ],
)
def test_recording_group_covers(group, covered):
    assert config_recording.recording_group_covers(group) is covered


# --- summary and problems ---------------------------------------------------

def recorder(name="default", group=None, service_principal=None):
    result = {"name": name, "roleARN": "arn:aws:iam::123456789012:role/config",
              "recordingGroup": group or {"allSupported": True, "includeGlobalResourceTypes": True}}
    if service_principal:
        result["servicePrincipal"] = service_principal
    return result


def status(name="default", recording=True, last_status="Success"):
    return {"name": name, "recording": recording, "lastStatus": last_status}


def test_summary_of_a_healthy_region():
    summary = config_recording.summarize_config_recording([recorder()], [status()], [{"name": "default", "s3BucketName": "b"}])
    assert summary == {
        "recorder_exists": True, "recorder_name": "default", "recording": True, "records_iam_users": True,
        "last_status": "Success", "last_error_code": None, "last_error_message": None,
        "delivery_channel_exists": True, "delivery_channel_name": "default", "rollout_action": "none",
    }
    assert config_recording.config_recording_problems(summary, recorder()["recordingGroup"], "eu-west-1") == []


def test_summary_ignores_service_linked_recorders():
    linked = recorder("AWSConfigurationRecorderForX", service_principal="x.amazonaws.com")
    summary = config_recording.summarize_config_recording([linked], [status("AWSConfigurationRecorderForX")], [])
    assert summary["recorder_exists"] is False
    assert summary["recording"] is False

    own = recorder("mine")
    summary = config_recording.summarize_config_recording([linked, own], [status("AWSConfigurationRecorderForX"), status("mine", False)], [])
    assert summary["recorder_name"] == "mine"
    assert summary["recording"] is False


def test_missing_recorder_is_a_problem_unless_allowed():
    summary = config_recording.summarize_config_recording([], [], [])
    problems = config_recording.config_recording_problems(summary, None, "eu-west-1")
    assert len(problems) == 1
    assert "no configuration recorder in region eu-west-1" in problems[0]
    assert "aged_keys_create_config_recorder: true" in problems[0]
    allowed = config_recording.summarize_config_recording([], [], [], create_allowed=True)
    assert allowed["rollout_action"] == "create"
    assert config_recording.config_recording_problems(allowed, None, "eu-west-1") == []


def test_channel_without_recorder_is_a_problem_even_when_allowed():
    summary = config_recording.summarize_config_recording([], [], [{"name": "theirs"}], "ours", create_allowed=True)
    assert summary["rollout_action"] == "none"
    problems = config_recording.config_recording_problems(summary, None, "eu-west-1")
    assert len(problems) == 1
    assert "'theirs'" in problems[0]


def test_our_channel_left_without_recorder_gets_a_recorder_when_allowed():
    summary = config_recording.summarize_config_recording([], [], [{"name": "ours"}], "ours", create_allowed=True)
    assert summary["rollout_action"] == "create"
    assert config_recording.config_recording_problems(summary, None, "eu-west-1") == []
    # Without creation allowed, it is a channel without recorder like any other.
    summary = config_recording.summarize_config_recording([], [], [{"name": "ours"}], "ours")
    assert len(config_recording.config_recording_problems(summary, None, "eu-west-1")) == 1


@pytest.mark.parametrize(
    "group, fix",
    [
        ({"allSupported": True, "includeGlobalResourceTypes": False}, "includeGlobalResourceTypes: true"),
        ({"allSupported": False, "resourceTypes": ["AWS::S3::Bucket"]}, "add AWS::IAM::User"),
        ({"exclusionByResourceTypes": {"resourceTypes": ["AWS::IAM::User"]},
          "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}}, "remove AWS::IAM::User"),
    ],
)
def test_stopped_recorder_without_iam_users_and_channel_lists_every_fix(group, fix):
    rec = recorder(group=group)
    summary = config_recording.summarize_config_recording([rec], [status(recording=False)], [], create_allowed=True)
    problems = config_recording.config_recording_problems(summary, group, "ap-south-2")
    assert len(problems) == 3
    assert fix in problems[0] and "ap-south-2" in problems[0]
    assert "put-delivery-channel" in problems[1]
    assert "start-configuration-recorder --configuration-recorder-name default --region ap-south-2" in problems[2]


def own_stopped_recorder(group, own_recorder_name="ours", create_allowed=True):
    return config_recording.summarize_config_recording(
        [recorder("ours", group=group)], [status("ours", False)], [], own_recorder_name, create_allowed)


def test_own_stopped_recorder_without_channel_is_completed_by_the_rollout():
    group = {"allSupported": False, "resourceTypes": ["AWS::IAM::User"]}
    summary = own_stopped_recorder(group)
    assert summary["rollout_action"] == "complete"
    assert config_recording.config_recording_problems(summary, group, "eu-west-1") == []
    # Someone else's recorder, or ours without creation allowed, still needs fixing by hand.
    for summary in (own_stopped_recorder(group, own_recorder_name="other"), own_stopped_recorder(group, create_allowed=False)):
        assert summary["rollout_action"] == "none"
        assert len(config_recording.config_recording_problems(summary, group, "eu-west-1")) == 2


def test_own_recorder_that_stopped_recording_iam_users_is_still_a_problem():
    group = {"allSupported": False, "resourceTypes": ["AWS::S3::Bucket"]}
    problems = config_recording.config_recording_problems(own_stopped_recorder(group), group, "eu-west-1")
    assert len(problems) == 1 and "does not record AWS::IAM::User" in problems[0]


def test_unknown_summary_has_every_key():
    assert set(config_recording.unknown_config_recording()) == set(config_recording.summarize_config_recording([], [], []))


# --- what the rollout does ---------------------------------------------------

def found_recording(recorder_name=None, recording=False, channel_name=None, channel_known=True):
    """A recording summary; recorder_name None means no recorder, channel_known False a channel not read."""
    recorders = [recorder(recorder_name)] if recorder_name else []
    statuses = [status(recorder_name, recording)] if recorder_name else []
    channels = [{"name": channel_name}] if channel_name else []
    return config_recording.summarize_config_recording(recorders, statuses, channels if channel_known else None)


@pytest.mark.parametrize(
    "found, own_recorder_name, create_allowed, expected",
    [
        # Nothing is created or completed unless allowed.
        (found_recording(), "ours", False, "none"),
        (found_recording("ours", recording=False), "ours", False, "none"),
        # A region without a recorder gets one, also with a leftover channel of ours, never with another.
        (found_recording(), "ours", True, "create"),
        (found_recording(), None, True, "create"),
        (found_recording(channel_name="ours"), "ours", True, "create"),
        (found_recording(channel_name="theirs"), "ours", True, "none"),
        (found_recording(channel_name="theirs"), None, True, "none"),
        # Our recorder is completed when stopped or without its channel, and left alone when complete.
        (found_recording("ours", recording=False, channel_name="ours"), "ours", True, "complete"),
        (found_recording("ours", recording=True), "ours", True, "complete"),
        (found_recording("ours", recording=False), "ours", True, "complete"),
        (found_recording("ours", recording=True, channel_known=False), "ours", True, "none"),
        (found_recording("ours", recording=True, channel_name="ours"), "ours", True, "none"),
        # Someone else's recorder is never touched.
        (found_recording("default", recording=False), "ours", True, "none"),
        (found_recording("default", recording=True, channel_name="default"), "ours", True, "none"),
    ],
)
def test_rollout_action(found, own_recorder_name, create_allowed, expected):
    assert config_recording.rollout_action(found, own_recorder_name, create_allowed) == expected


def test_recorder_status_is_found_by_name():
    statuses = [status("other", False), status("mine", True)]
    assert config_recording.recorder_status(statuses, "mine") == status("mine", True)
    assert config_recording.recorder_status(statuses, "missing") is None
    assert config_recording.recorder_status(statuses, None) is None


# --- shapes -----------------------------------------------------------------


def test_recording_group_lists_global_iam_types_by_inclusion():
    group = config_recording.inclusion_recording_group(["AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::User"])
    assert group == {
        "allSupported": False,
        "includeGlobalResourceTypes": False,
        "resourceTypes": ["AWS::IAM::Group", "AWS::IAM::User"],
        "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
    }


def test_delivery_channel_request_leaves_out_unset_fields():
    assert config_recording.delivery_channel_to_boto3(config_recording.normalize_delivery_channel({"name": NAME, "s3BucketName": BUCKET})) == {
        "name": NAME,
        "s3BucketName": BUCKET,
    }
    full = {"name": NAME, "s3_bucket_name": BUCKET, "s3_key_prefix": "p", "delivery_frequency": "Six_Hours"}
    assert config_recording.delivery_channel_to_boto3(full) == {
        "name": NAME,
        "s3BucketName": BUCKET,
        "s3KeyPrefix": "p",
        "configSnapshotDeliveryProperties": {"deliveryFrequency": "Six_Hours"},
    }


def test_normalize_delivery_channel_of_nothing_is_none():
    assert config_recording.normalize_delivery_channel(None) is None


def test_service_linked_role_arn_follows_the_partition():
    assert config_recording.config_service_linked_role_arn("aws-cn", "123456789012") == (
        "arn:aws-cn:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    )


# --- API --------------------------------------------------------------------


def test_put_configuration_recorder_sends_the_inclusion_group_and_tags():
    client = MagicMock()
    config_recording.put_configuration_recorder(client, NAME, SLR_ARN, ["AWS::IAM::User"], OWNER_TAGS)
    kwargs = client.put_configuration_recorder.call_args.kwargs
    assert kwargs["ConfigurationRecorder"] == {
        "name": NAME,
        "roleARN": SLR_ARN,
        "recordingGroup": config_recording.inclusion_recording_group(["AWS::IAM::User"]),
    }
    assert kwargs["Tags"] == [{"Key": OWNER_TAG_KEY, "Value": OWNER_TAG_VALUE}]


def test_deleting_a_missing_channel_is_no_change():
    client = MagicMock()
    client.delete_delivery_channel.side_effect = client_error("NoSuchDeliveryChannelException")
    assert config_recording.delete_delivery_channel(client, NAME) is False


def test_other_errors_become_ansible_errors():
    client = MagicMock()
    client.start_configuration_recorder.side_effect = client_error("AccessDeniedException")
    with pytest.raises(AnsibleConfigError, match="start configuration recorder"):
        config_recording.start_configuration_recorder(client, NAME)


@pytest.mark.parametrize("role_name", ["AWSServiceRoleForConfig", "AWSServiceRoleForconfig"])
def test_service_linked_role_is_found_by_path_and_name_in_any_case(role_name):
    iam = MagicMock()
    arn = "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/" + role_name
    iam.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"Roles": [{"RoleName": role_name, "Arn": arn}]}
    assert config_recording.find_config_service_linked_role_arn(iam) == arn
    iam.get_paginator.return_value.paginate.assert_called_with(PathPrefix="/aws-service-role/config.amazonaws.com/")


def test_no_service_linked_role_is_none():
    iam = MagicMock()
    iam.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"Roles": []}
    assert config_recording.find_config_service_linked_role_arn(iam) is None


def test_service_linked_role_created_meanwhile_is_used():
    iam = MagicMock()
    iam.create_service_linked_role.side_effect = client_error("InvalidInput", "CreateServiceLinkedRole")
    iam.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {
        "Roles": [{"RoleName": "AWSServiceRoleForConfig", "Arn": SLR_ARN}]
    }
    assert config_recording.create_config_service_linked_role(iam) == SLR_ARN
    iam.create_service_linked_role.assert_called_once_with(AWSServiceName="config.amazonaws.com", aws_retry=True)


def test_recording_set_up_reads_use_retries():
    client = MagicMock()
    client.describe_configuration_recorders.return_value = {"ConfigurationRecorders": [{"name": "default"}]}
    client.describe_configuration_recorder_status.return_value = {"ConfigurationRecordersStatus": [{"name": "default", "recording": True}]}
    client.describe_delivery_channels.return_value = {"DeliveryChannels": []}
    assert config_recording.list_configuration_recorders(client) == [{"name": "default"}]
    assert config_recording.list_configuration_recorder_statuses(client) == [{"name": "default", "recording": True}]
    assert config_recording.list_delivery_channels(client) == []
    client.describe_configuration_recorders.assert_called_once_with(aws_retry=True)
    client.describe_configuration_recorder_status.assert_called_once_with(aws_retry=True)
    client.describe_delivery_channels.assert_called_once_with(aws_retry=True)
