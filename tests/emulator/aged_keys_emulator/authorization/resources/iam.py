# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM (Service Authorization Reference, "Actions, resources, and condition keys for AWS Identity and Access Management").

Resource types: role arn:PARTITION:iam::ACCOUNT:role/PATH/NAME, user .../user/PATH/NAME,
instance-profile .../instance-profile/PATH/NAME. A role or profile that does not exist has no
path: IAM authorizes NAME under "/" and then answers NoSuchEntity. Roles and users carry the
condition keys aws:ResourceTag/KEY and iam:ResourceTag/KEY.
"""

from moto.iam.models import iam_backends

from ...automation import access
from .common import Unsupported, anywhere, merged, need, removed_tag_keys, request_tags, resource_tags

SERVICE = "iam"
ROLE_TAG_PREFIXES = ("aws:ResourceTag/", "iam:ResourceTag/")
# IAM User Guide, "Using service-linked roles": each service names its role; only the ones the collection creates.
SERVICE_LINKED_ROLES = {"config.amazonaws.com": "AWSServiceRoleForConfig"}


def backend(account, partition="aws"):
    return iam_backends[account][partition]


def find_role(account, role_arn, partition="aws"):
    return next((role for role in list(backend(account, partition).roles.values()) if role.arn == role_arn), None)


def role_named(call, name):
    return next((role for role in list(backend(call.account, call.partition).roles.values()) if role.name == name), None)


def tags_of_role(role):
    tags = role.tags
    if isinstance(tags, dict):
        return {key: value.get("Value", "") if isinstance(value, dict) else value for key, value in tags.items()}
    return tags or {}


def role_requirement(call, action, extra=()):
    """`action` on the role RoleName (with its path and tags when it exists)."""
    name = call.required("RoleName")
    role = role_named(call, name)
    resource = role.arn if role is not None else f"arn:{call.partition}:iam::{call.account}:role/{name}"
    tags = resource_tags(tags_of_role(role) if role is not None else None, ROLE_TAG_PREFIXES)
    return need(call, action, resource, **merged(tags, *extra))


def on_role(action, extra=None):
    def builder(call):
        return [role_requirement(call, action, extra(call) if extra else ())]

    return builder


def create_role(call):
    name = call.required("RoleName")
    path = call.params.get("Path") or "/"
    boundary = permissions_boundary_key(call.params.get("PermissionsBoundary"))
    return [need(call, "iam:CreateRole", f"arn:{call.partition}:iam::{call.account}:role{path}{name}",
                 **merged(request_tags(call.params.get("Tags")), boundary))]


def permissions_boundary_key(policy_arn):
    """iam:PermissionsBoundary: the boundary the request sets (absent without one)."""
    return ({"iam:PermissionsBoundary": policy_arn} if policy_arn else {}), ("iam:permissionsboundary",)


def policy_arn_key(call):
    return [({"iam:PolicyARN": call.params.get("PolicyArn")}, ("iam:policyarn",))]


def tag_role_keys(call):  # also for users
    return [request_tags(call.params.get("Tags"))]


def untag_role_keys(call):
    return [removed_tag_keys(call.params.get("TagKeys"))]


def boundary_keys(call):
    return [permissions_boundary_key(call.params.get("PermissionsBoundary"))]


def create_service_linked_role(call):
    service = call.required("AWSServiceName")
    role_name = SERVICE_LINKED_ROLES.get(service)
    if role_name is None:
        raise Unsupported(SERVICE, "CreateServiceLinkedRole", f"the emulator knows the role name for {', '.join(SERVICE_LINKED_ROLES)} only")
    resource = f"arn:{call.partition}:iam::{call.account}:role/aws-service-role/{service}/{role_name}"
    return [need(call, "iam:CreateServiceLinkedRole", resource, context={"iam:AWSServiceName": service}, known_keys=("iam:awsservicename",))]


def on_instance_profile(action):
    def builder(call):
        name = call.required("InstanceProfileName")
        profiles = list(backend(call.account, call.partition).instance_profiles.values())
        profile = next((candidate for candidate in profiles if candidate.name == name), None)
        path = getattr(profile, "path", None) or "/"
        return [need(call, action, f"arn:{call.partition}:iam::{call.account}:instance-profile{path}{name}")]

    return builder


def on_user(action, extra=None):
    """The user's ARN with its path (access.user_resource: also used for Automation's calls)."""
    api = action.split(":", 1)[1]

    def builder(call):
        if api == "GetAccessKeyLastUsed":
            resource, _owner = access.access_key_owner_resource(call.params, call.identity, call.region)
        else:
            resource, _owner = access.user_resource(call.params, call.identity, call.region, api=api)
        return [need(call, action, resource, **merged(*(extra(call) if extra else ())))]

    return builder


def create_user(call):
    name = call.required("UserName")
    path = call.params.get("Path") or "/"
    return [need(call, "iam:CreateUser", f"arn:{call.partition}:iam::{call.account}:user{path}{name}",
                 **merged(request_tags(call.params.get("Tags")), permissions_boundary_key(call.params.get("PermissionsBoundary"))))]


ROLE_ACTIONS = (
    "GetRole", "DeleteRole", "UpdateRole", "UpdateRoleDescription", "UpdateAssumeRolePolicy", "ListRoleTags", "ListRolePolicies",
    "ListAttachedRolePolicies", "GetRolePolicy", "PutRolePolicy", "DeleteRolePolicy", "DeleteRolePermissionsBoundary",
    "ListInstanceProfilesForRole",
)

OPERATIONS = {name: on_role(f"iam:{name}") for name in ROLE_ACTIONS}
OPERATIONS.update({
    "CreateRole": create_role,
    "TagRole": on_role("iam:TagRole", tag_role_keys),
    "UntagRole": on_role("iam:UntagRole", untag_role_keys),
    "AttachRolePolicy": on_role("iam:AttachRolePolicy", policy_arn_key),
    "DetachRolePolicy": on_role("iam:DetachRolePolicy", policy_arn_key),
    "PutRolePermissionsBoundary": on_role("iam:PutRolePermissionsBoundary", boundary_keys),
    "CreateServiceLinkedRole": create_service_linked_role,
    "RemoveRoleFromInstanceProfile": on_instance_profile("iam:RemoveRoleFromInstanceProfile"),
    "DeleteInstanceProfile": on_instance_profile("iam:DeleteInstanceProfile"),
    "ListRoles": anywhere("iam:ListRoles"),
    "ListAccountAliases": anywhere("iam:ListAccountAliases"),
    "ListUsers": anywhere("iam:ListUsers"),
    "GetUser": on_user("iam:GetUser"),
    "ListAccessKeys": on_user("iam:ListAccessKeys"),
    "ListUserTags": on_user("iam:ListUserTags"),
    "UpdateAccessKey": on_user("iam:UpdateAccessKey"),
    "CreateUser": create_user,
    "DeleteUser": on_user("iam:DeleteUser"),
    "TagUser": on_user("iam:TagUser", tag_role_keys),
    "UntagUser": on_user("iam:UntagUser", untag_role_keys),
    "CreateAccessKey": on_user("iam:CreateAccessKey"),
    "DeleteAccessKey": on_user("iam:DeleteAccessKey"),
    "GetAccessKeyLastUsed": on_user("iam:GetAccessKeyLastUsed"),
})
