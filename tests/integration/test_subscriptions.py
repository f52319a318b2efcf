# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Subscribers of the central topic that the inventory does not list are someone else's: runs
leave them in place unless aged_keys_purge_subscriptions asks to manage the full set, and the
drift check shows what a run would add or remove without printing endpoint tokens."""

import readback
import rehearsal
from conftest import CENTRAL

TEAM_EMAIL = "security-team@example.com"
SECRET = "T0000/B0000/not-for-anyones-eyes"
WEBHOOK = "https://hooks.example.com/services/" + SECRET
SECOPS_EMAIL = "secops@example.com"


def endpoints(account):
    return sorted((s["Protocol"], s["Endpoint"]) for s in readback.topic(account)["subscriptions"])


def topic_result(run):
    return [result for task, host, result in run.results() if task == "Ensure the encrypted notification topic"][0]


def test_hand_made_subscriptions_survive_runs_and_only_an_opt_in_purge_removes_them(estate):
    estate.write_inventory(settings={"aged_keys_subscriptions": [{"protocol": "email", "endpoint": TEAM_EMAIL}]})
    assert estate.run().rc == 0
    central = estate.account(CENTRAL)

    # A team's own subscribers, added by hand after the rollout.
    queue_url = rehearsal.subscribe_queue(central)
    queue_arn = central.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns = central.client("sns")
    for protocol, endpoint in (("email", SECOPS_EMAIL), ("https", WEBHOOK)):
        sns.subscribe(TopicArn=readback.topic_arn(CENTRAL), Protocol=protocol, Endpoint=endpoint)
    everyone = sorted([("email", TEAM_EMAIL), ("email", SECOPS_EMAIL), ("https", WEBHOOK), ("sqs", queue_arn)])
    assert endpoints(central) == everyone

    for run in (estate.run(check=True, diff=True, extra_vars={"aged_keys_fail_on_drift": True}), estate.run(), estate.run()):
        assert run.rc == 0, run
        assert run.changed_tasks() == [], run.changed_tasks()
        assert endpoints(central) == everyone

    # A new subscriber in the inventory: the drift check names it and changes nothing.
    added = {"protocol": "sqs", "endpoint": queue_arn.replace(rehearsal.QUEUE_NAME, "siem")}
    central.client("sqs").create_queue(QueueName="siem")
    listed = [{"protocol": "email", "endpoint": TEAM_EMAIL}, added]
    estate.write_inventory(settings={"aged_keys_subscriptions": listed})
    check = estate.run(check=True, diff=True)
    assert check.rc == 0, check
    changes = topic_result(check)["subscription_changes"]
    assert changes == {"added": [added], "removed": [], "updated": []}
    assert endpoints(central) == everyone
    converge = estate.run()
    assert converge.rc == 0, converge
    everyone = sorted(everyone + [("sqs", added["endpoint"])])
    assert endpoints(central) == everyone

    # Opting into the full set: the drift check lists exactly the unlisted ones, tokens hidden.
    estate.write_inventory(settings={"aged_keys_subscriptions": listed, "aged_keys_purge_subscriptions": True})
    check = estate.run(check=True, diff=True)
    assert check.rc == 0, check
    removed = topic_result(check)["subscription_changes"]["removed"]
    assert sorted(s["protocol"] for s in removed) == ["email", "https", "sqs"]
    shown_webhook = [s["endpoint"] for s in removed if s["protocol"] == "https"][0]
    assert shown_webhook.startswith("https://hooks.example.com/...(sha256:"), shown_webhook
    assert SECRET not in check.stdout + check.stderr
    assert endpoints(central) == everyone

    purge = estate.run()
    assert purge.rc == 0, purge
    assert SECRET not in purge.stdout + purge.stderr
    assert endpoints(central) == sorted([("email", TEAM_EMAIL), ("sqs", added["endpoint"])])
    assert estate.run().changed_tasks() == []
