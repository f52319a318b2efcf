# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Managing aged keys, end to end in the deployed pipeline: owner routing through subscription
filter policies, dated exemptions, dry-run and enforced deactivation of exactly the aged key,
reminder pauses, and the report of all of it. Every message is checked against
docs/message.schema.json (rehearsal.notification).

One rollout serves the module; each test works in its own target account or with its own users.
"""

import collections
import datetime
import json
import time

import pytest
import readback
import rehearsal
from conftest import CENTRAL, TARGETS, converged_estate

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("key_management")

ROUTING, EXEMPTIONS, DEACTIVATION = TARGETS
Managed = collections.namedtuple("Managed", "estate central queues settings")
TEAMS = ("team-a", "team-b")
SETTINGS = {"aged_keys_deactivate_after_days": 180}


@pytest.fixture(scope="module")
def managed(emulator, tmp_path_factory):
    """A rollout with a dry-run deactivation after 180 days, and three queues on the central
    topic: one per owning team (filter policy on the owner attribute) and one for everything."""
    estate = converged_estate(emulator, tmp_path_factory.mktemp("managed"))
    central = estate.account(CENTRAL)
    queues = {}
    subscriptions = []
    for name in TEAMS + ("everything",):
        queues[name], queue_arn = rehearsal.create_queue(central, "aged-keys-" + name)
        attributes = {"filter_policy": {"owner": [name]}} if name in TEAMS else {}
        subscriptions.append({"protocol": "sqs", "endpoint": queue_arn, "attributes": attributes})
    settings = dict(SETTINGS, aged_keys_subscriptions=subscriptions)
    estate.write_inventory(settings=settings)
    run = estate.run()
    assert run.rc == 0, run
    return Managed(estate, central, queues, settings)


def drain(managed, queue="everything"):
    return rehearsal.drain_notifications(managed.central, managed.queues[queue])


@pytest.fixture
def inbox(managed):
    for queue in managed.queues:
        drain(managed, queue)
    return lambda queue="everything": drain(managed, queue)


def by_user(notifications):
    return {message["user_name"]: message for message in notifications}


def test_each_team_queue_receives_exactly_its_own_users_and_a_user_without_owner_still_notifies(managed, inbox):
    account = managed.estate.account(ROUTING)
    rehearsal.create_user(account, "build-bot", key_ages=[200], tags={"owner": "team-a"})
    rehearsal.create_user(account, "reporting", key_ages=[150], tags={"owner": "team-b"})
    rehearsal.create_user(account, "legacy-backup", key_ages=[400, 30])

    rehearsal.evaluate(account)

    assert sorted(by_user(inbox("team-a"))) == ["build-bot"]
    assert sorted(by_user(inbox("team-b"))) == ["reporting"]
    everything = by_user(inbox())
    assert sorted(everything) == ["build-bot", "legacy-backup", "reporting"]
    legacy = everything["legacy-backup"]
    assert legacy["owner"] is None and legacy["document"]["owner"] is None
    # Only the 400-day key is named; the 30-day key is listed as untouched.
    assert [key["age_days"] for key in legacy["document"]["keys"]] == [400]
    assert [key["age_days"] for key in legacy["document"]["untouched_keys"]] == [30]
    aged_id = legacy["document"]["keys"][0]["access_key_id"]
    assert rehearsal.access_keys(account, "legacy-backup")[aged_id] == ("Active", 400)
    # Dry run: the message says when the key would be deactivated, and nothing changes.
    assert legacy["event"] == "access-key-deactivation-planned"
    assert legacy["document"]["deactivation"]["mode"] == "dry_run"
    assert legacy["document"]["keys"][0]["deactivation_date"] is not None
    assert {status for status, _age in rehearsal.access_keys(account, "legacy-backup").values()} == {"Active"}


def test_an_exemption_silences_a_user_until_its_date_and_not_after(managed, inbox):
    account = managed.estate.account(EXEMPTIONS)
    today = datetime.date.today()
    rehearsal.create_user(account, "break-glass", key_ages=[300], tags={"aged-keys-exempt-until": (today + datetime.timedelta(days=30)).isoformat()})
    rehearsal.create_user(account, "was-exempt", key_ages=[300], tags={"aged-keys-exempt-until": (today - datetime.timedelta(days=1)).isoformat()})
    rehearsal.create_user(account, "exempt-forever", key_ages=[300], tags={"aged-keys-exempt-until": "forever"})

    rehearsal.evaluate(account)

    notified = by_user(inbox())
    assert sorted(notified) == ["exempt-forever", "was-exempt"]
    assert notified["was-exempt"]["document"]["exemption"]["ignored"].startswith("the exemption ended on ")
    assert "not a date YYYY-MM-DD" in notified["exempt-forever"]["document"]["exemption"]["ignored"]


def test_enforce_deactivates_exactly_the_aged_key_and_says_how_to_re_enable_it(managed, inbox):
    estate = managed.estate
    estate.write_inventory(settings=dict(managed.settings, aged_keys_deactivation_mode="enforce"))
    run = estate.run(limit=estate.host_name(DEACTIVATION))
    assert run.rc == 0, run
    readback.assert_target_converged(estate.account(DEACTIVATION), CENTRAL, DeactivationMode="enforce", DeactivateAfterDays="180")
    account = estate.account(DEACTIVATION)
    rehearsal.create_user(account, "legacy-backup", key_ages=[400, 30], tags={"owner": "team-a"})
    before = rehearsal.access_keys(account, "legacy-backup")

    rehearsal.evaluate(account)

    after = rehearsal.access_keys(account, "legacy-backup")
    [aged_id] = [key for key, (_status, age) in before.items() if age == 400]
    [fresh_id] = [key for key in before if key != aged_id]
    assert after == {aged_id: ("Inactive", 400), fresh_id: ("Active", 30)}
    [message] = inbox("team-a")
    assert message["event"] == "access-key-deactivated"
    assert [(key["access_key_id"], key["deactivated"]) for key in message["document"]["keys"]] == [(aged_id, True)]
    assert message["document"]["untouched_keys"] == [{"access_key_id": fresh_id, "status": "Active", "age_days": 30}]


def test_a_notified_user_is_reminded_after_the_pause_not_at_every_evaluation(managed, inbox):
    account = managed.estate.account(ROUTING)
    user_id = rehearsal.create_user(account, "forgetful", key_ages=[120], tags={"owner": "team-b"})
    config = account.client("config")

    rehearsal.evaluate(account)
    assert list(by_user(inbox("team-b"))) == ["forgetful"]
    [pause] = [item for item in config.describe_remediation_exceptions(ConfigRuleName=readback.RULE_NAME)["RemediationExceptions"]
               if item["ResourceId"] == user_id]
    # Seven days (aged_keys_reminder_days' default), unless a planned deactivation comes first.
    assert 6 <= (pause["ExpirationTime"] - datetime.datetime.now(datetime.timezone.utc)).days <= 7

    rehearsal.evaluate(account)
    assert "forgetful" not in by_user(inbox("team-b"))

    # The pause runs out (here: shortened to a moment from now); the next evaluation reminds.
    ends = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=2)
    config.put_remediation_exceptions(ConfigRuleName=readback.RULE_NAME, ResourceKeys=[{"ResourceType": "AWS::IAM::User", "ResourceId": user_id}],
                                      Message=pause["Message"], ExpirationTime=ends)
    time.sleep(2.5)
    rehearsal.evaluate(account)
    assert list(by_user(inbox("team-b"))) == ["forgetful"]


def test_the_report_shows_exemptions_planned_and_done_deactivations(managed, tmp_path):
    report_path = tmp_path / "report.json"
    run = managed.estate.run("playbooks/report.yml", extra_vars={"aged_keys_report_path": str(report_path)})
    assert run.rc == 0, run
    users = {(user["account_id"], user["user_name"]): user for user in json.loads(report_path.read_text())["users"]}

    exempt = users[(EXEMPTIONS, "break-glass")]
    assert exempt["exempt"] is True and exempt["notification"]["event"] == "exempt"
    assert exempt["notification"]["exempt_until"] == (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    planned = users[(ROUTING, "legacy-backup")]
    assert planned["notification"]["event"] == "access-key-deactivation-planned" and planned["notification"]["deactivation_date"]
    done = users[(DEACTIVATION, "legacy-backup")]
    assert done["notification"]["event"] == "access-key-deactivated" and len(done["notification"]["deactivated_keys"]) == 1
    assert not planned["exempt"] and not done["exempt"]
    table = " ".join(str(result.get("msg")) for task, host, result in run.results() if task.startswith("Show the users"))
    assert "exempt until" in table and "deactivated AKIA" in table and "notified; deactivation " in table
