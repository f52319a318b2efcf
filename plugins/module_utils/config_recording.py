# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Config recording: the configuration recorder, its delivery channel and AWS Config's
service-linked role, and what the rollout does about them.

- Shapes and API calls: functions take a boto3 ``config`` (or ``iam``) client and plain
  arguments, never the module; "not found" becomes None (False for deletions), other AWS errors
  become AnsibleConfigError. Normalised resources use the config_recorder module's option names.
- The recording summary: whether the region's recorder records AWS::IAM::User, whether it runs,
  whether it has a delivery channel, and what the rollout must do about it (rollout_action, the
  one place that decides whether recording is created or completed); the problems that keep the
  region from recording IAM users, each with its fix.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import AnsibleConfigError
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import IAM_USER_RESOURCE_TYPE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import until_consistent

IAM_USER_TYPE = IAM_USER_RESOURCE_TYPE

# What the rollout does about the region's recording (rollout_action).
NOTHING = "none"  # recording is there, or is not the rollout's to create or complete
CREATE = "create"  # no recorder: create the recorder, its delivery channel, and start it
COMPLETE = "complete"  # the rollout's own recorder is stopped or has no delivery channel: finish it


# ---------------------------------------------------------------- recorders and delivery channels: shapes

# AWS Config's service-linked role (IAM User Guide, "AWS services that work with IAM";
# AWS Config Developer Guide, "Using Service-Linked Roles for AWS Config").
CONFIG_SERVICE_NAME = "config.amazonaws.com"
CONFIG_SERVICE_LINKED_ROLE_NAME = "AWSServiceRoleForConfig"
CONFIG_SERVICE_LINKED_ROLE_PATH = "/aws-service-role/config.amazonaws.com/"
INCLUSION_BY_RESOURCE_TYPES = "INCLUSION_BY_RESOURCE_TYPES"


class ConfigRecorderErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleConfigError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(
            ["NoSuchConfigurationRecorderException", "NoSuchDeliveryChannelException", "ResourceNotFoundException"]
        )


def config_service_linked_role_arn(partition, account_id):
    """The ARN AWS gives AWS Config's service-linked role in an account."""
    return "arn:{0}:iam::{1}:role{2}{3}".format(partition, account_id, CONFIG_SERVICE_LINKED_ROLE_PATH, CONFIG_SERVICE_LINKED_ROLE_NAME)


def inclusion_recording_group(resource_types):
    """A RecordingGroup that records exactly these resource types.

    Global IAM types such as AWS::IAM::User are listed in resourceTypes like any other:
    includeGlobalResourceTypes only applies together with allSupported (AWS Config API
    reference, RecordingGroup and RecordingStrategy).
    """
    return {
        "allSupported": False,
        "includeGlobalResourceTypes": False,
        "resourceTypes": sorted(set(resource_types)),
        "recordingStrategy": {"useOnly": INCLUSION_BY_RESOURCE_TYPES},
    }


def normalize_recording_group(group):
    group = group or {}
    return {
        "all_supported": bool(group.get("allSupported")),
        "include_global_resource_types": bool(group.get("includeGlobalResourceTypes")),
        "resource_types": sorted(group.get("resourceTypes") or []),
        "excluded_resource_types": sorted((group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or []),
        "recording_strategy": (group.get("recordingStrategy") or {}).get("useOnly"),
    }


def normalize_delivery_channel(channel):
    """A DescribeDeliveryChannels entry in the module's return format, or None."""
    if not channel:
        return None
    return {
        "name": channel.get("name"),
        "s3_bucket_name": channel.get("s3BucketName"),
        "s3_key_prefix": channel.get("s3KeyPrefix"),
        "s3_kms_key_arn": channel.get("s3KmsKeyArn"),
        "sns_topic_arn": channel.get("snsTopicARN"),
        "delivery_frequency": (channel.get("configSnapshotDeliveryProperties") or {}).get("deliveryFrequency"),
    }


def delivery_channel_to_boto3(channel):
    """The DeliveryChannel argument of PutDeliveryChannel; unset fields are left out (AWS rejects empty strings)."""
    request = {"name": channel["name"], "s3BucketName": channel["s3_bucket_name"]}
    if channel.get("s3_key_prefix"):
        request["s3KeyPrefix"] = channel["s3_key_prefix"]
    if channel.get("s3_kms_key_arn"):
        request["s3KmsKeyArn"] = channel["s3_kms_key_arn"]
    if channel.get("sns_topic_arn"):
        request["snsTopicARN"] = channel["sns_topic_arn"]
    if channel.get("delivery_frequency"):
        request["configSnapshotDeliveryProperties"] = {"deliveryFrequency": channel["delivery_frequency"]}
    return request


def normalize_configuration_recorder(recorder, status, tags):
    """A DescribeConfigurationRecorders entry, its status and tags in the module's return format."""
    return {
        "name": recorder.get("name"),
        # Older endpoints do not return the ARN; recorders then have no readable tags.
        "arn": recorder.get("arn"),
        "role_arn": recorder.get("roleARN"),
        "recording_group": normalize_recording_group(recorder.get("recordingGroup")),
        "recording": bool((status or {}).get("recording")),
        "tags": tags or {},
    }


# ---------------------------------------------------------------- recorders and delivery channels: API


@ConfigRecorderErrorHandler.common_error_handler("describe configuration recorders")
def list_configuration_recorders(client):
    """Every recorder of the region, raw, including service-linked ones."""
    return client.describe_configuration_recorders(aws_retry=True).get("ConfigurationRecorders", [])


@ConfigRecorderErrorHandler.common_error_handler("describe configuration recorder statuses")
def list_configuration_recorder_statuses(client):
    """The status of every recorder of the region, raw."""
    return client.describe_configuration_recorder_status(aws_retry=True).get("ConfigurationRecordersStatus", [])


@ConfigRecorderErrorHandler.common_error_handler("describe delivery channels")
def list_delivery_channels(client):
    """The region's delivery channels (AWS allows one), raw."""
    return client.describe_delivery_channels(aws_retry=True).get("DeliveryChannels", [])


@ConfigRecorderErrorHandler.common_error_handler("create configuration recorder")
# A service-linked role that was just created takes a few seconds to become usable.
@until_consistent("InvalidRoleException", retries=6)
def put_configuration_recorder(client, name, role_arn, resource_types, tags):
    """Create a recorder that records only resource_types. Tags are only applied at creation."""
    client.put_configuration_recorder(
        ConfigurationRecorder={"name": name, "roleARN": role_arn, "recordingGroup": inclusion_recording_group(resource_types)},
        Tags=ansible_dict_to_boto3_tag_list(tags),
        aws_retry=True,
    )
    return True


@ConfigRecorderErrorHandler.common_error_handler("create delivery channel")
# A bucket policy that was just written can take a moment to reach AWS Config.
@until_consistent("InsufficientDeliveryPolicyException", retries=6)
def put_delivery_channel(client, channel):
    client.put_delivery_channel(DeliveryChannel=delivery_channel_to_boto3(channel), aws_retry=True)
    return True


@ConfigRecorderErrorHandler.common_error_handler("start configuration recorder")
# AWS Config may not see a delivery channel created a moment ago.
@until_consistent("NoAvailableDeliveryChannelException", retries=6)
def start_configuration_recorder(client, name):
    client.start_configuration_recorder(ConfigurationRecorderName=name, aws_retry=True)
    return True


@ConfigRecorderErrorHandler.deletion_error_handler("stop configuration recorder")
def stop_configuration_recorder(client, name):
    client.stop_configuration_recorder(ConfigurationRecorderName=name, aws_retry=True)
    return True


@ConfigRecorderErrorHandler.deletion_error_handler("delete delivery channel")
def delete_delivery_channel(client, name):
    client.delete_delivery_channel(DeliveryChannelName=name, aws_retry=True)
    return True


@ConfigRecorderErrorHandler.deletion_error_handler("delete configuration recorder")
def delete_configuration_recorder(client, name):
    client.delete_configuration_recorder(ConfigurationRecorderName=name, aws_retry=True)
    return True


# ---------------------------------------------------------------- AWS Config's service-linked role (IAM client)


@ConfigRecorderErrorHandler.common_error_handler("look up the AWS Config service-linked role")
def find_config_service_linked_role_arn(iam_client):
    """The ARN of AWS Config's service-linked role, or None when the account has none."""
    paginator = iam_client.get_paginator("list_roles")
    roles = paginator.paginate(PathPrefix=CONFIG_SERVICE_LINKED_ROLE_PATH).build_full_result().get("Roles", [])
    for role in roles:
        # IAM role names are case-insensitive.
        if role.get("RoleName", "").lower() == CONFIG_SERVICE_LINKED_ROLE_NAME.lower():
            return role["Arn"]
    return None


@ConfigRecorderErrorHandler.common_error_handler("create the AWS Config service-linked role")
def create_config_service_linked_role(iam_client):
    """Create AWS Config's service-linked role and return its ARN.

    A role created meanwhile by someone else makes IAM answer InvalidInput ("has been
    taken"); that role is just as good.
    """
    try:
        return iam_client.create_service_linked_role(AWSServiceName=CONFIG_SERVICE_NAME, aws_retry=True)["Role"]["Arn"]
    except is_boto3_error_code("InvalidInput"):
        existing = find_config_service_linked_role_arn(iam_client)
        if existing is None:
            raise
        return existing


# ---------------------------------------------------------------- the recording summary


def customer_managed_recorder(recorders):
    """The region's own recorder. Service-linked recorders (servicePrincipal set) belong to
    another AWS service, record only for it, and cannot be changed, so they do not count."""
    for recorder in recorders:
        if not recorder.get("servicePrincipal"):
            return recorder
    return None


def recorder_status(statuses, name):
    """The raw status of the recorder called name among the region's statuses, or None."""
    return next((status for status in statuses if name and status.get("name") == name), None)


def recording_group_covers(recording_group, resource_type=IAM_USER_TYPE):
    """True when a RecordingGroup records a global IAM resource type such as AWS::IAM::User.

    The exclusion strategy overrides the other fields; with allSupported, global IAM types
    are recorded only when includeGlobalResourceTypes is true; otherwise the type must be
    listed in resourceTypes.
    """
    group = recording_group or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
        excluded = (group.get("exclusionByResourceTypes") or {}).get("resourceTypes") or []
        return resource_type not in excluded
    if strategy == INCLUSION_BY_RESOURCE_TYPES:
        return resource_type in (group.get("resourceTypes") or [])
    if group.get("allSupported"):
        return bool(group.get("includeGlobalResourceTypes"))
    return resource_type in (group.get("resourceTypes") or [])


def summarize_config_recording(recorders, statuses, channels, own_recorder_name=None, create_allowed=False):
    """Normalised view of a region's AWS Config recording set-up, with what the rollout does about it.

    channels None means they were not read because the recorder is recording, which AWS Config
    allows only with a delivery channel: it exists, its name is unknown. own_recorder_name and
    create_allowed are those of rollout_action.
    """
    recorder = customer_managed_recorder(recorders)
    name = recorder.get("name") if recorder else None
    status = recorder_status(statuses, name) or {}
    if channels is None:
        channels = [{"name": None}]
    channel = channels[0] if channels else {}
    summary = {
        "recorder_exists": recorder is not None,
        "recorder_name": name,
        "recording": bool(status.get("recording")),
        "records_iam_users": bool(recorder) and recording_group_covers(recorder.get("recordingGroup")),
        "last_status": status.get("lastStatus"),
        "last_error_code": status.get("lastErrorCode"),
        "last_error_message": status.get("lastErrorMessage"),
        "delivery_channel_exists": bool(channel),
        "delivery_channel_name": channel.get("name"),
    }
    summary["rollout_action"] = rollout_action(summary, own_recorder_name, create_allowed)
    return summary


def unknown_config_recording():
    """Summary used when the recording set-up could not be read."""
    keys = ("recorder_exists", "recorder_name", "recording", "records_iam_users", "last_status",
            "last_error_code", "last_error_message", "delivery_channel_exists", "delivery_channel_name", "rollout_action")
    return dict.fromkeys(keys)


def rollout_action(summary, own_recorder_name, create_allowed):
    """What the rollout must do about the region's recording: NOTHING, CREATE or COMPLETE.

    The one place that decides it, for the plan (and through it the target_account role), the
    account checks' problems and the config_recorder module. The rollout creates or completes
    recording only where create_allowed, and never takes over what it did not create: a region
    without a recorder gets one unless it holds a delivery channel of another name than
    own_recorder_name (a region holds one channel); an existing recorder is completed - given its
    delivery channel, started - only when it is called own_recorder_name.
    """
    if not create_allowed:
        return NOTHING
    if not summary["recorder_exists"]:
        ours = not summary["delivery_channel_exists"] or (
            own_recorder_name is not None and summary["delivery_channel_name"] == own_recorder_name)
        return CREATE if ours else NOTHING
    incomplete = not (summary["recording"] and summary["delivery_channel_exists"])
    return COMPLETE if incomplete and summary["recorder_name"] == own_recorder_name else NOTHING


def _coverage_fix(recording_group):
    """How to make a recorder with this recording group record AWS::IAM::User."""
    group = recording_group or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
        return "remove {0} from its excluded resource types (exclusionByResourceTypes)".format(IAM_USER_TYPE)
    if group.get("allSupported"):
        return "turn on recording of global resource types (includeGlobalResourceTypes: true)"
    return "add {0} to its recorded resource types (resourceTypes)".format(IAM_USER_TYPE)


def config_recording_problems(summary, recording_group, region):
    """Problems, each with its fix, that keep the region from recording IAM users.

    What the rollout is going to create or complete (the summary's rollout_action) is not a problem;
    a recorder that does not record IAM users always is, because the rollout never changes what it records.
    """
    action = summary["rollout_action"]
    if not summary["recorder_exists"]:
        return [] if action == CREATE else _missing_recorder_problems(summary, region)

    recorder = summary["recorder_name"]
    problems = []
    if not summary["records_iam_users"]:
        problems.append(
            "The AWS Config recorder '{name}' in region {region} does not record {type}: {fix} with "
            "'aws configservice put-configuration-recorder --region {region}'. Global IAM resource types can only "
            "be recorded in regions where AWS Config was available before February 2022; pick such a home region "
            "otherwise.".format(name=recorder, region=region, type=IAM_USER_TYPE, fix=_coverage_fix(recording_group))
        )
    if action == COMPLETE:
        return problems
    if not summary["delivery_channel_exists"]:
        problems.append(
            "AWS Config in region {region} has no delivery channel, so recorder '{name}' cannot record: create one "
            "with 'aws configservice put-delivery-channel --region {region}'.".format(region=region, name=recorder)
        )
    if not summary["recording"]:
        problems.append(
            "The AWS Config recorder '{name}' in region {region} is not recording: start it with "
            "'aws configservice start-configuration-recorder --configuration-recorder-name {name} "
            "--region {region}'.".format(name=recorder, region=region)
        )
    return problems


def _missing_recorder_problems(summary, region):
    if summary["delivery_channel_exists"]:
        # A region holds one delivery channel; the rollout never changes one it did not create.
        return [
            "AWS Config in region {region} has the delivery channel '{channel}' but no configuration recorder: "
            "create a recorder that records {type} with 'aws configservice put-configuration-recorder --region {region}' "
            "and start it; the rollout does not take over an existing delivery channel.".format(
                region=region, channel=summary["delivery_channel_name"], type=IAM_USER_TYPE)
        ]
    return [
        "AWS Config has no configuration recorder in region {region}, so IAM users are not recorded: set "
        "aged_keys_create_config_recorder: true (role variable target_account_create_config_recorder) to let the rollout create "
        "the recorder and delivery channel, "
        "or set them up yourself (recording {type}) and start the recorder.".format(region=region, type=IAM_USER_TYPE)
    ]
