# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Amazon S3 buckets (Service Authorization Reference, "Actions, resources, and condition keys for Amazon S3";
Amazon S3 User Guide, "Required permissions for Amazon S3 API operations").

Resource type: bucket arn:PARTITION:s3:::NAME; its resource-based policy is the bucket policy.
S3 names its actions differently from its operations (HeadBucket and ListObjects need
s3:ListBucket, GetBucketEncryption s3:GetEncryptionConfiguration, ...). CreateBucket also
needs s3:PutBucketOwnershipControls with ObjectOwnership and s3:PutBucketAcl with an ACL
(Amazon S3 API Reference, CreateBucket, "Permissions"). Object operations are not derived.
"""

from moto.s3.models import s3_backends

from .common import Unsupported, need

SERVICE = "s3"

BUCKET_ACTIONS = {
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "DeleteBucket": "DeleteBucket",
    "GetBucketLocation": "GetBucketLocation",
    "GetBucketAcl": "GetBucketAcl",
    "PutBucketAcl": "PutBucketAcl",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketOwnershipControls": "GetBucketOwnershipControls",
    "PutBucketOwnershipControls": "PutBucketOwnershipControls",
    "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
    "GetBucketPolicy": "GetBucketPolicy",
    "PutBucketPolicy": "PutBucketPolicy",
    "DeleteBucketPolicy": "DeleteBucketPolicy",
    "GetBucketTagging": "GetBucketTagging",
    "PutBucketTagging": "PutBucketTagging",
    "DeleteBucketTagging": "PutBucketTagging",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetBucketVersioning": "GetBucketVersioning",
    "PutBucketVersioning": "PutBucketVersioning",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
    "ListBucketInventoryConfigurations": "GetInventoryConfiguration",
    "GetBucketRequestPayment": "GetBucketRequestPayment",
    "PutBucketRequestPayment": "PutBucketRequestPayment",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
}
ACL_PARAMETERS = ("ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite", "GrantWriteACP")


def find_bucket(name):
    """The bucket of that name in any account, or None (bucket names are global)."""
    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None
    partition, account = owner
    return s3_backends[account][partition].buckets.get(name)


def bucket_requirement(call, action, name):
    bucket = find_bucket(name)
    policy = bucket.policy.decode("utf-8") if bucket is not None and bucket.policy else None
    owner = bucket.account_id if bucket is not None else call.account
    return need(call, f"s3:{action}", f"arn:{call.partition}:s3:::{name}", owner=owner, resource_policy=policy)


def on_bucket(action):
    def builder(call):
        return [bucket_requirement(call, action, call.required("Bucket"))]

    return builder


def create_bucket(call):
    name = call.required("Bucket")
    requirements = [bucket_requirement(call, "CreateBucket", name)]
    if call.params.get("ObjectOwnership"):
        requirements.append(bucket_requirement(call, "PutBucketOwnershipControls", name))
    if any(call.params.get(parameter) for parameter in ACL_PARAMETERS):
        requirements.append(bucket_requirement(call, "PutBucketAcl", name))
    if call.params.get("ObjectLockEnabledForBucket"):
        raise Unsupported(SERVICE, "CreateBucket", "with object lock")
    return requirements


def list_buckets(call):
    return [need(call, "s3:ListAllMyBuckets", "*")]


OPERATIONS = {operation: on_bucket(action) for operation, action in BUCKET_ACTIONS.items()}
OPERATIONS.update({"CreateBucket": create_bucket, "ListBuckets": list_buckets})
