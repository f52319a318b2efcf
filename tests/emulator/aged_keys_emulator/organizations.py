# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Who may read an organization, as AWS decides it.

AWS Organizations API Reference, ListAccounts, ListAccountsForParent, ListRoots,
ListOrganizationalUnitsForParent, ListChildren, ListParents, ListTagsForResource,
DescribeAccount, DescribeOrganizationalUnit: "This operation can be called only from the
organization's management account or by a member account that is a delegated
administrator." Otherwise AWS answers AccessDeniedException ("You don't have permissions
to access this resource."), and AWSOrganizationsNotInUseException for an account that is
in no organization.

moto 5.2.5 keeps an organization on the management account's backend only. A member
account got answers from its own empty backend instead: an empty ListAccounts, the
management account's roots from ListRoots, then ParentNotFoundException for those roots.
Here a member account that is a delegated administrator (for any service) reads the
management account's organization; any other member is refused.
"""

from moto.core.exceptions import JsonRESTError
from moto.organizations.exceptions import AWSOrganizationsNotInUseException
from moto.organizations.models import OrganizationsBackend, organizations_backends

from .patching import wrap_attribute

READ_OPERATIONS = (
    "list_roots",
    "list_accounts",
    "list_accounts_for_parent",
    "list_organizational_units_for_parent",
    "list_children",
    "list_parents",
    "list_tags_for_resource",
    "describe_account",
    "describe_organizational_unit",
)


class AccessDeniedException(JsonRESTError):
    def __init__(self):
        super().__init__("AccessDeniedException", "You don't have permissions to access this resource.")


def apply():
    for name in READ_OPERATIONS:
        wrap_attribute(OrganizationsBackend, name, management_or_delegated_administrator)


def management_backend(member_account_id):
    """The backend that holds the organization of a member account, or None."""
    owner = organizations_backends.master_accounts.get(member_account_id)
    if owner is None:
        return None
    management_account_id, partition = owner
    return organizations_backends[management_account_id][partition]


def is_delegated_administrator(management, account_id):
    return any(admin.account.id == account_id and admin.services for admin in management.admins)


def management_or_delegated_administrator(original):
    def method(self, *args, **kwargs):
        if self.org is not None:
            return original(self, *args, **kwargs)
        management = management_backend(self.account_id)
        if management is None or management.org is None:
            raise AWSOrganizationsNotInUseException
        if not is_delegated_administrator(management, self.account_id):
            raise AccessDeniedException()
        return original(management, *args, **kwargs)

    return method
