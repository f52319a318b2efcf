# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authorization of assumed-role sessions: identity policies, scoping, denies, the switch and who stays unrestricted."""

import pytest
from aged_keys_emulator import control, endpoint
from authorization_testing import create_role, document, message_of, not_allowed, session, session_arn, session_client, statement
from botocore.exceptions import ClientError

from emulator_testing import DEFAULT_ACCOUNT, REGION, raises_aws_error

TOPIC = f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:alerts"
OTHER_TOPIC = f"arn:aws:sns:{REGION}:{DEFAULT_ACCOUNT}:other"


def test_a_statement_allows_its_action_and_nothing_else(enforced):
    role_arn = create_role(enforced, statement("sns:CreateTopic", TOPIC))
    sns = session_client(enforced, role_arn, "sns")
    assert sns.create_topic(Name="alerts")["TopicArn"] == TOPIC
    with raises_aws_error("AuthorizationError") as denied:
        sns.get_topic_attributes(TopicArn=TOPIC)
    # SNS prints its action prefix in capitals.
    assert message_of(denied) == not_allowed(role_arn, "SNS:GetTopicAttributes", TOPIC)
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_without_any_statement_the_session_may_do_nothing(enforced):
    role_arn = create_role(enforced)
    with raises_aws_error("AccessDenied") as denied:
        session_client(enforced, role_arn, "iam").list_roles()
    assert message_of(denied) == (
        f"User: {session_arn(role_arn)} is not authorized to perform: iam:ListRoles because no identity-based policy allows the iam:ListRoles action")
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_policy_on_one_topic_does_not_allow_another(enforced):
    sns = enforced.client("sns")
    sns.create_topic(Name="alerts")
    sns.create_topic(Name="other")
    role_arn = create_role(enforced, statement("sns:GetTopicAttributes", TOPIC))
    session_sns = session_client(enforced, role_arn, "sns")
    assert session_sns.get_topic_attributes(TopicArn=TOPIC)["Attributes"]["TopicArn"] == TOPIC
    with raises_aws_error("AuthorizationError", f"on resource: {OTHER_TOPIC} because no identity-based policy allows"):
        session_sns.get_topic_attributes(TopicArn=OTHER_TOPIC)


def test_an_explicit_deny_wins_over_an_allow(enforced):
    enforced.client("sns").create_topic(Name="alerts")
    role_arn = create_role(enforced, statement("sns:*"), statement("sns:DeleteTopic", TOPIC, effect="Deny"))
    sns = session_client(enforced, role_arn, "sns")
    sns.get_topic_attributes(TopicArn=TOPIC)
    with raises_aws_error("AuthorizationError") as denied:
        sns.delete_topic(TopicArn=TOPIC)
    assert message_of(denied) == (
        f"User: {session_arn(role_arn)} is not authorized to perform: SNS:DeleteTopic on resource: {TOPIC} "
        "with an explicit deny in an identity-based policy")


def test_attached_managed_policies_count_and_a_permissions_boundary_limits_them(enforced):
    iam = enforced.client("iam")
    boundary = iam.create_policy(PolicyName="boundary", PolicyDocument=document(statement("iam:ListRoles")))["Policy"]["Arn"]
    role_arn = create_role(enforced, name="bounded", boundary=boundary, managed=[statement(["iam:ListRoles", "sns:ListTopics"])])
    assert "Roles" in session_client(enforced, role_arn, "iam").list_roles()
    with raises_aws_error("AuthorizationError", "because no permissions boundary allows the SNS:ListTopics action"):
        session_client(enforced, role_arn, "sns").list_topics()


def test_the_json_services_answer_access_denied_exception_with_status_400(enforced):
    role_arn = create_role(enforced)
    for service, call, action, resource in (
        ("ssm", lambda client: client.describe_document(Name="notify"), "ssm:DescribeDocument", f"arn:aws:ssm:{REGION}:{DEFAULT_ACCOUNT}:document/notify"),
        ("config", lambda client: client.describe_config_rules(), "config:DescribeConfigRules", None),
        ("kms", lambda client: client.list_aliases(), "kms:ListAliases", None),
    ):
        with raises_aws_error("AccessDeniedException") as denied:
            call(session_client(enforced, role_arn, service))
        expected = not_allowed(role_arn, action, resource) if resource else (
            f"User: {session_arn(role_arn)} is not authorized to perform: {action} because no identity-based policy allows the {action} action")
        assert message_of(denied) == expected
        assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_s3_answers_access_denied_and_quotes_the_bucket(enforced):
    role_arn = create_role(enforced, statement("s3:CreateBucket", "arn:aws:s3:::evidence"))
    s3 = session_client(enforced, role_arn, "s3")
    s3.create_bucket(Bucket="evidence", CreateBucketConfiguration={"LocationConstraint": REGION})
    with raises_aws_error("AccessDenied") as denied:
        s3.put_bucket_policy(Bucket="evidence", Policy=document(statement("s3:GetObject", "arn:aws:s3:::evidence/*", Principal="*")))
    assert message_of(denied) == not_allowed(role_arn, "s3:PutBucketPolicy", "arn:aws:s3:::evidence", quoted=True)
    # CreateBucket with ObjectOwnership also needs s3:PutBucketOwnershipControls (S3 API Reference, CreateBucket).
    with raises_aws_error("AccessDenied", "s3:PutBucketOwnershipControls"):
        s3.create_bucket(Bucket="evidence", CreateBucketConfiguration={"LocationConstraint": REGION}, ObjectOwnership="BucketOwnerEnforced")


def test_the_ambient_identity_stays_unrestricted(enforced):
    create_role(enforced)
    assert enforced.client("sns").create_topic(Name="alerts")["TopicArn"] == TOPIC
    assert enforced.client("ec2").describe_regions()["Regions"]


def test_switched_off_nothing_is_checked(emulator):
    role_arn = create_role(emulator)
    assert control.enforce_role_policies(emulator.url, False) is False
    assert session_client(emulator, role_arn, "sns").create_topic(Name="alerts")["TopicArn"] == TOPIC
    assert control.authorization_decisions_of(emulator.url) == []


def test_the_switch_reports_its_state_and_survives_a_reset(emulator):
    assert control.post_control(emulator.url, control.AUTHORIZATION_PATH, {}, 10) == {"Enabled": False}
    try:
        assert control.enforce_role_policies(emulator.url, True) is True
        emulator.reset()
        assert control.post_control(emulator.url, control.AUTHORIZATION_PATH, {}, 10) == {"Enabled": True}
    finally:
        control.enforce_role_policies(emulator.url, False)
    with pytest.raises(control.ControlError) as refused:
        control.post_control(emulator.url, control.AUTHORIZATION_PATH, {"enabled": "yes"}, 10)
    assert (refused.value.status, refused.value.error) == (400, "InvalidRequest")


def test_the_emulators_own_calls_stay_unrestricted(enforced):
    role_arn = create_role(enforced)
    credentials = session(enforced, role_arn)
    # Automation steps call through endpoint.client; access.py checks them where they are made.
    assert endpoint.client("sns", REGION, credentials).create_topic(Name="alerts")["TopicArn"] == TOPIC
    with raises_aws_error("AuthorizationError"):
        enforced.client("sns", credentials=credentials).create_topic(Name="alerts")


def test_sessions_of_roles_that_do_not_exist_are_not_checked_but_recorded(enforced):
    credentials = enforced.assume_account("111122223333")
    enforced.client("sns", credentials=credentials).create_topic(Name="alerts")
    [record] = control.authorization_decisions_of(enforced.url)
    assert record["RoleArn"] == "arn:aws:iam::111122223333:role/emulator-test"
    assert record["Unchecked"] == [{"Action": "sns:CreateTopic", "Count": 1}]
    assert record["Allowed"] == record["Denied"] == []


def test_operations_the_emulator_cannot_authorize_are_refused(enforced):
    role_arn = create_role(enforced, statement("*"))
    with raises_aws_error("UnsupportedOperation", "cannot derive the resources of ec2:DescribeRegions"):
        session_client(enforced, role_arn, "ec2").describe_regions()
    with raises_aws_error("UnsupportedOperation", "ssm:AddTagsToResource (ResourceType Parameter"):
        session_client(enforced, role_arn, "ssm").add_tags_to_resource(ResourceType="Parameter", ResourceId="p", Tags=[{"Key": "k", "Value": "v"}])
    [record] = control.authorization_decisions_of(enforced.url, role_arn=role_arn)
    assert [refusal["Action"] for refusal in record["Unsupported"]] == ["ec2:DescribeRegions", "ssm:AddTagsToResource"]


def test_sessions_with_a_session_policy_are_refused(enforced):
    role_arn = create_role(enforced, statement("*"))
    credentials = session(enforced, role_arn, Policy=document(statement("sns:*")))
    with raises_aws_error("UnsupportedOperation", "session policy"):
        enforced.client("sns", credentials=credentials).list_topics()


def test_no_permission_is_needed_for_get_caller_identity(enforced):
    role_arn = create_role(enforced)
    assert session_client(enforced, role_arn, "sts").get_caller_identity()["Arn"] == session_arn(role_arn)


def test_role_chaining_needs_the_trust_policy_of_the_next_role(enforced):
    role_arn = create_role(enforced, statement("sts:AssumeRole"))
    target = create_role(enforced, name="target")  # trusts the account's root: the identity policy decides
    sts = session_client(enforced, role_arn, "sts")
    assert sts.assume_role(RoleArn=target, RoleSessionName="chained")["AssumedRoleUser"]["Arn"].endswith("assumed-role/target/chained")
    missing = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/missing"
    with raises_aws_error("AccessDenied") as denied:
        sts.assume_role(RoleArn=missing, RoleSessionName="chained")
    assert message_of(denied) == not_allowed(role_arn, "sts:AssumeRole", missing, "no resource-based policy")


def test_get_user_without_a_name_is_iams_validation_error(enforced):
    role_arn = create_role(enforced)
    client = session_client(enforced, role_arn, "iam")
    with pytest.raises(ClientError) as error:
        client.get_user()
    # Without UserName, IAM takes the caller's own user, which a role session is not.
    assert error.value.response["Error"]["Code"] == "ValidationError"
