# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import kms
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import paginated
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import paginated_by_operation

ALIAS = {"AliasName": "alias/aged-keys", "AliasArn": "arn:aws:kms:eu-west-1:1:alias/aged-keys", "TargetKeyId": "k-1"}


@pytest.mark.parametrize("name", ["aged-keys", "alias/aged-keys"])
def test_qualified_alias_name(name):
    assert kms.qualified_alias_name(name) == "alias/aged-keys"


@pytest.mark.parametrize("name", ["aged-keys", "alias/aged-keys"])
def test_get_alias_with_or_without_prefix(name):
    client = paginated(MagicMock(), {"Aliases": [{"AliasName": "alias/other"}, ALIAS]})
    assert kms.get_alias(client, name) == ALIAS
    client.get_paginator.assert_called_with("list_aliases")


def test_get_alias_missing_is_none():
    client = paginated(MagicMock(), {"Aliases": [{"AliasName": "alias/other"}]})
    assert kms.get_alias(client, "aged-keys") is None


def test_list_key_tags():
    client = paginated_by_operation(MagicMock(), {"list_resource_tags": {"Tags": [{"TagKey": "ManagedBy", "TagValue": "cloudsec.aged_keys"}]}})
    assert kms.list_key_tags(client, "k-1") == {"ManagedBy": "cloudsec.aged_keys"}


def test_errors_keep_the_client_error():
    client = paginated(MagicMock(), client_error("AccessDeniedException", "ListAliases"))
    with pytest.raises(kms.AnsibleKMSError, match="list KMS aliases") as raised:
        kms.list_aliases(client)
    assert raised.value.exception.operation_name == "ListAliases"


ADMIN = {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "kms:*", "Resource": "*"}
POLICY = {"Version": "2012-10-17", "Statement": [ADMIN]}
TAGS = {"ManagedBy": "cloudsec.aged_keys"}


def described_key(**overrides):
    key = {"arn": "arn:aws:kms:eu-west-1:1:key/k-1", "state": "Enabled", "description": "Encrypts", "rotation_enabled": True,
           "policy": POLICY, "tags": dict(TAGS, Team="security")}
    key.update(overrides)
    return key


def test_a_key_as_wanted_does_not_differ():
    # Tags beyond the wanted ones stay (purge_tags=false); the policy is compared as data.
    reordered = {"Statement": [dict(reversed(list(POLICY["Statement"][0].items())))], "Version": "2012-10-17"}
    assert kms.key_differs(described_key(policy=reordered), "Encrypts", POLICY, True, TAGS) is False


@pytest.mark.parametrize("key", [
    None,
    described_key(state="PendingDeletion"),
    described_key(state="Disabled"),
    described_key(description="edited"),
    described_key(rotation_enabled=False),
    described_key(policy=dict(POLICY, Statement=[dict(POLICY["Statement"][0], Action="kms:Decrypt")])),
    described_key(tags={"Team": "security"}),
    described_key(tags={"ManagedBy": "someone"}),
], ids=["missing", "pending deletion", "disabled", "description", "rotation", "policy", "tag missing", "tag value"])
def test_each_difference_kms_key_would_change_is_found(key):
    assert kms.key_differs(key, "Encrypts", POLICY, True, TAGS) is True


def aliased_client(aliases, metadata=None):
    client = paginated_by_operation(MagicMock(), {
        "list_aliases": {"Aliases": aliases}, "list_resource_tags": {"Tags": [{"TagKey": "ManagedBy", "TagValue": "cloudsec.aged_keys"}]}})
    client.describe_key.return_value = {"KeyMetadata": metadata} if metadata else None
    client.get_key_rotation_status.return_value = {"KeyRotationEnabled": True}
    client.get_key_policy.return_value = {"Policy": '{"Version": "2012-10-17", "Statement": []}'}
    return client


def test_describe_aliased_key_reads_what_key_differs_compares():
    client = aliased_client([ALIAS], {"Arn": "arn:key", "KeyState": "Enabled", "Description": "Encrypts"})
    assert kms.describe_aliased_key(client, "aged-keys") == {"alias": ALIAS, "key": {
        "arn": "arn:key", "state": "Enabled", "description": "Encrypts", "rotation_enabled": True,
        "policy": {"Version": "2012-10-17", "Statement": []}, "tags": TAGS}}
    client.get_key_rotation_status.assert_called_once_with(KeyId="k-1", aws_retry=True)


def test_describe_aliased_key_without_the_alias_is_none():
    assert kms.describe_aliased_key(aliased_client([]), "aged-keys") is None


@pytest.mark.parametrize("alias", [
    {"AliasName": "alias/aws/sns", "AliasArn": "arn:aws:kms:eu-west-1:1:alias/aws/sns", "TargetKeyId": "k-aws"},
    {"AliasName": "alias/aged-keys", "AliasArn": "arn:aws:kms:eu-west-1:1:alias/aged-keys"},
], ids=["AWS managed", "no key"])
def test_an_alias_without_a_key_of_ours_describes_no_key(alias):
    client = aliased_client([alias])
    assert kms.describe_aliased_key(client, alias["AliasName"]) == {"alias": alias, "key": None}
    client.describe_key.assert_not_called()
