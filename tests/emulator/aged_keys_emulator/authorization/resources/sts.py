# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS STS (Service Authorization Reference, "Actions, resources, and condition keys for AWS Security Token Service").

sts:AssumeRole acts on the role (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME). The role's trust
policy is its resource-based policy and is always required (IAM User Guide, "Cross account
resource access in IAM": a role trust policy must name the principal or its account; a policy
naming the account needs the caller's identity policy too). A role that does not exist has no
trust policy, so no session may assume it.
"""

from .common import ServiceAnswers, merged, need, request_tags, resource_tags
from .iam import find_role, tags_of_role

SERVICE = "sts"


def assume_role(call):
    role_arn = call.required("RoleArn")
    parts = role_arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("role/"):
        raise ServiceAnswers("RoleArn is not a role ARN")
    role = find_role(parts[4], role_arn)
    tags = None if role is None else tags_of_role(role)
    keys = ({"sts:RoleSessionName": call.params.get("RoleSessionName")}, ("sts:rolesessionname",))
    external = ({"sts:ExternalId": call.params["ExternalId"]} if call.params.get("ExternalId") else {}, ("sts:externalid",))
    trust = role.assume_role_policy_document if role is not None else None
    return [need(call, "sts:AssumeRole", role_arn, owner=parts[4], resource_policy=trust, policy_required=True,
                 **merged(keys, external, request_tags(call.params.get("Tags")), resource_tags(tags, ("aws:ResourceTag/", "iam:ResourceTag/"))))]


OPERATIONS = {
    # STS API Reference, GetCallerIdentity: "No permissions are required to perform this operation."
    "GetCallerIdentity": lambda call: [],
    "AssumeRole": assume_role,
}
