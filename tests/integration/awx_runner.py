# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the project the way AWX/AAP runs a job: a project sync into a clean copy of the
repository, then `ansible-runner run <private data dir> -p <playbook>` with the private data
directory laid out as AWX writes it (project/, inventory/, env/envvars, env/extravars,
env/cmdline), the environment an "Amazon Web Services" credential injects, and job slicing.

The AWX source this follows (ansible/awx, devel, 2024):
- awx/playbooks/project_update.yml: the project sync runs
  `ansible-galaxy collection install -r collections/requirements.yml` with chdir set to the
  project directory, into a requirements_collections directory.
- awx/main/tasks/jobs.py, RunJob.build_env: ANSIBLE_COLLECTIONS_PATH(S) is
  <private data dir>/requirements_collections, then the collections_path of the project's
  ansible.cfg as written, then ~/.ansible/collections:/usr/share/ansible/collections.
- awx/main/tests/unit/test_tasks.py, test_aws_cloud_credential(_with_sts_token): the AWS
  credential injects AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, when it has a token,
  AWS_SECURITY_TOKEN.
- awx/main/models/inventory.py, Inventory.get_script_data/get_sliced_hosts: a job slice gets
  the enabled hosts ordered by name, `hosts[slice_number - 1::slice_count]`; every group keeps
  its variables and children but lists only the slice's hosts. RunJob.build_inventory writes
  that data as an executable script in inventory/hosts.
"""

import configparser
import glob
import json
import os
import shutil
import subprocess
import sys

from estate import REPO

BIN = os.path.dirname(sys.executable)
# ansible-core's default collection paths, which AWX appends (RunJob.build_env).
DEFAULT_COLLECTIONS_PATHS = ["~/.ansible/collections", "/usr/share/ansible/collections"]
# Environment variables a job gets from AWX itself, not from a credential.
AWX_JOB_ENV = {"ANSIBLE_RETRY_FILES_ENABLED": "False", "ANSIBLE_FORCE_COLOR": "False", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True"}


def copy_project(destination):
    """The files git tracks, as they are in the work tree: what a clone of the next commit
    holds. Nothing ignored comes along, in particular not the .build/collections link."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached"], cwd=REPO, check=True, capture_output=True).stdout
    for path in filter(None, listed.decode().split("\0")):
        source = os.path.join(REPO, path)
        if not os.path.lexists(source):
            continue  # deleted in the work tree, not yet committed
        target = os.path.join(destination, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)
    return destination


def clean_environment():
    """A process environment without the developer's Ansible or AWS settings: like a job's
    container, everything else comes from the private data directory."""
    keep = ("HOME", "LANG", "LC_ALL", "TMPDIR", "USER")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env["PATH"] = BIN + os.pathsep + "/usr/local/bin:/usr/bin:/bin"
    return env


def aws_credential_env(access_key, secret_key, security_token=None):
    """What AWX's "Amazon Web Services" credential injects into a job."""
    env = {"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    if security_token:
        env["AWS_SECURITY_TOKEN"] = security_token
    return env


def collections_path(private_data_dir):
    """ANSIBLE_COLLECTIONS_PATH as RunJob.build_env computes it for a job of this project."""
    parser = configparser.ConfigParser()
    parser.read(os.path.join(private_data_dir, "project", "ansible.cfg"))
    paths = list(DEFAULT_COLLECTIONS_PATHS)
    configured = parser.get("defaults", "collections_path", fallback=None)
    if configured and any(path not in paths for path in configured.split(":")):
        paths = [configured] + paths
    return os.pathsep.join([os.path.join(private_data_dir, "requirements_collections")] + paths)


def sliced_inventory(exported, slice_number=1, slice_count=1):
    """The inventory script data of one job slice, from `ansible-inventory --list --export`
    output (what AWX imports from a project inventory source)."""
    hostvars = exported.get("_meta", {}).get("hostvars", {})
    hosts = sorted(hostvars)
    if slice_count > 1:
        hosts = hosts[slice_number - 1::slice_count]
    in_slice = set(hosts)
    data = {"all": {"vars": exported.get("all", {}).get("vars", {}), "children": []}}
    grouped = set()
    for name, group in exported.items():
        if name in ("_meta", "all"):
            continue
        info = {key: group[key] for key in ("children", "vars") if group.get(key)}
        members = [host for host in group.get("hosts", []) if host in in_slice]
        if members:
            info["hosts"] = members
            grouped.update(members)
        if info:
            data[name] = info
        data["all"]["children"].append(name)
    data["all"]["hosts"] = [host for host in hosts if host not in grouped]
    data["_meta"] = {"hostvars": {host: dict(hostvars[host], remote_tower_enabled="true") for host in hosts}}
    return data


class Project:
    """A project checkout after an AWX project sync, shared by the jobs of a test."""

    def __init__(self, directory):
        self.directory = str(directory)
        self.checkout = copy_project(os.path.join(self.directory, "checkout"))
        self.requirements_collections = os.path.join(self.directory, "requirements_collections")

    def sync(self):
        """Install collections/requirements.yml as AWX's project update does. Ansible Galaxy
        is out of reach here: amazon.aws and community.aws come from the installed `ansible`
        package (an execution environment has them in /usr/share/ansible/collections)."""
        command = [os.path.join(BIN, "ansible-galaxy"), "collection", "install", "-r", "collections/requirements.yml",
                   "-p", self.requirements_collections, "--offline"]
        return subprocess.run(command, cwd=self.checkout, env=clean_environment(), capture_output=True, text=True, check=False)

    def job(self, directory, inventory, credential, extra_env=None, extra_vars=None, cmdline=""):
        """A private data directory for one job. inventory: a static inventory file to copy, or
        inventory script data (a dict) as AWX writes it."""
        return Job(self, directory, inventory, credential, extra_env, extra_vars, cmdline)


class Job:
    """One AWX job: its private data directory and its ansible-runner run."""

    def __init__(self, project, directory, inventory, credential, extra_env, extra_vars, cmdline):
        self.directory = str(directory)
        shutil.copytree(project.checkout, os.path.join(self.directory, "project"), symlinks=True)
        shutil.copytree(project.requirements_collections, os.path.join(self.directory, "requirements_collections"))
        os.makedirs(os.path.join(self.directory, "inventory"))
        os.makedirs(os.path.join(self.directory, "env"))
        if isinstance(inventory, dict):
            self._write("inventory/hosts", "#! /usr/bin/env python3\n# -*- coding: utf-8 -*-\nprint(%r)\n" % json.dumps(inventory), 0o700)
        else:
            shutil.copy(inventory, os.path.join(self.directory, "inventory", "hosts.yml"))
        envvars = dict(AWX_JOB_ENV, **credential)
        envvars.update(extra_env or {})
        envvars["ANSIBLE_COLLECTIONS_PATH"] = collections_path(self.directory)
        self._write("env/envvars", json.dumps(envvars))
        self._write("env/extravars", json.dumps(dict({"awx_job_id": 1, "tower_job_id": 1}, **(extra_vars or {}))))
        if cmdline:
            self._write("env/cmdline", cmdline)
        self.process = None

    def _write(self, relative, content, mode=0o600):
        path = os.path.join(self.directory, relative)
        with open(path, "w") as stream:
            stream.write(content)
        os.chmod(path, mode)

    def start(self, playbook="site.yml"):
        command = [os.path.join(BIN, "ansible-runner"), "run", self.directory, "-p", playbook, "--ident", "job"]
        self.process = subprocess.Popen(command, env=clean_environment(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return self

    def wait(self):
        output = self.process.communicate()[0]
        return JobResult(self.directory, self.process.returncode, output)

    def run(self, playbook="site.yml"):
        return self.start(playbook).wait()


class JobResult:
    """What ansible-runner left in artifacts/job: rc, status and the job events AWX stores."""

    def __init__(self, directory, returncode, output):
        artifacts = os.path.join(directory, "artifacts", "job")
        self.returncode = returncode
        self.output = output
        self.rc = int(self._read(artifacts, "rc", "-1"))
        self.status = self._read(artifacts, "status", "unknown")
        self.events = []
        for path in glob.glob(os.path.join(artifacts, "job_events", "*.json")):
            with open(path) as stream:
                self.events.append(json.load(stream))
        self.events.sort(key=lambda event: event.get("counter", 0))

    @staticmethod
    def _read(directory, name, default):
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            return default
        with open(path) as stream:
            return stream.read().strip()

    def __repr__(self):
        return "JobResult(rc={0}, status={1}, failures={2})\n{3}".format(self.rc, self.status, self.failures(), self.output[-3000:])

    def host_results(self):
        """(event name, task name, host, result) of every task result."""
        for event in self.events:
            data = event.get("event_data", {})
            if event.get("event", "").startswith("runner_on_") and "host" in data:
                yield event["event"], data.get("task", ""), data["host"], data.get("res", {})

    def changed_tasks(self):
        return sorted((task, host) for name, task, host, result in self.host_results() if name == "runner_on_ok" and result.get("changed"))

    def failures(self):
        return [(task, host, result.get("msg", "")) for name, task, host, result in self.host_results() if name == "runner_on_failed"]

    def hosts(self):
        return sorted({host for name, task, host, result in self.host_results()})
