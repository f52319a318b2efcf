# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Amazon S3 buckets (Service Authorization Reference, "Actions, resources, and condition keys for Amazon S3";
Amazon S3 User Guide, "Required permissions for Amazon S3 API operations").

Resource type: bucket arn:PARTITION:s3:::NAME; its resource-based policy is the bucket policy.
S3 names its actions differently from its operations (HeadBucket and ListObjects need
s3:ListBucket, GetBucketEncryption s3:GetEncryptionConfiguration, ...). CreateBucket also
needs s3:PutBucketOwnershipControls with ObjectOwnership and s3:PutBucketAcl with an ACL
(Amazon S3 API Reference, CreateBucket, "Permissions").

Resource type object: arn:PARTITION:s3:::NAME/KEY, under the same bucket policy. An operation on one
version (VersionId) needs the action's Version form (DeleteObjectVersion, ...). DeleteObjects needs
s3:DeleteObject or s3:DeleteObjectVersion for every key it names; AWS answers a denied key in the
response's Errors and deletes the others, the emulator refuses the whole request (either way the
caller's deletion fails). ACLs, object lock, SSE-C and copies are not derived.
"""

from moto.s3.models import s3_backends

from .common import Unsupported, need

SERVICE = "s3"

BUCKET_ACTIONS = {
    "HeadBucket": "ListBucket",
    "ListObjects": "ListBucket",
    "ListObjectsV2": "ListBucket",
    "ListObjectVersions": "ListBucketVersions",
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
    "GetBucketLogging": "GetBucketLogging",
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


# Object operation: (action, action on a given version, parameters it cannot be authorized with).
OBJECT_ACTIONS = {
    "PutObject": ("PutObject", None, ACL_PARAMETERS + ("SSECustomerKey", "ObjectLockMode", "ObjectLockLegalHoldStatus")),
    "GetObject": ("GetObject", "GetObjectVersion", ("SSECustomerKey",)),
    "HeadObject": ("GetObject", "GetObjectVersion", ("SSECustomerKey",)),
    "GetObjectTagging": ("GetObjectTagging", "GetObjectVersionTagging", ()),
    "DeleteObject": ("DeleteObject", "DeleteObjectVersion", ("BypassGovernanceRetention",)),
}


def object_requirement(call, action, name, key, version_action=None, version=None):
    bucket = find_bucket(name)
    policy = bucket.policy.decode("utf-8") if bucket is not None and bucket.policy else None
    owner = bucket.account_id if bucket is not None else call.account
    chosen = version_action if version and version != "null" else action
    return need(call, f"s3:{chosen}", f"arn:{call.partition}:s3:::{name}/{key}", owner=owner, resource_policy=policy)


def on_object(operation):
    action, version_action, unsupported = OBJECT_ACTIONS[operation]

    def builder(call):
        for parameter in unsupported:
            if call.params.get(parameter):
                raise Unsupported(SERVICE, operation, f"with {parameter}")
        return [object_requirement(call, action, call.required("Bucket"), call.required("Key"), version_action, call.params.get("VersionId"))]

    return builder


def delete_objects(call):
    name = call.required("Bucket")
    if call.params.get("BypassGovernanceRetention"):
        raise Unsupported(SERVICE, "DeleteObjects", "with BypassGovernanceRetention")
    objects = (call.params.get("Delete") or {}).get("Objects") or []
    return [object_requirement(call, "DeleteObject", name, item.get("Key"), "DeleteObjectVersion", item.get("VersionId")) for item in objects]


OPERATIONS = {operation: on_bucket(action) for operation, action in BUCKET_ACTIONS.items()}
OPERATIONS.update({operation: on_object(operation) for operation in OBJECT_ACTIONS})
OPERATIONS.update({"CreateBucket": create_bucket, "ListBuckets": list_buckets, "DeleteObjects": delete_objects})
