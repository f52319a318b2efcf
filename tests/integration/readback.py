# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Independent read-back of what the rollout made, straight from the AWS APIs with boto3."""

import json
import os

import yaml
from botocore.exceptions import ClientError

from estate import REGION, REPO

TOPIC_NAME = "cloudsec-aged-keys-notifications"
KMS_ALIAS = "alias/cloudsec-aged-keys"
DOCUMENT_NAME = "cloudsec-aged-keys-notify"
RULE_NAME = "cloudsec-aged-keys-access-keys-rotated"
ROLE_NAME = "cloudsec-aged-keys-remediation-" + REGION
POLICY_NAME = "cloudsec-aged-keys-notify"
OWNER_TAG = {"ManagedBy": "cloudsec.aged_keys"}
DEPLOYMENT_TAG_KEY = "cloudsec.aged_keys:deployment"
ADOPTED_TAG = {"cloudsec.aged_keys:adopted": "true"}
DOCUMENT_FILE = os.path.join(REPO, "roles", "target_account", "files", "notify_aged_access_key.yml")
# The remediation's settings by default (README, "Variables").
DEFAULT_SETTINGS = {"MaxAccessKeyAge": "90", "OwnerTagKey": "owner", "ExemptionTagKey": "aged-keys-exempt-until",
                    "DeactivationMode": "off", "DeactivateAfterDays": "0", "ReminderDays": "7"}


def ownership_tags(central_id):
    """The tags of every resource of the deployment whose topic is in `central_id` (README, "Variables")."""
    return dict(OWNER_TAG, **{DEPLOYMENT_TAG_KEY: "{0}:{1}:{2}".format(central_id, REGION, TOPIC_NAME)})


def topic_arn(central_id):
    return "arn:aws:sns:{0}:{1}:{2}".format(REGION, central_id, TOPIC_NAME)


def role_arn(account_id):
    return "arn:aws:iam::{0}:role/{1}".format(account_id, ROLE_NAME)


def expected_document():
    with open(DOCUMENT_FILE) as stream:
        return yaml.safe_load(stream)


def statement(policy, sid):
    matches = [s for s in policy["Statement"] if s.get("Sid") == sid]
    assert len(matches) == 1, "policy has no single statement {0}: {1}".format(sid, policy)
    return matches[0]


def as_list(value):
    return value if isinstance(value, list) else [value]


# Central account

def kms_key(account):
    """(key metadata, policy, tags) of the key behind the collection's alias, or None."""
    kms = account.client("kms")
    aliases = kms.list_aliases()["Aliases"]
    alias = [a for a in aliases if a["AliasName"] == KMS_ALIAS]
    if not alias:
        return None
    key_id = alias[0]["TargetKeyId"]
    metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_id)["Tags"]}
    rotation = kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
    return {"metadata": metadata, "policy": policy, "tags": tags, "rotation": rotation}


def topic(account):
    """Attributes (policy parsed), tags and subscriptions of the collection's topic, or None."""
    sns = account.client("sns")
    arn = topic_arn(account.account_id)
    try:
        attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "NotFound":
            return None
        raise
    attributes["Policy"] = json.loads(attributes["Policy"])
    tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]
    return {"attributes": attributes, "tags": tags, "subscriptions": subscriptions}


def assert_publishers(statement, target_ids, organization_id=None):
    """Exactly the automation role of each target account (and, with an organisation id, only within it)."""
    assert statement["Effect"] == "Allow" and statement["Principal"] == {"AWS": "*"}, statement
    condition = statement["Condition"]
    assert condition["ArnLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:role/" + ROLE_NAME}
    assert sorted(as_list(condition["StringEquals"]["aws:PrincipalAccount"])) == sorted(target_ids)
    assert condition["StringEquals"].get("aws:PrincipalOrgID") == organization_id


def assert_central_converged(account, target_ids, organization_id=None):
    key = kms_key(account)
    assert key is not None, "the KMS alias {0} is missing".format(KMS_ALIAS)
    assert key["metadata"]["KeyManager"] == "CUSTOMER"
    assert key["metadata"]["KeyState"] == "Enabled"
    assert key["rotation"] is True
    assert key["tags"].items() >= ownership_tags(account.account_id).items()
    admin = statement(key["policy"], "AccountAdministration")
    assert admin["Principal"]["AWS"] == "arn:aws:iam::{0}:root".format(account.account_id)
    publishers = statement(key["policy"], "TargetAccountsPublishThroughSns")
    assert sorted(as_list(publishers["Action"])) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert publishers["Condition"]["StringEquals"].pop("kms:ViaService") == "sns.{0}.amazonaws.com".format(REGION)
    assert_publishers(publishers, target_ids, organization_id)
    assert len(key["policy"]["Statement"]) == 2, key["policy"]
    # Nobody but the account's own root gets more than data-key use.
    for other in key["policy"]["Statement"]:
        if other.get("Sid") != "AccountAdministration":
            assert "kms:*" not in as_list(other["Action"])

    found = topic(account)
    assert found is not None, "the topic {0} is missing".format(TOPIC_NAME)
    assert found["attributes"]["KmsMasterKeyId"] == KMS_ALIAS
    assert found["tags"].items() >= ownership_tags(account.account_id).items()
    policy = found["attributes"]["Policy"]
    publish = statement(policy, "TargetAccountsPublish")
    assert as_list(publish["Action"]) == ["sns:Publish"]
    assert publish["Resource"] == topic_arn(account.account_id)
    assert_publishers(publish, target_ids, organization_id)
    assert len(policy["Statement"]) == 3, policy
    deny = statement(policy, "DenyInsecureTransport")
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


# Target accounts

def automation_role(account):
    iam = account.client("iam")
    try:
        role = iam.get_role(RoleName=ROLE_NAME)["Role"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchEntity":
            return None
        raise
    trust = role["AssumeRolePolicyDocument"]
    if isinstance(trust, str):
        trust = json.loads(trust)
    inline = iam.list_role_policies(RoleName=ROLE_NAME)["PolicyNames"]
    policies = {}
    for name in inline:
        document = iam.get_role_policy(RoleName=ROLE_NAME, PolicyName=name)["PolicyDocument"]
        policies[name] = json.loads(document) if isinstance(document, str) else document
    attached = iam.list_attached_role_policies(RoleName=ROLE_NAME)["AttachedPolicies"]
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=ROLE_NAME)["Tags"]}
    return {"trust": trust, "policies": policies, "attached": attached, "tags": tags}


def document(account):
    ssm = account.client("ssm")
    try:
        description = ssm.describe_document(Name=DOCUMENT_NAME)["Document"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "InvalidDocument":
            return None
        raise
    content = ssm.get_document(Name=DOCUMENT_NAME, DocumentFormat="JSON")["Content"]
    tags = {t["Key"]: t["Value"] for t in ssm.list_tags_for_resource(ResourceType="Document", ResourceId=DOCUMENT_NAME)["TagList"]}
    return {"description": description, "content": json.loads(content), "tags": tags}


def config_rule(account, region=None, name=RULE_NAME):
    config = account.client("config", region)
    try:
        rules = config.describe_config_rules(ConfigRuleNames=[name])["ConfigRules"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "NoSuchConfigRuleException":
            return None
        raise
    if not rules:
        return None
    rule = rules[0]
    rule["InputParameters"] = json.loads(rule.get("InputParameters") or "{}")
    rule["Tags"] = {t["Key"]: t["Value"] for t in config.list_tags_for_resource(ResourceArn=rule["ConfigRuleArn"])["Tags"]}
    return rule


def remediation(account):
    config = account.client("config")
    found = config.describe_remediation_configurations(ConfigRuleNames=[RULE_NAME])["RemediationConfigurations"]
    return found[0] if found else None


def expected_grants(account_id, central_id, settings):
    """Action -> resource of the automation role's inline policy in this configuration."""
    users = "arn:aws:iam::{0}:user/*".format(account_id)
    granted = {
        "config:ListDiscoveredResources": "*",
        "iam:GetUser": users, "iam:ListUserTags": users, "iam:ListAccessKeys": users, "iam:GetAccessKeyLastUsed": users,
        "sns:Publish": topic_arn(central_id),
        "kms:GenerateDataKey*": "arn:aws:kms:{0}:{1}:key/*".format(REGION, central_id),
        "kms:Decrypt": "arn:aws:kms:{0}:{1}:key/*".format(REGION, central_id),
    }
    if settings["DeactivationMode"] == "enforce":
        granted["iam:UpdateAccessKey"] = users
    if int(settings["ReminderDays"]) > 0:
        granted["config:PutRemediationExceptions"] = "arn:aws:config:{0}:{1}:config-rule/*".format(REGION, account_id)
    return granted


def assert_target_converged(account, central_id, max_age="90", frequency="TwentyFour_Hours", **settings):
    """The target as the rollout leaves it; `settings` are remediation parameters that differ from DEFAULT_SETTINGS."""
    settings = dict(DEFAULT_SETTINGS, MaxAccessKeyAge=max_age, **settings)
    account_id = account.account_id
    role = automation_role(account)
    assert role is not None, "account {0} has no automation role".format(account_id)
    assert role["tags"].items() >= ownership_tags(central_id).items()
    assert role["attached"] == [], "the automation role must not carry managed policies such as AmazonSSMAutomationRole"
    trust = role["trust"]["Statement"]
    assert len(trust) == 1
    assert trust[0]["Principal"] == {"Service": "ssm.amazonaws.com"}
    assert trust[0]["Condition"]["StringEquals"]["aws:SourceAccount"] == account_id
    assert list(role["policies"]) == [POLICY_NAME]
    granted = {}
    for item in role["policies"][POLICY_NAME]["Statement"]:
        assert item["Effect"] == "Allow"
        for action in as_list(item["Action"]):
            granted[action] = item["Resource"]
    assert granted == expected_grants(account_id, central_id, settings)

    found = document(account)
    assert found is not None, "account {0} has no notification document".format(account_id)
    assert found["description"]["DocumentType"] == "Automation"
    assert found["content"] == expected_document()
    assert found["tags"].items() >= ownership_tags(central_id).items()

    rule = config_rule(account)
    assert rule is not None, "account {0} has no config rule".format(account_id)
    assert rule["Source"]["Owner"] == "AWS"
    assert rule["Source"]["SourceIdentifier"] == "ACCESS_KEYS_ROTATED"
    assert rule["InputParameters"] == {"maxAccessKeyAge": max_age}
    assert rule["MaximumExecutionFrequency"] == frequency
    assert rule["Tags"].items() >= ownership_tags(central_id).items()
    # The rule evaluates global IAM users: it must exist in the home region only.
    assert config_rule(account, region="us-east-1") is None

    fix = remediation(account)
    assert fix is not None, "account {0} has no remediation configuration".format(account_id)
    assert fix["TargetType"] == "SSM_DOCUMENT"
    assert fix["TargetId"] == DOCUMENT_NAME
    assert fix["TargetVersion"] == found["description"]["DefaultVersion"]
    assert fix["Automatic"] is True
    assert fix["MaximumAutomaticAttempts"] == 5
    assert fix["RetryAttemptSeconds"] == 60
    expected = {name: {"StaticValue": {"Values": [value]}} for name, value in settings.items()}
    expected.update({
        "AutomationAssumeRole": {"StaticValue": {"Values": [role_arn(account_id)]}},
        "ResourceId": {"ResourceValue": {"Value": "RESOURCE_ID"}},
        "TopicArn": {"StaticValue": {"Values": [topic_arn(central_id)]}},
        "ConfigRuleName": {"StaticValue": {"Values": [RULE_NAME]}},
    })
    assert fix["Parameters"] == expected


def assert_target_empty(account):
    assert automation_role(account) is None
    assert document(account) is None
    assert config_rule(account) is None
    assert remediation(account) is None


def assert_central_empty(account):
    assert topic(account) is None
    key = kms_key(account)
    assert key is None or key["metadata"]["KeyState"] == "PendingDeletion"
