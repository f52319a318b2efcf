# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A team subscribes an SQS queue encrypted with its own KMS key to the central topic
(docs/message.md, "Encrypted subscribers"). SNS encrypts for the queue as sns.amazonaws.com:
the queue key's policy must admit it, or the notification is lost while the runbook succeeds.

One rollout serves the module; each test uses its own target account and queue, and
unsubscribes its queue again.
"""

import contextlib

import pytest
import readback
import rehearsal
from conftest import CENTRAL, TARGETS

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("encrypted_subscriber")


def sns_uses_the_key(topic_arn):
    """The key policy statement of docs/message.md."""
    return {
        "Sid": "AllowSnsToEncryptNotifications",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
    }


@pytest.fixture(scope="module")
def central(rolled_out):
    return rolled_out.account(CENTRAL)


@contextlib.contextmanager
def subscribed_queue(central_account, name, key_reference):
    """A queue encrypted with `key_reference`, subscribed to the central topic while in use; (URL, subscription ARN)."""
    queue_url, queue_arn = rehearsal.create_queue(central_account, name, {"KmsMasterKeyId": key_reference})
    sns = central_account.client("sns")
    subscription_arn = sns.subscribe(TopicArn=readback.topic_arn(CENTRAL), Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    try:
        yield queue_url, subscription_arn
    finally:
        sns.unsubscribe(SubscriptionArn=subscription_arn)


def notify(rolled_out, target, user_name):
    """An IAM user with an aged key in `target`, evaluated; returns the runbook's finished execution."""
    account = rolled_out.account(target)
    user_id = rehearsal.create_user(account, user_name, key_ages=[120])
    evaluation = rehearsal.evaluate(account)
    assert evaluation.compliance[user_id] == "NON_COMPLIANT"
    assert evaluation.remediations[user_id]["State"] == "SUCCEEDED", evaluation.remediations[user_id]
    execution = rehearsal.automation_execution_for(account, user_id)
    assert execution["AutomationExecutionStatus"] == "Success"
    return execution


def test_a_queue_whose_key_admits_sns_receives_the_notification(rolled_out, central):
    key_arn = rehearsal.create_key(central, sns_uses_the_key(readback.topic_arn(CENTRAL)))
    with subscribed_queue(central, "team-encrypted", key_arn) as (queue_url, subscription_arn):
        notify(rolled_out, TARGETS[0], "encrypted-inbox")
        notifications = rehearsal.drain_notifications(central, queue_url)

    assert [(message["account_id"], message["user_name"]) for message in notifications] == [(TARGETS[0], "encrypted-inbox")]
    assert notifications[0]["event"] == "aged-access-key"
    assert rehearsal.delivery_failures(central, subscription_arn) == []


@pytest.mark.parametrize("target, key", [(TARGETS[1], "own key without SNS"), (TARGETS[2], "alias/aws/sqs")])
def test_a_queue_whose_key_does_not_admit_sns_gets_nothing_while_the_runbook_succeeds(rolled_out, central, target, key):
    key_reference = rehearsal.create_key(central) if key == "own key without SNS" else key
    with subscribed_queue(central, "team-locked-" + target, key_reference) as (queue_url, subscription_arn):
        execution = notify(rolled_out, target, "locked-inbox")
        notifications = rehearsal.drain_notifications(central, queue_url)

    assert notifications == []
    [failure] = rehearsal.delivery_failures(central, subscription_arn)
    assert failure["MessageId"] == execution["Outputs"]["NotifyOwner.MessageId"][0]
    assert failure["ErrorCode"] == "KmsAccessDenied"
    assert "User: sns.amazonaws.com is not authorized to perform: kms:GenerateDataKey" in failure["ErrorMessage"]
