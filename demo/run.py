# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo`: the whole rollout on the local AWS emulator, no AWS account needed.

Starts the emulator, creates an organization with a central account and three target
accounts, runs site.yml, runs it again as a drift check and prints what each account holds.
Then it rehearses what the rollout is for: IAM users with keys of different ages, AWS
Config evaluating them, the automatic remediations running the deployed runbook, the
messages that reach the queues subscribed to the central topic (one per owning team, with a
filter policy, and one for everything), dry-run and enforced deactivation, and the compliance
report.
"""

import datetime
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

import readback  # noqa: E402
import rehearsal  # noqa: E402
from aged_keys_emulator.control import set_access_key_last_used  # noqa: E402
from estate import AMBIENT_ACCOUNT, Account, Emulator, Estate  # noqa: E402

ACCOUNT_NAMES = ["security-tooling", "workloads-prod", "workloads-test", "sandbox"]
TEAMS = ["team-data", "team-storage"]
EXEMPT_UNTIL = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
# (user name, ages of active keys in days, ages of inactive keys, tags, exempted by a remediation exception)
DEMO_USERS = [
    ("ci-deployer", [12], [], {"owner": "team-platform"}, False),
    ("reporting-etl", [95], [], {"owner": "team-data"}, False),
    ("legacy-backup", [400, 30], [], {"owner": "team-storage"}, False),
    ("former-contractor", [], [500], {}, False),
    ("shared-scanner", [200], [], {}, False),
    ("on-call-admin", [250], [], {"aged-keys-exempt-until": EXEMPT_UNTIL}, False),
    ("break-glass", [380], [], {}, True),
]
# Deactivation after 180 days, as a dry run everywhere, enforced in the last account.
DEACTIVATE_AFTER_DAYS = 180


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
        estate = Estate(emulator, directory, central, targets, settings={
            "aged_keys_organization_id": organization_id,
            "aged_keys_deactivate_after_days": DEACTIVATE_AFTER_DAYS,
            "aged_keys_subscriptions": team_subscriptions(estate_account(emulator, central)),
        })
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


def estate_account(emulator, account_id):
    return Account(emulator, account_id)


def team_subscriptions(central_account):
    """One queue per owning team, with a filter policy on the message's owner attribute."""
    subscriptions = []
    for team in TEAMS:
        _queue_url, queue_arn = rehearsal.create_queue(central_account, team)
        subscriptions.append({"protocol": "sqs", "endpoint": queue_arn, "attributes": {"filter_policy": {"owner": [team]}}})
    return subscriptions


def rehearse(estate, names, central, targets):
    banner("Rehearsal: IAM users with aged keys in every target account")
    central_account = estate.account(central)
    queue_url = rehearsal.subscribe_queue(central_account)
    print("A queue for everything, subscribed by hand (the rollout leaves it alone): {0}".format(queue_url))
    print("Team queues with filter policies, from aged_keys_subscriptions: {0}".format(", ".join(TEAMS)))
    users = {target: create_demo_users(estate.account(target)) for target in targets}
    for user_name, active, inactive, tags, exempted in DEMO_USERS:
        print("  {0:<18} active keys {1!s:<10} inactive keys {2!s:<8} tags {3}{4}".format(
            user_name, active, inactive, tags or "-", " exempted (remediation exception)" if exempted else ""))

    banner("AWS Config evaluates ACCESS_KEYS_ROTATED; automatic remediations run the runbook")
    for target in targets:
        evaluation = rehearsal.evaluate(estate.account(target))
        print_account_table(names[target], target, users[target], evaluation)

    banner("Messages that reached the queue for everything (JSON, docs/message.md)")
    notifications = rehearsal.drain_notifications(central_account, queue_url)
    for message in sorted(notifications, key=lambda n: (n["account_id"], n["user_name"])):
        print_message(message)
    print("\n{0} messages: one per user with an aged active key; none for fresh, inactive-only or exempt users.".format(len(notifications)))
    for team in TEAMS:
        team_url = central_account.client("sqs").get_queue_url(QueueName=team)["QueueUrl"]
        received = sorted((n["account_id"], n["user_name"]) for n in rehearsal.drain_notifications(central_account, team_url))
        print("Queue {0} received only its users: {1}".format(team, ", ".join("{1} ({0})".format(*item) for item in received)))

    enforced = targets[-1]
    banner("Enforced deactivation in {0}: ansible-playbook site.yml --limit {1} -e aged_keys_deactivation_mode=enforce".format(
        names[enforced], estate.host_name(enforced)))
    account = estate.account(enforced)
    before = rehearsal.access_keys(account, "legacy-backup")
    if estate.run(limit=estate.host_name(enforced), extra_vars={"aged_keys_deactivation_mode": "enforce"}, show=True) != 0:
        return 1
    # The reminder pause of the first message ends now, so the next evaluation runs the runbook again.
    account.client("config").delete_remediation_exceptions(
        ConfigRuleName=readback.RULE_NAME, ResourceKeys=[{"ResourceType": "AWS::IAM::User", "ResourceId": users[enforced]["legacy-backup"]}])
    rehearsal.evaluate(account)
    after = rehearsal.access_keys(account, "legacy-backup")
    for key_id, (status, age) in sorted(before.items(), key=lambda item: -item[1][1]):
        print("  legacy-backup {0}  {1:>3} days  {2} -> {3}".format(key_id, age, status, after[key_id][0]))
    for message in rehearsal.drain_notifications(central_account, queue_url):
        print_message(message)

    banner("ansible-playbook -i inventory playbooks/report.yml: the same picture, read from AWS Config and the runbook's runs")
    return estate.run("playbooks/report.yml", show=True)


def create_demo_users(account):
    users = {}
    for user_name, active, inactive, tags, exempted in DEMO_USERS:
        users[user_name] = rehearsal.create_user(account, user_name, key_ages=active, inactive_key_ages=inactive, tags=tags)
        if exempted:
            rehearsal.exempt(account, users[user_name])
    # The oldest key is still in use: the message says where.
    iam = account.client("iam")
    for key in iam.list_access_keys(UserName="legacy-backup")["AccessKeyMetadata"]:
        set_access_key_last_used(account.emulator.url, account.account_id, "legacy-backup", key["AccessKeyId"], days_ago=2, service="s3",
                                 region=account.region)
    return users


def print_message(message):
    document = message["document"]
    print("\n{0}  [{1}, owner {2}]".format(message["subject"], document["event"], document["owner"] or "none"))
    for key in document["keys"]:
        used = key["last_used"]
        print("    aged      {0}  {1:>3} days  {2}{3}{4}".format(
            key["access_key_id"], key["age_days"], "last used " + used["date"][:10] if used else "never used",
            "  deactivation " + key["deactivation_date"][:10] if key["deactivation_date"] else "", "  DEACTIVATED" if key["deactivated"] else ""))
    for key in document["untouched_keys"]:
        print("    untouched {0}  {1:>3} days  {2}".format(key["access_key_id"], key["age_days"], key["status"]))


def print_account_table(name, account_id, users, evaluation):
    print("\n{0} ({1})".format(name, account_id))
    print("  {0:<18} {1:<14} {2}".format("user", "compliance", "remediation (the runbook ran)"))
    for user_name, user_id in users.items():
        compliance = evaluation.compliance[user_id]
        status = evaluation.remediations.get(user_id)
        remediation = status["State"] if status else ("exempted" if compliance == "NON_COMPLIANT" else "-")
        print("  {0:<18} {1:<14} {2}".format(user_name, compliance, remediation))


if __name__ == "__main__":
    sys.exit(main())
