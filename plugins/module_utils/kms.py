# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS KMS alias and key helpers.

Functions take a boto3 ``kms`` client and plain arguments, never the module, so a
mocked client is enough to test them. A missing alias becomes None; AWS errors
become AnsibleKMSError.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

ALIAS_PREFIX = "alias/"
# Aliases of keys that AWS manages for a service: nobody else may use these names.
AWS_MANAGED_ALIAS_PREFIX = "alias/aws/"


class AnsibleKMSError(AnsibleAWSError):
    pass


class KMSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleKMSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFoundException")


def qualified_alias_name(name):
    """KMS alias names always start with 'alias/'; accept them with or without it."""
    return name if name.startswith(ALIAS_PREFIX) else ALIAS_PREFIX + name


@KMSErrorHandler.common_error_handler("list KMS aliases")
def list_aliases(client):
    return client.get_paginator("list_aliases").paginate().build_full_result().get("Aliases", [])


def get_alias(client, name):
    """The ListAliases entry of an alias (name with or without 'alias/'), or None."""
    alias_name = qualified_alias_name(name)
    return next((alias for alias in list_aliases(client) if alias.get("AliasName") == alias_name), None)


@KMSErrorHandler.common_error_handler("list KMS key tags")
def list_key_tags(client, key_id):
    paginator = client.get_paginator("list_resource_tags")
    tags = paginator.paginate(KeyId=key_id).build_full_result().get("Tags", [])
    return boto3_tag_list_to_ansible_dict(tags, "TagKey", "TagValue")


@KMSErrorHandler.list_error_handler("describe KMS key")
def describe_key(client, key_id):
    """KeyMetadata of a key given by id, ARN, alias name or alias ARN; None when it does not exist."""
    return client.describe_key(KeyId=key_id, aws_retry=True)["KeyMetadata"]


@KMSErrorHandler.common_error_handler("get KMS key policy")
def get_key_policy(client, key_id):
    """The key policy as data (GetKeyPolicy takes a key id or ARN, not an alias)."""
    return json.loads(client.get_key_policy(KeyId=key_id, PolicyName="default", aws_retry=True)["Policy"])


@KMSErrorHandler.common_error_handler("get KMS key rotation status")
def get_key_rotation_enabled(client, key_id):
    return client.get_key_rotation_status(KeyId=key_id, aws_retry=True)["KeyRotationEnabled"]


def is_aws_managed_alias(alias):
    return alias["AliasName"].startswith(AWS_MANAGED_ALIAS_PREFIX)


def describe_aliased_key(client, alias_name):
    """The alias (its ListAliases entry) and the key it points to, as key_differs compares it; None without the alias.

    "key" is None for an AWS managed alias, or an alias that points to no key.
    """
    alias = get_alias(client, alias_name)
    if alias is None:
        return None
    key_id = alias.get("TargetKeyId")
    if is_aws_managed_alias(alias) or not key_id:
        return {"alias": alias, "key": None}
    metadata = describe_key(client, key_id)
    if metadata is None:
        return {"alias": alias, "key": None}
    key = {"arn": metadata["Arn"], "state": metadata["KeyState"], "description": metadata.get("Description", ""),
           "rotation_enabled": get_key_rotation_enabled(client, key_id), "policy": get_key_policy(client, key_id),
           "tags": list_key_tags(client, key_id)}
    return {"alias": alias, "key": key}


def key_differs(key, description, policy, enable_key_rotation, tags):
    """True when amazon.aws.kms_key, given these options (no grants, purge_tags=false), would change the key.

    The same checks it makes, from one description: a missing, disabled or deleted key, the description,
    a tag missing or different, the policy (as data, with amazon.aws's comparison) and the rotation.
    """
    if key is None or key["state"] != "Enabled":
        return True
    missing_tags = compare_aws_tags(key["tags"], tags, purge_tags=False)[0]
    return bool(key["description"] != description or missing_tags or compare_policies(key["policy"], policy)
                or key["rotation_enabled"] != enable_key_rotation)
