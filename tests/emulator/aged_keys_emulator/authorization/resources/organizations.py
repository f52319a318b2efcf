# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Organizations, read only (Service Authorization Reference, "Actions, resources, and condition keys for AWS Organizations").

Resource types: account arn:PARTITION:organizations::MANAGEMENT:account/o-ID/ACCOUNT, ou
.../ou/o-ID/ou-ID, root .../root/o-ID/r-ID, as the organization's own objects name them.
DescribeOrganization, ListRoots, ListAccounts and ListDelegatedAdministrators have no
resource type ("*"). Outside an organization there is nothing to name: Organizations answers
AWSOrganizationsNotInUseException.
"""

from moto.organizations.models import organizations_backends

from ...organizations import management_backend
from .common import ServiceAnswers, anywhere, need

SERVICE = "organizations"


def organization_object(call, object_id):
    backend = management_backend(call.account) or organizations_backends[call.account]["aws"]
    if backend.org is None:
        raise ServiceAnswers(f"account {call.account} is in no organization")
    for candidate in list(backend.accounts) + list(backend.ou):
        if candidate.id == object_id:
            return candidate
    raise ServiceAnswers(f"{object_id} is not in the organization")


def on_object(action, parameter):
    def builder(call):
        return [need(call, action, organization_object(call, call.required(parameter)).arn)]

    return builder


OPERATIONS = {
    "DescribeOrganization": anywhere("organizations:DescribeOrganization"),
    "ListRoots": anywhere("organizations:ListRoots"),
    "ListAccounts": anywhere("organizations:ListAccounts"),
    "ListDelegatedAdministrators": anywhere("organizations:ListDelegatedAdministrators"),
    "ListOrganizationalUnitsForParent": on_object("organizations:ListOrganizationalUnitsForParent", "ParentId"),
    "ListAccountsForParent": on_object("organizations:ListAccountsForParent", "ParentId"),
    "ListChildren": on_object("organizations:ListChildren", "ParentId"),
    "ListParents": on_object("organizations:ListParents", "ChildId"),
    "DescribeAccount": on_object("organizations:DescribeAccount", "AccountId"),
    "DescribeOrganizationalUnit": on_object("organizations:DescribeOrganizationalUnit", "OrganizationalUnitId"),
    "ListTagsForResource": on_object("organizations:ListTagsForResource", "ResourceId"),
}
