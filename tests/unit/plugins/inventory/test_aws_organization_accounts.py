# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The aws_organization_accounts inventory plugin, loaded by Ansible, reading an emulated organization."""

import os
import sys

import pytest
import yaml
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core before 2.19 templates every string
    def trust_as_template(value):
        return value

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "integration")))

from estate import ORGANIZATIONS_REGION, create_organization  # noqa: E402  pylint: disable=wrong-import-position

PLUGIN = "cloudsec.aged_keys.aws_organization_accounts"
MANAGEMENT = "123456789012"

#   Root: management account "master"
#   Security: security-tooling (central tag)
#   Workloads: shared
#     Prod: prod-a (home region tag), prod-b
#       Payments: payments-1
#     Dev: dev-a, dev-sandbox (excluded tag)
#   Closed: closed-1 (SUSPENDED)
TREE = {
    "Security": {"accounts": [("security-tooling", {"aged-keys-role": "central"})]},
    "Workloads": {
        "accounts": ["shared"],
        "units": {
            "Prod": {
                "accounts": [("prod-a", {"aged-keys:home-region": "eu-west-1", "env": "prod"}), ("prod-b", {"env": "prod"})],
                "units": {"Payments": {"accounts": [("payments-1", {"env": "prod"})]}},
            },
            "Dev": {"accounts": [("dev-a", {"env": "dev"}), ("dev-sandbox", {"env": "dev", "aged-keys": "skip"})]},
        },
    },
    "Closed": {"accounts": ["closed-1"]},
}
ACTIVE = {"master", "security-tooling", "shared", "prod-a", "prod-b", "payments-1", "dev-a", "dev-sandbox"}


@pytest.fixture
def organization(emulator):
    client = emulator.client("organizations", region=ORGANIZATIONS_REGION)
    made = create_organization(client, TREE)
    client.close_account(AccountId=made["accounts"]["closed-1"])
    made["client"] = client
    made["names"] = {account_id: name for name, account_id in made["accounts"].items()}
    made["names"][MANAGEMENT] = "master"
    return made


def write_config(directory, emulator, **options):
    config = {"plugin": PLUGIN, "endpoint_url": emulator.url, "access_key": "testing", "secret_key": "testing", "region": ORGANIZATIONS_REGION}
    config.update(options)
    path = os.path.join(str(directory), "test.aws_organization_accounts.yml")
    with open(path, "w", encoding="utf-8") as stream:
        yaml.safe_dump(config, stream)
    return path


def parse(path, cache=True):
    """Parse like Ansible's InventoryManager: a fresh plugin, then the cache written back."""
    inventory = InventoryData()
    plugin = inventory_loader.get(PLUGIN)
    plugin.parse(inventory, DataLoader(), path, cache=cache)
    try:
        plugin.update_cache_if_changed()
    except AttributeError:
        pass  # no cache configured: InventoryManager ignores this too
    return inventory


def read_inventory(tmp_path, emulator, **options):
    return parse(write_config(tmp_path, emulator, **options))


def group_hosts(inventory, group):
    return {host.name for host in inventory.groups[group].get_hosts()} if group in inventory.groups else set()


def log_mark(emulator):
    return len(emulator.logged_requests())


def organizations_calls(emulator, since):
    """Organizations actions logged since log_mark() (the request log spans every test)."""
    return [entry["action"] for entry in emulator.logged_requests()[since:] if entry["service"] == "organizations"]


# ---------------------------------------------------------------- whole organization and host variables


def test_every_active_account_is_a_target_with_the_variables_the_roles_need(tmp_path, emulator, organization):
    mark = log_mark(emulator)
    inventory = read_inventory(tmp_path, emulator)

    assert group_hosts(inventory, "targets") == ACTIVE
    assert group_hosts(inventory, "central") == set()
    prod_a = inventory.get_host("prod-a").get_vars()
    assert prod_a["account_id"] == organization["accounts"]["prod-a"]
    assert isinstance(prod_a["account_id"], str)
    assert prod_a["ansible_connection"] == "local"
    assert prod_a["account_name"] == "prod-a"
    assert prod_a["account_email"] == "prod-a@example.com"
    assert prod_a["account_state"] == "ACTIVE"
    assert prod_a["account_ou_path"] == "Root/Workloads/Prod"
    assert prod_a["account_ou_id"] == organization["units"]["Root/Workloads/Prod"]
    assert prod_a["account_arn"].endswith("/" + prod_a["account_id"])
    assert prod_a["account_organization_id"].startswith("o-")
    assert prod_a["account_joined_method"] == "CREATED"
    assert "T" in prod_a["account_joined_timestamp"]
    assert inventory.get_host("master").get_vars()["account_ou_path"] == "Root"
    # Tags are read only when something needs them.
    assert "account_tags" not in prod_a
    assert "ListTagsForResource" not in organizations_calls(emulator, mark)


def test_suspended_accounts_are_listed_with_states_all(tmp_path, emulator, organization):
    inventory = read_inventory(tmp_path, emulator, states=["all"])
    assert group_hosts(inventory, "targets") == ACTIVE | {"closed-1"}
    assert inventory.get_host("closed-1").get_vars()["account_state"] == "SUSPENDED"

    only_suspended = read_inventory(tmp_path, emulator, states=["suspended"])
    assert group_hosts(only_suspended, "targets") == {"closed-1"}


def test_unknown_states_are_refused(tmp_path, emulator, organization):
    with pytest.raises(AnsibleParserError, match="unknown account states RUNNING"):
        read_inventory(tmp_path, emulator, states=["RUNNING"])


# ---------------------------------------------------------------- filters


@pytest.mark.parametrize("units, nested, expected", [
    (["Root/Workloads"], True, {"shared", "prod-a", "prod-b", "payments-1", "dev-a", "dev-sandbox"}),
    (["Root/Workloads"], False, {"shared"}),
    (["Root/Workloads/Prod"], True, {"prod-a", "prod-b", "payments-1"}),
    (["Root/Workloads/Prod/Payments", "Root/Security"], True, {"payments-1", "security-tooling"}),
    (["/Root/Workloads/Dev/"], False, {"dev-a", "dev-sandbox"}),
])
def test_organizational_units_by_path_select_exactly_their_accounts(tmp_path, emulator, organization, units, nested, expected):
    inventory = read_inventory(tmp_path, emulator, organizational_units=units, include_nested=nested)
    assert group_hosts(inventory, "targets") == expected


def test_organizational_units_by_id_and_the_recursive_alias(tmp_path, emulator, organization):
    prod = organization["units"]["Root/Workloads/Prod"]
    inventory = read_inventory(tmp_path, emulator, organizational_units=[prod], recursive=False)
    assert group_hosts(inventory, "targets") == {"prod-a", "prod-b"}
    whole = read_inventory(tmp_path, emulator, organizational_units=[organization["root"]], exclude_organizational_units=["Root/Workloads"])
    assert group_hosts(whole, "targets") == {"master", "security-tooling"}


def test_only_the_selected_units_accounts_are_listed(tmp_path, emulator, organization):
    mark = log_mark(emulator)
    read_inventory(tmp_path, emulator, organizational_units=["Root/Workloads/Prod"])
    calls = organizations_calls(emulator, mark)
    # Prod and Payments; the OU tree itself is walked once per OU (root + 6 OUs).
    assert calls.count("ListAccountsForParent") == 2
    assert calls.count("ListOrganizationalUnitsForParent") == 7


def test_excluded_units_take_their_nested_units_with_them(tmp_path, emulator, organization):
    inventory = read_inventory(tmp_path, emulator, organizational_units=["Root/Workloads"], exclude_organizational_units=["Root/Workloads/Prod"])
    assert group_hosts(inventory, "targets") == {"shared", "dev-a", "dev-sandbox"}


@pytest.mark.parametrize("option", ["organizational_units", "exclude_organizational_units"])
@pytest.mark.parametrize("reference", ["ou-zzzz-zzzzzzzz", "Root/Workloads/Staging", "Workloads"])
def test_unknown_units_are_named_in_the_error(tmp_path, emulator, organization, option, reference):
    with pytest.raises(AnsibleParserError) as raised:
        read_inventory(tmp_path, emulator, **{option: [reference]})
    message = str(raised.value)
    assert "{0}: {1} not found in the organization".format(option, reference) in message
    assert "Root/Workloads/Prod" in message


def test_accounts_by_id_and_name_with_exclusions(tmp_path, emulator, organization):
    accounts = organization["accounts"]
    by_id = read_inventory(tmp_path, emulator, account_ids=[accounts["prod-a"], accounts["dev-a"]], exclude_account_ids=[accounts["dev-a"]])
    assert group_hosts(by_id, "targets") == {"prod-a"}
    by_name = read_inventory(tmp_path, emulator, account_names=["prod-*", "dev-?"], exclude_account_names=["*-b"])
    assert group_hosts(by_name, "targets") == {"prod-a", "dev-a"}
    with pytest.raises(AnsibleParserError, match="the selection matches no account of the organization"):
        read_inventory(tmp_path, emulator, account_names=["PROD-*"])  # case-sensitive


@pytest.mark.parametrize("typo, suggestion", [
    ("exclude_account_name", "exclude_account_names"),
    ("organisational_units", "organizational_units"),
    ("centrall_account_id", "central_account_id"),
])
def test_unknown_options_are_refused_naming_the_closest_one(tmp_path, emulator, organization, typo, suggestion):
    mark = log_mark(emulator)
    with pytest.raises(AnsibleParserError) as raised:
        read_inventory(tmp_path, emulator, **{typo: ["dev-*"]})
    message = str(raised.value)
    assert "unknown option '{0}'; did you mean '{1}'?".format(typo, suggestion) in message
    # Refused before the organization is read: a typo never widens the selection.
    assert organizations_calls(emulator, mark) == []


def test_aliases_and_shared_options_are_known(tmp_path, emulator, organization):
    inventory = read_inventory(tmp_path, emulator, recursive=False, organizational_units=["Root/Workloads"], cache=False, strict=True)
    assert group_hosts(inventory, "targets") == {"shared"}


def test_account_ids_must_be_twelve_digits(tmp_path, emulator, organization):
    with pytest.raises(AnsibleParserError, match="account_ids: '12345' is not a 12-digit AWS account id"):
        read_inventory(tmp_path, emulator, account_ids=["12345"])


def test_tag_filters(tmp_path, emulator, organization):
    prod = read_inventory(tmp_path, emulator, include_tags={"env": "prod"})
    assert group_hosts(prod, "targets") == {"prod-a", "prod-b", "payments-1"}
    assert prod.get_host("prod-b").get_vars()["account_tags"] == {"env": "prod"}

    any_env = read_inventory(tmp_path, emulator, include_tags={"env": ["prod", "dev"]}, exclude_tags={"aged-keys": "skip"})
    assert group_hosts(any_env, "targets") == {"prod-a", "prod-b", "payments-1", "dev-a"}


def test_tags_are_read_only_for_accounts_left_by_the_other_filters(tmp_path, emulator, organization):
    mark = log_mark(emulator)
    read_inventory(tmp_path, emulator, organizational_units=["Root/Workloads/Dev"], include_tags={"env": "dev"})
    assert organizations_calls(emulator, mark).count("ListTagsForResource") == 2


def test_fetch_tags_never_refuses_tag_options(tmp_path, emulator, organization):
    with pytest.raises(AnsibleParserError, match="fetch_tags: never"):
        read_inventory(tmp_path, emulator, fetch_tags="never", include_tags={"env": "prod"})


# ---------------------------------------------------------------- central account


def test_central_account_by_id_outside_the_selection_is_central_only(tmp_path, emulator, organization):
    central = organization["accounts"]["security-tooling"]
    inventory = read_inventory(tmp_path, emulator, organizational_units=["Root/Workloads/Prod"], central_account_id=central)
    assert group_hosts(inventory, "central") == {"security-tooling"}
    assert group_hosts(inventory, "targets") == {"prod-a", "prod-b", "payments-1"}
    assert inventory.get_host("security-tooling").get_vars()["account_ou_path"] == "Root/Security"


def test_every_host_knows_the_central_account_so_slices_without_it_still_run(tmp_path, emulator, organization):
    central = organization["accounts"]["security-tooling"]
    inventory = read_inventory(tmp_path, emulator, organizational_units=["Root/Workloads"], central_account_id=central)
    for host in group_hosts(inventory, "targets") | {"security-tooling"}:
        assert inventory.get_host(host).get_vars()["aged_keys_central_account_id"] == central
    without_central = read_inventory(tmp_path, emulator, organizational_units=["Root/Workloads"])
    assert "aged_keys_central_account_id" not in without_central.get_host("prod-a").get_vars()


def test_the_central_host_knows_every_target_so_a_slice_with_it_lists_them_all(tmp_path, emulator, organization):
    central = organization["accounts"]["security-tooling"]
    inventory = read_inventory(tmp_path, emulator, organizational_units=["Root/Workloads"], central_account_id=central)
    targets = sorted(inventory.get_host(host).get_vars()["account_id"] for host in group_hosts(inventory, "targets"))
    assert sorted(inventory.get_host("security-tooling").get_vars()["aged_keys_target_account_ids"]) == targets
    assert "aged_keys_target_account_ids" not in inventory.get_host("prod-a").get_vars()


def test_central_account_by_id_inside_the_selection_is_also_a_target(tmp_path, emulator, organization):
    central = organization["accounts"]["security-tooling"]
    inventory = read_inventory(tmp_path, emulator, central_account_id=central)
    assert group_hosts(inventory, "central") == {"security-tooling"}
    assert "security-tooling" in group_hosts(inventory, "targets")


def test_central_account_by_tag(tmp_path, emulator, organization):
    inventory = read_inventory(tmp_path, emulator, central_account_tag={"aged-keys-role": "central"})
    assert group_hosts(inventory, "central") == {"security-tooling"}


@pytest.mark.parametrize("options, message", [
    ({"central_account_tag": {"aged-keys-role": "central"}, "organizational_units": ["Root/Workloads"]}, "0 of the selected accounts carry it"),
    ({"central_account_tag": {"env": "prod"}}, "3 of the selected accounts carry it"),
    ({"central_account_tag": {"env": "prod", "x": "y"}}, "exactly one tag"),
    ({"central_account_id": "999999999999"}, "central_account_id 999999999999 is not an account of the organization"),
    ({"central_account_id": "000000000000", "central_account_tag": {"a": "b"}}, "not both"),
])
def test_central_account_errors(tmp_path, emulator, organization, options, message):
    with pytest.raises(AnsibleParserError, match=message):
        read_inventory(tmp_path, emulator, **options)


def test_a_suspended_central_account_is_refused(tmp_path, emulator, organization):
    with pytest.raises(AnsibleParserError, match="is SUSPENDED, not ACTIVE"):
        read_inventory(tmp_path, emulator, central_account_id=organization["accounts"]["closed-1"])


# ---------------------------------------------------------------- per-account settings and constructed


def test_tag_variables_and_account_vars_set_per_account_settings(tmp_path, emulator, organization):
    prod_b = organization["accounts"]["prod-b"]
    inventory = read_inventory(
        tmp_path, emulator,
        tag_variables={"aged-keys:home-region": "aged_keys_home_region"},
        account_vars={MANAGEMENT: {"aged_keys_assume_role": False}, prod_b: {"aged_keys_home_region": "us-east-1"}},
    )
    assert inventory.get_host("prod-a").get_vars()["aged_keys_home_region"] == "eu-west-1"
    assert inventory.get_host("prod-b").get_vars()["aged_keys_home_region"] == "us-east-1"
    assert "aged_keys_home_region" not in inventory.get_host("dev-a").get_vars()
    assert inventory.get_host("master").get_vars()["aged_keys_assume_role"] is False


def test_values_from_the_organization_are_never_templated(tmp_path, emulator, organization):
    """ansible-core 2.19 and later never template inventory values; 2.17 and 2.18 do unless they are
    marked unsafe, which is what this guards on those versions."""
    client = organization["client"]
    sneaky = "{{ lookup('ansible.builtin.pipe', 'id') }}"
    created = client.create_account(AccountName=sneaky, Email="sneaky@example.com", Tags=[{"Key": "team", "Value": sneaky}])
    account_id = created["CreateAccountStatus"]["AccountId"]
    inventory = read_inventory(tmp_path, emulator, fetch_tags="always", tag_variables={"team": "owner_team"}, account_ids=[account_id])
    [host] = inventory.groups["targets"].get_hosts()
    variables = host.get_vars()
    templar = Templar(loader=DataLoader(), variables=variables)
    for expression in ("{{ account_name }}", "{{ owner_team }}", "{{ account_tags.team }}"):
        assert templar.template(trust_as_template(expression)) == sneaky, expression


def test_account_vars_override_tag_variables_and_accept_unquoted_ids(tmp_path, emulator, organization):
    prod_a = organization["accounts"]["prod-a"]
    path = write_config(tmp_path, emulator, tag_variables={"aged-keys:home-region": "aged_keys_home_region"})
    with open(path, "a", encoding="utf-8") as stream:
        # An unquoted id in YAML is a number; a leading zero would be lost without padding.
        stream.write("account_vars:\n  {0}:\n    aged_keys_home_region: ap-southeast-2\n".format(int(prod_a)))
    assert parse(path).get_host("prod-a").get_vars()["aged_keys_home_region"] == "ap-southeast-2"


def test_compose_groups_and_keyed_groups_see_tags(tmp_path, emulator, organization):
    inventory = read_inventory(
        tmp_path, emulator,
        compose={"environment": "account_tags.env | default('none')"},
        groups={"production": "account_tags.env | default('') == 'prod'"},
        keyed_groups=[{"key": "account_ou_path | regex_replace('/', '_')", "prefix": "ou"}],
    )
    assert group_hosts(inventory, "production") == {"prod-a", "prod-b", "payments-1"}
    assert group_hosts(inventory, "ou_Root_Workloads_Prod") == {"prod-a", "prod-b"}
    assert inventory.get_host("dev-a").get_vars()["environment"] == "dev"
    assert inventory.get_host("shared").get_vars()["environment"] == "none"


def test_strict_makes_a_broken_expression_an_error(tmp_path, emulator, organization):
    with pytest.raises(AnsibleError, match="Could not set broken"):
        read_inventory(tmp_path, emulator, strict=True, compose={"broken": "no_such_variable.attribute"})


# ---------------------------------------------------------------- host names


def test_account_names_become_safe_unique_host_names(tmp_path, emulator, organization):
    client = organization["client"]
    first = client.create_account(AccountName="Shared Services", Email="s1@example.com")["CreateAccountStatus"]["AccountId"]
    second = client.create_account(AccountName="shared services", Email="s2@example.com")["CreateAccountStatus"]["AccountId"]
    inventory = read_inventory(tmp_path, emulator, account_ids=[first, second, organization["accounts"]["prod-a"]])
    assert group_hosts(inventory, "targets") == {"prod-a", "shared-services-" + first, "shared-services-" + second}


@pytest.mark.parametrize("style, expected", [
    ("account_id", "{id}"),
    ("account_name_and_id", "prod-a-{id}"),
])
def test_host_name_styles(tmp_path, emulator, organization, style, expected):
    prod_a = organization["accounts"]["prod-a"]
    inventory = read_inventory(tmp_path, emulator, hostnames=style, account_ids=[prod_a])
    assert group_hosts(inventory, "targets") == {expected.format(id=prod_a)}


# ---------------------------------------------------------------- credentials, endpoint, errors


def test_endpoint_and_credentials_from_the_environment(tmp_path, emulator, organization, monkeypatch):
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    path = os.path.join(str(tmp_path), "env.aws_organization_accounts.yaml")
    with open(path, "w", encoding="utf-8") as stream:
        yaml.safe_dump({"plugin": PLUGIN, "account_names": ["prod-a"]}, stream)
    assert group_hosts(parse(path), "targets") == {"prod-a"}


def test_a_member_account_is_told_to_use_the_management_account(tmp_path, emulator, organization):
    member = organization["accounts"]["prod-a"]
    with pytest.raises(AnsibleParserError) as raised:
        read_inventory(tmp_path, emulator, assume_role_arn="arn:aws:iam::{0}:role/OrganizationAccountAccessRole".format(member))
    message = str(raised.value)
    assert "AccessDeniedException" in message
    assert "arn:aws:sts::{0}:assumed-role/OrganizationAccountAccessRole/cloudsec-aged-keys-inventory".format(member) in message
    assert "managed by account {0}".format(MANAGEMENT) in message
    assert "register-delegated-administrator" in message
    assert "testing" not in message


def test_a_delegated_administrator_reads_the_organization(tmp_path, emulator, organization):
    member = organization["accounts"]["security-tooling"]
    organization["client"].register_delegated_administrator(AccountId=member, ServicePrincipal="config-multiaccountsetup.amazonaws.com")
    inventory = read_inventory(tmp_path, emulator, assume_role_arn="arn:aws:iam::{0}:role/Reader".format(member))
    assert group_hosts(inventory, "targets") == ACTIVE


def test_an_account_without_organization_is_told_so(tmp_path, emulator):
    with pytest.raises(AnsibleParserError, match="AWSOrganizationsNotInUseException.*not a member of an organization"):
        read_inventory(tmp_path, emulator)


def test_a_refused_assume_role_is_explained(tmp_path, emulator, organization):
    with pytest.raises(AnsibleParserError, match="Cannot assume not-an-arn to read the organization"):
        read_inventory(tmp_path, emulator, assume_role_arn="not-an-arn")


# ---------------------------------------------------------------- plugin mechanics


@pytest.mark.parametrize("name, accepted", [
    ("prod.aws_organization_accounts.yml", True),
    ("aws_organization_accounts.yaml", True),
    ("inventory.yml", False),
    ("aws_organization_accounts.json", False),
])
def test_verify_file_by_suffix(tmp_path, name, accepted):
    path = tmp_path / name
    path.write_text("plugin: {0}\n".format(PLUGIN))
    assert inventory_loader.get(PLUGIN).verify_file(str(path)) is accepted


def test_the_cache_answers_without_calling_aws_until_the_selection_changes(tmp_path, emulator, organization):
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"), "cache_timeout": 600}
    path = write_config(tmp_path, emulator, organizational_units=["Root/Workloads/Prod"], **cache)
    first = parse(path)
    mark = log_mark(emulator)
    second = parse(path)
    assert organizations_calls(emulator, mark) == []
    assert group_hosts(second, "targets") == group_hosts(first, "targets") == {"prod-a", "prod-b", "payments-1"}
    assert second.get_host("prod-a").get_vars()["account_id"] == organization["accounts"]["prod-a"]

    refreshed = parse(path, cache=False)  # --flush-cache
    assert "ListAccountsForParent" in organizations_calls(emulator, mark)
    assert group_hosts(refreshed, "targets") == group_hosts(first, "targets")

    mark = log_mark(emulator)
    other = parse(write_config(tmp_path, emulator, organizational_units=["Root/Workloads/Dev"], **cache))
    assert "ListAccountsForParent" in organizations_calls(emulator, mark)
    assert group_hosts(other, "targets") == {"dev-a", "dev-sandbox"}


def test_the_example_inventory_source_reads_an_organization(tmp_path, emulator, organization):
    example = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "inventory.organization.example", "aws_organization_accounts.yml")
    with open(example, encoding="utf-8") as stream:
        options = yaml.safe_load(stream)
    options.pop("plugin")
    inventory = read_inventory(tmp_path, emulator, **options)
    assert group_hosts(inventory, "central") == {"security-tooling"}
    assert group_hosts(inventory, "targets") == {"security-tooling", "shared", "prod-a", "prod-b", "payments-1", "dev-a"}
    assert inventory.get_host("prod-a").get_vars()["aged_keys_home_region"] == "eu-west-1"
    assert group_hosts(inventory, "ou_Root_Workloads_Prod_Payments") == {"payments-1"}
