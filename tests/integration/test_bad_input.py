# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input fails with a clear message before anything changes in any account."""

import os
import subprocess
import sys

import pytest

import readback
from conftest import CENTRAL, TARGETS
from estate import REPO

CASES = {
    "invalid account id": (
        {"host_vars": {TARGETS[0]: {"account_id": "12345"}}},
        "account_id must be the 12-digit AWS account id"),
    "unquoted account id": (
        {"host_vars": {TARGETS[0]: {"account_id": 222233334444}}},
        "as a quoted string"),
    "unknown frequency": (
        {"settings": {"aged_keys_evaluation_frequency": "Daily"}},
        "must be one of"),
    "zero max age": (
        {"settings": {"aged_keys_max_access_key_age": 0}},
        "aged_keys_max_access_key_age must be a positive number"),
    "max age beyond the document's limit": (
        {"settings": {"aged_keys_max_access_key_age": 10000}},
        "aged_keys_max_access_key_age must be a positive number"),
    "negative max age": (
        {"settings": {"aged_keys_max_access_key_age": -5}},
        "aged_keys_max_access_key_age must be a positive number"),
    "home region differs from topic region": (
        {"host_vars": {TARGETS[2]: {"aged_keys_home_region": "us-east-1"}}},
        "differs from the topic region"),
    "missing central host": (
        {"central": ""},
        "put the central account (with its account_id) in the inventory group 'central', or set aged_keys_central_account_id"),
    "central account id differs from the central host's": (
        {"settings": {"aged_keys_central_account_id": "999988887777"}},
        "aged_keys_central_account_id '999988887777' differs from the account_id '{0}'".format(CENTRAL)),
    "central account id differs from the central account's own id": (
        {"targets": [], "settings": {"aged_keys_organization_id": "o-abcdef1234", "aged_keys_central_account_id": "999988887777"}},
        "differs from the account_id '{0}' of this central account".format(CENTRAL)),
    "central account id without a central host is not twelve digits": (
        {"central": "", "settings": {"aged_keys_central_account_id": "1234"}},
        "the central account's id must be its 12-digit account id as a quoted string, got '1234'"),
    "remediation attempts out of range": (
        {"settings": {"aged_keys_remediation_max_attempts": 30}},
        "aged_keys_remediation_max_attempts must be a whole number from 1 to 25"),
    "http subscription": (
        {"settings": {"aged_keys_subscriptions": [{"protocol": "http", "endpoint": "http://hooks.example.com/t0ken"}]}},
        "aged_keys_subscriptions has an http subscription, which would send the notifications unencrypted: use https"),
    "unknown partition": (
        {"settings": {"aged_keys_partition": "aws-mars"}},
        "aged_keys_partition must be one of aws, aws-cn, aws-us-gov, got 'aws-mars'"),
    "topic name with a dot": (
        {"settings": {"aged_keys_topic_name": "aged.keys"}},
        "aged_keys_topic_name must be an SNS topic name"),
    "key alias in the aws namespace": (
        {"settings": {"aged_keys_kms_alias": "aws/aged-keys"}},
        "aged_keys_kms_alias must be a KMS alias name"),
    "document name reserved by AWS": (
        {"settings": {"aged_keys_document_name": "AWS-NotifyAgedKeys"}},
        "aged_keys_document_name must be 3 to 128 letters"),
    "rule name with a space": (
        {"settings": {"aged_keys_config_rule_name": "aged keys"}},
        "aged_keys_config_rule_name must be 1 to 128 letters"),
    "role name prefix too long": (
        {"settings": {"aged_keys_automation_role_name_prefix": "x" * 49}},
        "aged_keys_automation_role_name_prefix must be 1 to 48 letters"),
    "deployment id that cannot be a tag value": (
        {"settings": {"aged_keys_deployment_id": "team{b}"}},
        "aged_keys_deployment_id must be a tag value"),
    "owner tag key with a comma": (
        {"settings": {"aged_keys_owner_tag_key": "owner,team"}},
        "aged_keys_owner_tag_key must be an IAM tag key"),
    "reminders beyond a year": (
        {"settings": {"aged_keys_reminder_days": 400}},
        "aged_keys_reminder_days must be a whole number of days from 0"),
    "deactivation before the key is aged": (
        {"settings": {"aged_keys_deactivate_after_days": 60}},
        "aged_keys_deactivate_after_days (60) must be greater than aged_keys_max_access_key_age (90)"),
    "enforce without days": (
        {"settings": {"aged_keys_deactivation_mode": "enforce"}},
        "aged_keys_deactivation_mode enforce needs aged_keys_deactivate_after_days"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_before_any_change(estate, case):
    inventory, message = CASES[case]
    estate.write_inventory(**inventory)

    run = estate.run()
    assert run.rc != 0, run
    assert message in run.stdout, run
    assert run.total("changed") == 0
    # Subscription endpoints may carry tokens: never printed.
    assert "t0ken" not in run.stdout + run.stderr

    assert readback.topic(estate.account(CENTRAL)) is None
    assert readback.kms_key(estate.account(CENTRAL)) is None
    for target in TARGETS:
        readback.assert_target_empty(estate.account(target))


def test_example_inventory_passes_validation(emulator):
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", os.path.join(REPO, "inventory.example"),
               os.path.join(REPO, "playbooks", "validate.yml")]
    completed = subprocess.run(command, cwd=REPO, env=emulator.environment(), capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "failed=0" in completed.stdout


def test_an_inventory_that_cannot_be_parsed_fails_the_run(estate, tmp_path):
    # A typo in an Organizations inventory source: the plugin refuses it before reading AWS.
    source = tmp_path / "accounts.aws_organization_accounts.yml"
    source.write_text("plugin: cloudsec.aged_keys.aws_organization_accounts\ncentral_account_id: '{0}'\nexclude_account_name: ['sandbox-*']\n".format(CENTRAL))

    run = estate.run(inventory=str(source))
    assert run.rc != 0
    output = run.stdout + run.stderr
    assert "unknown option 'exclude_account_name'; did you mean 'exclude_account_names'?" in output
    for target in TARGETS:
        readback.assert_target_empty(estate.account(target))


@pytest.mark.parametrize("targets", [[], None], ids=["central only", "no hosts"])
def test_an_inventory_without_target_accounts_fails_the_run(estate, targets):
    if targets is None:
        estate.write_inventory(central="", targets=[])
    else:
        estate.write_inventory(targets=targets)
    for playbook in ("site.yml", "playbooks/report.yml"):
        run = estate.run(playbook)
        assert run.rc != 0, run
        assert "The inventory has no account in the group 'targets'" in run.stdout, run
    readback.assert_central_empty(estate.account(CENTRAL))
