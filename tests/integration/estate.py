# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An emulated estate of AWS accounts: the emulator process, accounts with AWS Config
recording, an inventory, and playbook runs with structured results.

Used by the integration tests, the demo and the benchmarks.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request

import boto3
import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "emulator"))

from aged_keys_emulator.control import ControlError, restore_emulator_snapshot, take_emulator_snapshot  # noqa: E402  pylint: disable=wrong-import-position

SERVER = os.path.join(REPO, "tests", "emulator", "server.py")
REGION = "eu-west-1"
EXECUTION_ROLE = "OrganizationAccountAccessRole"
# The emulator's ambient credentials act in this account (moto's default account).
AMBIENT_ACCOUNT = "123456789012"


class Emulator:
    """The emulator as a child process, serving every account."""

    def __init__(self, request_log=None, load_managed_policies=True, own_session=False):
        """request_log: a file to log every AWS API request to (see logged_requests). Without
        load_managed_policies, new accounts are made without AWS managed policies (moto loads them
        into each new account, about a second each): for estates of many accounts. With own_session,
        the emulator runs in a session of its own, so that it outlives the process group of the
        process that started it (Ansible ends a task's whole process group)."""
        # Known once started: the server picks a free port itself, so emulators started side by
        # side never race for one.
        self.port = None
        self.url = None
        self.request_log = request_log
        self.load_managed_policies = load_managed_policies
        self.own_session = own_session
        self.process = None
        # The names of the snapshots taken (see snapshot()).
        self.snapshots = set()

    def start(self, timeout=180):
        command = [sys.executable, SERVER, "--port", "0"]
        if self.request_log:
            command += ["--request-log", self.request_log]
        environment = dict(os.environ)
        if not self.load_managed_policies:
            environment["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=environment,
                                        start_new_session=self.own_session)
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.process.stdout.readline()
            if line.startswith("emulator ready on "):
                self.url = line.split()[-1]
                self.port = int(self.url.rsplit(":", 1)[1])
                return self
            if self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError("the emulator did not start; run {0} --port 5000 to see why".format(SERVER))

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def logged_requests(self, start=0):
        """The request log's entries from the start-th on: {"service", "action", "account_id", "region"}."""
        with open(self.request_log) as stream:
            return [json.loads(line) for line in stream.readlines()[start:]]

    def reset(self):
        request = urllib.request.Request(self.url + "/moto-api/reset", method="POST", data=b"")
        urllib.request.urlopen(request).read()

    def snapshot(self, name, timeout=300):
        """Keep the emulator's whole state under `name`, as soon as its background work (remediations,
        automations) has finished."""
        deadline = time.time() + timeout
        while True:
            try:
                take_emulator_snapshot(self.url, name)
                self.snapshots.add(name)
                return
            except ControlError as error:
                if error.status != 409 or time.time() > deadline:
                    raise
            time.sleep(0.2)

    def restore(self, name):
        """Replace the emulator's whole state by the snapshot `name`."""
        restore_emulator_snapshot(self.url, name)

    def environment(self):
        """Environment of a controller whose ambient credentials reach the emulator."""
        env = dict(os.environ)
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            env.pop(name, None)
        env.update({
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "ANSIBLE_CONFIG": os.path.join(REPO, "ansible.cfg"),
        })
        return env

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Account:
    """boto3 clients acting in one account of the emulator, read back independently of Ansible."""

    def __init__(self, emulator, account_id, region=REGION):
        self.account_id = account_id
        self.region = region
        self.emulator = emulator
        ambient = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region)
        if account_id == AMBIENT_ACCOUNT:
            self.session = ambient
        else:
            credentials = ambient.client("sts", endpoint_url=emulator.url).assume_role(
                RoleArn="arn:aws:iam::{0}:role/{1}".format(account_id, EXECUTION_ROLE),
                RoleSessionName="estate-check",
            )["Credentials"]
            self.session = boto3.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
                region_name=region,
            )

    def client(self, service, region=None):
        return self.session.client(service, endpoint_url=self.emulator.url, region_name=region or self.region)

    def enable_config_recording(self, include_iam_users=True):
        """A recorder and delivery channel as an organisation would have them."""
        s3 = self.client("s3")
        bucket = "config-{0}-{1}".format(self.account_id, self.region)
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": self.region})
        config = self.client("config")
        config.put_configuration_recorder(ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::{0}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig".format(self.account_id),
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": include_iam_users},
        })
        config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
        config.start_configuration_recorder(ConfigurationRecorderName="default")


class Estate:
    """One central account and some target accounts, with an inventory file for them."""

    def __init__(self, emulator, directory, central, targets, settings=None, host_vars=None):
        self.emulator = emulator
        self.directory = str(directory)
        self.central = central
        self.targets = list(targets)
        self.settings = dict(settings or {})
        self.host_vars = dict(host_vars or {})
        self.inventory = os.path.join(self.directory, "inventory.yml")
        # The AWS endpoint of the controller's runs; None: the emulator itself. Set it to a
        # proxy's URL (faults.FaultProxy) to route the playbooks' AWS calls through it; the
        # read-back clients of account() always talk to the emulator directly.
        self.endpoint_url = None

    @staticmethod
    def host_name(account_id):
        return "account-{0}".format(account_id)

    def account(self, account_id, region=REGION):
        return Account(self.emulator, account_id, region)

    def prepare_targets(self, targets=None):
        for account_id in targets or self.targets:
            self.account(account_id).enable_config_recording()

    def write_inventory(self, central=None, targets=None, settings=None, host_vars=None):
        """Write the inventory; arguments replace the estate's defaults for this file."""
        central = self.central if central is None else central
        targets = self.targets if targets is None else targets
        settings = dict(self.settings, **(settings or {}))
        host_vars = dict(self.host_vars, **(host_vars or {}))

        def host(account_id):
            values = {"account_id": account_id}
            if account_id == AMBIENT_ACCOUNT:
                values["aged_keys_assume_role"] = False
            values.update(host_vars.get(account_id, {}))
            return values

        # The administrator role that every emulated account has, unless a test runs as the
        # collection's own deployer and auditor (a setting of None leaves a variable out).
        variables = dict({"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                          "aged_keys_region": REGION, "aged_keys_execution_role_name": EXECUTION_ROLE}, **settings)
        inventory = {"all": {
            "vars": {name: value for name, value in variables.items() if value is not None},
            "children": {
                "central": {"hosts": {self.host_name(a): host(a) for a in ([central] if central else [])}},
                "targets": {"hosts": {self.host_name(a): host(a) for a in targets}},
            },
        }}
        with open(self.inventory, "w") as stream:
            yaml.safe_dump(inventory, stream, default_flow_style=False)
        return self.inventory

    def run(self, playbook="site.yml", *args, check=False, diff=False, extra_vars=None, limit=None, show=False,
            inventory=None, cwd=REPO, env=None):
        """Run a playbook on the estate. show=True streams Ansible's usual output instead of
        collecting structured results. A playbook path is relative to the checkout; a collection
        playbook is given by name (cloudsec.aged_keys.site). `env` adds to the controller's environment."""
        if playbook.endswith((".yml", ".yaml")):
            playbook = os.path.join(REPO, playbook)
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory or self.inventory, playbook]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if limit:
            command += ["--limit", limit]
        for name, value in (extra_vars or {}).items():
            command += ["-e", json.dumps({name: value})]
        command += list(args)
        environment = self.emulator.environment()
        if self.endpoint_url:
            environment["AWS_ENDPOINT_URL"] = self.endpoint_url
        for name, value in (env or {}).items():
            if value is None:
                environment.pop(name, None)
            else:
                environment[name] = value
        if show:
            return subprocess.run(command, cwd=cwd, env=environment, check=False).returncode
        environment.update({"ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json", "ANSIBLE_FORCE_COLOR": "0"})
        completed = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, check=False)
        return PlaybookRun(command, completed)


class PlaybookRun:
    """Structured results of one ansible-playbook run (ansible.posix.json callback)."""

    def __init__(self, command, completed):
        self.command = command
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        start = completed.stdout.find("{")
        try:
            self.data = json.loads(completed.stdout[start:]) if start >= 0 else {}
        except ValueError:
            self.data = {}
        self.stats = self.data.get("stats", {})

    def __repr__(self):
        return "PlaybookRun(rc={0}, stats={1}, failures={2})\n{3}".format(self.rc, self.stats, self.failures(), self.stderr[-3000:])

    def results(self, host=None):
        """(task name, host, result) for every task result of the run."""
        for play in self.data.get("plays", []):
            for task in play.get("tasks", []):
                for name, result in task.get("hosts", {}).items():
                    if host is None or name == host:
                        # Role tasks are named "<role> : <task>"; keep the task's own name.
                        yield task["task"]["name"].split(" : ", 1)[-1], name, result

    def changed_tasks(self, host=None):
        return [(task, name) for task, name, result in self.results(host) if result.get("changed")]

    def failures(self):
        return [(task, name, result.get("msg", "")) for task, name, result in self.results()
                if result.get("failed") and not result.get("skipped")]

    def total(self, key):
        return sum(host.get(key, 0) for host in self.stats.values())


# AWS Organizations, as the organization inventory plugin reads it

ORGANIZATIONS_REGION = "us-east-1"


def create_organization(client, units, root_accounts=()):
    """An organization of the caller's account with these OUs and accounts.

    `units` maps an OU name to {"accounts": [...], "units": {...}} (both optional); an account is
    a name or a (name, tags) pair. Returns {"root": root id, "units": {path: OU id},
    "accounts": {name: account id}}, with paths such as "Root/Workloads/Prod".
    """
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]
    made = {"root": root["Id"], "units": {"Root": root["Id"]}, "accounts": {}}

    def add_accounts(parent_id, accounts):
        for account in accounts:
            name, tags = (account, {}) if isinstance(account, str) else account
            request = {"AccountName": name, "Email": "{0}@example.com".format(name.replace(" ", "-"))}
            if tags:
                request["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
            account_id = client.create_account(**request)["CreateAccountStatus"]["AccountId"]
            client.move_account(AccountId=account_id, SourceParentId=root["Id"], DestinationParentId=parent_id)
            made["accounts"][name] = account_id

    def add_units(parent_id, parent_path, children):
        for name, content in children.items():
            unit_id = client.create_organizational_unit(ParentId=parent_id, Name=name)["OrganizationalUnit"]["Id"]
            path = parent_path + "/" + name
            made["units"][path] = unit_id
            add_accounts(unit_id, content.get("accounts", []))
            add_units(unit_id, path, content.get("units", {}))

    add_accounts(root["Id"], root_accounts)
    add_units(root["Id"], "Root", units)
    return made
