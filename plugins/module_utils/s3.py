# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Amazon S3 bucket helpers: the reports bucket as amazon.aws.s3_bucket manages it.

Functions take a boto3 ``s3`` client and plain arguments, never the module, so a mocked client is
enough to test them. A bucket that does not exist becomes None, a setting that was never made
becomes its empty value; other AWS errors become AnsibleS3Error. bucket_differences compares a
described bucket the way amazon.aws.s3_bucket does, so a plan names the bucket exactly when that
module would change it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.module_utils.common.dict_transformations import snake_dict_to_camel_dict

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.s3 import merge_tags
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import NAME_PATTERNS

BUCKET_NAME_PATTERN = re.compile(NAME_PATTERNS["s3_bucket_name"])

# Amazon S3 API Reference, Errors: a bucket setting that was never made is an error of its own.
SETTING_NOT_FOUND_CODES = (
    "NoSuchTagSet",
    "NoSuchBucketPolicy",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchPublicAccessBlockConfiguration",
    "OwnershipControlsNotFoundError",
)


class AnsibleS3Error(AnsibleAWSError):
    pass


class S3ErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleS3Error

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(list(SETTING_NOT_FOUND_CODES))


def bucket_arn(partition, name):
    return "arn:{0}:s3:::{1}".format(partition, name)


def get_bucket_tags(client, name):
    """The bucket's tags; None when the bucket does not exist (the first read of a bucket, which tells both)."""
    try:
        tag_set = client.get_bucket_tagging(Bucket=name, aws_retry=True)["TagSet"]
    except is_boto3_error_code("NoSuchBucket"):
        return None
    except is_boto3_error_code("NoSuchTagSet"):  # pylint: disable=duplicate-except
        return {}
    return boto3_tag_list_to_ansible_dict(tag_set)


@S3ErrorHandler.list_error_handler("get bucket versioning", {})
def get_bucket_versioning(client, name):
    return client.get_bucket_versioning(Bucket=name, aws_retry=True)


@S3ErrorHandler.list_error_handler("get bucket encryption", None)
def get_bucket_default_encryption(client, name):
    """The first rule's ApplyServerSideEncryptionByDefault, as amazon.aws.s3_bucket reads it; None without one."""
    configuration = client.get_bucket_encryption(Bucket=name, aws_retry=True)["ServerSideEncryptionConfiguration"]
    return first_rule_field(configuration, "ApplyServerSideEncryptionByDefault")


@S3ErrorHandler.list_error_handler("get bucket public access block", {})
def get_public_access_block(client, name):
    return client.get_public_access_block(Bucket=name, aws_retry=True)["PublicAccessBlockConfiguration"]


@S3ErrorHandler.list_error_handler("get bucket ownership controls", None)
def get_object_ownership(client, name):
    return first_rule_field(client.get_bucket_ownership_controls(Bucket=name, aws_retry=True)["OwnershipControls"], "ObjectOwnership")


def first_rule_field(configuration, field):
    """A field of a bucket setting's first rule (the one S3 applies); None without a rule."""
    rules = configuration.get("Rules") or [{}]
    return rules[0].get(field)


@S3ErrorHandler.list_error_handler("get bucket policy", {})
def get_bucket_policy(client, name):
    return json.loads(client.get_bucket_policy(Bucket=name, aws_retry=True)["Policy"])


@S3ErrorHandler.common_error_handler("list object versions")
def bucket_is_empty(client, name):
    """True when the bucket holds no object version and no delete marker (either keeps DeleteBucket from succeeding)."""
    page = client.list_object_versions(Bucket=name, MaxKeys=1, aws_retry=True)
    return not (page.get("Versions") or page.get("DeleteMarkers"))


def describe_bucket(client, name):
    """The bucket's managed settings, as bucket_differences compares them; None when it does not exist."""
    tags = get_bucket_tags(client, name)
    if tags is None:
        return None
    encryption = get_bucket_default_encryption(client, name) or {}
    return {
        "name": name,
        "arn": bucket_arn(client.meta.partition, name),
        "tags": tags,
        "versioning": get_bucket_versioning(client, name).get("Status"),
        "encryption": {"algorithm": encryption.get("SSEAlgorithm"), "kms_key_id": encryption.get("KMSMasterKeyID")},
        "public_access": get_public_access_block(client, name),
        "object_ownership": get_object_ownership(client, name),
        "policy": get_bucket_policy(client, name),
    }


def bucket_differences(bucket, wanted, tags):
    """{setting: {"before": ..., "after": ...}} of each setting amazon.aws.s3_bucket would change; empty when none.

    `wanted`: the options the module is given (versioning, encryption without a key id, public_access,
    object_ownership, policy), with `tags` and purge_tags=false; `bucket` as describe_bucket returns it, or None.
    Each comparison is the module's own (handle_bucket_* of amazon.aws.s3_bucket).
    """
    if bucket is None:
        return {"bucket": {"before": None, "after": wanted["name"]}}
    # Versioning, once enabled, can only be suspended.
    versioning = "Enabled" if wanted["versioning"] else ("Suspended" if bucket["versioning"] == "Enabled" else bucket["versioning"])
    encryption = bucket["encryption"]
    after_encryption = {"algorithm": wanted["encryption"], "kms_key_id": None}
    public_access = snake_dict_to_camel_dict(wanted["public_access"], capitalize_first=True)
    merged_tags = merge_tags(bucket["tags"], tags, purge_tags=False)
    compared = {
        "versioning": (bucket["versioning"], versioning, versioning != bucket["versioning"]),
        "public_access": (bucket["public_access"], public_access, bucket["public_access"] != public_access),
        "policy": (bucket["policy"], wanted["policy"], compare_policies(bucket["policy"], wanted["policy"])),
        "tags": (bucket["tags"], merged_tags, merged_tags != bucket["tags"]),
        # Without a key id the module asks for the AWS managed key: any key id on the bucket differs.
        "encryption": (encryption, after_encryption, encryption["algorithm"] != wanted["encryption"]
                       or (wanted["encryption"] == "aws:kms" and encryption["kms_key_id"] is not None)),
        "object_ownership": (bucket["object_ownership"], wanted["object_ownership"], bucket["object_ownership"] != wanted["object_ownership"]),
    }
    return dict((setting, {"before": before, "after": after}) for setting, (before, after, differs) in compared.items() if differs)
