# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import s3
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

NAME = "cloudsec-aged-keys-reports-111122223333"
OURS = {"ManagedBy": "cloudsec.aged_keys", "cloudsec.aged_keys:deployment": "111122223333:eu-west-1:topic"}
POLICY = {"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                                  "Resource": ["arn:aws:s3:::" + NAME, "arn:aws:s3:::" + NAME + "/*"],
                                                  "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}
PUBLIC_ACCESS = {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True, "restrict_public_buckets": True}
WANTED = {"name": NAME, "versioning": True, "encryption": "aws:kms", "public_access": PUBLIC_ACCESS,
          "object_ownership": "BucketOwnerEnforced", "policy": POLICY}


def converged(**overrides):
    bucket = {"name": NAME, "arn": "arn:aws:s3:::" + NAME, "tags": dict(OURS), "versioning": "Enabled",
              "encryption": {"algorithm": "aws:kms", "kms_key_id": None},
              "public_access": {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
              "object_ownership": "BucketOwnerEnforced", "policy": POLICY}
    bucket.update(overrides)
    return bucket


def client_of(**answers):
    """A mocked S3 client: each operation answers its value, or raises it when it is an exception."""
    client = MagicMock()
    client.meta.partition = "aws"
    for operation, answer in answers.items():
        setattr(getattr(client, operation), "side_effect" if isinstance(answer, Exception) else "return_value", answer)
    return client


@pytest.mark.parametrize("answer, tags", [
    (client_error("NoSuchBucket", "GetBucketTagging"), None),
    (client_error("NoSuchTagSet", "GetBucketTagging"), {}),
    ({"TagSet": [{"Key": "ManagedBy", "Value": "cloudsec.aged_keys"}]}, {"ManagedBy": "cloudsec.aged_keys"}),
], ids=["no bucket", "no tags", "tags"])
def test_the_tags_tell_whether_the_bucket_exists(answer, tags):
    assert s3.get_bucket_tags(client_of(get_bucket_tagging=answer), NAME) == tags


def test_a_denied_tag_read_is_raised_for_the_caller_to_name():
    with pytest.raises(Exception) as raised:
        s3.get_bucket_tags(client_of(get_bucket_tagging=client_error("AccessDenied", "GetBucketTagging")), NAME)
    assert raised.value.response["Error"]["Code"] == "AccessDenied"


def test_describe_a_bucket_whose_settings_were_never_made():
    client = client_of(get_bucket_tagging=client_error("NoSuchTagSet"), get_bucket_versioning={},
                       get_bucket_encryption=client_error("ServerSideEncryptionConfigurationNotFoundError"),
                       get_public_access_block=client_error("NoSuchPublicAccessBlockConfiguration"),
                       get_bucket_ownership_controls=client_error("OwnershipControlsNotFoundError"),
                       get_bucket_policy=client_error("NoSuchBucketPolicy"))
    assert s3.describe_bucket(client, NAME) == {
        "name": NAME, "arn": "arn:aws:s3:::" + NAME, "tags": {}, "versioning": None, "encryption": {"algorithm": None, "kms_key_id": None},
        "public_access": {}, "object_ownership": None, "policy": {}}
    assert s3.bucket_differences(s3.describe_bucket(client, NAME), WANTED, OURS).keys() == {
        "versioning", "public_access", "policy", "tags", "encryption", "object_ownership"}


def test_describe_a_converged_bucket():
    client = client_of(get_bucket_tagging={"TagSet": [{"Key": key, "Value": value} for key, value in OURS.items()]},
                       get_bucket_versioning={"Status": "Enabled"},
                       get_bucket_encryption={"ServerSideEncryptionConfiguration": {"Rules": [
                           {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": False}]}},
                       get_public_access_block={"PublicAccessBlockConfiguration": converged()["public_access"]},
                       get_bucket_ownership_controls={"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}},
                       get_bucket_policy={"Policy": json.dumps(POLICY)})
    assert s3.describe_bucket(client, NAME) == converged()
    assert s3.describe_bucket(client_of(get_bucket_tagging=client_error("NoSuchBucket")), NAME) is None


def test_a_converged_bucket_has_no_difference_and_a_missing_one_is_the_bucket():
    assert s3.bucket_differences(converged(), WANTED, OURS) == {}
    assert s3.bucket_differences(None, WANTED, OURS) == {"bucket": {"before": None, "after": NAME}}


@pytest.mark.parametrize("drift, setting, after", [
    ({"versioning": "Suspended"}, "versioning", "Enabled"),
    ({"encryption": {"algorithm": "AES256", "kms_key_id": None}}, "encryption", {"algorithm": "aws:kms", "kms_key_id": None}),
    # A key of its own instead of the AWS managed key, as amazon.aws.s3_bucket compares it.
    ({"encryption": {"algorithm": "aws:kms", "kms_key_id": "arn:aws:kms:eu-west-1:111122223333:key/x"}}, "encryption",
     {"algorithm": "aws:kms", "kms_key_id": None}),
    ({"public_access": dict(converged()["public_access"], RestrictPublicBuckets=False)}, "public_access", converged()["public_access"]),
    ({"object_ownership": "ObjectWriter"}, "object_ownership", "BucketOwnerEnforced"),
    ({"policy": {}}, "policy", POLICY),
    ({"tags": {"ManagedBy": "cloudsec.aged_keys", "Team": "security"}}, "tags", dict(OURS, Team="security")),
], ids=["versioning suspended", "encryption AES256", "another key", "public access", "ownership", "policy removed", "deployment tag"])
def test_each_drift_is_the_one_difference_with_what_the_module_makes_of_it(drift, setting, after):
    assert s3.bucket_differences(converged(**drift), WANTED, OURS) == {setting: {"before": converged(**drift)[setting], "after": after}}


def test_tags_of_others_and_an_equivalent_policy_are_no_difference():
    reordered = dict(POLICY, Statement=[dict(POLICY["Statement"][0], Resource=list(reversed(POLICY["Statement"][0]["Resource"])))])
    assert s3.bucket_differences(converged(tags=dict(OURS, Team="security"), policy=reordered), WANTED, OURS) == {}


def test_versioning_left_off_is_suspended_only_where_it_was_enabled():
    unversioned = dict(WANTED, versioning=False)
    assert s3.bucket_differences(converged(versioning=None), unversioned, OURS) == {}
    assert s3.bucket_differences(converged(), unversioned, OURS) == {"versioning": {"before": "Enabled", "after": "Suspended"}}


@pytest.mark.parametrize("page, empty", [
    ({}, True),
    ({"Versions": [{"Key": "a", "VersionId": "1"}]}, False),
    ({"DeleteMarkers": [{"Key": "a", "VersionId": "2"}]}, False),
], ids=["nothing", "a version", "a delete marker"])
def test_a_bucket_is_empty_without_versions_and_delete_markers(page, empty):
    client = client_of(list_object_versions=page)
    assert s3.bucket_is_empty(client, NAME) is empty
    assert client.list_object_versions.call_args.kwargs["MaxKeys"] == 1
