# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Organizations read APIs answer the management account and delegated administrators only."""

import pytest

from emulator_testing import raises_aws_error

ORGANIZATIONS_REGION = "us-east-1"


@pytest.fixture
def organization(emulator):
    """An organization of the default account with one OU holding one member account."""
    management = emulator.client("organizations", region=ORGANIZATIONS_REGION)
    management.create_organization(FeatureSet="ALL")
    root_id = management.list_roots()["Roots"][0]["Id"]
    unit_id = management.create_organizational_unit(ParentId=root_id, Name="Workloads")["OrganizationalUnit"]["Id"]
    member_id = management.create_account(AccountName="member", Email="member@example.com")["CreateAccountStatus"]["AccountId"]
    management.move_account(AccountId=member_id, SourceParentId=root_id, DestinationParentId=unit_id)
    return {"client": management, "root_id": root_id, "unit_id": unit_id, "member_id": member_id}


def organizations_client_of(emulator, account_id):
    return emulator.client("organizations", region=ORGANIZATIONS_REGION, credentials=emulator.assume_account(account_id))


def read_everything(client, organization):
    """One call of every patched read operation; returns what a delegated administrator sees."""
    member_id, unit_id, root_id = organization["member_id"], organization["unit_id"], organization["root_id"]
    return {
        "roots": [root["Id"] for root in client.list_roots()["Roots"]],
        "accounts": sorted(account["Id"] for account in client.list_accounts()["Accounts"]),
        "accounts_in_unit": [account["Id"] for account in client.list_accounts_for_parent(ParentId=unit_id)["Accounts"]],
        "units": [unit["Id"] for unit in client.list_organizational_units_for_parent(ParentId=root_id)["OrganizationalUnits"]],
        "children": [child["Id"] for child in client.list_children(ParentId=unit_id, ChildType="ACCOUNT")["Children"]],
        "parents": [parent["Id"] for parent in client.list_parents(ChildId=member_id)["Parents"]],
        "tags": client.list_tags_for_resource(ResourceId=member_id)["Tags"],
        "account": client.describe_account(AccountId=member_id)["Account"]["Name"],
        "unit": client.describe_organizational_unit(OrganizationalUnitId=unit_id)["OrganizationalUnit"]["Name"],
    }


def test_the_management_account_reads_its_organization(emulator, organization):
    seen = read_everything(organization["client"], organization)
    assert seen["roots"] == [organization["root_id"]]
    assert organization["member_id"] in seen["accounts"] and len(seen["accounts"]) == 2
    assert seen["accounts_in_unit"] == seen["children"] == [organization["member_id"]]
    assert seen["units"] == [organization["unit_id"]]
    assert seen["parents"] == [organization["unit_id"]]
    assert (seen["account"], seen["unit"]) == ("member", "Workloads")


@pytest.mark.parametrize("call", [
    lambda client, org: client.list_roots(),
    lambda client, org: client.list_accounts(),
    lambda client, org: client.list_accounts_for_parent(ParentId=org["unit_id"]),
    lambda client, org: client.list_organizational_units_for_parent(ParentId=org["root_id"]),
    lambda client, org: client.list_children(ParentId=org["root_id"], ChildType="ORGANIZATIONAL_UNIT"),
    lambda client, org: client.list_parents(ChildId=org["member_id"]),
    lambda client, org: client.list_tags_for_resource(ResourceId=org["member_id"]),
    lambda client, org: client.describe_account(AccountId=org["member_id"]),
    lambda client, org: client.describe_organizational_unit(OrganizationalUnitId=org["unit_id"]),
])
def test_a_member_account_that_is_no_delegated_administrator_is_refused(emulator, organization, call):
    member = organizations_client_of(emulator, organization["member_id"])
    with raises_aws_error("AccessDeniedException", "You don't have permissions to access this resource."):
        call(member, organization)
    # DescribeOrganization stays open to every member, as on AWS.
    assert member.describe_organization()["Organization"]["MasterAccountId"] == "123456789012"


def test_a_delegated_administrator_reads_the_organization_like_the_management_account(emulator, organization):
    management = organization["client"]
    management.register_delegated_administrator(AccountId=organization["member_id"], ServicePrincipal="config-multiaccountsetup.amazonaws.com")
    member = organizations_client_of(emulator, organization["member_id"])
    assert read_everything(member, organization) == read_everything(management, organization)


def test_a_deregistered_administrator_is_refused_again(emulator, organization):
    management, member_id = organization["client"], organization["member_id"]
    management.register_delegated_administrator(AccountId=member_id, ServicePrincipal="config-multiaccountsetup.amazonaws.com")
    management.deregister_delegated_administrator(AccountId=member_id, ServicePrincipal="config-multiaccountsetup.amazonaws.com")
    with raises_aws_error("AccessDeniedException"):
        organizations_client_of(emulator, member_id).list_roots()


def test_an_account_outside_any_organization_is_told_so(emulator):
    outsider = organizations_client_of(emulator, "999988887777")
    with raises_aws_error("AWSOrganizationsNotInUseException"):
        outsider.list_accounts()
    with raises_aws_error("AWSOrganizationsNotInUseException"):
        outsider.list_roots()
