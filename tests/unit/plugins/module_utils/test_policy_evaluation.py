# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import policy_evaluation as pe

TOPIC = "arn:aws:sns:eu-west-1:111111111111:notifications"
ROLE = "arn:aws:iam::222222222222:role/cloudsec-aged-keys-remediation-eu-west-1"
CONTEXT = {"aws:PrincipalArn": ROLE, "aws:PrincipalAccount": "222222222222", "aws:SecureTransport": "true"}


def allow(principal=None, condition=None, action="sns:Publish", resource=TOPIC, effect="Allow"):
    statement = {"Effect": effect, "Principal": principal or {"AWS": "arn:aws:iam::222222222222:root"}, "Action": action, "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return statement


def decide(*statements, context=None, action="sns:Publish", resource=TOPIC):
    return pe.evaluate({"Version": "2012-10-17", "Statement": list(statements)}, action, resource, ROLE, CONTEXT if context is None else context)


@pytest.mark.parametrize("principal", [
    "*", {"AWS": "*"}, {"AWS": "arn:aws:iam::222222222222:root"}, {"AWS": "222222222222"}, {"AWS": [ROLE, "arn:aws:iam::333333333333:root"]},
])
def test_principals_that_admit_the_role(principal):
    assert decide(allow(principal)) == pe.ALLOWED


@pytest.mark.parametrize("principal", [
    {"AWS": "arn:aws:iam::333333333333:root"}, {"AWS": "arn:aws:iam::222222222222:role/someone-else"}, {"Service": "sns.amazonaws.com"},
])
def test_principals_that_do_not(principal):
    assert decide(allow(principal)) == pe.NOT_ALLOWED


def test_the_account_root_is_named_in_the_principal_s_partition():
    role = ROLE.replace("arn:aws:", "arn:aws-cn:")
    assert pe.account_of(role) == "222222222222"
    assert pe.principal_matches(allow({"AWS": "arn:aws-cn:iam::222222222222:root"}), role) is True
    assert pe.principal_matches(allow({"AWS": "arn:aws:iam::222222222222:root"}), role) is False


def test_actions_and_resources_match_with_iam_wildcards():
    assert decide(allow(action="sns:*")) == pe.ALLOWED
    assert decide(allow(action="SNS:publish")) == pe.ALLOWED
    assert decide(allow(action="sns:Subscribe")) == pe.NOT_ALLOWED
    assert decide(allow(resource="arn:aws:sns:eu-west-1:111111111111:*")) == pe.ALLOWED
    assert decide(allow(resource="arn:aws:sns:eu-west-1:111111111111:other")) == pe.NOT_ALLOWED
    assert decide(allow(action="kms:GenerateDataKey*", resource="*"), action="kms:GenerateDataKey", resource="arn:aws:kms:x") == pe.ALLOWED
    not_action = allow()
    not_action["NotAction"] = not_action.pop("Action")
    assert decide(not_action) == pe.NOT_ALLOWED


@pytest.mark.parametrize("condition, expected", [
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/cloudsec-aged-keys-remediation-*"}}, pe.ALLOWED),
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/other-*"}}, pe.NOT_ALLOWED),
    ({"ArnEquals": {"aws:PrincipalArn": [ROLE]}}, pe.ALLOWED),
    ({"StringEquals": {"aws:PrincipalOrgID": "o-abcd123456"}}, pe.NOT_ALLOWED),  # not in the context
    ({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abcd123456"}}, pe.ALLOWED),
    ({"StringNotEquals": {"aws:PrincipalOrgID": "o-abcd123456"}}, pe.ALLOWED),
    ({"StringEquals": {"aws:PrincipalAccount": ["111111111111", "222222222222"]}}, pe.ALLOWED),
    ({"StringLike": {"aws:PrincipalAccount": "2222*"}}, pe.ALLOWED),
    ({"Null": {"aws:PrincipalOrgID": "true"}}, pe.ALLOWED),
    ({"Null": {"aws:PrincipalArn": "true"}}, pe.NOT_ALLOWED),
    ({"Bool": {"aws:SecureTransport": "true"}}, pe.ALLOWED),
    ({"ForAnyValue:StringEquals": {"aws:PrincipalAccount": ["222222222222"]}}, pe.ALLOWED),
    ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, pe.NOT_ALLOWED),  # unknown operator: never admits
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/cloudsec-*"}, "StringEquals": {"aws:PrincipalAccount": "333333333333"}}, pe.NOT_ALLOWED),
])
def test_conditions(condition, expected):
    assert decide(allow(condition=condition)) == expected


def test_organization_context_admits_organization_statements():
    context = dict(CONTEXT, **{"aws:PrincipalOrgID": "o-abcd123456"})
    assert decide(allow({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-abcd123456"}}), context=context) == pe.ALLOWED
    assert decide(allow({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-other12345"}}), context=context) == pe.NOT_ALLOWED


def test_an_explicit_deny_wins_and_an_undecidable_deny_denies():
    insecure = allow({"AWS": "*"}, {"Bool": {"aws:SecureTransport": "false"}}, effect="Deny")
    assert decide(allow(), insecure) == pe.ALLOWED
    assert decide(allow(), allow(effect="Deny")) == pe.DENIED
    assert decide(allow(), allow({"AWS": "*"}, {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, effect="Deny")) == pe.DENIED


def test_first_refusal_names_the_action():
    policy = {"Statement": [allow(action="kms:Decrypt", resource="*")]}
    assert pe.first_refusal(policy, ("kms:Decrypt",), "k", ROLE, CONTEXT) is None
    assert pe.first_refusal(policy, ("kms:Decrypt", "kms:GenerateDataKey"), "k", ROLE, CONTEXT) == ("kms:GenerateDataKey", pe.NOT_ALLOWED)
    assert pe.first_refusal(None, ("sns:Publish",), TOPIC, ROLE, CONTEXT) == ("sns:Publish", pe.NOT_ALLOWED)


def test_wildcards_are_only_star_and_question_mark():
    assert pe.wildcard_match("a?c*", "abcdef")
    assert not pe.wildcard_match("a.c", "abc")
    assert not pe.wildcard_match("a[b]c", "abc")
