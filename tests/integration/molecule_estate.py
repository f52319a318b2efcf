# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The emulated estate of a Molecule scenario (extensions/molecule/), made and read back with boto3.

Each scenario keeps its estate in Molecule's ephemeral directory:

    estate.json              the emulator's process id and URL, the organisation and its accounts
    inventory/inventory.yml  the accounts as an inventory (Molecule passes inventory/ to every playbook)
    aws_config               the emulator's URL as the default profile's endpoint_url (extensions/molecule/config.yml
                             points AWS_CONFIG_FILE at it: the port is only known once the emulator runs)

    python tests/integration/molecule_estate.py create DIRECTORY
    python tests/integration/molecule_estate.py destroy DIRECTORY
    python tests/integration/molecule_estate.py check-converged DIRECTORY [--central] [--targets]
    python tests/integration/molecule_estate.py check-empty DIRECTORY
    python tests/integration/molecule_estate.py drift-config DIRECTORY
    python tests/integration/molecule_estate.py add-users DIRECTORY
    python tests/integration/molecule_estate.py rotate-keys DIRECTORY USER
    python tests/integration/molecule_estate.py check-report DIRECTORY REPORT

Each command exits non-zero with the reason on standard error when it fails.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time

import readback
import rehearsal
from estate import AMBIENT_ACCOUNT, ORGANIZATIONS_REGION, REGION, SERVER, Account, Emulator, Estate, create_organization

STATE_FILE = "estate.json"
AWS_CONFIG_FILE = "aws_config"
# Molecule passes its inventory directory to every playbook it runs.
INVENTORY_DIRECTORY = "inventory"
# The organisation's accounts: the first is the central account, the others are target accounts.
ACCOUNT_NAMES = ["security-tooling", "workloads"]
STOP_SECONDS = 10
# The users of the report scenario: (name, age of their only active key in days, tags).
REPORT_USERS = [("fresh", 10, {}), ("aged", 120, {"owner": "team-data"}), ("rotating", 200, {})]


class EmulatorState:
    """What `create` recorded in the ephemeral directory (read() is None before and after)."""

    def __init__(self, directory):
        self.directory = directory
        self.path = os.path.join(directory, STATE_FILE)

    def read(self):
        if not os.path.exists(self.path):
            return None
        with open(self.path, encoding="utf-8") as stream:
            return json.load(stream)

    def write(self, values):
        with open(self.path, "w", encoding="utf-8") as stream:
            json.dump(values, stream, indent=2)

    def remove(self):
        recorded = self.read() or {}
        for path in (self.path, os.path.join(self.directory, AWS_CONFIG_FILE), recorded.get("inventory")):
            if path and os.path.exists(path):
                os.remove(path)


class RunningEmulator:
    """The emulator a `create` started, seen from a later process: enough for Account's clients."""

    def __init__(self, url):
        self.url = url


def process_identity(pid):
    """(start time, command line) of a live process, or None when it is gone (a zombie counts as gone)."""
    completed = subprocess.run(["ps", "-ww", "-o", "stat=,lstart=,args=", "-p", str(pid)], capture_output=True, text=True, check=False)
    # lstart is five words: "Tue Dec  1 03:17:18 2026".
    fields = completed.stdout.split(None, 6)
    if len(fields) < 6 or fields[0].startswith("Z"):
        return None
    return " ".join(fields[1:6]), fields[6] if len(fields) > 6 else ""


def process_arguments(pid):
    """The command line of a live process, or None when it is gone."""
    identity = process_identity(pid)
    return identity and identity[1]


def is_emulator(identity, started):
    """Only the server a create started is stopped, never a process that reuses its id: the
    emulator's program, started when the recorded one was."""
    return bool(identity) and SERVER in identity[1] and identity[0] == started


def stop_emulator(recorded):
    pid, started = recorded["pid"], recorded["started"]
    if not is_emulator(process_identity(pid), started):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + STOP_SECONDS
    while time.time() < deadline:
        if process_identity(pid) is None:
            return True
        time.sleep(0.1)
    if is_emulator(process_identity(pid), started):
        os.kill(pid, signal.SIGKILL)
    return True


def destroy(directory):
    state = EmulatorState(directory)
    recorded = state.read()
    if recorded and stop_emulator(recorded):
        print("stopped the emulator at {0} (process {1})".format(recorded["url"], recorded["pid"]))
    else:
        print("no emulator to stop")
    state.remove()


def create(directory):
    """Start an emulator, make an organisation of ACCOUNT_NAMES whose target accounts' AWS Config
    records IAM users, and write the inventory and the AWS configuration."""
    # An interrupted run may have left its emulator behind: this run replaces it.
    destroy(directory)
    # Left running on purpose, in a session of its own: `destroy` stops it, by the process id recorded below.
    emulator = Emulator(own_session=True).start()
    try:
        organizations = Account(emulator, AMBIENT_ACCOUNT, ORGANIZATIONS_REGION).client("organizations")
        accounts = create_organization(organizations, {}, root_accounts=ACCOUNT_NAMES)["accounts"]
        organization_id = organizations.describe_organization()["Organization"]["Id"]
        central, targets = accounts[ACCOUNT_NAMES[0]], [accounts[name] for name in ACCOUNT_NAMES[1:]]
        os.makedirs(os.path.join(directory, INVENTORY_DIRECTORY), exist_ok=True)
        estate = Estate(emulator, os.path.join(directory, INVENTORY_DIRECTORY), central, targets,
                        settings={"aged_keys_organization_id": organization_id})
        estate.prepare_targets()
        estate.write_inventory()
        with open(os.path.join(directory, AWS_CONFIG_FILE), "w", encoding="utf-8") as stream:
            stream.write("[default]\nregion = {0}\nendpoint_url = {1}\n".format(REGION, emulator.url))
        EmulatorState(directory).write({"pid": emulator.process.pid, "started": process_identity(emulator.process.pid)[0], "url": emulator.url,
                                        "organization_id": organization_id, "central": central, "targets": targets,
                                        "inventory": estate.inventory})
    except BaseException:
        emulator.stop()
        raise
    print("emulator at {0} (process {1}); organisation {2}: central account {3}, target accounts {4}".format(
        emulator.url, emulator.process.pid, organization_id, central, ", ".join(targets)))


def recorded_estate(directory):
    recorded = EmulatorState(directory).read()
    if recorded is None:
        raise SystemExit("no estate in {0}: run molecule create first".format(directory))
    return recorded


def accounts(recorded):
    emulator = RunningEmulator(recorded["url"])
    return Account(emulator, recorded["central"]), [Account(emulator, target) for target in recorded["targets"]]


def check_converged(directory, central=False, targets=False):
    """The central account, the target accounts or both as the rollout leaves them (tests/integration/readback.py)."""
    recorded = recorded_estate(directory)
    central_account, target_accounts = accounts(recorded)
    if central:
        readback.assert_central_converged(central_account, recorded["targets"], recorded["organization_id"])
    for target in target_accounts if targets else []:
        readback.assert_target_converged(target, recorded["central"])
    print("converged as the rollout leaves them:", ", ".join(name for name, checked in (("central", central), ("targets", targets)) if checked))


def check_empty(directory):
    central, targets = accounts(recorded_estate(directory))
    readback.assert_central_empty(central)
    for target in targets:
        readback.assert_target_empty(target)
    print("nothing of the rollout is left")


def drift_config(directory):
    """Out of band, in every target account: the remediation configuration is deleted and the rule
    given another maximum age (no module of amazon.aws or community.aws manages either)."""
    for target in accounts(recorded_estate(directory))[1]:
        config = target.client("config")
        config.delete_remediation_configuration(ConfigRuleName=readback.RULE_NAME)
        rule = readback.config_rule(target)
        config.put_config_rule(ConfigRule={
            "ConfigRuleName": readback.RULE_NAME,
            "Source": rule["Source"],
            "InputParameters": json.dumps({"maxAccessKeyAge": "365"}),
            "MaximumExecutionFrequency": rule["MaximumExecutionFrequency"],
        }, Tags=[{"Key": key, "Value": value} for key, value in rule["Tags"].items()])
    print("deleted the remediation configuration and set maxAccessKeyAge 365 in every target account")


def add_users(directory):
    """REPORT_USERS in every target account, then an evaluation of the rule and its remediations."""
    for target in accounts(recorded_estate(directory))[1]:
        for name, age, tags in REPORT_USERS:
            rehearsal.create_user(target, name, key_ages=[age], tags=tags)
        rehearsal.evaluate(target)
    print("users {0} in every target account, evaluated".format(", ".join(name for name, _age, _tags in REPORT_USERS)))


def rotate_keys(directory, user_name):
    """The user does what the message asks in every target account; AWS Config evaluates again."""
    for target in accounts(recorded_estate(directory))[1]:
        rehearsal.rotate_keys(target, user_name)
        rehearsal.evaluate(target)
    print("{0} rotated their keys in every target account, evaluated".format(user_name))


def check_report(directory, report_path):
    """The report's users of each account are the rule's non-compliant users as AWS Config lists them."""
    _central, targets = accounts(recorded_estate(directory))
    with open(report_path, encoding="utf-8") as stream:
        report = json.load(stream)
    for target in targets:
        config = target.client("config")
        expected = sorted(rehearsal.result_resource_id(result) for result in rehearsal.compliance_details(config)
                          if result["ComplianceType"] == "NON_COMPLIANT")
        found = sorted(user["resource_id"] for user in report["users"] if user["account_id"] == target.account_id)
        assert found == expected, "account {0}: the report lists {1}, AWS Config {2}".format(target.account_id, found, expected)
    print("the report lists the non-compliant users AWS Config lists")


# Each command with what it runs on the parsed arguments.
COMMANDS = {
    "create": lambda arguments: create(arguments.directory),
    "destroy": lambda arguments: destroy(arguments.directory),
    "check-converged": lambda arguments: check_converged(arguments.directory, arguments.central, arguments.targets),
    "check-empty": lambda arguments: check_empty(arguments.directory),
    "drift-config": lambda arguments: drift_config(arguments.directory),
    "add-users": lambda arguments: add_users(arguments.directory),
    "rotate-keys": lambda arguments: rotate_keys(arguments.directory, arguments.user_name),
    "check-report": lambda arguments: check_report(arguments.directory, arguments.report),
}


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        command = commands.add_parser(name)
        command.add_argument("directory", type=os.path.abspath, help="the scenario's ephemeral directory (MOLECULE_EPHEMERAL_DIRECTORY)")
    commands.choices["check-converged"].add_argument("--central", action="store_true", help="check the central account")
    commands.choices["check-converged"].add_argument("--targets", action="store_true", help="check every target account")
    commands.choices["rotate-keys"].add_argument("user_name")
    commands.choices["check-report"].add_argument("report", help="the JSON report (aged_keys_report_path)")
    return parser.parse_args(argv)


def main(argv=None):
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    COMMANDS[arguments.command](arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
