# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authorization of assumed-role sessions with resource policies (SNS topic, KMS key, S3 bucket) and condition keys."""

import json

from authorization_testing import create_role, document, message_of, not_allowed, session_client, statement

from emulator_testing import DEFAULT_ACCOUNT, REGION, raises_aws_error

OWNER = "210987654321"
TOPIC = f"arn:aws:sns:{REGION}:{OWNER}:alerts"


def owner_client(emulator, service):
    return emulator.client(service, credentials=emulator.assume_account(OWNER))


def topic_with_policy(emulator, *statements):
    sns = owner_client(emulator, "sns")
    sns.create_topic(Name="alerts")
    if statements:
        sns.set_topic_attributes(TopicArn=TOPIC, AttributeName="Policy", AttributeValue=document(*statements))
    return TOPIC


def test_across_accounts_the_topic_policy_must_allow_too(enforced):
    role_arn = create_role(enforced, statement("sns:GetTopicAttributes", TOPIC))
    topic_with_policy(enforced)
    sns = session_client(enforced, role_arn, "sns")
    with raises_aws_error("AuthorizationError") as denied:
        sns.get_topic_attributes(TopicArn=TOPIC)
    assert message_of(denied) == not_allowed(role_arn, "SNS:GetTopicAttributes", TOPIC, "no resource-based policy")
    owner_client(enforced, "sns").set_topic_attributes(TopicArn=TOPIC, AttributeName="Policy", AttributeValue=document(
        statement("sns:GetTopicAttributes", TOPIC, Principal={"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"})))
    assert sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]["TopicArn"] == TOPIC


def test_in_its_own_account_a_topic_policy_naming_the_role_is_enough(enforced):
    role_arn = create_role(enforced, account=OWNER)
    topic_with_policy(enforced, statement("sns:GetTopicAttributes", TOPIC, Principal={"AWS": role_arn}))
    credentials = enforced.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="run")["Credentials"]
    sns = enforced.client("sns", credentials=credentials)
    assert sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]["TopicArn"] == TOPIC
    with raises_aws_error("AuthorizationError", "because no identity-based policy allows the SNS:ListSubscriptionsByTopic action"):
        sns.list_subscriptions_by_topic(TopicArn=TOPIC)


def test_a_deny_in_the_topic_policy_wins(enforced):
    role_arn = create_role(enforced, statement("sns:*"), account=OWNER)
    topic_with_policy(enforced, statement("sns:DeleteTopic", TOPIC, effect="Deny", Principal="*"))
    credentials = enforced.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="run")["Credentials"]
    with raises_aws_error("AuthorizationError", "with an explicit deny in a resource-based policy"):
        enforced.client("sns", credentials=credentials).delete_topic(TopicArn=TOPIC)


def key_with_policy(emulator, *statements):
    return emulator.client("kms").create_key(Policy=document(*statements))["KeyMetadata"]["Arn"]


def test_a_key_policy_is_always_required(enforced):
    role_arn = create_role(enforced, statement("kms:DescribeKey"))
    kms = session_client(enforced, role_arn, "kms")
    closed = key_with_policy(enforced, statement("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/admin"}))
    with raises_aws_error("AccessDeniedException") as denied:
        kms.describe_key(KeyId=closed)
    assert message_of(denied) == not_allowed(role_arn, "kms:DescribeKey", closed, "no resource-based policy")
    delegating = key_with_policy(enforced, statement("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}))
    assert kms.describe_key(KeyId=delegating)["KeyMetadata"]["Arn"] == delegating
    # The delegation to the account still needs the identity policy.
    with raises_aws_error("AccessDeniedException", "because no identity-based policy allows the kms:GetKeyPolicy action"):
        kms.get_key_policy(KeyId=delegating, PolicyName="default")


def test_an_alias_needs_the_alias_and_the_key(enforced):
    key_arn = key_with_policy(enforced, statement("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}))
    alias_arn = f"arn:aws:kms:{REGION}:{DEFAULT_ACCOUNT}:alias/notify"
    role_arn = create_role(enforced, statement("kms:CreateAlias", alias_arn))
    kms = session_client(enforced, role_arn, "kms")
    with raises_aws_error("AccessDeniedException") as denied:
        kms.create_alias(AliasName="alias/notify", TargetKeyId=key_arn)
    assert message_of(denied) == not_allowed(role_arn, "kms:CreateAlias", key_arn)
    both = document(statement("kms:CreateAlias", [alias_arn, key_arn]))
    enforced.client("iam").put_role_policy(RoleName="deployer", PolicyName="inline", PolicyDocument=both)
    kms.create_alias(AliasName="alias/notify", TargetKeyId=key_arn)
    assert enforced.client("kms").describe_key(KeyId="alias/notify")["KeyMetadata"]["Arn"] == key_arn


def test_publishing_to_an_encrypted_topic_needs_the_key_through_sns(enforced):
    key_arn = key_with_policy(enforced, statement("kms:*", "*", Principal={"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}))
    topic = enforced.client("sns").create_topic(Name="encrypted", Attributes={"KmsMasterKeyId": key_arn})["TopicArn"]
    role_arn = create_role(enforced, statement("sns:Publish", topic))
    sns = session_client(enforced, role_arn, "sns")
    with raises_aws_error("KMSAccessDenied", "kms:GenerateDataKey on resource: " + key_arn):
        sns.publish(TopicArn=topic, Message="hello")
    enforced.client("iam").put_role_policy(RoleName="deployer", PolicyName="inline", PolicyDocument=document(
        statement("sns:Publish", topic),
        statement(["kms:GenerateDataKey*", "kms:Decrypt"], key_arn, Condition={"StringEquals": {"kms:ViaService": f"sns.{REGION}.amazonaws.com"}})))
    assert sns.publish(TopicArn=topic, Message="hello")["MessageId"]


def test_a_deny_in_the_bucket_policy_wins(enforced):
    s3 = enforced.client("s3")
    s3.create_bucket(Bucket="evidence", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_policy(Bucket="evidence", Policy=document(
        statement("s3:GetBucketTagging", "arn:aws:s3:::evidence", effect="Deny", Principal="*",
                  Condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/deployer"}})))
    role_arn = create_role(enforced, statement(["s3:GetBucketTagging", "s3:GetBucketPolicy"], "arn:aws:s3:::evidence"))
    session_s3 = session_client(enforced, role_arn, "s3")
    assert json.loads(session_s3.get_bucket_policy(Bucket="evidence")["Policy"])["Statement"]
    with raises_aws_error("AccessDenied", "with an explicit deny in a resource-based policy"):
        session_s3.get_bucket_tagging(Bucket="evidence")


def test_request_tags_and_tag_keys_condition_a_create(enforced):
    owned = {"StringEquals": {"aws:RequestTag/managed-by": "cloudsec.aged_keys"}, "ForAllValues:StringEquals": {"aws:TagKeys": ["managed-by"]}}
    role_arn = create_role(enforced, statement("sns:CreateTopic", Condition=owned))
    sns = session_client(enforced, role_arn, "sns")
    sns.create_topic(Name="alerts", Tags=[{"Key": "managed-by", "Value": "cloudsec.aged_keys"}])
    with raises_aws_error("AuthorizationError", "because no identity-based policy allows the SNS:CreateTopic action"):
        sns.create_topic(Name="untagged")
    with raises_aws_error("AuthorizationError"):
        sns.create_topic(Name="extra", Tags=[{"Key": "managed-by", "Value": "cloudsec.aged_keys"}, {"Key": "team", "Value": "x"}])


def test_resource_tags_condition_an_action_on_the_role(enforced):
    iam = enforced.client("iam")
    trust = document(statement("sts:AssumeRole", Principal={"Service": "ssm.amazonaws.com"}))
    iam.create_role(RoleName="ours", AssumeRolePolicyDocument=trust, Tags=[{"Key": "managed-by", "Value": "cloudsec.aged_keys"}])
    iam.create_role(RoleName="theirs", AssumeRolePolicyDocument=trust)
    role_arn = create_role(enforced, statement("iam:DeleteRole", Condition={"StringEquals": {"aws:ResourceTag/managed-by": "cloudsec.aged_keys"}}))
    session_iam = session_client(enforced, role_arn, "iam")
    session_iam.delete_role(RoleName="ours")
    with raises_aws_error("AccessDenied", "iam:DeleteRole on resource: arn:aws:iam::123456789012:role/theirs"):
        session_iam.delete_role(RoleName="theirs")


def test_the_principals_organization_is_a_condition_key(enforced):
    organization = enforced.client("organizations", region="us-east-1").create_organization(FeatureSet="ALL")["Organization"]["Id"]
    role_arn = create_role(enforced, statement("sns:ListTopics", Condition={"StringEquals": {"aws:PrincipalOrgID": organization}}),
                           statement("sns:ListSubscriptions", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-other000000"}}))
    sns = session_client(enforced, role_arn, "sns")
    assert "Topics" in sns.list_topics()
    with raises_aws_error("AuthorizationError"):
        sns.list_subscriptions()


def test_a_condition_key_the_emulator_does_not_know_never_grants(enforced):
    role_arn = create_role(enforced, statement("sns:ListTopics", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}}))
    with raises_aws_error("AuthorizationError", "not evaluated by the emulator: statement '': condition key aws:SourceVpc is not emulated"):
        session_client(enforced, role_arn, "sns").list_topics()
