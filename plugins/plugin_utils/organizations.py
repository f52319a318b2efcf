# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Organizations helpers: the organization, its OU tree, accounts and tags.

Functions take a boto3 ``organizations`` client and plain arguments, so a mocked client
is enough to test them. Every list call is paginated. Retries are the client's: create it
with ``RETRY_CONFIG`` so that each page is retried on its own when Organizations throttles
(TooManyRequestsException), instead of restarting a long listing from its first page.
AWS errors are raised as botocore's ClientError; ``advice`` explains the common ones.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import deque

from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import AWS_RETRIES

# The collection's one retry policy (botocore's, constants.AWS_RETRIES): Organizations' request rate is
# low and shared by the whole organization, so each page is retried on its own.
RETRY_CONFIG = {"retries": dict(AWS_RETRIES)}

# Organizations is a global service served from us-east-1 in the aws partition.
DEFAULT_REGION = "us-east-1"

# Account.State (added 2025) replaces the deprecated Account.Status; both may be present.
# Organizations API Reference, Account data type.
ACCOUNT_STATES = ("PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "CLOSED")

PATH_SEPARATOR = "/"

MANAGEMENT_ACCOUNT_ADVICE = (
    "AWS Organizations answers these calls only in the organization's management account or in a member account "
    "that is a delegated administrator. Run with credentials of the management account, assume a role there "
    "(assume_role_arn), or register this account as a delegated administrator "
    "(aws organizations register-delegated-administrator) and allow it organizations:Describe* and organizations:List*."
)

ADVICE = {
    "AccessDeniedException": MANAGEMENT_ACCOUNT_ADVICE,
    "AWSOrganizationsNotInUseException": (
        "The account of these credentials is not a member of an organization. Use credentials of (or assume_role_arn "
        "into) the management account or a delegated administrator of the organization to list."
    ),
    "TooManyRequestsException": "Organizations throttled the requests even after retries; try again later or enable the inventory cache.",
}


def error_code(error):
    """The AWS error code of a botocore ClientError."""
    return error.response.get("Error", {}).get("Code", "")


def advice(error):
    """What to do about an Organizations ClientError, or an empty string."""
    return ADVICE.get(error_code(error), "")


def _paginate(client, operation, result_key, **params):
    return client.get_paginator(operation).paginate(**params).build_full_result().get(result_key, [])


def describe_organization(client):
    return client.describe_organization()["Organization"]


def list_roots(client):
    return _paginate(client, "list_roots", "Roots")


def list_organizational_units_for_parent(client, parent_id):
    return _paginate(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id)


def list_accounts_for_parent(client, parent_id):
    return _paginate(client, "list_accounts_for_parent", "Accounts", ParentId=parent_id)


def list_parents(client, child_id):
    return _paginate(client, "list_parents", "Parents", ChildId=child_id)


def describe_account(client, account_id):
    return client.describe_account(AccountId=account_id)["Account"]


def list_tags(client, resource_id):
    """Tags of an account, OU or root as a dict."""
    return boto3_tag_list_to_ansible_dict(_paginate(client, "list_tags_for_resource", "Tags", ResourceId=resource_id))


def account_state(account):
    """State of an account: State when Organizations sends it, else the deprecated Status."""
    return account.get("State") or account.get("Status") or ""


def walk_organizational_units(client, root):
    """Every OU under a root, breadth first, with its path: one list call per OU (and per page).

    Returns dicts with Id, Name, ParentId and Path ("Root/Workloads/Prod"), the root first.
    """
    units = [{"Id": root["Id"], "Name": root["Name"], "ParentId": None, "Path": root["Name"]}]
    pending = deque(units)
    while pending:
        parent = pending.popleft()
        for child in sorted(list_organizational_units_for_parent(client, parent["Id"]), key=lambda unit: unit["Name"]):
            unit = {"Id": child["Id"], "Name": child["Name"], "ParentId": parent["Id"], "Path": parent["Path"] + PATH_SEPARATOR + child["Name"]}
            units.append(unit)
            pending.append(unit)
    return units


def descendants(units, unit_ids):
    """The ids of these units and of every unit below them."""
    children = {}
    for unit in units:
        children.setdefault(unit["ParentId"], []).append(unit["Id"])
    found = set()
    pending = deque(unit_ids)
    while pending:
        unit_id = pending.popleft()
        if unit_id not in found:
            found.add(unit_id)
            pending.extend(children.get(unit_id, []))
    return found
