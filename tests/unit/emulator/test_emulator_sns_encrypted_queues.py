# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SNS delivery to SQS queues: the queue policy, and the key of an encrypted queue, must admit SNS.

Amazon SQS Developer Guide, "Enable compatibility between event sources from AWS services
and encrypted queues"; Amazon SNS Developer Guide, "Encryption at rest" and "Fanout to
Amazon SQS queues". A refused delivery does not fail Publish: the message is dropped and
the emulator records the failure (POST /_emulator/sns/delivery-failures).
"""

import json

import pytest
from aged_keys_emulator.control import SNS_DELIVERY_FAILURES_PATH, ControlError, post_control, sns_delivery_failures_of

from automation_testing import create_role, run_steps, step
from emulator_testing import DEFAULT_ACCOUNT, REGION
from sns_testing import notifications, queue_for_topic, queue_policy

OTHER_ACCOUNT = "210987654321"
ROOT = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}


def sns_statement(topic_arn, actions=("kms:GenerateDataKey*", "kms:Decrypt"), service="sns.amazonaws.com", effect="Allow", condition=None):
    """The statement the guides document for SNS in a queue key's policy."""
    if condition is None:
        condition = {"ArnEquals": {"aws:SourceArn": topic_arn}, "StringEquals": {"aws:SourceAccount": DEFAULT_ACCOUNT}}
    return {"Sid": "SnsEncryptsForTheQueue", "Effect": effect, "Principal": {"Service": service}, "Action": list(actions), "Resource": "*",
            "Condition": condition}


@pytest.fixture
def kms(emulator):
    return emulator.client("kms")


def create_key(kms, *statements):
    return kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [ROOT, *statements]}))["KeyMetadata"]


def encrypted_subscriber(sns, sqs, topic_arn, key_reference, name="encrypted"):
    """A queue encrypted with `key_reference` that admits the topic, subscribed; (queue URL, subscription ARN)."""
    queue_url, queue_arn = queue_for_topic(sqs, name, topic_arn, KmsMasterKeyId=key_reference)
    return queue_url, sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]


def failures(emulator, subscription_arn=None, account=DEFAULT_ACCOUNT):
    return sns_delivery_failures_of(emulator.url, account, REGION, subscription_arn)


def single_failure(emulator, subscription_arn, message_id):
    [failure] = failures(emulator, subscription_arn)
    assert failure["MessageId"] == message_id and failure["Protocol"] == "sqs"
    return failure


# --- delivered -------------------------------------------------------------------------------------

@pytest.mark.parametrize("reference", ["id", "arn", "alias", "alias-arn"])
def test_a_key_that_admits_sns_lets_the_message_through_by_any_reference(emulator, sns, sqs, kms, topic_arn, reference):
    key = create_key(kms, sns_statement(topic_arn))
    kms.create_alias(AliasName="alias/team-queue", TargetKeyId=key["KeyId"])
    references = {"id": key["KeyId"], "arn": key["Arn"], "alias": "alias/team-queue",
                  "alias-arn": f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:alias/team-queue"}
    queue_url, _subscription = encrypted_subscriber(sns, sqs, topic_arn, references[reference])

    sns.publish(TopicArn=topic_arn, Message="rotate your key")

    assert [notification["Message"] for notification in notifications(sqs, queue_url)] == ["rotate your key"]
    assert failures(emulator) == []


def test_the_documented_statement_without_conditions_admits_sns(emulator, sns, sqs, kms, topic_arn):
    key = create_key(kms, sns_statement(topic_arn, condition={}))
    queue_url, _subscription = encrypted_subscriber(sns, sqs, topic_arn, key["KeyId"])

    sns.publish(TopicArn=topic_arn, Message="hello")

    assert len(notifications(sqs, queue_url)) == 1 and failures(emulator) == []


@pytest.mark.parametrize("attributes", [{}, {"SqsManagedSseEnabled": "true"}], ids=["unencrypted", "sse-sqs"])
def test_a_queue_without_a_kms_key_needs_only_its_queue_policy(emulator, sns, sqs, topic_arn, attributes):
    queue_url, queue_arn = queue_for_topic(sqs, "plain", topic_arn, **attributes)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    sns.publish(TopicArn=topic_arn, Message="hello")

    assert len(notifications(sqs, queue_url)) == 1 and failures(emulator) == []


def test_a_queue_and_key_of_another_account_admit_the_topic(emulator, sns, topic_arn):
    credentials = emulator.assume_account(OTHER_ACCOUNT)
    other_kms, other_sqs = emulator.client("kms", credentials=credentials), emulator.client("sqs", credentials=credentials)
    root = dict(ROOT, Principal={"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"})
    key = other_kms.create_key(Policy=json.dumps({"Statement": [root, sns_statement(topic_arn)]}))["KeyMetadata"]
    queue_url, _subscription = encrypted_subscriber(sns, other_sqs, topic_arn, key["Arn"])

    sns.publish(TopicArn=topic_arn, Message="across accounts")

    assert len(notifications(other_sqs, queue_url)) == 1 and failures(emulator) == []


# --- refused by the queue key -----------------------------------------------------------------------

REFUSING_STATEMENTS = {
    "no-statement-for-sns": [],
    "another-service": [sns_statement("x", service="events.amazonaws.com", condition={})],
    "without-generate-data-key": [sns_statement("x", actions=["kms:Decrypt"], condition={})],
    "without-decrypt": [sns_statement("x", actions=["kms:GenerateDataKey*"], condition={})],
    "another-topic": [sns_statement("x", condition={"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:other"}})],
    "another-source-account": [sns_statement("x", condition={"StringEquals": {"aws:SourceAccount": OTHER_ACCOUNT}})],
}


@pytest.mark.parametrize("case", sorted(REFUSING_STATEMENTS))
def test_a_key_that_does_not_admit_sns_drops_the_message_and_records_why(emulator, sns, sqs, kms, topic_arn, case):
    key = create_key(kms, *REFUSING_STATEMENTS[case])
    queue_url, subscription_arn = encrypted_subscriber(sns, sqs, topic_arn, key["KeyId"])

    message_id = sns.publish(TopicArn=topic_arn, Message="lost")["MessageId"]

    assert notifications(sqs, queue_url) == []
    failure = single_failure(emulator, subscription_arn, message_id)
    action = "kms:Decrypt" if case == "without-decrypt" else "kms:GenerateDataKey"
    assert failure["ErrorCode"] == "KmsAccessDenied"
    assert failure["ErrorMessage"] == (f"User: sns.amazonaws.com is not authorized to perform: {action} on resource: {key['Arn']} "
                                       f"because no resource-based policy allows the {action} action")
    assert failure["TopicArn"] == topic_arn and failure["Endpoint"].endswith(":encrypted")


def test_an_explicit_deny_for_sns_in_the_key_policy_wins(emulator, sns, sqs, kms, topic_arn):
    key = create_key(kms, sns_statement(topic_arn), dict(sns_statement(topic_arn, effect="Deny", condition={}), Sid="NoSns"))
    _queue_url, subscription_arn = encrypted_subscriber(sns, sqs, topic_arn, key["KeyId"])

    message_id = sns.publish(TopicArn=topic_arn, Message="lost")["MessageId"]

    assert "with an explicit deny in a resource-based policy" in single_failure(emulator, subscription_arn, message_id)["ErrorMessage"]


@pytest.mark.parametrize("reference", ["alias/aws/sqs", f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:alias/aws/sqs"])
def test_the_aws_managed_sqs_key_never_admits_sns(emulator, sns, sqs, topic_arn, reference):
    queue_url, subscription_arn = encrypted_subscriber(sns, sqs, topic_arn, reference)

    message_id = sns.publish(TopicArn=topic_arn, Message="lost")["MessageId"]

    assert notifications(sqs, queue_url) == []
    failure = single_failure(emulator, subscription_arn, message_id)
    assert failure["ErrorCode"] == "KmsAccessDenied"
    assert f"on resource: arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:alias/aws/sqs because no resource-based policy allows" in failure["ErrorMessage"]


def test_a_disabled_missing_or_deleted_key_drops_the_message(emulator, sns, sqs, kms, topic_arn):
    disabled, deleted = create_key(kms, sns_statement(topic_arn)), create_key(kms, sns_statement(topic_arn))
    kms.disable_key(KeyId=disabled["KeyId"])
    kms.schedule_key_deletion(KeyId=deleted["KeyId"], PendingWindowInDays=7)
    queues = {name: encrypted_subscriber(sns, sqs, topic_arn, reference, name=name)
              for name, reference in (("disabled", disabled["Arn"]), ("deleted", deleted["Arn"]), ("missing", "alias/no-such-key"))}

    message_id = sns.publish(TopicArn=topic_arn, Message="lost")["MessageId"]

    found = {name: single_failure(emulator, subscription_arn, message_id) for name, (_url, subscription_arn) in queues.items()}
    assert {name: failure["ErrorCode"] for name, failure in found.items()} == {
        "disabled": "KmsDisabled", "deleted": "KmsInvalidState", "missing": "KmsNotFound"}
    assert found["disabled"]["ErrorMessage"] == f"{disabled['Arn']} is disabled."
    assert found["deleted"]["ErrorMessage"] == f"{deleted['Arn']} is pending deletion."
    assert all(notifications(sqs, queue_url) == [] for queue_url, _subscription in queues.values())


# --- the queue policy -------------------------------------------------------------------------------

def plain_subscriber(sns, sqs, topic_arn, name, policy=None):
    queue_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    if policy is not None:
        sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(policy(queue_arn))})
    return queue_url, sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]


def console_policy(topic_arn):
    """What the SQS console writes when it subscribes a queue: everyone, limited to the topic."""
    return lambda queue_arn: {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SQS:SendMessage", "Resource": queue_arn,
                                             "Condition": {"ArnLike": {"aws:SourceArn": topic_arn}}}]}


def test_a_queue_policy_must_let_the_topic_send(emulator, sns, sqs, topic_arn):
    other_topic = f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:other"
    subscribers = {
        "no-policy": plain_subscriber(sns, sqs, topic_arn, "no-policy"),
        "other-topic": plain_subscriber(sns, sqs, topic_arn, "other-topic", lambda queue_arn: queue_policy(queue_arn, other_topic)),
        "account-only": plain_subscriber(sns, sqs, topic_arn, "account-only", lambda queue_arn: {"Statement": [dict(
            ROOT, Action="sqs:*", Resource=queue_arn)]}),
        "console": plain_subscriber(sns, sqs, topic_arn, "console", console_policy(topic_arn)),
    }

    message_id = sns.publish(TopicArn=topic_arn, Message="hello")["MessageId"]

    assert {name: len(notifications(sqs, url)) for name, (url, _subscription) in subscribers.items()} == {
        "no-policy": 0, "other-topic": 0, "account-only": 0, "console": 1}
    for name in ("no-policy", "other-topic", "account-only"):
        failure = single_failure(emulator, subscribers[name][1], message_id)
        assert failure["ErrorCode"] == "AccessDeniedException"
        assert failure["ErrorMessage"] == f"Access to the resource https://sqs.{REGION}.amazonaws.com/{DEFAULT_ACCOUNT}/{name} is denied."


def test_a_queue_policy_is_checked_before_the_queue_key(emulator, sns, sqs, topic_arn):
    queue_url = sqs.create_queue(QueueName="both", Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    subscription_arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]

    message_id = sns.publish(TopicArn=topic_arn, Message="lost")["MessageId"]

    assert single_failure(emulator, subscription_arn, message_id)["ErrorCode"] == "AccessDeniedException"


def test_a_deleted_queue_is_a_recorded_failure(emulator, sns, sqs, topic_arn):
    queue_url, subscription_arn = plain_subscriber(sns, sqs, topic_arn, "gone", lambda queue_arn: queue_policy(queue_arn, topic_arn))
    sqs.delete_queue(QueueUrl=queue_url)

    message_id = sns.publish(TopicArn=topic_arn, Message="lost")["MessageId"]

    failure = single_failure(emulator, subscription_arn, message_id)
    assert (failure["ErrorCode"], failure["ErrorMessage"]) == ("QueueDoesNotExist", "The specified queue does not exist.")


def test_set_queue_attributes_keeps_the_policy_it_does_not_name(sqs, topic_arn):
    queue_url, _queue_arn = queue_for_topic(sqs, "kept", topic_arn)

    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"KmsMasterKeyId": "alias/team-queue"})
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert json.loads(attributes["Policy"])["Statement"][0]["Sid"] == "TopicSends"
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": ""})
    assert "Policy" not in sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]


# --- from automation, and the record ------------------------------------------------------------------

def test_a_publish_from_automation_succeeds_while_the_refused_delivery_is_recorded(emulator, sns, sqs, kms, topic_arn):
    key = create_key(kms)
    queue_url, subscription_arn = encrypted_subscriber(sns, sqs, topic_arn, key["KeyId"])
    role_arn = create_role(emulator.client("iam"), "publisher", [{"Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn}])
    publish = step("publish", "aws:executeAwsApi", {"Service": "sns", "Api": "Publish", "TopicArn": topic_arn, "Message": "from automation"})

    execution = run_steps(emulator.client("ssm"), publish, parameters={"Role": {"type": "String"}}, values={"Role": [role_arn]},
                          assumeRole="{{ Role }}")

    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    assert notifications(sqs, queue_url) == []
    [failure] = failures(emulator)
    assert (failure["SubscriptionArn"], failure["ErrorCode"]) == (subscription_arn, "KmsAccessDenied")


def test_failures_are_kept_in_the_topic_account_and_narrowed_by_subscription(emulator, sns, topic_arn):
    other_sqs = emulator.client("sqs", credentials=emulator.assume_account(OTHER_ACCOUNT))
    _url, first = plain_subscriber(sns, other_sqs, topic_arn, "first")
    _url, second = plain_subscriber(sns, other_sqs, topic_arn, "second")

    sns.publish(TopicArn=topic_arn, Message="lost")

    assert sorted(failure["SubscriptionArn"] for failure in failures(emulator)) == sorted([first, second])
    assert [failure["SubscriptionArn"] for failure in failures(emulator, second)] == [second]
    assert failures(emulator, account=OTHER_ACCOUNT) == []
    emulator.reset()
    assert failures(emulator) == []


@pytest.mark.parametrize("request_body, error", [
    ({"account_id": "123", "region": REGION}, "InvalidRequest"),
    ({"account_id": DEFAULT_ACCOUNT}, "MissingField"),
    ({"account_id": DEFAULT_ACCOUNT, "region": REGION, "topic_arn": "x"}, "InvalidRequest"),
    ({"account_id": DEFAULT_ACCOUNT, "region": REGION, "subscription_arn": ""}, "InvalidRequest"),
])
def test_the_failures_control_checks_its_request(emulator, request_body, error):
    with pytest.raises(ControlError) as refused:
        post_control(emulator.url, SNS_DELIVERY_FAILURES_PATH, request_body, timeout=10)
    assert (refused.value.status, refused.value.error) == (400, error)


def test_a_queue_policy_condition_the_emulator_cannot_evaluate_never_admits_and_says_so(emulator, sns, sqs, topic_arn):
    def unknown_condition(queue_arn):
        admitted = queue_policy(queue_arn, topic_arn)
        admitted["Statement"][0]["Condition"]["StringEquals"] = {"aws:SourceOrgID": "o-example"}
        return admitted

    _url, subscription_arn = plain_subscriber(sns, sqs, topic_arn, "unknown-key", unknown_condition)

    message_id = sns.publish(TopicArn=topic_arn, Message="lost")["MessageId"]

    failure = single_failure(emulator, subscription_arn, message_id)
    assert failure["ErrorMessage"].endswith("is denied. (not evaluated by the emulator: statement 'TopicSends': condition key aws:SourceOrgID is not emulated)")
