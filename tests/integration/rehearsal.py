# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The notification pipeline after a rollout, driven end to end in the emulator.

IAM users with keys of chosen ages → AWS Config evaluates ACCESS_KEYS_ROTATED →
automatic remediation runs the deployed SSM document as the deployed role → the
message reaches an SQS queue subscribed to the central topic. Shared by the
integration tests and the demo; everything is read back through AWS APIs.
"""

import collections
import json
import os
import sys
import time

import jsonschema
import readback

sys.path.insert(0, os.path.join(readback.REPO, "tests", "emulator"))

from aged_keys_emulator.control import set_access_key_age, sns_delivery_failures_of  # noqa: E402  pylint: disable=wrong-import-position

QUEUE_NAME = "aged-keys-notifications"
with open(os.path.join(readback.REPO, "docs", "message.schema.json"), encoding="utf-8") as schema_file:
    MESSAGE_SCHEMA = json.load(schema_file)
# {user resource id: ComplianceType} and {user resource id: remediation status} of one evaluation.
Evaluation = collections.namedtuple("Evaluation", "compliance remediations")
TERMINAL_REMEDIATION_STATES = {"SUCCEEDED", "FAILED"}
POLL_SECONDS = 0.2
# How long a wait for the emulator may last before it counts as a hang. Waits end as soon as
# what they wait for happens; on a loaded machine (the whole suite in parallel) that can take minutes.
WAIT_SECONDS = 300


# --- IAM users and their keys ------------------------------------------------------

def create_user(account, user_name, key_ages=(), inactive_key_ages=(), tags=None):
    """An IAM user with one active key per age in `key_ages` and one inactive key per age in
    `inactive_key_ages` (days), and these tags. Returns the user's resource id (AIDA...), as Config reports it."""
    iam = account.client("iam")
    request = {"UserName": user_name}
    if tags:
        request["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    user_id = iam.create_user(**request)["User"]["UserId"]
    for age in key_ages:
        add_key(account, user_name, age)
    for age in inactive_key_ages:
        key_id = add_key(account, user_name, age)
        iam.update_access_key(UserName=user_name, AccessKeyId=key_id, Status="Inactive")
    return user_id


def add_key(account, user_name, age_days):
    key_id = account.client("iam").create_access_key(UserName=user_name)["AccessKey"]["AccessKeyId"]
    set_access_key_age(account.emulator.url, account.account_id, user_name, key_id, age_days=age_days)
    return key_id


def rotate_keys(account, user_name):
    """What the message asks for: a new key, then the old ones deactivated and deleted."""
    iam = account.client("iam")
    old_keys = [key["AccessKeyId"] for key in iam.list_access_keys(UserName=user_name)["AccessKeyMetadata"]]
    iam.create_access_key(UserName=user_name)
    for key_id in old_keys:
        iam.update_access_key(UserName=user_name, AccessKeyId=key_id, Status="Inactive")
        iam.delete_access_key(UserName=user_name, AccessKeyId=key_id)


def access_keys(account, user_name):
    """{access key id: (status, age in days)} of the user, as IAM lists them."""
    now = time.time()
    keys = account.client("iam").list_access_keys(UserName=user_name)["AccessKeyMetadata"]
    return {key["AccessKeyId"]: (key["Status"], int((now - key["CreateDate"].timestamp()) // 86400)) for key in keys}


def exempt(account, user_id, message="Break-glass user, rotated by hand"):
    """AWS Config's own per-resource exemption from automatic remediation."""
    config = account.client("config")
    response = config.put_remediation_exceptions(
        ConfigRuleName=readback.RULE_NAME,
        ResourceKeys=[{"ResourceType": "AWS::IAM::User", "ResourceId": user_id}],
        Message=message,
    )
    assert not response["FailedBatches"], response


def clear_exception(account, user_id):
    """What the README asks for once a failing notification is repaired."""
    response = account.client("config").delete_remediation_exceptions(
        ConfigRuleName=readback.RULE_NAME, ResourceKeys=[{"ResourceType": "AWS::IAM::User", "ResourceId": user_id}])
    assert not response["FailedBatches"], response


# --- The central topic's subscriber ------------------------------------------------

def subscribe_queue(central_account):
    """An SQS queue in the central account subscribed to the notification topic."""
    queue_url, queue_arn = create_queue(central_account, QUEUE_NAME)
    central_account.client("sns").subscribe(TopicArn=readback.topic_arn(central_account.account_id), Protocol="sqs", Endpoint=queue_arn)
    return queue_url


def create_queue(central_account, name, attributes=None):
    """An SQS queue in the central account that the notification topic may send to, with these
    further queue attributes (KmsMasterKeyId, ...); (URL, ARN)."""
    sqs = central_account.client("sqs")
    queue_url = sqs.create_queue(QueueName=name, Attributes=dict(attributes or {}))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic_arn = readback.topic_arn(central_account.account_id)
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
        }],
    })})
    return queue_url, queue_arn


def create_key(account, *statements):
    """A KMS key of the account whose policy gives the account full control, plus these statements; its ARN."""
    root = {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{0}:root".format(account.account_id)},
            "Action": "kms:*", "Resource": "*"}
    policy = {"Version": "2012-10-17", "Statement": [root] + list(statements)}
    return account.client("kms").create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]


def delivery_failures(central_account, subscription_arn=None):
    """What the central topic could not deliver to SQS, as the emulator recorded it (AWS reports it
    through delivery status logging): [{"SubscriptionArn", "Endpoint", "MessageId", "ErrorCode", "ErrorMessage", ...}]."""
    return sns_delivery_failures_of(central_account.emulator.url, central_account.account_id, central_account.region, subscription_arn)


def drain_notifications(central_account, queue_url):
    """Every message waiting in the queue, as {account_id, user_name, subject, message, event}."""
    sqs = central_account.client("sqs")
    notifications = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            return notifications
        for message in messages:
            notifications.append(notification(json.loads(message["Body"])))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def notification(envelope):
    """SNS's JSON envelope as SQS receives it (raw message delivery off); the JSON document it
    carries is checked against docs/message.schema.json."""
    attributes = {name: value["Value"] for name, value in envelope.get("MessageAttributes", {}).items()}
    document = json.loads(envelope["Message"])
    jsonschema.validate(document, MESSAGE_SCHEMA)
    return {
        "account_id": attributes.get("account_id"),
        "user_name": attributes.get("user_name"),
        "owner": attributes.get("owner"),
        "event": attributes.get("event"),
        "subject": envelope.get("Subject"),
        "document": document,
        "topic_arn": envelope["TopicArn"],
    }


# --- Evaluation and remediation ----------------------------------------------------

def evaluate(account, timeout=WAIT_SECONDS):
    """Evaluate the rule as its periodic trigger would, then wait until every automatic
    remediation this evaluation started has finished. Returns an Evaluation."""
    config = account.client("config")
    started = time.time()
    config.start_config_rules_evaluation(ConfigRuleNames=[readback.RULE_NAME])
    compliance = wait_for_compliance(config, started, timeout)
    expected = set(compliance_of(compliance, "NON_COMPLIANT")) - exempted_user_ids(config)
    return Evaluation(compliance, wait_for_remediations(config, expected, started, timeout))


def wait_for_compliance(config, since, timeout):
    deadline = time.time() + timeout
    while True:
        results = compliance_details(config)
        if results and all(result["ResultRecordedTime"].timestamp() >= since - 1 for result in results):
            return {result_resource_id(result): result["ComplianceType"] for result in results}
        if time.time() > deadline:
            raise AssertionError("no evaluation of {0} recorded after {1} s: {2}".format(readback.RULE_NAME, timeout, results))
        time.sleep(POLL_SECONDS)


def compliance_details(config):
    paginator = config.get_paginator("get_compliance_details_by_config_rule")
    return [result for page in paginator.paginate(ConfigRuleName=readback.RULE_NAME) for result in page["EvaluationResults"]]


def result_resource_id(result):
    return result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]


def compliance_of(compliance, compliance_type):
    return sorted(user_id for user_id, found in compliance.items() if found == compliance_type)


def exempted_user_ids(config):
    exceptions = config.describe_remediation_exceptions(ConfigRuleName=readback.RULE_NAME)["RemediationExceptions"]
    return {exception["ResourceId"] for exception in exceptions}


def wait_for_remediations(config, user_ids, since, timeout):
    """Remediation status per user once each has a finished attempt started after `since`."""
    deadline = time.time() + timeout
    while True:
        statuses = remediation_statuses(config, user_ids)
        if all(finished_since(statuses.get(user_id), since) for user_id in user_ids):
            return statuses
        if time.time() > deadline:
            raise AssertionError("remediations of {0} not finished after {1} s: {2}".format(sorted(user_ids), timeout, statuses))
        time.sleep(POLL_SECONDS)


def remediation_statuses(config, user_ids=None):
    """{user resource id: remediation status} of the rule, for these users or all."""
    request = {"ConfigRuleName": readback.RULE_NAME}
    if user_ids:
        request["ResourceKeys"] = [{"resourceType": "AWS::IAM::User", "resourceId": user_id} for user_id in sorted(user_ids)]
    pages = config.get_paginator("describe_remediation_execution_status").paginate(**request)
    return {status["ResourceKey"]["resourceId"]: status for page in pages for status in page["RemediationExecutionStatuses"]}


def finished_since(status, since):
    return bool(status) and status["State"] in TERMINAL_REMEDIATION_STATES and status["InvocationTime"].timestamp() >= since - 1


def automation_execution_for(account, user_id):
    """The newest execution of the notification document about this user, with its steps."""
    ssm = account.client("ssm")
    paginator = ssm.get_paginator("describe_automation_executions")
    pages = paginator.paginate(Filters=[{"Key": "DocumentNamePrefix", "Values": [readback.DOCUMENT_NAME]}])
    executions = [ssm.get_automation_execution(AutomationExecutionId=metadata["AutomationExecutionId"])["AutomationExecution"]
                  for page in pages for metadata in page["AutomationExecutionMetadataList"]]
    about_user = [execution for execution in executions if execution["Parameters"].get("ResourceId") == [user_id]]
    assert about_user, "no automation execution about {0}".format(user_id)
    return max(about_user, key=lambda execution: execution["ExecutionStartTime"])


def run_remediation_document(account, user_id, timeout=WAIT_SECONDS):
    """Start the remediation's document directly, with the parameters Config would pass, and
    return the finished execution."""
    remediation = readback.remediation(account)
    parameters = {name: value["StaticValue"]["Values"] for name, value in remediation["Parameters"].items() if "StaticValue" in value}
    parameters.update({name: [user_id] for name, value in remediation["Parameters"].items() if "ResourceValue" in value})
    ssm = account.client("ssm")
    execution_id = ssm.start_automation_execution(
        DocumentName=remediation["TargetId"], DocumentVersion=remediation["TargetVersion"], Parameters=parameters)["AutomationExecutionId"]
    deadline = time.time() + timeout
    while True:
        execution = ssm.get_automation_execution(AutomationExecutionId=execution_id)["AutomationExecution"]
        if execution["AutomationExecutionStatus"] not in ("Pending", "InProgress", "Waiting"):
            return execution
        if time.time() > deadline:
            raise AssertionError("automation {0} still {1} after {2} s".format(execution_id, execution["AutomationExecutionStatus"], timeout))
        time.sleep(POLL_SECONDS)
