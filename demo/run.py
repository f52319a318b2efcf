# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the whole rollout on the local AWS emulator, no AWS account needed.

Starts the emulator, creates an organization with a central account and three target
accounts, runs site.yml, runs it again as a drift check and prints what each account holds.
Then it rehearses what the rollout is for: IAM users with keys of different ages, AWS
Config evaluating them, the automatic remediations running the deployed document, the
messages that reach an SQS queue subscribed to the central topic, and the compliance report.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

import readback  # noqa: E402
import rehearsal  # noqa: E402
from estate import AMBIENT_ACCOUNT, Account, Emulator, Estate  # noqa: E402

ACCOUNT_NAMES = ["security-tooling", "workloads-prod", "workloads-test", "sandbox"]
# (user name, ages of active keys in days, ages of inactive keys, exempted from remediation)
DEMO_USERS = [
    ("ci-deployer", [12], [], False),
    ("reporting-etl", [95], [], False),
    ("legacy-backup", [400, 30], [], False),
    ("former-contractor", [], [500], False),
    ("break-glass", [380], [], True),
]


def banner(text):
    print("\n" + "=" * 78 + "\n" + text + "\n" + "=" * 78, flush=True)


def create_organization(emulator):
    """An organization in the emulator's management account, with one member per name."""
    organizations = Account(emulator, AMBIENT_ACCOUNT, "us-east-1").client("organizations")
    organization = organizations.create_organization(FeatureSet="ALL")["Organization"]
    accounts = {}
    for name in ACCOUNT_NAMES:
        status = organizations.create_account(AccountName=name, Email="{0}@example.com".format(name))["CreateAccountStatus"]
        accounts[name] = status["AccountId"]
    return organization["Id"], accounts


def describe_account(estate, name, account_id, is_central):
    account = estate.account(account_id)
    print("\n{0} ({1}){2}".format(name, account_id, " — central" if is_central else ""))
    if is_central:
        key = readback.kms_key(account)
        topic = readback.topic(account)
        print("  KMS key        {0} rotation={1}".format(key["metadata"]["Arn"], key["rotation"]))
        print("  SNS topic      {0} encrypted with {1}".format(readback.topic_arn(account_id), topic["attributes"]["KmsMasterKeyId"]))
        return
    role = readback.automation_role(account)
    document = readback.document(account)
    rule = readback.config_rule(account)
    remediation = readback.remediation(account)
    print("  IAM role       {0} (inline policy: {1})".format(readback.ROLE_NAME, ", ".join(role["policies"])))
    print("  SSM document   {0} version {1}".format(readback.DOCUMENT_NAME, document["description"]["DefaultVersion"]))
    print("  Config rule    {0} maxAccessKeyAge={1} every {2}".format(
        readback.RULE_NAME, rule["InputParameters"]["maxAccessKeyAge"], rule["MaximumExecutionFrequency"]))
    print("  Remediation    automatic={0} document version {1}, {2} attempts".format(
        remediation["Automatic"], remediation["TargetVersion"], remediation["MaximumAutomaticAttempts"]))


def main():
    with Emulator() as emulator, tempfile.TemporaryDirectory() as directory:
        banner("Emulator running at {0}; creating an organization with four accounts".format(emulator.url))
        organization_id, accounts = create_organization(emulator)
        central = accounts[ACCOUNT_NAMES[0]]
        targets = [accounts[name] for name in ACCOUNT_NAMES[1:]]
        for name, account_id in accounts.items():
            print("  {0:<18} {1}".format(name, account_id))
        estate = Estate(emulator, directory, central, targets, settings={"aged_keys_organization_id": organization_id})
        # Target accounts record IAM users with AWS Config, as the rollout requires.
        estate.prepare_targets()
        estate.write_inventory()

        banner("ansible-playbook -i inventory site.yml")
        if estate.run(show=True) != 0:
            return 1
        banner("ansible-playbook -i inventory site.yml --check --diff -e aged_keys_fail_on_drift=true")
        if estate.run(check=True, diff=True, extra_vars={"aged_keys_fail_on_drift": True}, show=True) != 0:
            return 1

        banner("What each account holds now")
        names = {account_id: name for name, account_id in accounts.items()}
        describe_account(estate, names[central], central, True)
        for account_id in targets:
            describe_account(estate, names[account_id], account_id, False)
        print("\nThe drift check above reports changed=0: the estate matches the inventory.")

        return rehearse(estate, names, central, targets)


def rehearse(estate, names, central, targets):
    banner("Rehearsal: IAM users with aged keys in every target account")
    queue_url = rehearsal.subscribe_queue(estate.account(central))
    print("SQS queue subscribed to the central topic: {0}".format(queue_url))
    users = {target: create_demo_users(estate.account(target)) for target in targets}
    for user_name, active, inactive, exempted in DEMO_USERS:
        print("  {0:<18} active keys {1!s:<10} inactive keys {2!s:<8}{3}".format(
            user_name, active, inactive, " exempted (remediation exception)" if exempted else ""))

    banner("AWS Config evaluates ACCESS_KEYS_ROTATED; automatic remediations run the document")
    for target in targets:
        evaluation = rehearsal.evaluate(estate.account(target))
        print_account_table(names[target], target, users[target], evaluation)

    banner("Messages that reached the subscriber of the central topic")
    notifications = rehearsal.drain_notifications(estate.account(central), queue_url)
    for message in sorted(notifications, key=lambda n: (n["account_id"], n["user_name"])):
        print("\nSubject: {0}\n{1}".format(message["subject"], indent(message["message"])))
    print("\n{0} messages: one per user with an aged active key, none for fresh, inactive-only or exempted keys.".format(
        len(notifications)))

    banner("ansible-playbook -i inventory playbooks/report.yml: the same picture, read from AWS Config")
    return estate.run("playbooks/report.yml", show=True)


def create_demo_users(account):
    users = {}
    for user_name, active, inactive, exempted in DEMO_USERS:
        users[user_name] = rehearsal.create_user(account, user_name, key_ages=active, inactive_key_ages=inactive)
        if exempted:
            rehearsal.exempt(account, users[user_name])
    return users


def print_account_table(name, account_id, users, evaluation):
    print("\n{0} ({1})".format(name, account_id))
    print("  {0:<18} {1:<14} {2}".format("user", "compliance", "remediation"))
    for user_name, user_id in users.items():
        compliance = evaluation.compliance[user_id]
        status = evaluation.remediations.get(user_id)
        remediation = status["State"] if status else ("exempted" if compliance == "NON_COMPLIANT" else "-")
        print("  {0:<18} {1:<14} {2}".format(user_name, compliance, remediation))


def indent(text):
    return "\n".join("    " + line for line in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
