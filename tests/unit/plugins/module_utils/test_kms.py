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
