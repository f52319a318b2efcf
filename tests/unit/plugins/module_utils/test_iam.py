# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from unittest.mock import MagicMock
from urllib.parse import quote

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import iam
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import paginated_by_operation

TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
POLICY = {"Version": "2012-10-17", "Statement": [{"Sid": "Publish", "Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}]}
TAGS = {"ManagedBy": "cloudsec.aged_keys"}
DESIRED = {"description": "Runs the document", "trust_policy": TRUST, "boundary": "", "policy_name": "notify", "policy": POLICY}


def current(**overrides):
    role = {"name": "r", "arn": "arn:aws:iam::1:role/r", "description": "Runs the document", "trust_policy": TRUST, "boundary": "",
            "tags": dict(TAGS), "attached_policies": [], "inline_policies": ["notify"], "policy": POLICY}
    role.update(overrides)
    return role


def test_a_converged_role_has_no_change():
    assert iam.role_changes(current(), DESIRED, TAGS) == []


def test_a_missing_role_needs_the_role_and_its_policy():
    assert iam.role_changes(None, DESIRED, TAGS) == [iam.POLICY, iam.ROLE]


@pytest.mark.parametrize("overrides", [
    {"trust_policy": {"Version": "2012-10-17", "Statement": []}},
    {"description": "edited"},
    {"boundary": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
    {"attached_policies": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
    {"tags": {}},
    {"tags": {"ManagedBy": "someone"}},
], ids=["trust policy", "description", "boundary added", "managed policy attached", "tag missing", "tag changed"])
def test_what_amazon_aws_iam_role_would_change_is_a_role_change(overrides):
    assert iam.role_changes(current(**overrides), DESIRED, TAGS) == [iam.ROLE]


def test_a_wanted_boundary_that_is_missing_is_a_role_change():
    assert iam.role_changes(current(), dict(DESIRED, boundary="arn:aws:iam::1:policy/b"), TAGS) == [iam.ROLE]
    assert iam.role_changes(current(boundary="arn:aws:iam::1:policy/b"), dict(DESIRED, boundary="arn:aws:iam::1:policy/b"), TAGS) == []


def test_other_tags_are_left_alone():
    assert iam.role_changes(current(tags=dict(TAGS, team="x")), DESIRED, TAGS) == []


def test_policy_differences():
    edited = {"Version": "2012-10-17", "Statement": []}
    assert iam.role_changes(current(policy=edited), DESIRED, TAGS) == [iam.POLICY]
    assert iam.role_changes(current(policy=None, inline_policies=[]), DESIRED, TAGS) == [iam.POLICY]
    # The same statements in another order, or a single action as a list, are the same policy.
    reordered = {"Statement": [{"Resource": "*", "Action": ["sns:Publish"], "Effect": "Allow", "Sid": "Publish"}], "Version": "2012-10-17"}
    assert iam.role_changes(current(policy=reordered), DESIRED, TAGS) == []


def test_inline_policies_someone_else_added():
    assert iam.role_changes(current(inline_policies=["added-by-hand", "notify"]), DESIRED, TAGS) == [iam.EXTRA_POLICIES]


def iam_client(role, inline_names, attached, document):
    client = paginated_by_operation(MagicMock(), {
        "list_role_policies": {"PolicyNames": inline_names},
        "list_attached_role_policies": {"AttachedPolicies": attached},
    })
    if role is None:
        client.get_role.side_effect = client_error("NoSuchEntity", "GetRole")
    else:
        client.get_role.return_value = {"Role": role}
    client.get_role_policy.return_value = {"PolicyDocument": document}
    return client


def test_describe_reads_what_the_rollout_manages():
    role = {"Arn": "arn:aws:iam::1:role/r", "Description": "d", "AssumeRolePolicyDocument": TRUST,
            "PermissionsBoundary": {"PermissionsBoundaryArn": "arn:b"}, "Tags": [{"Key": "ManagedBy", "Value": "cloudsec.aged_keys"}]}
    client = iam_client(role, ["notify", "extra"], [{"PolicyName": "p", "PolicyArn": "arn:p"}], quote(json.dumps(POLICY)))
    described = iam.describe_role_state(client, "r", "notify")
    assert described == {"name": "r", "arn": "arn:aws:iam::1:role/r", "description": "d", "trust_policy": TRUST, "boundary": "arn:b",
                         "tags": TAGS, "attached_policies": ["arn:p"], "inline_policies": ["extra", "notify"], "policy": POLICY}
    client.get_role_policy.assert_called_once_with(RoleName="r", PolicyName="notify", aws_retry=True)


def test_describe_a_role_without_our_policy_reads_no_policy():
    role = {"Arn": "arn:aws:iam::1:role/r", "AssumeRolePolicyDocument": TRUST}
    client = iam_client(role, [], [], None)
    described = iam.describe_role_state(client, "r", "notify")
    assert described["policy"] is None and described["boundary"] == "" and described["description"] is None
    client.get_role_policy.assert_not_called()


def test_describe_a_missing_role():
    assert iam.describe_role_state(iam_client(None, [], [], None), "r", "notify") is None
