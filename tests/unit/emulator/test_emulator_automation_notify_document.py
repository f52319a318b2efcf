# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's notification runbook, run end to end with the policies the rollout deploys.

Target account: the runbook (roles/target_account/files), the automation role with the
trust and inline policy of roles/target_account/vars/main.yml, a Config recorder of IAM
users, one IAM user with access keys. Central account: a KMS key and an encrypted topic with
the policies of roles/central_account/vars/main.yml (the target account listed, or the
organisation's accounts), an SQS subscriber. The policies are the roles' own, rendered with
Ansible's templating, so a change to a role's policy is tested here. Every JSON message is
validated against docs/message.schema.json.
"""

import datetime
import json
import os

import jsonschema
import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar
from aged_keys_emulator.control import set_access_key_age, set_access_key_last_used, sns_deliveries_of

from automation_testing import run, steps_by_name
from emulator_testing import REGION, put_access_keys_rule, start_recorder
from sns_testing import queue_for_topic

TARGET = "111111111111"
CENTRAL = "222222222222"
ROLE_NAME_PREFIX = "cloudsec-aged-keys-remediation"
ROLE_NAME = f"{ROLE_NAME_PREFIX}-{REGION}"
ROLE_ARN = f"arn:aws:iam::{TARGET}:role/{ROLE_NAME}"
TOPIC_NAME = "cloudsec-aged-keys"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{CENTRAL}:{TOPIC_NAME}"
DOCUMENT_NAME = "cloudsec-aged-keys-notify"
RULE_NAME = "cloudsec-aged-keys-access-keys-rotated"
REPO = os.path.join(os.path.dirname(__file__), "..", "..", "..")
DOCUMENT_PATH = os.path.join(REPO, "roles", "target_account", "files", "notify_aged_access_key.yml")
with open(os.path.join(REPO, "docs", "message.schema.json"), encoding="utf-8") as schema_file:
    MESSAGE_SCHEMA = json.load(schema_file)


# --- policies, as the roles render them ----------------------------------------------------------------

def role_vars(role):
    """The role's vars/main.yml, with its templates trusted as the role's own are."""
    return DataLoader().load_from_file(os.path.join(REPO, "roles", role, "vars", "main.yml"), trusted_as_template=True)


def render_role_var(role, name, **variables):
    """The role's variable `name` as a play renders it, given the inventory and default values it needs."""
    defined = role_vars(role)
    return Templar(loader=DataLoader(), variables=dict(defined, **variables)).template(defined[name])


def policy_document(document, without=()):
    """The rendered policy as JSON, without the statements whose Sid is in `without`."""
    statements = [statement for statement in document["Statement"] if statement["Sid"] not in without]
    return json.dumps(dict(document, Statement=statements))


# The automation role's statements, in the order the role lists them.
STATEMENT_IDS = tuple(statement["Sid"] for group in role_vars("target_account")["__target_account_automation_statements"].values()
                      for statement in group)
TARGET_VARS = {
    "account_id": TARGET, "target_account_partition": "aws", "target_account_home_region": REGION, "target_account_topic_region": REGION,
    "target_account_central_account_id": CENTRAL, "target_account_topic_name": TOPIC_NAME,
    # Enforced deactivation and reminder pauses: the policy holds every statement.
    "target_account_deactivation_mode": "enforce", "target_account_reminder_days": 7,
}
# More target accounts than the central policies can list: they admit the automation role of every
# account of the organisation instead.
TOO_MANY_TARGETS = [TARGET] + [f"{number:012d}" for number in range(1, 2100)]


def trust_policy():
    return policy_document(render_role_var("target_account", "__target_account_trust_policy", **TARGET_VARS))


def automation_policy(without=()):
    return policy_document(render_role_var("target_account", "__target_account_automation_policy", **TARGET_VARS), without)


def central_vars(organization_id=None):
    """The central account's values; with an organisation id, publishers are the organisation's accounts rather than listed."""
    return {
        "account_id": CENTRAL, "central_account_partition": "aws", "central_account_region": REGION, "central_account_topic_name": TOPIC_NAME,
        "central_account_automation_role_name_prefix": ROLE_NAME_PREFIX, "central_account_organization_id": organization_id or "",
        "central_account_target_account_ids": TOO_MANY_TARGETS if organization_id else [TARGET],
    }


def key_policy(grant_targets=True, organization_id=None):
    without = () if grant_targets else ("TargetAccountsPublishThroughSns",)
    return policy_document(render_role_var("central_account", "__central_account_key_policy", **central_vars(organization_id)), without)


def topic_policy(organization_id=None):
    return policy_document(render_role_var("central_account", "__central_account_topic_policy", **central_vars(organization_id)))


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
    queue_url, queue_arn = queue_for_topic(sqs, "aged-keys-tickets", topic_arn)
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
    return sqs, queue_url


class Target:
    """The target account: clients acting in it, the user alice, and how to run the runbook about her."""

    def __init__(self, emulator, without=(), record_users=True):
        self.emulator = emulator
        credentials = emulator.assume_account(TARGET)
        self.iam = emulator.client("iam", credentials=credentials)
        self.iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=trust_policy())
        self.iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="cloudsec-aged-keys-notify", PolicyDocument=automation_policy(without))
        self.user_id = self.iam.create_user(UserName="alice")["User"]["UserId"]
        self.config = emulator.client("config", credentials=credentials)
        if record_users:
            start_recorder(self.config)
        put_access_keys_rule(self.config, name=RULE_NAME)
        self.ssm = emulator.client("ssm", credentials=credentials)
        with open(DOCUMENT_PATH, encoding="utf-8") as document:
            self.ssm.create_document(Name=DOCUMENT_NAME, DocumentType="Automation", DocumentFormat="YAML", Content=document.read())

    def add_key(self, age_days, last_used_days_ago=None, active=True):
        key_id = self.iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
        set_access_key_age(self.emulator.url, TARGET, "alice", key_id, age_days=age_days)
        if last_used_days_ago is None:
            set_access_key_last_used(self.emulator.url, TARGET, "alice", key_id, never_used=True)
        else:
            set_access_key_last_used(self.emulator.url, TARGET, "alice", key_id, days_ago=last_used_days_ago, service="s3", region=REGION)
        if not active:
            self.iam.update_access_key(UserName="alice", AccessKeyId=key_id, Status="Inactive")
        return key_id

    def tag(self, **tags):
        self.iam.tag_user(UserName="alice", Tags=[{"Key": key.replace("_", "-"), "Value": value} for key, value in tags.items()])

    def key_status(self):
        return {key["AccessKeyId"]: key["Status"] for key in self.iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]}

    def notify(self, resource_id=None, **settings):
        parameters = {"AutomationAssumeRole": [ROLE_ARN], "ResourceId": [resource_id or self.user_id], "TopicArn": [TOPIC_ARN],
                      "ConfigRuleName": [RULE_NAME]}
        parameters.update({name: [str(value)] for name, value in settings.items()})
        return run(self.ssm, DOCUMENT_NAME, parameters)


def received(sqs, queue_url):
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(message["Body"]) for message in messages]


def document_of(envelope):
    """The JSON document an SQS subscriber gets, checked against the published schema."""
    document = json.loads(envelope["Message"])
    jsonschema.validate(document, MESSAGE_SCHEMA)
    return document


def failed_step(ssm, execution):
    """The failed step as DescribeAutomationStepExecutions reports it."""
    steps = ssm.describe_automation_step_executions(AutomationExecutionId=execution["AutomationExecutionId"])["StepExecutions"]
    return next(step for step in steps if step["StepStatus"] == "Failed")


def outputs(execution):
    return dict(steps_by_name(execution)["NotifyOwner"]["Outputs"])


def ok(execution):
    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    return execution


# --- tests ---------------------------------------------------------------------------------------------

def test_the_message_names_only_the_aged_key_and_leaves_the_others_untouched(emulator):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator)
    aged = target.add_key(400, last_used_days_ago=3)
    fresh = target.add_key(30, last_used_days_ago=0)
    target.tag(owner="team-a")

    execution = ok(target.notify())

    assert execution["ExecutedBy"].startswith(f"arn:aws:sts::{TARGET}:assumed-role/")
    assert list(steps_by_name(execution)) == ["RequireRecordedUser", "ResolveUserName", "NotifyOwner"]
    [envelope] = received(sqs, queue_url)
    message = document_of(envelope)
    assert [key["access_key_id"] for key in message["keys"]] == [aged]
    [key] = message["keys"]
    assert key["age_days"] == 400 and key["deactivated"] is False and key["deactivation_date"] is None
    assert key["last_used"]["service"] == "s3" and key["last_used"]["region"] == REGION
    assert (datetime.datetime.now(datetime.timezone.utc) - datetime.datetime.fromisoformat(key["last_used"]["date"].replace("Z", "+00:00"))).days == 3
    assert message["untouched_keys"] == [{"access_key_id": fresh, "status": "Active", "age_days": 30}]
    assert (message["event"], message["severity"], message["owner"]) == ("aged-access-key", "warning", "team-a")
    assert (message["account_id"], message["region"], message["user_name"], message["user_id"]) == (TARGET, REGION, "alice", target.user_id)
    assert message["user_arn"] == f"arn:aws:iam::{TARGET}:user/alice"
    assert message["automation_execution_id"] == execution["AutomationExecutionId"]
    assert (message["deactivation"], message["exemption"], message["next_reminder"]) == (None, None, None)
    attributes = {name: value["Value"] for name, value in envelope["MessageAttributes"].items()}
    assert attributes == {"account_id": TARGET, "user_name": "alice", "owner": "team-a", "event": "aged-access-key", "severity": "warning"}
    assert envelope["Subject"] == f"Aged IAM access key: alice in {TARGET}"
    assert target.key_status() == {aged: "Active", fresh: "Active"}
    assert outputs(execution)["AgedKeys"] == [aged] and outputs(execution)["MessageId"] == [envelope["MessageId"]]
    # For the compliance report: the aged key's creation time, as the message gives it.
    assert outputs(execution)["AgedKeyCreateDates"] == [f"{aged}={key['created']}"]


def created_by_key(execution):
    """{access key id: creation time} of the runbook's AgedKeyCreateDates output."""
    return {key_id: datetime.datetime.fromisoformat(created.replace("Z", "+00:00"))
            for key_id, created in (value.split("=", 1) for value in outputs(execution)["AgedKeyCreateDates"])}


def test_email_subscribers_get_text_naming_the_aged_key_and_the_untouched_one(emulator):
    deploy_central(emulator)
    target = Target(emulator)
    aged = target.add_key(400)
    fresh = target.add_key(30, last_used_days_ago=1)
    sns = emulator.client("sns", credentials=emulator.assume_account(CENTRAL))
    sns.subscribe(TopicArn=TOPIC_ARN, Protocol="email", Endpoint="security@example.com")

    ok(target.notify())

    [delivery] = [item for item in control_deliveries(emulator) if item["Protocol"] == "email"]
    text = delivery["Body"]
    assert text.startswith(f"IAM user alice in AWS account {TARGET} has 1 active access key(s) older than 90 days.")
    assert f"{aged}  created" in text and "400 days old, never used" in text
    assert "left untouched" in text and f"{fresh}  Active, 30 days old" in text
    assert "Deactivation: off." in text and "Owner: (no owner tag)" in text


def control_deliveries(emulator):
    return sns_deliveries_of(emulator.url, CENTRAL, REGION)


def test_a_user_without_tags_is_notified_with_a_null_owner_and_no_owner_attribute(emulator):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator)
    target.add_key(200)

    ok(target.notify())

    [envelope] = received(sqs, queue_url)
    assert document_of(envelope)["owner"] is None
    assert "owner" not in envelope["MessageAttributes"]


@pytest.mark.parametrize("until_days, exempt", [(30, True), (0, True), (-1, False)], ids=["future", "today", "past"])
def test_an_exemption_tag_silences_the_user_until_its_date(emulator, until_days, exempt):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator)
    target.add_key(200)
    until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=until_days)).date().isoformat()
    target.tag(aged_keys_exempt_until=until)

    execution = ok(target.notify())

    if exempt:
        assert received(sqs, queue_url) == []
        assert outputs(execution)["Event"] == ["exempt"] and outputs(execution)["ExemptUntil"] == [until]
        # The report shows an exempt user's aged keys with their ages too.
        listed = target.iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
        assert created_by_key(execution) == {key["AccessKeyId"]: key["CreateDate"] for key in listed}
    else:
        [envelope] = received(sqs, queue_url)
        expected = {"tag": "aged-keys-exempt-until", "value": until, "until": None, "ignored": f"the exemption ended on {until}"}
        assert document_of(envelope)["exemption"] == expected


@pytest.mark.parametrize("value", ["forever", "2026-13-01", ""])
def test_a_malformed_exemption_is_ignored_and_the_message_says_why(emulator, value):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator)
    target.add_key(200)
    target.tag(aged_keys_exempt_until=value)

    ok(target.notify())

    [envelope] = received(sqs, queue_url)
    exemption = document_of(envelope)["exemption"]
    assert exemption["value"] == value and "not a date YYYY-MM-DD" in exemption["ignored"]


def test_dry_run_says_which_key_would_be_deactivated_and_when_and_changes_nothing(emulator):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator)
    old = target.add_key(400)
    aging = target.add_key(100)

    execution = ok(target.notify(DeactivationMode="dry_run", DeactivateAfterDays=180))

    message = document_of(received(sqs, queue_url)[0])
    assert (message["event"], message["severity"]) == ("access-key-deactivation-planned", "high")
    assert message["deactivation"]["mode"] == "dry_run" and message["deactivation"]["after_days"] == 180
    by_id = {key["access_key_id"]: key for key in message["keys"]}
    assert set(by_id) == {old, aging}
    assert not any(key["deactivated"] for key in message["keys"])
    assert message["deactivation"]["date"] == by_id[aging]["deactivation_date"]
    assert target.key_status() == {old: "Active", aging: "Active"}
    assert message["untouched_keys"] == []
    assert outputs(execution)["DeactivatedKeys"] == []


def test_enforce_deactivates_exactly_the_keys_past_the_limit(emulator):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator)
    old = target.add_key(400)
    fresh = target.add_key(30)

    execution = ok(target.notify(DeactivationMode="enforce", DeactivateAfterDays=180))

    assert target.key_status() == {old: "Inactive", fresh: "Active"}
    [envelope] = received(sqs, queue_url)
    message = document_of(envelope)
    assert (message["event"], message["severity"]) == ("access-key-deactivated", "critical")
    assert [(key["access_key_id"], key["deactivated"]) for key in message["keys"]] == [(old, True)]
    assert message["untouched_keys"] == [{"access_key_id": fresh, "status": "Active", "age_days": 30}]
    assert outputs(execution)["DeactivatedKeys"] == [old]
    assert envelope["Subject"] == f"IAM access key deactivated: alice in {TARGET}"


def test_enforce_before_the_date_only_announces_it(emulator):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator)
    aging = target.add_key(100)

    ok(target.notify(DeactivationMode="enforce", DeactivateAfterDays=180))

    message = document_of(received(sqs, queue_url)[0])
    assert message["event"] == "access-key-deactivation-planned"
    assert target.key_status() == {aging: "Active"}


def test_a_reminder_pause_is_a_remediation_exception_that_ends_before_the_next_deactivation(emulator):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator)
    target.add_key(175)

    execution = ok(target.notify(ReminderDays=7, DeactivationMode="dry_run", DeactivateAfterDays=180))

    message = document_of(received(sqs, queue_url)[0])
    [exception] = target.config.describe_remediation_exceptions(ConfigRuleName=RULE_NAME)["RemediationExceptions"]
    assert exception["ResourceId"] == target.user_id
    assert exception["Message"].startswith("cloudsec.aged_keys reminder: notified; next reminder after ")
    # Five days before the key reaches 180 days: the pause ends then, not after seven days.
    expires = exception["ExpirationTime"]
    assert 4 <= (expires - datetime.datetime.now(datetime.timezone.utc)).days <= 5
    assert message["next_reminder"][:16] == outputs(execution)["NextReminder"][0][:16]


@pytest.mark.parametrize("missing", STATEMENT_IDS)
def test_without_any_one_statement_the_runbook_fails_with_an_authorization_error(emulator, missing):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator, without=[missing])
    target.add_key(400)

    execution = target.notify(ReminderDays=7, DeactivationMode="enforce", DeactivateAfterDays=180)

    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "not authorized to perform" in execution["FailureMessage"], execution["FailureMessage"]
    if missing not in ("DeactivateAgedKeys", "PauseReminders"):
        assert received(sqs, queue_url) == []


def test_organization_scoped_policies_admit_the_organisation_instead_of_listing_the_accounts():
    for policy, sid in ((key_policy(organization_id="o-abcd123456"), "TargetAccountsPublishThroughSns"),
                        (topic_policy(organization_id="o-abcd123456"), "TargetAccountsPublish")):
        [statement] = [statement for statement in json.loads(policy)["Statement"] if statement["Sid"] == sid]
        assert statement["Condition"]["StringEquals"]["aws:PrincipalOrgID"] == "o-abcd123456"
        assert "aws:PrincipalAccount" not in statement["Condition"]["StringEquals"]


def create_organization(emulator, account_id):
    """An organization whose management account is `account_id`; returns its id."""
    organizations = emulator.client("organizations", region="us-east-1", credentials=emulator.assume_account(account_id))
    return organizations.create_organization(FeatureSet="ALL")["Organization"]["Id"]


def test_organization_scoped_policies_let_members_publish(emulator):
    organization_id = create_organization(emulator, TARGET)
    sqs, queue_url = deploy_central(emulator, organization_id=organization_id)
    target = Target(emulator)
    target.add_key(200)

    ok(target.notify())

    assert [message["MessageAttributes"]["account_id"]["Value"] for message in received(sqs, queue_url)] == [TARGET]


def test_organization_scoped_policies_refuse_accounts_outside_the_organization(emulator):
    create_organization(emulator, TARGET)
    sqs, queue_url = deploy_central(emulator, organization_id="o-otherorg01")
    target = Target(emulator)
    target.add_key(200)

    execution = target.notify()

    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "not authorized to perform: SNS:Publish" in execution["FailureMessage"]
    assert received(sqs, queue_url) == []


def test_role_without_sns_publish_is_denied(emulator):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator, without=["PublishToCentralTopic"])
    target.add_key(200)

    execution = target.notify()

    expected = (
        f"An error occurred (AuthorizationError) when calling the Publish operation: User: arn:aws:sts::{TARGET}:assumed-role/{ROLE_NAME}/"
        f"{execution['AutomationExecutionId']} is not authorized to perform: SNS:Publish on resource: {TOPIC_ARN} "
        "because no identity-based policy allows the SNS:Publish action"
    )
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert expected in execution["FailureMessage"]
    step = failed_step(ssm=target.ssm, execution=execution)
    assert step["StepName"] == "NotifyOwner"
    assert expected in step["FailureMessage"]
    assert received(sqs, queue_url) == []


def test_key_policy_without_the_target_accounts_refuses_the_publish(emulator):
    sqs, queue_url = deploy_central(emulator, grant_targets=False)
    target = Target(emulator)
    target.add_key(200)

    execution = target.notify()

    assert execution["AutomationExecutionStatus"] == "Failed"
    message = execution["FailureMessage"]
    assert "An error occurred (KMSAccessDenied) when calling the Publish operation" in message
    assert f"is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:{REGION}:{CENTRAL}:key/" in message
    assert "because no resource-based policy allows the kms:GenerateDataKey action" in message
    assert failed_step(target.ssm, execution)["StepName"] == "NotifyOwner"
    assert received(sqs, queue_url) == []


@pytest.mark.parametrize("record_users", [True, False], ids=["unknown-user", "users-not-recorded"])
def test_unrecorded_user_fails_before_anything_is_published(emulator, record_users):
    sqs, queue_url = deploy_central(emulator)
    target = Target(emulator, record_users=record_users)
    resource_id = "AIDAUNKNOWNUSER000000" if record_users else target.user_id

    execution = target.notify(resource_id)

    assert execution["AutomationExecutionStatus"] == "Failed"
    assert [step["StepName"] for step in execution["StepExecutions"]] == ["RequireRecordedUser"]
    step = failed_step(target.ssm, execution)
    assert step["FailureDetails"]["FailureType"] == "Verification"
    expected = f"Property selector $.resourceIdentifiers[0].resourceId selected no value, which is not in the desired values [\"{resource_id}\"]"
    assert expected in step["FailureMessage"]
    assert execution["FailureMessage"] == step["FailureMessage"]
    assert received(sqs, queue_url) == []
