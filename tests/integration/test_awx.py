# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The repository as an AWX/AAP project: a project sync of a clean copy, jobs run with
ansible-runner the way AWX runs them (rollout, scheduled drift check, job slices), and the
execution environment's build context."""

import json
import os
import subprocess
import sys

import pytest
import yaml

import readback
from awx_runner import BIN, Project, aws_credential_env, clean_environment, sliced_inventory
from conftest import CENTRAL, TARGETS
from estate import REPO

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("awx")

# What an "Amazon Web Services" credential with a session token injects (the emulator accepts
# any keys), plus the emulator's endpoint. No region: AWX's credential injects none.
CREDENTIAL = aws_credential_env("testing", "testing", security_token="testing-session-token")
SLICES = 3
# Keys of the read-back whose values AWS makes up on every creation.
GENERATED = {"Arn", "ConfigRuleArn", "ConfigRuleId", "CreatedDate", "CreationDate", "KeyId", "SubscriptionArn"}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    synced = Project(tmp_path_factory.mktemp("awx-project"))
    result = synced.sync()
    assert result.returncode == 0, result.stdout + result.stderr
    return synced


def without_generated(value):
    if isinstance(value, dict):
        return {key: without_generated(item) for key, item in value.items() if key not in GENERATED}
    if isinstance(value, list):
        return [without_generated(item) for item in value]
    return value


def estate_state(estate):
    """Everything the rollout made in every account, read back with boto3."""
    central = estate.account(estate.central)
    key = readback.kms_key(central)
    state = {"central": {
        "topic": readback.topic(central),
        "key": key and {"policy": key["policy"], "tags": key["tags"], "rotation": key["rotation"],
                        "state": key["metadata"]["KeyState"], "manager": key["metadata"]["KeyManager"]},
    }}
    for target in estate.targets:
        account = estate.account(target)
        state[target] = {"role": readback.automation_role(account), "document": readback.document(account),
                         "rule": readback.config_rule(account), "remediation": readback.remediation(account)}
    return without_generated(state)


def exported_inventory(project, inventory):
    """The inventory as AWX imports a project inventory source (ansible-inventory --list --export)."""
    command = [os.path.join(BIN, "ansible-inventory"), "-i", inventory, "--list", "--export"]
    listed = subprocess.run(command, cwd=project.checkout, env=clean_environment(), capture_output=True, text=True, check=True)
    return json.loads(listed.stdout)


def test_project_sync_installs_this_checkout_as_the_collection(project):
    assert not os.path.lexists(os.path.join(project.checkout, ".build"))
    installed = os.path.join(project.requirements_collections, "ansible_collections", "cloudsec", "aged_keys")
    with open(os.path.join(installed, "MANIFEST.json")) as stream:
        assert json.load(stream)["collection_info"]["name"] == "aged_keys"
    with open(os.path.join(project.checkout, "roles", "target_account", "tasks", "main.yml")) as stream:
        checked_out = stream.read()
    with open(os.path.join(installed, "roles", "target_account", "tasks", "main.yml")) as stream:
        assert stream.read() == checked_out


def test_awx_jobs_roll_out_then_the_scheduled_drift_check_finds_nothing(project, estate, emulator, tmp_path):
    endpoint = {"AWS_ENDPOINT_URL": emulator.url}
    rollout = project.job(tmp_path / "rollout", estate.inventory, CREDENTIAL, endpoint, cmdline="--forks=10").run()
    assert (rollout.rc, rollout.status) == (0, "successful"), rollout
    assert {host for task, host in rollout.changed_tasks()} == {estate.host_name(a) for a in [CENTRAL] + TARGETS}
    readback.assert_central_converged(estate.account(CENTRAL), TARGETS)
    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL)

    drift_check = project.job(tmp_path / "drift", estate.inventory, CREDENTIAL, endpoint,
                              extra_vars={"aged_keys_fail_on_drift": True}, cmdline="--check --diff --forks=10").run()
    assert (drift_check.rc, drift_check.status) == (0, "successful"), drift_check
    assert drift_check.changed_tasks() == []
    assert len(drift_check.hosts()) == 1 + len(TARGETS)
    # env/cmdline put the job in check mode: every account recorded its drift (an empty list).
    recorded = {host for name, task, host, result in drift_check.host_results() if name == "runner_on_ok" and task == "Record what drifted in the account"}
    assert recorded == {estate.host_name(account) for account in [CENTRAL] + TARGETS}


def test_job_slices_converge_every_account_like_one_job(project, estate, emulator, tmp_path):
    # Job slicing needs both settings: target slices without the central host find its id in
    # aged_keys_central_account_id, and the central account's policies must not depend on
    # which targets share its slice (docs/awx.md).
    # The central policies name every target: in the slice holding the central account too (the
    # Organizations inventory plugin sets aged_keys_target_account_ids on the central host).
    estate.write_inventory(settings={"aged_keys_central_account_id": CENTRAL, "aged_keys_organization_id": "o-abcdef1234"},
                           host_vars={CENTRAL: {"aged_keys_target_account_ids": TARGETS}})
    exported = exported_inventory(project, estate.inventory)
    endpoint = {"AWS_ENDPOINT_URL": emulator.url}
    slices = [sliced_inventory(exported, number, SLICES) for number in range(1, SLICES + 1)]
    sliced_hosts = [sorted(inventory["_meta"]["hostvars"]) for inventory in slices]
    assert sorted(sum(sliced_hosts, [])) == sorted(exported["_meta"]["hostvars"])
    # This estate's host names put the central account alone in one slice, so the other
    # slices hold target accounts only.
    assert [estate.host_name(CENTRAL)] in sliced_hosts

    # AWX starts the slices of a job at the same time.
    jobs = [project.job(tmp_path / "slice{0}".format(n), inventory, CREDENTIAL, endpoint).start()
            for n, inventory in enumerate(slices, start=1)]
    results = [job.wait() for job in jobs]
    for result, hosts in zip(results, sliced_hosts):
        assert (result.rc, result.status) == (0, "successful"), result
        assert result.hosts() == hosts
    sliced_state = estate_state(estate)
    for target in TARGETS:
        assert sliced_state[target]["remediation"] is not None

    emulator.reset()
    estate.prepare_targets()
    single = project.job(tmp_path / "single", sliced_inventory(exported), CREDENTIAL, endpoint).run()
    assert (single.rc, single.status) == (0, "successful"), single
    assert estate_state(estate) == sliced_state


def test_execution_environment_build_context_holds_the_requirements(tmp_path):
    context = tmp_path / "context"
    command = [os.path.join(BIN, "ansible-builder"), "create", "-f", os.path.join(REPO, "execution-environment.yml"),
               "-c", str(context), "--output-filename", "Containerfile"]
    subprocess.run(command, env=clean_environment(), check=True, capture_output=True)

    with open(os.path.join(REPO, "execution-environment.yml")) as stream:
        definition = yaml.safe_load(stream)
    with open(os.path.join(REPO, "requirements.txt")) as stream:
        pins = dict(line.split("==") for line in stream.read().splitlines() if "==" in line and not line.startswith("#"))
    containerfile = (context / "Containerfile").read_text()
    assert definition["images"]["base_image"]["name"] in containerfile
    # The Python of the primary set, which these tests run on.
    primary_python = "python{0}.{1}".format(*sys.version_info[:2])
    assert definition["dependencies"]["python_interpreter"]["package_system"] == primary_python
    assert definition["dependencies"]["python_interpreter"]["python_path"] == "/usr/bin/" + primary_python
    # ansible-core and the AWS SDK as pinned for the controller; ansible-runner as pinned for tests.
    assert "ansible-core=={0}".format(pins["ansible-core"]) in containerfile
    assert "ansible-runner==" in containerfile
    python = (context / "_build" / "requirements.txt").read_text().split()
    assert python == ["boto3=={0}".format(pins["boto3"]), "botocore=={0}".format(pins["botocore"])]
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert {c["name"] for c in galaxy["collections"]} == {"amazon.aws", "community.aws"}
    assert "ansible-galaxy collection install" in containerfile and "_build" in containerfile


AWX_SETTINGS = {
    "aged_keys_awx_organization": "Security",
    "aged_keys_awx_scm_url": "https://git.example.com/cloudsec/aged_keys.git",
    "aged_keys_awx_aws_credential": "aged-keys-deployer",
    # Nothing listens there: the first call to the controller fails, and shows where it is.
    "aged_keys_awx_controller_host": "http://127.0.0.1:9",
    "aged_keys_awx_controller_oauthtoken": "not-a-token",
}


def configure_awx(settings, *args):
    # Its only host is localhost: named, since ansible.cfg fails a run without a parsed inventory.
    command = [os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", os.path.join(REPO, "playbooks", "awx_configure.yml"),
               "-e", json.dumps(settings)] + list(args)
    env = dict(clean_environment(), ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"))
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)


def test_awx_configuration_playbook_parses():
    completed = configure_awx(AWX_SETTINGS, "--syntax-check")
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize("bad, message", [
    ({"aged_keys_awx_scm_url": None}, "aged_keys_awx_scm_url"),
    ({"aged_keys_awx_job_slice_count": "many"}, "aged_keys_awx_job_slice_count"),
    ({"aged_keys_awx_job_slice_count": 4}, "with more than one job slice set aged_keys_awx_organization_id"),
    ({"aged_keys_awx_report_rrule": "every day"}, "the rrules need an RRULE part"),
    ({"aged_keys_awx_job_slice_count": 4, "aged_keys_awx_organization_id": "o-abcdef1234", "aged_keys_awx_central_account_id": "123"},
     "with more than one job slice set aged_keys_awx_organization_id"),
])
def test_awx_configuration_checks_its_variables_before_calling_the_controller(bad, message):
    settings = {name: value for name, value in dict(AWX_SETTINGS, **bad).items() if value is not None}
    completed = configure_awx(settings)
    assert completed.returncode != 0
    assert message in completed.stdout, completed.stdout
    assert "Look up the organization" not in completed.stdout


def test_awx_configuration_with_valid_variables_first_looks_up_the_organization():
    completed = configure_awx(dict(AWX_SETTINGS, aged_keys_awx_job_slice_count=4, aged_keys_awx_organization_id="o-abcdef1234",
                                   aged_keys_awx_central_account_id=CENTRAL))
    assert completed.returncode != 0
    failed_task = completed.stdout.split("fatal:")[0].rsplit("TASK [", 1)[-1]
    assert failed_task.startswith("Look up the organization"), completed.stdout
    assert "127.0.0.1:9" in completed.stdout
