# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Readiness checks behind the account_preflight module.

Two kinds of helpers live here:

- AWS Config recording: decide whether the region's recorder and its recording group cover
  AWS::IAM::User, and turn the described set-up into problems that say how to fix them.
- Named resources the rollout creates: find a same-named resource and its tags, so the
  caller can tell whether it is ours (ownership tag), someone else's, or reserved by AWS.

The AWS calls themselves live in the service helpers (config, ssm, sns, kms, and
amazon.aws's iam). Resource look-ups take a boto3 client (created with a retry decorator)
and return None when the resource does not exist, otherwise
``{"arn": str, "tags": dict, "reserved_by": str or None}``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import botocore
except ImportError:
    pass  # The module reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_iam_role
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_role_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import kms
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ssm

IAM_USER_TYPE = config.IAM_USER_RESOURCE_TYPE

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
    """Normalised view of a region's AWS Config recording set-up.

    channels None means they were not read because the recorder is recording, which AWS Config
    allows only with a delivery channel: it exists, its name is unknown.
    """
    recorder = customer_managed_recorder(recorders)
    name = recorder.get("name") if recorder else None
    status = next((s for s in statuses if name and s.get("name") == name), {})
    if channels is None:
        channels = [{"name": None}]
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


def config_recording_problems(summary, recording_group, region, allow_missing_recorder=False, own_recorder_name=None):
    """Problems, each with its fix, that keep the region from recording IAM users.

    With allow_missing_recorder, a recorder named own_recorder_name is the rollout's own: if it is
    stopped or lacks its delivery channel (an interrupted or tampered set-up), the rollout completes it.
    """
    if not summary["recorder_exists"]:
        return _missing_recorder_problems(summary, region, allow_missing_recorder)
    completable = allow_missing_recorder and own_recorder_name is not None and summary["recorder_name"] == own_recorder_name

    recorder = summary["recorder_name"]
    problems = []
    if not summary["records_iam_users"]:
        problems.append(
            "The AWS Config recorder '{name}' in region {region} does not record {type}: {fix} with "
            "'aws configservice put-configuration-recorder --region {region}'. Global IAM resource types can only "
            "be recorded in regions where AWS Config was available before February 2022; pick such a home region "
            "otherwise.".format(name=recorder, region=region, type=IAM_USER_TYPE, fix=_coverage_fix(recording_group))
        )
    if completable:
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
        "aged_keys_create_config_recorder: true (role variable target_account_create_config_recorder) to let the rollout create "
        "the recorder and delivery channel, "
        "or set them up yourself (recording {type}) and start the recorder.".format(region=region, type=IAM_USER_TYPE)
    ]


# ---------------------------------------------------------------------------
# Account identity
# ---------------------------------------------------------------------------

def get_caller_identity(client):
    """Account id and partition of the credentials in use.

    amazon.aws's get_aws_account_info answers the same, but it needs a module and creates its own
    client; the plan that runs in the controller (action target_account_plan) has neither.
    """
    identity = client.get_caller_identity(aws_retry=True)
    return {"account": identity["Account"], "partition": parse_aws_arn(identity["Arn"])["partition"]}


# ---------------------------------------------------------------------------
# Named resources
# ---------------------------------------------------------------------------

def _found(arn, tags, reserved_by=None, **details):
    return dict({"arn": arn, "tags": tags, "reserved_by": reserved_by}, **details)


def find_iam_role(client, name):
    """The role with its tags and the names of its inline policies (policies someone else added are drift)."""
    role = get_iam_role(client, name)
    if not role:
        return None
    # GetRole returns the role's tags too.
    return _found(role["Arn"], boto3_tag_list_to_ansible_dict(role.get("Tags", [])), inline_policies=sorted(list_iam_role_policies(client, name)))


def role_found(role):
    """A role described by iam.describe_role_state as a look-up result."""
    return _found(role["arn"], role["tags"], inline_policies=role["inline_policies"])


def reserved_document_found():
    # Documents published by AWS have no tags we could read and names nobody else can use.
    return _found(None, {}, reserved_by="AWS (a document published by Amazon)")


def find_ssm_document(client, name):
    document = ssm.describe_document(client, name)
    if document is None:
        return None
    owner = document.get("Owner")
    if owner == AWS_DOCUMENT_OWNER:
        return reserved_document_found()
    arn = ssm.document_arn(client.meta.partition, client.meta.region_name, owner, name)
    return _found(arn, ssm.list_document_tags(client, name))


def config_rule_found(rule):
    """A rule described by config.describe_config_rule as a look-up result."""
    reserved_by = "the service {0} (a service-linked rule)".format(rule["created_by"]) if rule["created_by"] else None
    return _found(rule["arn"], rule["tags"], reserved_by)


def find_config_rule(client, name):
    rule = config.describe_config_rule(client, name)
    return None if rule is None else config_rule_found(rule)


def find_sns_topic(client, arn):
    if sns.get_topic_attributes(client, arn) is None:
        return None
    return _found(arn, sns.list_topic_tags(client, arn))


def find_kms_alias(client, name):
    """The alias and the tags of the key it points to (aliases have no tags of their own)."""
    alias = kms.get_alias(client, name)
    if alias is None:
        return None
    if alias["AliasName"].startswith(AWS_MANAGED_ALIAS_PREFIX):
        return _found(alias.get("AliasArn"), {}, reserved_by="AWS (an alias of an AWS managed key)")
    key_id = alias.get("TargetKeyId")
    tags = kms.list_key_tags(client, key_id) if key_id else {}
    return _found(alias.get("AliasArn"), tags)
