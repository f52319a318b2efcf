# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The automation role as the rollout manages it with amazon.aws's iam_role and iam_policy, and
how to tell which of those tasks would change it.

The comparisons follow amazon.aws's own (iam_role: trust policy with compare_policies,
description, permissions boundary, managed policies purged, tags added; iam_policy: the inline
policy document), so that target_account_plan skips exactly the tasks that would change nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

try:
    from urllib.parse import unquote
except ImportError:  # Python 2, for ansible-test's import sanity
    from urllib import unquote

from ansible_collections.amazon.aws.plugins.module_utils.iam import get_iam_role
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_role_attached_policies
from ansible_collections.amazon.aws.plugins.module_utils.iam import list_iam_role_policies
from ansible_collections.amazon.aws.plugins.module_utils.policy import compare_policies
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

# What target_account_plan reports, one entry per task of the rollout that would change something.
ROLE = "automation_role"
POLICY = "automation_policy"
EXTRA_POLICIES = "extra_inline_policies"


def _policy_document(document):
    """A policy document as boto3 returns it (a dict, or a URL-encoded JSON string) as a dict."""
    if isinstance(document, dict) or document is None:
        return document
    return json.loads(unquote(document))


def _get_role_policy(client, role_name, policy_name):
    return client.get_role_policy(RoleName=role_name, PolicyName=policy_name, aws_retry=True)["PolicyDocument"]


def describe_role_state(client, name, policy_name):
    """The role with what the rollout manages of it, or None when it does not exist."""
    role = get_iam_role(client, name)
    if not role:
        return None
    inline_policies = sorted(list_iam_role_policies(client, name))
    policy = _policy_document(_get_role_policy(client, name, policy_name)) if policy_name in inline_policies else None
    return {
        "name": name,
        "arn": role["Arn"],
        "description": role.get("Description"),
        "trust_policy": _policy_document(role.get("AssumeRolePolicyDocument")),
        "boundary": (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn") or "",
        "tags": boto3_tag_list_to_ansible_dict(role.get("Tags", [])),
        "attached_policies": [policy["PolicyArn"] for policy in list_iam_role_attached_policies(client, name)],
        "inline_policies": inline_policies,
        "policy": policy,
    }


def role_changes(current, desired, wanted_tags):
    """Which of ROLE, POLICY and EXTRA_POLICIES would change the role, as a sorted list.

    desired holds description, trust_policy, boundary ("" for none), policy_name and policy;
    wanted_tags are the tags the role must carry (others are left alone).
    """
    if current is None:
        return [POLICY, ROLE]
    changes = set()
    if (
        compare_policies(current["trust_policy"], desired["trust_policy"])
        or current["description"] != desired["description"]
        or current["boundary"] != (desired.get("boundary") or "")
        or current["attached_policies"]
        or any(current["tags"].get(key) != value for key, value in wanted_tags.items())
    ):
        changes.add(ROLE)
    if current["policy"] is None or compare_policies(current["policy"], desired["policy"]):
        changes.add(POLICY)
    if set(current["inline_policies"]) - set([desired["policy_name"]]):
        changes.add(EXTRA_POLICIES)
    return sorted(changes)
