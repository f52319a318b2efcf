# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the whole rollout on the local AWS emulator, no AWS account needed.

Starts the emulator, creates an organization with a central account and three target
accounts, runs site.yml, runs it again as a drift check, prints what each account holds,
and stops the emulator.
"""

import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

import readback  # noqa: E402
from estate import AMBIENT_ACCOUNT, Account, Emulator, Estate  # noqa: E402

ACCOUNT_NAMES = ["security-tooling", "workloads-prod", "workloads-test", "sandbox"]


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
