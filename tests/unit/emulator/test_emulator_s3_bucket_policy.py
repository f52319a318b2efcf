# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A bucket policy's statements for everyone hold for object requests as AWS evaluates them: the TLS-only
statement of the Amazon S3 User Guide lets requests through (every request to the emulator counts as TLS),
and a deny without a condition still denies everyone."""

import json

import pytest
from botocore.exceptions import ClientError

from emulator_testing import REGION

BUCKET = "evidence"
ARNS = ["arn:aws:s3:::" + BUCKET, "arn:aws:s3:::{0}/*".format(BUCKET)]
TLS_ONLY = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ARNS,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


@pytest.fixture
def s3(emulator):
    client = emulator.client("s3")
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return client


def with_policy(s3, *statements):
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps({"Version": "2012-10-17", "Statement": list(statements)}))


def test_a_tls_only_bucket_policy_lets_object_requests_through(s3):
    with_policy(s3, TLS_ONLY)
    s3.put_object(Bucket=BUCKET, Key="a/report.json", Body=b"{}")
    assert s3.head_object(Bucket=BUCKET, Key="a/report.json")["ContentLength"] == 2
    assert s3.get_object(Bucket=BUCKET, Key="a/report.json")["Body"].read() == b"{}"
    s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": "a/report.json"}]})
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_a_deny_for_everyone_without_a_condition_still_denies(s3):
    s3.put_object(Bucket=BUCKET, Key="kept", Body=b"x")
    with_policy(s3, dict(TLS_ONLY, Sid="DenyReads", Action="s3:GetObject", Condition={}))
    with pytest.raises(ClientError) as denied:
        s3.get_object(Bucket=BUCKET, Key="kept")
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    s3.put_object(Bucket=BUCKET, Key="other", Body=b"y")


def test_a_condition_the_emulator_cannot_evaluate_denies(s3):
    with_policy(s3, dict(TLS_ONLY, Condition={"StringEquals": {"s3:x-amz-server-side-encryption-customer-algorithm": "AES256"}}))
    with pytest.raises(ClientError) as denied:
        s3.put_object(Bucket=BUCKET, Key="a", Body=b"x")
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
