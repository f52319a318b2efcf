# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config_recording
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
        "recordingGroup": group or config_recording.inclusion_recording_group(["AWS::IAM::User"]),
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
        "recording_group": config_recording.normalize_recording_group(config_recording.inclusion_recording_group(["AWS::IAM::User"])),
        "recording": True,
        "tags": {},
        "records_iam_users": True,
        "owned": True,
    }
    value.update(overrides)
    return value


def channel(name=NAME, bucket=BUCKET):
    return config_recording.normalize_delivery_channel({"name": name, "s3BucketName": bucket})


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
    state, summary = config_recorder.describe_recording(client, NAME, Ownership())
    assert summary["rollout_action"] == "none"
    assert state["recorder"]["name"] == NAME
    assert state["recorder"]["recording"] is True
    assert state["recorder"]["records_iam_users"] is True
    assert state["recorder"]["owned"] is True
    assert state["recorder"]["tags"] == OWNER_TAGS
    assert state["channel"]["s3_bucket_name"] == BUCKET


def test_describe_does_not_read_tags_of_a_foreign_recorder():
    group = {"allSupported": True, "includeGlobalResourceTypes": False}
    client = config_client(recorders=[raw_recorder("default", arn=RECORDER_ARN, group=group)], statuses=[{"name": "default", "recording": True}])
    state, summary = config_recorder.describe_recording(client, NAME, Ownership())
    assert summary["rollout_action"] == "none"
    client.get_paginator.assert_not_called()
    assert state["recorder"]["owned"] is False
    assert state["recorder"]["records_iam_users"] is False
    assert state["channel"] is None


def test_empty_region_is_described_as_nothing_to_create():
    state, summary = config_recorder.describe_recording(config_client(), NAME, Ownership())
    assert state == {"recorder": None, "channel": None}
    assert config_recorder.recording_view(state) == {}
    assert summary["rollout_action"] == "create"


def test_our_stopped_recorder_is_described_as_one_to_complete():
    client = config_client(recorders=[raw_recorder()], statuses=[{"name": NAME, "recording": False}])
    state, summary = config_recorder.describe_recording(client, NAME, Ownership())
    assert state["recorder"]["recording"] is False
    assert summary["rollout_action"] == "complete"


# ---------------------------------------------------------------- compare


def current(recorder_value=None, channel_value=None):
    return {"recorder": recorder_value, "channel": channel_value}


NO_CHANGE = {"create_role": False, "create_recorder": False, "tags_to_add": {}, "create_channel": False, "start_recorder": False}


def test_new_recording_creates_everything():
    changes = config_recorder.present_changes(current(), "create", True, params())
    assert changes == {"create_role": True, "create_recorder": True, "tags_to_add": {}, "create_channel": True, "start_recorder": True}
    after = config_recorder.predict_present(current(), changes, params(), SLR_ARN)
    assert after["recorder"]["recording_group"]["resource_types"] == ["AWS::IAM::User"]
    assert after["recorder"]["recording"] is True
    assert after["recorder"]["tags"] == OWNER_TAGS
    assert after["channel"]["s3_bucket_name"] == BUCKET


def test_new_recording_reuses_our_leftover_channel_and_existing_role():
    leftover = channel()
    changes = config_recorder.present_changes(current(None, leftover), "create", False, params())
    assert changes == dict(NO_CHANGE, create_recorder=True, start_recorder=True)
    assert config_recorder.predict_present(current(None, leftover), changes, params(), SLR_ARN)["channel"] is leftover


def test_complete_recorder_needs_nothing():
    assert config_recorder.present_changes(current(recorder(), channel()), "none", False, params()) == NO_CHANGE


def test_half_made_recorder_is_finished():
    state = current(recorder(recording=False))
    changes = config_recorder.present_changes(state, "complete", False, params())
    assert changes == dict(NO_CHANGE, create_channel=True, start_recorder=True)
    after = config_recorder.predict_present(state, changes, params(), None)
    assert after["recorder"]["recording"] is True
    assert after["channel"]["name"] == NAME


def test_running_recorder_without_channel_only_gets_the_channel():
    changes = config_recorder.present_changes(current(recorder()), "complete", False, params())
    assert changes == dict(NO_CHANGE, create_channel=True)


def test_adopted_recorder_gets_the_ownership_tag():
    state = current(recorder(arn=RECORDER_ARN, owned=False, tags={"team": "x"}), channel())
    changes = config_recorder.present_changes(state, "none", False, params(adopt=True))
    assert changes == dict(NO_CHANGE, tags_to_add=dict(OWNER_TAGS, **ADOPTED))
    after = config_recorder.predict_present(state, changes, params(adopt=True), None)
    assert after["recorder"]["tags"] == dict(OWNER_TAGS, team="x", **ADOPTED)
    assert after["recorder"]["owned"] is True


def test_removal_stops_before_deleting_the_channel():
    state = current(recorder(), channel())
    changes = config_recorder.absent_changes(state, NAME)
    assert changes == {"stop_recorder": True, "delete_channel": True, "delete_recorder": True}
    assert config_recorder.recording_view(config_recorder.predict_absent(state, changes)) == {}


def test_removal_keeps_a_foreign_channel_and_clears_our_leftover_one():
    state = current(recorder(recording=False), channel("default"))
    changes = config_recorder.absent_changes(state, NAME)
    assert changes == {"stop_recorder": False, "delete_channel": False, "delete_recorder": True}
    assert config_recorder.predict_absent(state, changes)["channel"]["name"] == "default"
    assert config_recorder.absent_changes(current(None, channel()), NAME) == {"stop_recorder": False, "delete_channel": True, "delete_recorder": False}


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


def create_failing(**failing):
    """Create recording with calls of the config client failing (call name: error code); returns the client and the error."""
    client = MagicMock()
    for call, code in failing.items():
        getattr(client, call).side_effect = client_error(code)
    changes = config_recorder.present_changes(current(), "create", False, params())
    with pytest.raises(AnsibleAWSError) as raised:
        config_recorder.apply_present({"config": client}, params(), changes, current(), SLR_ARN)
    return client, raised.value


def test_failed_start_undoes_what_the_run_created():
    client, error = create_failing(start_configuration_recorder="InsufficientPermissionsException")
    client.delete_delivery_channel.assert_called_once_with(DeliveryChannelName=NAME, aws_retry=True)
    client.delete_configuration_recorder.assert_called_once_with(ConfigurationRecorderName=NAME, aws_retry=True)
    client.stop_configuration_recorder.assert_not_called()
    assert "delete the delivery channel, then delete the configuration recorder" in error.message


def test_failed_channel_undoes_only_the_recorder_and_reports_a_failed_undo_as_not_done(monkeypatch):
    # The channel is retried while AWS may not yet see the bucket policy; the backoff is not waited for here.
    sleeps = []
    monkeypatch.setattr("ansible_collections.amazon.aws.plugins.module_utils.cloud.time.sleep", sleeps.append)
    client, error = create_failing(put_delivery_channel="InsufficientDeliveryPolicyException")
    assert client.put_delivery_channel.call_count == len(sleeps) + 1 > 1
    client.delete_delivery_channel.assert_not_called()
    client.delete_configuration_recorder.assert_called_once_with(ConfigurationRecorderName=NAME, aws_retry=True)
    assert error.message.endswith("this run went on to delete the configuration recorder)")

    client, error = create_failing(put_delivery_channel="InsufficientDeliveryPolicyException", delete_configuration_recorder="AccessDeniedException")
    assert "went on to" not in error.message


def test_completing_our_recorder_never_deletes_it():
    clients = {"config": MagicMock()}
    clients["config"].start_configuration_recorder.side_effect = client_error("InsufficientPermissionsException")
    state = current(recorder(recording=False))
    changes = config_recorder.present_changes(state, "complete", False, params())
    with pytest.raises(AnsibleAWSError):
        config_recorder.apply_present(clients, params(), changes, state, None)
    clients["config"].delete_delivery_channel.assert_called_once_with(DeliveryChannelName=NAME, aws_retry=True)
    clients["config"].delete_configuration_recorder.assert_not_called()


def test_changes_are_made_in_order_with_the_created_role():
    clients = {"config": MagicMock(), "iam": MagicMock()}
    clients["iam"].create_service_linked_role.return_value = {"Role": {"Arn": SLR_ARN}}
    changes = config_recorder.present_changes(current(), "create", True, params())
    config_recorder.apply_present(clients, params(), changes, current(), "predicted")
    assert [call[0] for call in clients["config"].method_calls] == [
        "put_configuration_recorder", "put_delivery_channel", "start_configuration_recorder"]
    assert clients["config"].put_configuration_recorder.call_args.kwargs["ConfigurationRecorder"]["roleARN"] == SLR_ARN
    assert clients["config"].put_delivery_channel.call_args.kwargs["DeliveryChannel"] == {"name": NAME, "s3BucketName": BUCKET}
    clients["config"].start_configuration_recorder.assert_called_once_with(ConfigurationRecorderName=NAME, aws_retry=True)


def test_adopting_tags_the_recorder_by_its_arn():
    clients = {"config": MagicMock()}
    state = current(recorder(arn=RECORDER_ARN, owned=False), channel())
    changes = config_recorder.present_changes(state, "none", False, params(adopt=True))
    config_recorder.apply_present(clients, params(adopt=True), changes, state, None)
    assert [call[0] for call in clients["config"].method_calls] == ["tag_resource"]
    assert clients["config"].tag_resource.call_args.kwargs["ResourceArn"] == RECORDER_ARN


def test_removal_stops_deletes_the_channel_then_the_recorder():
    client = MagicMock()
    config_recorder.apply_absent(client, NAME, config_recorder.absent_changes(current(recorder(), channel()), NAME))
    assert [call[0] for call in client.method_calls] == [
        "stop_configuration_recorder", "delete_delivery_channel", "delete_configuration_recorder"]


# ---------------------------------------------------------------- ensure


def test_check_mode_predicts_creation_without_calling_anything(monkeypatch):
    monkeypatch.setattr(config_recorder, "get_aws_account_info", lambda module: ("123456789012", "aws"))
    iam = MagicMock()
    iam.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"Roles": []}
    module = FakeModule(check_mode=True, iam=iam)
    clients = {"config": MagicMock()}
    changed, after = config_recorder.ensure_present(module, clients, current(), "create")
    assert changed is True
    assert after["recorder"]["role_arn"] == SLR_ARN
    iam.create_service_linked_role.assert_not_called()
    clients["config"].put_configuration_recorder.assert_not_called()


def test_a_real_run_creates_recording_and_returns_it_as_described():
    module = FakeModule(role_arn=SLR_ARN)
    created = [raw_recorder(arn=RECORDER_ARN)], [{"name": NAME, "recording": True}], [{"name": NAME, "s3BucketName": BUCKET}]
    clients = {"config": config_client(*created, tags=OWNER_TAGS)}
    changed, after = config_recorder.ensure_present(module, clients, current(), "create")
    assert changed is True
    clients["config"].put_configuration_recorder.assert_called_once()
    assert after["recorder"]["arn"] == RECORDER_ARN and after["recorder"]["owned"] is True
    assert after["channel"]["name"] == NAME


def test_a_foreign_recorder_is_returned_unchanged_with_a_warning():
    module = FakeModule()
    clients = {"config": MagicMock()}
    state = current(recorder(name="default", owned=False, records_iam_users=False), channel("default"))
    changed, after = config_recorder.ensure_present(module, clients, state, "none")
    assert (changed, after) == (False, state)
    assert "does NOT record AWS::IAM::User" in module.warnings[0]
    assert clients["config"].method_calls == []


def test_our_name_without_the_ownership_tag_fails_unless_adopted():
    untagged = current(recorder(arn=RECORDER_ARN, owned=False), channel())
    with pytest.raises(Failed, match="adopt=true"):
        config_recorder.ensure_present(FakeModule(), {"config": MagicMock()}, untagged, "none")
    changed, after = config_recorder.ensure_present(FakeModule(check_mode=True, adopt=True), {"config": MagicMock()}, untagged, "none")
    assert changed is True
    assert after["recorder"]["tags"] == dict(OWNER_TAGS, **ADOPTED)


def test_a_channel_without_recorder_that_is_not_ours_fails_without_change():
    module = FakeModule()
    clients = {"config": MagicMock()}
    with pytest.raises(Failed, match="delivery channel 'default' but no configuration recorder"):
        config_recorder.ensure_present(module, clients, current(None, channel("default")), "none")
    assert clients["config"].method_calls == []


def test_existing_recorder_with_other_settings_is_not_modified():
    module = FakeModule(resource_types=["AWS::IAM::User", "AWS::IAM::Role"])
    clients = {"config": MagicMock()}
    changed, dummy = config_recorder.ensure_present(module, clients, current(recorder(), channel()), "none")
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
