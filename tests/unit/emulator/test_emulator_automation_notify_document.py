# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's notification runbook, run end to end with the policies the rollout deploys.

Target account: the runbook (roles/target_account/files), the automation role with the
trust and inline policy of roles/target_account/vars/main.yml, a Config recorder of IAM
users, one IAM user. Central account: a KMS key and an encrypted topic with the policies
of roles/central_account/vars/main.yml (explicit target account list), an SQS subscriber.
"""

import json
import os

import pytest

from automation_testing import run, steps_by_name
from emulator_testing import REGION, start_recorder

TARGET = "111111111111"
CENTRAL = "222222222222"
ROLE_NAME = f"cloudsec-aged-keys-remediation-{REGION}"
ROLE_ARN = f"arn:aws:iam::{TARGET}:role/{ROLE_NAME}"
TOPIC_NAME = "cloudsec-aged-keys"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{CENTRAL}:{TOPIC_NAME}"
DOCUMENT_NAME = "cloudsec-aged-keys-notify"
DOCUMENT_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "roles", "target_account", "files", "notify_aged_access_key.json")
PUBLISHER_ROLE_PATTERN = "arn:aws:iam::*:role/cloudsec-aged-keys-remediation-*"
TARGET_ROOT = f"arn:aws:iam::{TARGET}:root"
CENTRAL_ROOT = f"arn:aws:iam::{CENTRAL}:root"


# --- policies, as the role vars build them ---------------------------------------------------------

def trust_policy():
    condition = {"StringEquals": {"aws:SourceAccount": TARGET}, "ArnLike": {"aws:SourceArn": f"arn:aws:ssm:*:{TARGET}:automation-execution/*"}}
    statement = {"Sid": "SsmAutomationFromThisAccount", "Effect": "Allow", "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole"}
    return policy_document(dict(statement, Condition=condition))


def automation_policy(publish=True):
    statements = [{"Sid": "ResolveUserName", "Effect": "Allow", "Action": "config:ListDiscoveredResources", "Resource": "*"}]
    if publish:
        statements.append({"Sid": "PublishToCentralTopic", "Effect": "Allow", "Action": "sns:Publish", "Resource": TOPIC_ARN})
    statements.append({
        "Sid": "EncryptForCentralTopic",
        "Effect": "Allow",
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": f"arn:aws:kms:{REGION}:{CENTRAL}:key/*",
        "Condition": {"StringEquals": {"kms:ViaService": f"sns.{REGION}.amazonaws.com"}},
    })
    return policy_document(*statements)


def publishers(organization_id=None):
    """(Principal, Condition) of the publishers: the organisation's accounts, or the listed targets."""
    condition = {"ArnLike": {"aws:PrincipalArn": PUBLISHER_ROLE_PATTERN}}
    if organization_id:
        return {"AWS": "*"}, dict(condition, StringEquals={"aws:PrincipalOrgID": organization_id})
    return {"AWS": [TARGET_ROOT]}, condition


def key_policy(grant_targets=True, organization_id=None):
    statements = [{"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": CENTRAL_ROOT}, "Action": "kms:*", "Resource": "*"}]
    if grant_targets:
        principal, condition = publishers(organization_id)
        condition["StringEquals"] = dict(condition.get("StringEquals", {}), **{"kms:ViaService": f"sns.{REGION}.amazonaws.com"})
        statements.append({
            "Sid": "TargetAccountsPublishThroughSns",
            "Effect": "Allow",
            "Principal": principal,
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": "*",
            "Condition": condition,
        })
    statements.append({
        "Sid": "SnsDeliveryToEncryptedSubscribers",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": CENTRAL}},
    })
    return policy_document(*statements)


def topic_policy(organization_id=None):
    principal, condition = publishers(organization_id)
    admin_actions = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
                     "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
    return policy_document(
        {"Sid": "AccountAdministration", "Effect": "Allow", "Principal": {"AWS": CENTRAL_ROOT}, "Action": admin_actions, "Resource": TOPIC_ARN},
        {"Sid": "TargetAccountsPublish", "Effect": "Allow", "Principal": principal, "Action": "sns:Publish", "Resource": TOPIC_ARN,
         "Condition": condition},
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": TOPIC_ARN,
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    )


def policy_document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# --- accounts ------------------------------------------------------------------------------------------

def deploy_central(emulator, grant_targets=True, organization_id=None):
    """The encrypted topic (key referenced by alias) and a queue subscribed to it; returns the queue URL."""
    credentials = emulator.assume_account(CENTRAL)
    kms = emulator.client("kms", credentials=credentials)
    key = kms.create_key(Policy=key_policy(grant_targets, organization_id))["KeyMetadata"]
    kms.create_alias(AliasName="alias/cloudsec-aged-keys", TargetKeyId=key["KeyId"])
    sns = emulator.client("sns", credentials=credentials)
    attributes = {"KmsMasterKeyId": "alias/cloudsec-aged-keys", "Policy": topic_policy(organization_id)}
    topic_arn = sns.create_topic(Name=TOPIC_NAME, Attributes=attributes)["TopicArn"]
    sqs = emulator.client("sqs", credentials=credentials)
    queue_url = sqs.create_queue(QueueName="aged-keys-tickets")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return sqs, queue_url


def deploy_target(emulator, publish=True, record_users=True):
    """Role, runbook, recorder and one IAM user; returns (ssm client, user id)."""
    credentials = emulator.assume_account(TARGET)
    iam = emulator.client("iam", credentials=credentials)
    iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=trust_policy())
    iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="cloudsec-aged-keys-remediation", PolicyDocument=automation_policy(publish))
    user_id = iam.create_user(UserName="alice")["User"]["UserId"]
    if record_users:
        start_recorder(emulator.client("config", credentials=credentials))
    ssm = emulator.client("ssm", credentials=credentials)
    with open(DOCUMENT_PATH, encoding="utf-8") as document:
        ssm.create_document(Name=DOCUMENT_NAME, DocumentType="Automation", DocumentFormat="JSON", Content=document.read())
    return ssm, user_id


def notify(ssm, resource_id):
    parameters = {"AutomationAssumeRole": [ROLE_ARN], "ResourceId": [resource_id], "TopicArn": [TOPIC_ARN]}
    return run(ssm, DOCUMENT_NAME, parameters)


def received(sqs, queue_url):
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def failed_step(ssm, execution):
    """The failed step as DescribeAutomationStepExecutions reports it."""
    steps = ssm.describe_automation_step_executions(AutomationExecutionId=execution["AutomationExecutionId"])["StepExecutions"]
    return next(step for step in steps if step["StepStatus"] == "Failed")


# --- tests ---------------------------------------------------------------------------------------------

def test_notification_reaches_the_central_subscriber(emulator):
    sqs, queue_url = deploy_central(emulator)
    ssm, user_id = deploy_target(emulator)

    execution = notify(ssm, user_id)

    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    assert execution["ExecutedBy"].startswith(f"arn:aws:sts::{TARGET}:assumed-role/")
    steps = steps_by_name(execution)
    assert list(steps) == ["RequireRecordedUser", "ResolveUserName", "PublishNotification"]
    assert steps["ResolveUserName"]["Outputs"] == {"UserName": ["alice"]}
    [message] = received(sqs, queue_url)
    assert message["Subject"] == f"Aged IAM access key in AWS account {TARGET}"
    assert message["Message"].startswith(f"IAM user alice in AWS account {TARGET} has an active access key older than 90 days.")
    assert f"Automation execution: {execution['AutomationExecutionId']}" in message["Message"]
    assert f"Region: {REGION}" in message["Message"]
    assert message["MessageAttributes"]["user_name"]["Value"] == "alice"
    assert message["MessageAttributes"]["account_id"]["Value"] == TARGET
    assert steps["PublishNotification"]["Outputs"]["MessageId"] == [message["MessageId"]]


def create_organization(emulator, account_id):
    """An organization whose management account is `account_id`; returns its id."""
    organizations = emulator.client("organizations", region="us-east-1", credentials=emulator.assume_account(account_id))
    return organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]


def test_organization_scoped_policies_let_members_publish(emulator):
    organization_id = create_organization(emulator, TARGET)
    sqs, queue_url = deploy_central(emulator, organization_id=organization_id)
    ssm, user_id = deploy_target(emulator)

    execution = notify(ssm, user_id)

    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    assert [message["MessageAttributes"]["account_id"]["Value"] for message in received(sqs, queue_url)] == [TARGET]


def test_organization_scoped_policies_refuse_accounts_outside_the_organization(emulator):
    create_organization(emulator, TARGET)
    sqs, queue_url = deploy_central(emulator, organization_id="o-otherorg01")
    ssm, user_id = deploy_target(emulator)

    execution = notify(ssm, user_id)

    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "not authorized to perform: SNS:Publish" in execution["FailureMessage"]
    assert received(sqs, queue_url) == []


def test_role_without_sns_publish_is_denied(emulator):
    sqs, queue_url = deploy_central(emulator)
    ssm, user_id = deploy_target(emulator, publish=False)

    execution = notify(ssm, user_id)

    expected = (
        f"An error occurred (AuthorizationError) when calling the Publish operation: User: arn:aws:sts::{TARGET}:assumed-role/{ROLE_NAME}/"
        f"{execution['AutomationExecutionId']} is not authorized to perform: SNS:Publish on resource: {TOPIC_ARN} "
        "because no identity-based policy allows the SNS:Publish action"
    )
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert expected in execution["FailureMessage"]
    assert execution["FailureMessage"].startswith("Step fails when it is Execute/Cancelling action. An error occurred (AuthorizationError)")
    step = failed_step(ssm, execution)
    assert step["StepName"] == "PublishNotification"
    assert expected in step["FailureMessage"]
    assert step["FailureDetails"]["FailureStage"] == "Invocation"
    assert received(sqs, queue_url) == []


def test_key_policy_without_the_target_accounts_refuses_the_publish(emulator):
    sqs, queue_url = deploy_central(emulator, grant_targets=False)
    ssm, user_id = deploy_target(emulator)

    execution = notify(ssm, user_id)

    assert execution["AutomationExecutionStatus"] == "Failed"
    message = execution["FailureMessage"]
    assert "An error occurred (KMSAccessDenied) when calling the Publish operation" in message
    assert f"is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:{REGION}:{CENTRAL}:key/" in message
    assert "because no resource-based policy allows the kms:GenerateDataKey action" in message
    assert failed_step(ssm, execution)["StepName"] == "PublishNotification"
    assert received(sqs, queue_url) == []


@pytest.mark.parametrize("record_users", [True, False], ids=["unknown-user", "users-not-recorded"])
def test_unrecorded_user_fails_before_anything_is_published(emulator, record_users):
    sqs, queue_url = deploy_central(emulator)
    ssm, user_id = deploy_target(emulator, record_users=record_users)
    resource_id = "AIDAUNKNOWNUSER000000" if record_users else user_id

    execution = notify(ssm, resource_id)

    assert execution["AutomationExecutionStatus"] == "Failed"
    assert [step["StepName"] for step in execution["StepExecutions"]] == ["RequireRecordedUser"]
    step = failed_step(ssm, execution)
    assert step["FailureDetails"]["FailureType"] == "Verification"
    expected = f"Property selector $.resourceIdentifiers[0].resourceId selected no value, which is not in the desired values [\"{resource_id}\"]"
    assert expected in step["FailureMessage"]
    assert execution["FailureMessage"] == step["FailureMessage"]
    assert received(sqs, queue_url) == []
