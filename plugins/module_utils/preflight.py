# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read-only look-ups behind the account_preflight module.

Two kinds of helpers live here:

- AWS Config recording: describe the region's configuration recorder, its status and
  delivery channel, decide whether the recording group covers AWS::IAM::User, and turn the
  result into problems that say how to fix them.
- Named resources the rollout creates: find a same-named resource and its tags, so the
  caller can tell whether it is ours (ownership tag), someone else's, or reserved by AWS.

Every AWS function takes a boto3 client (created with a retry decorator) and plain
arguments. Resource look-ups return None when the resource does not exist, otherwise
``{"arn": str, "tags": dict, "reserved_by": str or None}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import botocore
except ImportError:
    pass  # The module reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_iam_role
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

IAM_USER_TYPE = "AWS::IAM::User"

# Error codes AWS services use when IAM, an SCP or a resource policy denies a call.
ACCESS_DENIED_CODES = frozenset((
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
    "AuthorizationErrorException",
    "UnauthorizedOperation",
))

# Owner that DescribeDocument reports for documents published by AWS.
AWS_DOCUMENT_OWNER = "Amazon"
AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"

RESOURCE_LABELS = {
    "iam_role": "IAM role",
    "ssm_document": "SSM document",
    "config_rule": "AWS Config rule",
    "sns_topic": "SNS topic",
    "kms_alias": "KMS alias",
}

# The AWS service (and IAM action prefix) behind each resource type, in documented order.
RESOURCE_SERVICES = {
    "iam_role": "iam",
    "ssm_document": "ssm",
    "config_rule": "config",
    "sns_topic": "sns",
    "kms_alias": "kms",
}


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------

def underlying_client_error(error):
    """The botocore ClientError behind an error, also when amazon.aws wrapped it."""
    if isinstance(error, AnsibleAWSError):
        error = error.exception
    if isinstance(error, botocore.exceptions.ClientError):
        return error
    return None


def denied_action(error, service):
    """IAM action (e.g. 'iam:GetRole') that an access-denied error refused, else None."""
    client_error = underlying_client_error(error)
    if client_error is None:
        return None
    if client_error.response.get("Error", {}).get("Code") not in ACCESS_DENIED_CODES:
        return None
    return "{0}:{1}".format(service, client_error.operation_name)


def permission_problem(action, purpose):
    return (
        "Permission {action} is missing (needed to {purpose}). Allow it for the role used in this "
        "account; an SCP or permissions boundary may also deny it."
    ).format(action=action, purpose=purpose)


# ---------------------------------------------------------------------------
# AWS Config recording
# ---------------------------------------------------------------------------

def describe_configuration_recorders(client):
    return client.describe_configuration_recorders(aws_retry=True).get("ConfigurationRecorders", [])


def describe_configuration_recorder_statuses(client):
    return client.describe_configuration_recorder_status(aws_retry=True).get("ConfigurationRecordersStatus", [])


def describe_delivery_channels(client):
    return client.describe_delivery_channels(aws_retry=True).get("DeliveryChannels", [])


def customer_managed_recorder(recorders):
    """The region's own recorder. Service-linked recorders (servicePrincipal set) belong to
    another AWS service, record only for it, and cannot be changed, so they do not count."""
    for recorder in recorders:
        if not recorder.get("servicePrincipal"):
            return recorder
    return None


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
    if strategy == "INCLUSION_BY_RESOURCE_TYPES":
        return resource_type in (group.get("resourceTypes") or [])
    if group.get("allSupported"):
        return bool(group.get("includeGlobalResourceTypes"))
    return resource_type in (group.get("resourceTypes") or [])


def summarize_config_recording(recorders, statuses, channels):
    """Normalised view of a region's AWS Config recording set-up."""
    recorder = customer_managed_recorder(recorders)
    name = recorder.get("name") if recorder else None
    status = next((s for s in statuses if name and s.get("name") == name), {})
    channel = channels[0] if channels else {}
    return {
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


def unknown_config_recording():
    """Summary used when the recording set-up could not be read."""
    keys = ("recorder_exists", "recorder_name", "recording", "records_iam_users", "last_status",
            "last_error_code", "last_error_message", "delivery_channel_exists", "delivery_channel_name")
    return dict.fromkeys(keys)


def _coverage_fix(recording_group):
    """How to make a recorder with this recording group record AWS::IAM::User."""
    group = recording_group or {}
    strategy = (group.get("recordingStrategy") or {}).get("useOnly")
    if strategy == "EXCLUSION_BY_RESOURCE_TYPES":
        return "remove {0} from its excluded resource types (exclusionByResourceTypes)".format(IAM_USER_TYPE)
    if group.get("allSupported"):
        return "turn on recording of global resource types (includeGlobalResourceTypes: true)"
    return "add {0} to its recorded resource types (resourceTypes)".format(IAM_USER_TYPE)


def config_recording_problems(summary, recording_group, region, allow_missing_recorder=False):
    """Problems, each with its fix, that keep the region from recording IAM users."""
    if not summary["recorder_exists"]:
        return _missing_recorder_problems(summary, region, allow_missing_recorder)

    recorder = summary["recorder_name"]
    problems = []
    if not summary["records_iam_users"]:
        problems.append(
            "The AWS Config recorder '{name}' in region {region} does not record {type}: {fix} with "
            "'aws configservice put-configuration-recorder --region {region}'. Global IAM resource types can only "
            "be recorded in regions where AWS Config was available before February 2022; pick such a home region "
            "otherwise.".format(name=recorder, region=region, type=IAM_USER_TYPE, fix=_coverage_fix(recording_group))
        )
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


def _missing_recorder_problems(summary, region, allow_missing_recorder):
    if summary["delivery_channel_exists"]:
        # A region holds one delivery channel; the rollout never changes one it did not create.
        return [
            "AWS Config in region {region} has the delivery channel '{channel}' but no configuration recorder: "
            "create a recorder that records {type} with 'aws configservice put-configuration-recorder --region {region}' "
            "and start it; the rollout does not take over an existing delivery channel.".format(
                region=region, channel=summary["delivery_channel_name"], type=IAM_USER_TYPE)
        ]
    if allow_missing_recorder:
        return []
    return [
        "AWS Config has no configuration recorder in region {region}, so IAM users are not recorded: set "
        "target_account_create_config_recorder: true to let the rollout create the recorder and delivery channel, "
        "or set them up yourself (recording {type}) and start the recorder.".format(region=region, type=IAM_USER_TYPE)
    ]


# ---------------------------------------------------------------------------
# Account identity
# ---------------------------------------------------------------------------

def get_caller_identity(client):
    """Account id and partition of the credentials in use."""
    identity = client.get_caller_identity(aws_retry=True)
    return {"account": identity["Account"], "partition": identity["Arn"].split(":")[1]}


# ---------------------------------------------------------------------------
# Named resources
# ---------------------------------------------------------------------------

def _found(arn, tags, reserved_by=None):
    return {"arn": arn, "tags": tags, "reserved_by": reserved_by}


@AWSRetry.jittered_backoff()
def list_iam_role_tags(client, name):
    paginator = client.get_paginator("list_role_tags")
    return boto3_tag_list_to_ansible_dict(paginator.paginate(RoleName=name).build_full_result().get("Tags", []))


def find_iam_role(client, name):
    role = get_iam_role(client, name)
    if not role:
        return None
    return _found(role["Arn"], list_iam_role_tags(client, name))


def ssm_document_arn(client, owner, name):
    return "arn:{partition}:ssm:{region}:{account}:document/{name}".format(
        partition=client.meta.partition, region=client.meta.region_name, account=owner, name=name)


def find_ssm_document(client, name):
    try:
        document = client.describe_document(Name=name, aws_retry=True)["Document"]
    except is_boto3_error_code("InvalidDocument"):
        return None
    owner = document.get("Owner")
    if owner == AWS_DOCUMENT_OWNER:
        # Documents published by AWS have no tags we could read and names nobody else can use.
        return _found(None, {}, reserved_by="AWS (a document published by Amazon)")
    tags = client.list_tags_for_resource(ResourceType="Document", ResourceId=name, aws_retry=True).get("TagList", [])
    return _found(ssm_document_arn(client, owner, name), boto3_tag_list_to_ansible_dict(tags))


@AWSRetry.jittered_backoff()
def list_config_tags(client, arn):
    paginator = client.get_paginator("list_tags_for_resource")
    return boto3_tag_list_to_ansible_dict(paginator.paginate(ResourceArn=arn).build_full_result().get("Tags", []))


def find_config_rule(client, name):
    # Real AWS raises NoSuchConfigRuleException for a missing name; some emulators return [].
    try:
        rules = client.describe_config_rules(ConfigRuleNames=[name], aws_retry=True).get("ConfigRules", [])
    except is_boto3_error_code("NoSuchConfigRuleException"):
        return None
    rule = next((r for r in rules if r.get("ConfigRuleName") == name), None)
    if rule is None:
        return None
    created_by = rule.get("CreatedBy")
    reserved_by = "the service {0} (a service-linked rule)".format(created_by) if created_by else None
    return _found(rule["ConfigRuleArn"], list_config_tags(client, rule["ConfigRuleArn"]), reserved_by)


def sns_topic_arn(identity, region, name):
    return "arn:{partition}:sns:{region}:{account}:{name}".format(
        partition=identity["partition"], region=region, account=identity["account"], name=name)


def find_sns_topic(client, arn):
    try:
        client.get_topic_attributes(TopicArn=arn, aws_retry=True)
    except is_boto3_error_code("NotFound"):
        return None
    tags = client.list_tags_for_resource(ResourceArn=arn, aws_retry=True).get("Tags", [])
    return _found(arn, boto3_tag_list_to_ansible_dict(tags))


def qualified_alias_name(name):
    """KMS alias names always start with 'alias/'; accept them with or without it."""
    return name if name.startswith("alias/") else "alias/" + name


@AWSRetry.jittered_backoff()
def list_kms_aliases(client):
    return client.get_paginator("list_aliases").paginate().build_full_result().get("Aliases", [])


@AWSRetry.jittered_backoff()
def list_kms_key_tags(client, key_id):
    paginator = client.get_paginator("list_resource_tags")
    tags = paginator.paginate(KeyId=key_id).build_full_result().get("Tags", [])
    return boto3_tag_list_to_ansible_dict(tags, "TagKey", "TagValue")


def find_kms_alias(client, name):
    """The alias and the tags of the key it points to (aliases have no tags of their own)."""
    alias_name = qualified_alias_name(name)
    alias = next((a for a in list_kms_aliases(client) if a.get("AliasName") == alias_name), None)
    if alias is None:
        return None
    if alias_name.startswith(AWS_MANAGED_ALIAS_PREFIX):
        return _found(alias.get("AliasArn"), {}, reserved_by="AWS (an alias of an AWS managed key)")
    key_id = alias.get("TargetKeyId")
    tags = list_kms_key_tags(client, key_id) if key_id else {}
    return _found(alias.get("AliasArn"), tags)
