# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config
from ansible_collections.cloudsec.aged_keys.plugins.modules import config_recorder
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_VALUE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

OWNER_TAGS = {OWNER_TAG_KEY: OWNER_TAG_VALUE}
ADOPTED = {"cloudsec.aged_keys:adopted": "true"}
NAME = "cloudsec-aged-keys"
BUCKET = "cloudsec-aged-keys-config-123456789012-eu-west-1"
RECORDER_ARN = "arn:aws:config:eu-west-1:123456789012:configuration-recorder/cloudsec-aged-keys/abc"
SLR_ARN = "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"


def params(**overrides):
    values = {
        "name": NAME,
        "state": "present",
        "role_arn": None,
        "resource_types": ["AWS::IAM::User"],
        "s3_bucket_name": BUCKET,
        "s3_key_prefix": None,
        "delivery_frequency": None,
        "tags": None,
        "adopt": False,
    }
    values.update(overrides)
    return values


def raw_recorder(name=NAME, arn=None, group=None, service_principal=None):
    recorder = {
        "name": name,
        "roleARN": SLR_ARN,
        "recordingGroup": group or config.inclusion_recording_group(["AWS::IAM::User"]),
    }
    if arn:
        recorder["arn"] = arn
    if service_principal:
        recorder["servicePrincipal"] = service_principal
    return recorder


def recorder(**overrides):
    """A normalised recorder of ours, as describe_recorder returns it."""
    value = {
        "name": NAME,
        "arn": None,
        "role_arn": SLR_ARN,
        "recording_group": config.normalize_recording_group(config.inclusion_recording_group(["AWS::IAM::User"])),
        "recording": True,
        "tags": {},
        "records_iam_users": True,
        "owned": True,
    }
    value.update(overrides)
    return value


def channel(name=NAME, bucket=BUCKET):
    return config.normalize_delivery_channel({"name": name, "s3BucketName": bucket})


def config_client(recorders=(), statuses=(), channels=(), tags=None):
    client = MagicMock()
    client.describe_configuration_recorders.return_value = {"ConfigurationRecorders": list(recorders)}
    client.describe_configuration_recorder_status.return_value = {"ConfigurationRecordersStatus": list(statuses)}
    client.describe_delivery_channels.return_value = {"DeliveryChannels": list(channels)}
    client.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
    }
    return client


class Failed(Exception):
    pass


class FakeModule(object):
    def __init__(self, check_mode=False, iam=None, **overrides):
        self.params = params(**overrides)
        self.check_mode = check_mode
        self.region = "eu-west-1"
        self.warnings = []
        self._iam = iam or MagicMock()

    def warn(self, message):
        self.warnings.append(message)

    def fail_json(self, **kwargs):
        raise Failed(kwargs["msg"])

    def client(self, service, retry_decorator=None, config=None):
        assert service == "iam"
        return self._iam


# ---------------------------------------------------------------- module_utils shapes


def test_recording_group_lists_global_iam_types_by_inclusion():
    group = config.inclusion_recording_group(["AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::User"])
    assert group == {
        "allSupported": False,
        "includeGlobalResourceTypes": False,
        "resourceTypes": ["AWS::IAM::Group", "AWS::IAM::User"],
        "recordingStrategy": {"useOnly": "INCLUSION_BY_RESOURCE_TYPES"},
    }


def test_delivery_channel_request_leaves_out_unset_fields():
    assert config.delivery_channel_to_boto3(config.normalize_delivery_channel({"name": NAME, "s3BucketName": BUCKET})) == {
        "name": NAME,
        "s3BucketName": BUCKET,
    }
    full = {"name": NAME, "s3_bucket_name": BUCKET, "s3_key_prefix": "p", "delivery_frequency": "Six_Hours"}
    assert config.delivery_channel_to_boto3(full) == {
        "name": NAME,
        "s3BucketName": BUCKET,
        "s3KeyPrefix": "p",
        "configSnapshotDeliveryProperties": {"deliveryFrequency": "Six_Hours"},
    }


def test_normalize_delivery_channel_of_nothing_is_none():
    assert config.normalize_delivery_channel(None) is None


def test_service_linked_role_arn_follows_the_partition():
    assert config.config_service_linked_role_arn("aws-cn", "123456789012") == (
        "arn:aws-cn:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    )


# ---------------------------------------------------------------- module_utils API


def test_put_configuration_recorder_sends_the_inclusion_group_and_tags():
    client = MagicMock()
    config.put_configuration_recorder(client, NAME, SLR_ARN, ["AWS::IAM::User"], OWNER_TAGS)
    kwargs = client.put_configuration_recorder.call_args.kwargs
    assert kwargs["ConfigurationRecorder"] == {
        "name": NAME,
        "roleARN": SLR_ARN,
        "recordingGroup": config.inclusion_recording_group(["AWS::IAM::User"]),
    }
    assert kwargs["Tags"] == [{"Key": OWNER_TAG_KEY, "Value": OWNER_TAG_VALUE}]


def test_missing_recorder_status_is_none():
    client = MagicMock()
    client.describe_configuration_recorder_status.side_effect = client_error("NoSuchConfigurationRecorderException")
    assert config.get_configuration_recorder_status(client, NAME) is None


def test_deleting_a_missing_channel_is_no_change():
    client = MagicMock()
    client.delete_delivery_channel.side_effect = client_error("NoSuchDeliveryChannelException")
    assert config.delete_delivery_channel(client, NAME) is False


def test_other_errors_become_ansible_errors():
    client = MagicMock()
    client.start_configuration_recorder.side_effect = client_error("AccessDeniedException")
    with pytest.raises(config.AnsibleConfigError, match="start configuration recorder"):
        config.start_configuration_recorder(client, NAME)


@pytest.mark.parametrize("role_name", ["AWSServiceRoleForConfig", "AWSServiceRoleForconfig"])
def test_service_linked_role_is_found_by_path_and_name_in_any_case(role_name):
    iam = MagicMock()
    arn = "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/" + role_name
    iam.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"Roles": [{"RoleName": role_name, "Arn": arn}]}
    assert config.find_config_service_linked_role_arn(iam) == arn
    iam.get_paginator.return_value.paginate.assert_called_with(PathPrefix="/aws-service-role/config.amazonaws.com/")


def test_no_service_linked_role_is_none():
    iam = MagicMock()
    iam.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"Roles": []}
    assert config.find_config_service_linked_role_arn(iam) is None


def test_service_linked_role_created_meanwhile_is_used():
    iam = MagicMock()
    iam.create_service_linked_role.side_effect = client_error("InvalidInput", "CreateServiceLinkedRole")
    iam.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {
        "Roles": [{"RoleName": "AWSServiceRoleForConfig", "Arn": SLR_ARN}]
    }
    assert config.create_config_service_linked_role(iam) == SLR_ARN
    iam.create_service_linked_role.assert_called_once_with(AWSServiceName="config.amazonaws.com", aws_retry=True)


# ---------------------------------------------------------------- validate


def test_valid_options_have_no_problems():
    assert config_recorder.validate_options(params(role_arn="arn:aws:iam::123456789012:role/config", s3_key_prefix="config")) == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"name": ""}, "name must be 1 to 256"),
        ({"name": "   "}, "non-blank"),
        ({"resource_types": []}, "at least one resource type"),
        ({"resource_types": ["AWS::IAM::User", "iam-user"]}, "got: iam-user"),
        ({"role_arn": "config-role"}, "role_arn must be an IAM role ARN"),
        ({"role_arn": "arn:aws:iam::123:role/x"}, "role_arn must be an IAM role ARN"),
        ({"s3_bucket_name": "ab"}, "s3_bucket_name must be 3 to 63"),
        ({"s3_key_prefix": ""}, "s3_key_prefix must not be empty"),
    ],
)
def test_invalid_options_are_explained(overrides, expected):
    problems = config_recorder.validate_options(params(**overrides))
    assert any(expected in problem for problem in problems), problems


def test_absent_ignores_creation_options():
    assert config_recorder.validate_options(params(state="absent", s3_bucket_name=None, resource_types=[])) == []


def test_recording_without_iam_users_is_warned_about():
    assert config_recorder.option_warnings(params()) == []
    assert "AWS::IAM::User" in config_recorder.option_warnings(params(resource_types=["AWS::S3::Bucket"]))[0]


# ---------------------------------------------------------------- describe


@pytest.mark.parametrize(
    "name, arn, tags, expected",
    [
        (NAME, None, {}, config_recorder.OURS),
        (NAME, RECORDER_ARN, OWNER_TAGS, config_recorder.OURS),
        (NAME, RECORDER_ARN, {}, config_recorder.UNTAGGED),
        ("default", None, {}, config_recorder.FOREIGN),
        ("default", RECORDER_ARN, OWNER_TAGS, config_recorder.FOREIGN),
        (NAME, RECORDER_ARN, dict(OWNER_TAGS, **{"cloudsec.aged_keys:deployment": "mine"}), config_recorder.OURS),
        (NAME, RECORDER_ARN, dict(OWNER_TAGS, **{"cloudsec.aged_keys:deployment": "other"}), config_recorder.UNTAGGED),
    ],
)
def test_recorder_ownership(name, arn, tags, expected):
    assert config_recorder.recorder_ownership(recorder(name=name, arn=arn, tags=tags), NAME, Ownership("mine")) == expected


def test_describe_skips_service_linked_recorders_and_reads_our_tags():
    client = config_client(
        recorders=[raw_recorder("slr", service_principal="securityhub.amazonaws.com"), raw_recorder(arn=RECORDER_ARN)],
        statuses=[{"name": NAME, "recording": True}],
        channels=[{"name": NAME, "s3BucketName": BUCKET}],
        tags=OWNER_TAGS,
    )
    state = config_recorder.describe_recording(client, NAME, Ownership())
    assert state["recorder"]["name"] == NAME
    assert state["recorder"]["recording"] is True
    assert state["recorder"]["records_iam_users"] is True
    assert state["recorder"]["owned"] is True
    assert state["recorder"]["tags"] == OWNER_TAGS
    assert state["channel"]["s3_bucket_name"] == BUCKET


def test_describe_does_not_read_tags_of_a_foreign_recorder():
    group = {"allSupported": True, "includeGlobalResourceTypes": False}
    client = config_client(recorders=[raw_recorder("default", arn=RECORDER_ARN, group=group)], statuses=[{"name": "default", "recording": True}])
    state = config_recorder.describe_recording(client, NAME, Ownership())
    client.get_paginator.assert_not_called()
    assert state["recorder"]["owned"] is False
    assert state["recorder"]["records_iam_users"] is False
    assert state["channel"] is None


def test_empty_region_is_described_as_nothing():
    state = config_recorder.describe_recording(config_client(), NAME, Ownership())
    assert state == {"recorder": None, "channel": None}
    assert config_recorder.recording_view(state) == {}


# ---------------------------------------------------------------- compare


def test_new_recording_creates_everything_in_order():
    steps, after = config_recorder.plan_new_recording(None, params(), SLR_ARN, True)
    assert steps == [config_recorder.CREATE_ROLE, config_recorder.CREATE_RECORDER, config_recorder.CREATE_CHANNEL, config_recorder.START_RECORDER]
    assert after["recorder"]["recording_group"]["resource_types"] == ["AWS::IAM::User"]
    assert after["recorder"]["recording"] is True
    assert after["recorder"]["tags"] == OWNER_TAGS
    assert after["channel"]["s3_bucket_name"] == BUCKET


def test_new_recording_reuses_our_leftover_channel_and_existing_role():
    leftover = channel()
    steps, after = config_recorder.plan_new_recording(leftover, params(), SLR_ARN, False)
    assert steps == [config_recorder.CREATE_RECORDER, config_recorder.START_RECORDER]
    assert after["channel"] is leftover


def test_complete_recorder_needs_nothing():
    steps, after = config_recorder.plan_completion(recorder(), channel(), params())
    assert steps == []
    assert after["recorder"] == recorder()


def test_half_made_recorder_is_finished():
    steps, after = config_recorder.plan_completion(recorder(recording=False), None, params())
    assert steps == [config_recorder.CREATE_CHANNEL, config_recorder.START_RECORDER]
    assert after["recorder"]["recording"] is True
    assert after["channel"]["name"] == NAME


def test_adopted_recorder_gets_the_ownership_tag():
    steps, after = config_recorder.plan_completion(recorder(arn=RECORDER_ARN, owned=False, tags={"team": "x"}), channel(), params(adopt=True))
    assert steps == [config_recorder.TAG_RECORDER]
    assert after["recorder"]["tags"] == dict(OWNER_TAGS, team="x", **ADOPTED)


def test_removal_stops_before_deleting_the_channel():
    steps, after = config_recorder.plan_removal(recorder(), channel(), NAME)
    assert steps == [config_recorder.STOP_RECORDER, config_recorder.DELETE_CHANNEL, config_recorder.DELETE_RECORDER]
    assert config_recorder.recording_view(after) == {}


def test_removal_keeps_a_foreign_channel_and_clears_our_leftover_one():
    steps, after = config_recorder.plan_removal(recorder(recording=False), channel("default"), NAME)
    assert steps == [config_recorder.DELETE_RECORDER]
    assert after["channel"]["name"] == "default"
    steps, after = config_recorder.plan_removal(None, channel(), NAME)
    assert steps == [config_recorder.DELETE_CHANNEL]


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({}, []),
        ({"resource_types": ["AWS::IAM::User", "AWS::IAM::Role"]}, ["resource_types"]),
        ({"role_arn": "arn:aws:iam::123456789012:role/other"}, ["role_arn"]),
        ({"s3_bucket_name": "other-bucket", "s3_key_prefix": "p", "delivery_frequency": "One_Hour"}, ["s3_bucket_name", "s3_key_prefix", "delivery_frequency"]),
    ],
)
def test_options_an_existing_recorder_does_not_match_are_reported(overrides, expected):
    assert config_recorder.unapplied_options(recorder(), channel(), params(**overrides)) == expected


def test_a_foreign_channel_is_not_compared():
    assert config_recorder.unapplied_options(recorder(), channel("default", "elsewhere"), params()) == []


# ---------------------------------------------------------------- apply


def test_failed_step_undoes_what_the_run_created():
    clients = {"config": MagicMock()}
    clients["config"].start_configuration_recorder.side_effect = client_error("InsufficientPermissionsException")
    change = config_recorder.change_context(params(), None, SLR_ARN)
    steps = [config_recorder.CREATE_RECORDER, config_recorder.CREATE_CHANNEL, config_recorder.START_RECORDER]
    with pytest.raises(AnsibleAWSError) as raised:
        config_recorder.apply_steps(clients, steps, change)
    clients["config"].delete_delivery_channel.assert_called_once_with(DeliveryChannelName=NAME, aws_retry=True)
    clients["config"].delete_configuration_recorder.assert_called_once_with(ConfigurationRecorderName=NAME, aws_retry=True)
    assert "delete the delivery channel, then delete the configuration recorder" in raised.value.message


def test_steps_run_in_order_with_the_created_role():
    clients = {"config": MagicMock(), "iam": MagicMock()}
    clients["iam"].create_service_linked_role.return_value = {"Role": {"Arn": SLR_ARN}}
    change = config_recorder.change_context(params(), None, "predicted")
    steps, dummy = config_recorder.plan_new_recording(None, params(), "predicted", True)
    config_recorder.apply_steps(clients, steps, change)
    assert clients["config"].put_configuration_recorder.call_args.kwargs["ConfigurationRecorder"]["roleARN"] == SLR_ARN
    assert clients["config"].put_delivery_channel.call_args.kwargs["DeliveryChannel"] == {"name": NAME, "s3BucketName": BUCKET}
    clients["config"].start_configuration_recorder.assert_called_once_with(ConfigurationRecorderName=NAME, aws_retry=True)


# ---------------------------------------------------------------- ensure


def current(recorder_value=None, channel_value=None):
    return {"recorder": recorder_value, "channel": channel_value}


def test_check_mode_predicts_creation_without_calling_anything(monkeypatch):
    monkeypatch.setattr(config_recorder, "get_aws_account_info", lambda module: ("123456789012", "aws"))
    iam = MagicMock()
    iam.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"Roles": []}
    module = FakeModule(check_mode=True, iam=iam)
    clients = {"config": MagicMock()}
    changed, after = config_recorder.ensure_present(module, clients, current())
    assert changed is True
    assert after["recorder"]["role_arn"] == SLR_ARN
    iam.create_service_linked_role.assert_not_called()
    clients["config"].put_configuration_recorder.assert_not_called()


def test_a_foreign_recorder_is_returned_unchanged_with_a_warning():
    module = FakeModule()
    clients = {"config": MagicMock()}
    state = current(recorder(name="default", owned=False, records_iam_users=False), channel("default"))
    changed, after = config_recorder.ensure_present(module, clients, state)
    assert (changed, after) == (False, state)
    assert "does NOT record AWS::IAM::User" in module.warnings[0]
    assert clients["config"].method_calls == []


def test_our_name_without_the_ownership_tag_fails_unless_adopted():
    untagged = current(recorder(arn=RECORDER_ARN, owned=False), channel())
    with pytest.raises(Failed, match="adopt=true"):
        config_recorder.ensure_present(FakeModule(), {"config": MagicMock()}, untagged)
    changed, after = config_recorder.ensure_present(FakeModule(check_mode=True, adopt=True), {"config": MagicMock()}, untagged)
    assert changed is True
    assert after["recorder"]["tags"] == dict(OWNER_TAGS, **ADOPTED)


def test_a_channel_without_recorder_that_is_not_ours_fails_without_change():
    module = FakeModule()
    clients = {"config": MagicMock()}
    with pytest.raises(Failed, match="delivery channel 'default' but no configuration recorder"):
        config_recorder.ensure_present(module, clients, current(None, channel("default")))
    assert clients["config"].method_calls == []


def test_existing_recorder_with_other_settings_is_not_modified():
    module = FakeModule(resource_types=["AWS::IAM::User", "AWS::IAM::Role"])
    clients = {"config": MagicMock()}
    changed, dummy = config_recorder.ensure_present(module, clients, current(recorder(), channel()))
    assert changed is False
    assert "resource_types" in module.warnings[0]
    assert clients["config"].method_calls == []


def test_absent_leaves_foreign_and_untagged_recorders():
    clients = {"config": MagicMock()}
    for state in (current(recorder(name="default", owned=False)), current(recorder(arn=RECORDER_ARN, owned=False))):
        module = FakeModule(state="absent")
        assert config_recorder.ensure_absent(module, clients, state) == (False, state)
        assert module.warnings
    assert clients["config"].method_calls == []


def test_absent_check_mode_predicts_deletion():
    module = FakeModule(check_mode=True, state="absent")
    clients = {"config": MagicMock()}
    changed, after = config_recorder.ensure_absent(module, clients, current(recorder(), channel()))
    assert changed is True
    assert after == {"recorder": None, "channel": None}
    assert clients["config"].method_calls == []
