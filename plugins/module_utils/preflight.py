# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Readiness checks behind the account_preflight module: denied reads, the caller's identity,
and named resources the rollout creates - find a same-named resource and its tags, so the
caller can tell whether it is ours (ownership tag), someone else's, or reserved by AWS.

AWS Config recording is checked with config_recording. The AWS calls themselves live in the
service helpers (config, ssm, sns, kms, and amazon.aws's iam). Resource look-ups take a boto3
client (created with a retry decorator) and return None when the resource does not exist,
otherwise ``{"arn": str, "tags": dict, "reserved_by": str or None}``.
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
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import s3
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ssm

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
RESOURCE_LABELS = {
    "iam_role": "IAM role",
    "ssm_document": "SSM document",
    "config_rule": "AWS Config rule",
    "sns_topic": "SNS topic",
    "kms_alias": "KMS alias",
    "s3_bucket": "S3 bucket",
}

# The AWS service (and IAM action prefix) behind each resource type, in documented order.
RESOURCE_SERVICES = {
    "iam_role": "iam",
    "ssm_document": "ssm",
    "config_rule": "config",
    "sns_topic": "sns",
    "kms_alias": "kms",
    "s3_bucket": "s3",
}

# Where a denied look-up may not be a missing permission at all.
DENIAL_NOTES = {
    # Amazon S3 User Guide, "Bucket naming rules": names are global across accounts.
    "s3_bucket": "bucket names are global, and a bucket of that name in another AWS account is refused the same way: then choose another name",
}
# Amazon S3 User Guide, "Required permissions for Amazon S3 API operations": the operations whose IAM action has another name.
S3_OPERATION_ACTIONS = {
    "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
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
    operation = client_error.operation_name
    if service == "s3":
        operation = S3_OPERATION_ACTIONS.get(operation, operation)
    return "{0}:{1}".format(service, operation)


def check_purpose(kind, name):
    """What a look-up of a named resource is for, as a permission problem names it."""
    note = DENIAL_NOTES.get(kind)
    return "check the {0} '{1}'{2}".format(RESOURCE_LABELS[kind], name, "; " + note if note else "")


def permission_problem(action, purpose):
    return (
        "Permission {action} is missing (needed to {purpose}). Allow it for the role used in this "
        "account; an SCP or permissions boundary may also deny it."
    ).format(action=action, purpose=purpose)


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


def topic_found(arn, tags):
    return _found(arn, tags)


def find_sns_topic(client, arn):
    if sns.get_topic_attributes(client, arn) is None:
        return None
    return topic_found(arn, sns.list_topic_tags(client, arn))


def kms_alias_found(alias, key_tags):
    """An alias (its ListAliases entry) as a look-up result, with the tags of its key (aliases have none of their own)."""
    if kms.is_aws_managed_alias(alias):
        return _found(alias.get("AliasArn"), {}, reserved_by="AWS (an alias of an AWS managed key)")
    return _found(alias.get("AliasArn"), key_tags)


def bucket_found(bucket, empty=None):
    """A bucket described by s3.describe_bucket (or with its arn and tags alone) as a look-up result."""
    return _found(bucket["arn"], bucket["tags"], empty=empty)


def find_s3_bucket(client, name):
    """The bucket with its tags and whether it is empty (cleanup removes only an empty one unless told)."""
    tags = s3.get_bucket_tags(client, name)
    if tags is None:
        return None
    return bucket_found({"arn": s3.bucket_arn(client.meta.partition, name), "tags": tags}, s3.bucket_is_empty(client, name))


def find_kms_alias(client, name):
    alias = kms.get_alias(client, name)
    if alias is None:
        return None
    key_id = alias.get("TargetKeyId")
    tags = kms.list_key_tags(client, key_id) if key_id and not kms.is_aws_managed_alias(alias) else {}
    return kms_alias_found(alias, tags)
