# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import preflight
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import paginated_by_operation

OWNER_TAGS = [{"Key": "ManagedBy", "Value": "cloudsec.aged_keys"}]


# --- errors -----------------------------------------------------------------

@pytest.mark.parametrize("code", ["AccessDenied", "AccessDeniedException", "AuthorizationError"])
def test_denied_action_names_the_permission(code):
    assert preflight.denied_action(client_error(code, "ListRoleTags"), "iam") == "iam:ListRoleTags"


def test_denied_action_unwraps_amazon_aws_errors():
    wrapped = AnsibleAWSError(message="Failed to get role", exception=client_error("AccessDenied", "GetRole"))
    assert preflight.denied_action(wrapped, "iam") == "iam:GetRole"


def test_other_errors_are_not_denials():
    assert preflight.denied_action(client_error("ThrottlingException"), "iam") is None
    assert preflight.denied_action(ValueError("x"), "iam") is None
    assert preflight.denied_action(AnsibleAWSError(message="no exception"), "iam") is None


# --- resource look-ups -------------------------------------------------------

def test_find_iam_role_absent():
    client = MagicMock()
    client.get_role.side_effect = client_error("NoSuchEntity")
    assert preflight.find_iam_role(client, "r") is None
    client.get_paginator.assert_not_called()


def test_find_iam_role_reads_the_tags_get_role_returns_and_the_inline_policy_names():
    client = MagicMock()
    client.get_role.return_value = {"Role": {"RoleName": "r", "Arn": "arn:aws:iam::1:role/r", "Tags": OWNER_TAGS}}
    client.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"PolicyNames": ["zz-added-by-hand", "ours"]}
    assert preflight.find_iam_role(client, "r") == {
        "arn": "arn:aws:iam::1:role/r", "tags": {"ManagedBy": "cloudsec.aged_keys"}, "reserved_by": None,
        "inline_policies": ["ours", "zz-added-by-hand"]}
    client.get_paginator.assert_called_with("list_role_policies")
    client.get_role.return_value = {"Role": {"RoleName": "r", "Arn": "arn:aws:iam::1:role/r"}}
    assert preflight.find_iam_role(client, "r")["tags"] == {}


def test_find_iam_role_denied_keeps_the_error_code():
    client = MagicMock()
    client.get_role.side_effect = client_error("AccessDenied", "GetRole")
    with pytest.raises(AnsibleAWSError) as raised:
        preflight.find_iam_role(client, "r")
    assert preflight.denied_action(raised.value, "iam") == "iam:GetRole"


def ssm_client(owner="123456789012"):
    client = MagicMock()
    client.meta.partition = "aws"
    client.meta.region_name = "eu-west-1"
    client.describe_document.return_value = {"Document": {"Name": "Doc", "Owner": owner}}
    client.list_tags_for_resource.return_value = {"TagList": [{"Key": "team", "Value": "x"}]}
    return client


def test_find_ssm_document():
    client = ssm_client()
    assert preflight.find_ssm_document(client, "Doc") == {
        "arn": "arn:aws:ssm:eu-west-1:123456789012:document/Doc", "tags": {"team": "x"}, "reserved_by": None}
    client.list_tags_for_resource.assert_called_once_with(ResourceType="Document", ResourceId="Doc", aws_retry=True)


def test_find_ssm_document_absent():
    client = ssm_client()
    client.describe_document.side_effect = client_error("InvalidDocument", "DescribeDocument")
    assert preflight.find_ssm_document(client, "Doc") is None


def test_aws_published_document_is_reserved_and_not_tag_checked():
    client = ssm_client(owner="Amazon")
    found = preflight.find_ssm_document(client, "AWS-PublishSNSNotification")
    assert found["reserved_by"].startswith("AWS")
    client.list_tags_for_resource.assert_not_called()


def config_client(describe):
    return paginated_by_operation(MagicMock(), {
        "describe_config_rules": describe if isinstance(describe, Exception) else {"ConfigRules": describe},
        "list_tags_for_resource": {"Tags": OWNER_TAGS},
    })


@pytest.mark.parametrize("describe", [client_error("NoSuchConfigRuleException", "DescribeConfigRules"), []])
def test_find_config_rule_absent_both_ways(describe):
    assert preflight.find_config_rule(config_client(describe), "rule") is None


def test_find_config_rule_owned():
    rule = {"ConfigRuleName": "rule", "ConfigRuleArn": "arn:aws:config:eu-west-1:1:config-rule/config-rule-abc"}
    assert preflight.find_config_rule(config_client([rule]), "rule") == {
        "arn": rule["ConfigRuleArn"], "tags": {"ManagedBy": "cloudsec.aged_keys"}, "reserved_by": None}


def test_service_linked_rule_is_reserved():
    rule = {"ConfigRuleName": "rule", "ConfigRuleArn": "arn:x", "CreatedBy": "securityhub.amazonaws.com"}
    assert "securityhub.amazonaws.com" in preflight.find_config_rule(config_client([rule]), "rule")["reserved_by"]


def test_find_sns_topic():
    arn = "arn:aws-cn:sns:cn-north-1:123456789012:t"
    client = MagicMock()
    client.list_tags_for_resource.return_value = {"Tags": []}
    assert preflight.find_sns_topic(client, arn) == {"arn": arn, "tags": {}, "reserved_by": None}
    client.get_topic_attributes.side_effect = client_error("NotFound", "GetTopicAttributes")
    assert preflight.find_sns_topic(client, arn) is None


def test_get_caller_identity():
    client = MagicMock()
    client.get_caller_identity.return_value = {"Account": "1", "Arn": "arn:aws-us-gov:sts::1:assumed-role/x/y", "UserId": "u"}
    assert preflight.get_caller_identity(client) == {"account": "1", "partition": "aws-us-gov"}


def kms_client(aliases, tags=None):
    return paginated_by_operation(MagicMock(), {
        "list_aliases": {"Aliases": aliases},
        "list_resource_tags": {"Tags": tags or []},
    })


def test_find_kms_alias_reads_the_target_key_tags():
    alias = {"AliasName": "alias/aged-keys", "AliasArn": "arn:aws:kms:eu-west-1:1:alias/aged-keys", "TargetKeyId": "k-1"}
    client = kms_client([{"AliasName": "alias/other"}, alias], [{"TagKey": "ManagedBy", "TagValue": "cloudsec.aged_keys"}])
    found = preflight.find_kms_alias(client, "aged-keys")
    assert found == {"arn": alias["AliasArn"], "tags": {"ManagedBy": "cloudsec.aged_keys"}, "reserved_by": None}


def test_find_kms_alias_absent_and_aws_managed():
    client = kms_client([{"AliasName": "alias/aws/sns", "AliasArn": "arn:a"}])
    assert preflight.find_kms_alias(client, "alias/aged-keys") is None
    assert preflight.find_kms_alias(client, "alias/aws/sns")["reserved_by"].startswith("AWS")


def test_find_kms_alias_without_target_key():
    client = kms_client([{"AliasName": "alias/x", "AliasArn": "arn:a"}])
    assert preflight.find_kms_alias(client, "x") == {"arn": "arn:a", "tags": {}, "reserved_by": None}


@pytest.mark.parametrize("operation, action", [
    ("GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    ("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    ("ListObjectVersions", "s3:ListBucketVersions"),
    ("GetBucketTagging", "s3:GetBucketTagging"),
])
def test_a_denied_s3_operation_names_its_iam_action(operation, action):
    assert preflight.denied_action(client_error("AccessDenied", operation), "s3") == action


def test_a_bucket_check_says_that_a_refusal_may_be_another_accounts_bucket():
    purpose = preflight.check_purpose("s3_bucket", "reports")
    assert purpose.startswith("check the S3 bucket 'reports'; ") and "another AWS account" in purpose
    assert preflight.check_purpose("sns_topic", "topic") == "check the SNS topic 'topic'"


def test_find_s3_bucket_reads_its_tags_and_whether_it_is_empty():
    client = MagicMock()
    client.meta.partition = "aws"
    client.get_bucket_tagging.return_value = {"TagSet": [{"Key": "ManagedBy", "Value": "cloudsec.aged_keys"}]}
    client.list_object_versions.return_value = {"DeleteMarkers": [{"Key": "a", "VersionId": "1"}]}
    assert preflight.find_s3_bucket(client, "reports") == {
        "arn": "arn:aws:s3:::reports", "tags": {"ManagedBy": "cloudsec.aged_keys"}, "reserved_by": None, "empty": False}
    client.get_bucket_tagging.side_effect = client_error("NoSuchBucket", "GetBucketTagging")
    assert preflight.find_s3_bucket(client, "reports") is None
