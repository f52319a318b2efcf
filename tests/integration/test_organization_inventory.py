# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The aws_organization_accounts inventory plugin on an organization of 200+ accounts in nested OUs:
ansible-inventory shows the expected groups and host variables with few API calls, OU filters select
exactly the right accounts, and site.yml rolls out from the plugin's inventory."""

import json
import os
import subprocess
import sys

import pytest
import yaml

import readback
from estate import EXECUTION_ROLE, ORGANIZATIONS_REGION, REGION, Account, Emulator, Estate, create_organization

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("organization_inventory")

PLUGIN = "cloudsec.aged_keys.aws_organization_accounts"
ENVIRONMENTS = ("Prod", "Staging", "Dev")
TEAMS = 6
ACCOUNTS_PER_TEAM = 11
SANDBOXES = 5
# Organizations' page size for ListAccountsForParent and ListOrganizationalUnitsForParent.
PAGE_SIZE = 20


def organization_tree():
    """Root / Workloads / <environment> / team-NN (/ Rollout): 200+ accounts, up to 4 OU levels deep."""
    environments = {}
    for environment in ENVIRONMENTS:
        teams = {}
        for team in range(1, TEAMS + 1):
            accounts = ["{0}-team-{1:02d}-{2:02d}".format(environment.lower(), team, number) for number in range(1, ACCOUNTS_PER_TEAM + 1)]
            teams["team-{0:02d}".format(team)] = {"accounts": accounts}
        environments[environment] = {"units": teams}
    environments["Prod"]["units"]["team-01"]["units"] = {"Rollout": {"accounts": ["rollout-a", "rollout-b"]}}
    return {
        "Security": {"accounts": [("security-tooling", {"aged-keys-role": "central"})]},
        "Workloads": {"units": environments},
        "Sandbox": {"accounts": ["sandbox-{0}".format(number) for number in range(1, SANDBOXES + 1)]},
    }


def accounts_by_unit(tree, path="Root"):
    """{OU path: [account names directly in it]} for every OU of the tree, the root included."""
    found = {path: ["master"]} if path == "Root" else {}
    for name, content in tree.items():
        child = path + "/" + name
        found[child] = [account if isinstance(account, str) else account[0] for account in content.get("accounts", [])]
        found.update(accounts_by_unit(content.get("units", {}), child))
    return found


@pytest.fixture(scope="module")
def logged_emulator(tmp_path_factory):
    """An emulator of this module's own, with a request log to count API calls.

    moto loads every AWS managed policy into each new account's IAM (about a second per account);
    the rollout attaches none, so 200 accounts are created without them.
    """
    log = str(tmp_path_factory.mktemp("organization") / "requests.jsonl")
    running = Emulator(request_log=log, load_managed_policies=False).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def organization(logged_emulator):
    logged_emulator.reset()
    client = Account(logged_emulator, "123456789012", ORGANIZATIONS_REGION).client("organizations")
    tree = organization_tree()
    made = create_organization(client, tree)
    made["by_unit"] = accounts_by_unit(tree)
    return made


def write_source(directory, **options):
    """An inventory directory: the plugin's configuration and group_vars for every account."""
    os.makedirs(os.path.join(directory, "group_vars"), exist_ok=True)
    config = dict({"plugin": PLUGIN}, **options)
    with open(os.path.join(directory, "organization.aws_organization_accounts.yml"), "w") as stream:
        yaml.safe_dump(config, stream)
    with open(os.path.join(directory, "group_vars", "all.yml"), "w") as stream:
        yaml.safe_dump({"ansible_python_interpreter": "{{ ansible_playbook_python }}", "aged_keys_region": REGION,
                        "aged_keys_execution_role_name": EXECUTION_ROLE}, stream)
    return str(directory)


def ansible_inventory(emulator, source, *args):
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", source] + list(args)
    completed = subprocess.run(command, env=emulator.environment(), capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def organizations_calls(emulator, since=0):
    return [entry["action"] for entry in emulator.logged_requests(since) if entry["service"] == "organizations"]


def log_mark(emulator):
    return len(emulator.logged_requests())


def plain(value):
    """A value of ansible-inventory's JSON: strings from inventory plugins are marked untrusted."""
    return value["__ansible_unsafe"] if isinstance(value, dict) and "__ansible_unsafe" in value else value


def pages(count):
    return max(1, -(-count // PAGE_SIZE))


def test_the_whole_organization_in_groups_with_host_variables_and_few_calls(logged_emulator, organization, tmp_path):
    central_id = organization["accounts"]["security-tooling"]
    source = write_source(tmp_path, central_account_id=central_id,
                          keyed_groups=[{"key": "account_ou_path | regex_replace('/', '_')", "prefix": "ou"}])
    mark = log_mark(logged_emulator)
    listed = json.loads(ansible_inventory(logged_emulator, source, "--list"))
    calls = organizations_calls(logged_emulator, mark)

    every_account = {name for names in organization["by_unit"].values() for name in names}
    assert len(every_account) >= 200
    assert set(listed["targets"]["hosts"]) == every_account
    assert listed["central"]["hosts"] == ["security-tooling"]
    assert set(listed["ou_Root_Workloads_Prod_team_01_Rollout"]["hosts"]) == {"rollout-a", "rollout-b"}
    hostvars = {name: plain(value) for name, value in listed["_meta"]["hostvars"]["prod-team-03-07"].items()}
    assert hostvars["account_id"] == organization["accounts"]["prod-team-03-07"]
    assert hostvars["account_ou_path"] == "Root/Workloads/Prod/team-03"
    assert hostvars["account_ou_id"] == organization["units"]["Root/Workloads/Prod/team-03"]
    assert hostvars["ansible_connection"] == "local"
    assert hostvars["aged_keys_region"] == REGION

    # One call per OU to walk the tree, one per page of accounts per OU, no tags: none are needed.
    units = organization["by_unit"]
    assert calls.count("ListOrganizationalUnitsForParent") == len(units)
    assert calls.count("ListAccountsForParent") == sum(pages(len(names)) for names in units.values())
    assert "ListTagsForResource" not in calls
    assert len(calls) == 2 + len(units) + sum(pages(len(names)) for names in units.values())

    graph = ansible_inventory(logged_emulator, source, "--graph", "central")
    assert "@central:" in graph and "--security-tooling" in graph


@pytest.mark.parametrize("unit, nested", [("Root/Workloads/Prod", True), ("Root/Workloads/Prod/team-01", False), ("Root/Workloads/Staging/team-04", True)])
def test_a_nested_ou_filter_selects_exactly_its_accounts(logged_emulator, organization, tmp_path, unit, nested):
    source = write_source(tmp_path, organizational_units=[unit], include_nested=nested)
    listed = json.loads(ansible_inventory(logged_emulator, source, "--list"))
    units = organization["by_unit"]
    expected = {name for path, names in units.items() if path == unit or (nested and path.startswith(unit + "/")) for name in names}
    assert expected
    assert set(listed["targets"]["hosts"]) == expected


def test_the_rollout_runs_from_the_plugin_inventory(logged_emulator, organization, tmp_path):
    central_id = organization["accounts"]["security-tooling"]
    target_ids = [organization["accounts"]["rollout-a"], organization["accounts"]["rollout-b"]]
    source = write_source(tmp_path / "inventory", organizational_units=["Root/Workloads/Prod/team-01/Rollout"], central_account_id=central_id)
    estate = Estate(logged_emulator, tmp_path, central_id, target_ids)
    estate.prepare_targets()
    estate.inventory = source

    run = estate.run()
    assert run.rc == 0, run
    assert set(run.stats) == {"security-tooling", "rollout-a", "rollout-b"}
    readback.assert_central_converged(estate.account(central_id), target_ids)
    for target_id in target_ids:
        readback.assert_target_converged(estate.account(target_id), central_id)
