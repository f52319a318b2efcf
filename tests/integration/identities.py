# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rollout's own identities in the emulator: playbooks/bootstrap.yml makes the deployer and
auditor roles, the emulator holds every session of an existing role to its policies, and a test
can take any one statement away from a role (roles/execution_roles/files/*.json).
"""

import json
import os

from conftest import CENTRAL, TARGETS, converged_estate
from estate import AMBIENT_ACCOUNT, EXECUTION_ROLE, REPO

DEPLOYER = "cloudsec-aged-keys-deployer"
AUDITOR = "cloudsec-aged-keys-auditor"
POLICY_FILES = os.path.join(REPO, "roles", "execution_roles", "files")
# The emulator's ambient identity runs the playbooks and assumes the roles.
TRUSTED = "arn:aws:iam::{0}:root".format(AMBIENT_ACCOUNT)
# Run as the deployer and auditor (not as one administrator role), bootstrapped through that role.
# With a reports bucket, so that the roles' S3 statements are proven too.
REPORTS_BUCKET = "cloudsec-aged-keys-reports-" + CENTRAL
SETTINGS = {"aged_keys_execution_role_name": None, "aged_keys_bootstrap_trusted_principal": TRUSTED,
            "aged_keys_bootstrap_admin_role_name": EXECUTION_ROLE, "aged_keys_reports_bucket": REPORTS_BUCKET}


def shipped_policy(name):
    with open(os.path.join(POLICY_FILES, name + ".json"), encoding="utf-8") as stream:
        return json.load(stream)


def statement_ids(name):
    return [statement["Sid"] for statement in shipped_policy(name)["Statement"]]


def inline_policy(account, role):
    return account.client("iam").get_role_policy(RoleName=role, PolicyName=role)["PolicyDocument"]


def without_statement(account, role, sid):
    """Take one statement away from the role's policy (as its account's administrator)."""
    policy = inline_policy(account, role)
    kept = [statement for statement in policy["Statement"] if statement.get("Sid") != sid]
    assert len(kept) == len(policy["Statement"]) - 1, (role, sid)
    account.client("iam").put_role_policy(RoleName=role, PolicyName=role, PolicyDocument=json.dumps(dict(policy, Statement=kept)))


# How AWS says a call was denied, and how the preflight reports a denied read.
DENIAL_WORDS = ("not authorized to perform", "Allow it for the role used in this account")


def denials(run):
    """The failures' messages that say a call was denied, those of a failed loop's items too (whose
    results ansible-core 2.21 no longer marks as failed one by one)."""
    messages = []
    for _task, _host, result in run.results():
        if result.get("failed") and not result.get("skipped"):
            messages += [result.get("msg", "")] + [item.get("msg", "") for item in result.get("results", [])]
    return [message for message in messages if any(words in message for words in DENIAL_WORDS)]


def bootstrapped_estate(emulator, directory):
    """A fresh central and target account, bootstrapped (see conftest.converged_estate)."""
    return converged_estate(emulator, directory, targets=[TARGETS[0]], settings=SETTINGS, playbook="playbooks/bootstrap.yml")
