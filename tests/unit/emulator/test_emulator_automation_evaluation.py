# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Output selectors and types, placeholders, and the policy evaluator, without a server."""

import pytest

from aged_keys_emulator.automation import interpolation, policy, selectors
from aged_keys_emulator.automation.errors import StepFailure

RESPONSE = {"Items": [{"Name": "a", "Size": 1}, {"Name": "b", "Size": 2}], "Flag": True, "Count": "7", "Map": {"k": "v"}, "Text": "x"}


# --- selectors and output types ------------------------------------------------------------------

@pytest.mark.parametrize("selector, output_type, expected", [
    ("$.Text", "String", "x"),
    ("$.Items[0].Size", "String", "1"),
    ("$.Flag", "String", "true"),
    ("$.Count", "Integer", 7),
    ("$.Items[1].Size", "Integer", 2),
    ("$.Flag", "Boolean", True),
    ("$.Items[*].Name", "StringList", ["a", "b"]),
    ("$.Items[*].Size", "StringList", ["1", "2"]),
    ("$.Map", "StringMap", {"k": "v"}),
    ("$.Items", "MapList", [{"Name": "a", "Size": 1}, {"Name": "b", "Size": 2}]),
    ("$.Items[?(@.Size > 1)].Name", "String", "b"),
])
def test_selected_values_convert_to_their_type(selector, output_type, expected):
    assert output_of(selector, output_type) == {"Out": expected}


def output_of(selector, output_type, document=None):
    return selectors.step_outputs([{"Name": "Out", "Selector": selector, "Type": output_type}], RESPONSE if document is None else document)


@pytest.mark.parametrize("selector, output_type", [
    ("$.Map", "String"),
    ("$.Text", "Integer"),
    ("$.Flag", "Integer"),
    ("$.Text", "Boolean"),
    ("$.Text", "StringList"),
    ("$.Items", "StringList"),
    ("$.Items", "StringMap"),
    ("$.Map", "MapList"),
])
def test_conversion_errors_name_the_output_and_type(selector, output_type):
    with pytest.raises(StepFailure, match=f"Output Out cannot be converted to {output_type}: the selector found"):
        output_of(selector, output_type)


ONE_ITEM = {"Items": [{"Name": "a", "Size": 1}], "Names": ["x"], "Map": {"k": "v"}}


@pytest.mark.parametrize("selector, output_type, expected", [
    # Indefinite paths yield a list even for a single match (Jayway: "Indefinite paths always return a list").
    ("$.Items[*].Name", "StringList", ["a"]),
    ("$..Name", "StringList", ["a"]),
    ("$.Items[?(@.Size == 1)].Name", "StringList", ["a"]),
    ("$.Items[0:1].Name", "StringList", ["a"]),
    ("$.Items[*]", "MapList", [{"Name": "a", "Size": 1}]),
    ("$.Items[?(@.Size > 0)]", "MapList", [{"Name": "a", "Size": 1}]),
    ("$.Map.*", "StringList", ["v"]),
    # Definite paths yield the value they point at: a list stays that list.
    ("$.Names", "StringList", ["x"]),
    ("$.Items", "MapList", [{"Name": "a", "Size": 1}]),
    ("$['Names']", "StringList", ["x"]),
])
def test_single_matches_of_list_outputs(selector, output_type, expected):
    assert output_of(selector, output_type, ONE_ITEM) == {"Out": expected}


@pytest.mark.parametrize("selector, output_type", [
    # A definite path to one scalar or one map is not a list.
    ("$.Items[0].Name", "StringList"),
    ("$.Items[0]", "MapList"),
])
def test_definite_paths_to_a_single_value_are_not_lists(selector, output_type):
    with pytest.raises(StepFailure, match=f"Output Out cannot be converted to {output_type}"):
        output_of(selector, output_type, ONE_ITEM)


@pytest.mark.parametrize("selector", ["Items", "$.Items[", "$$"])
def test_invalid_selectors_fail(selector):
    with pytest.raises(StepFailure, match="selector"):
        selectors.select(RESPONSE, selector)


def test_selector_matching_nothing_produces_no_output():
    assert not output_of("$.Nothing", "String")


# --- placeholders ----------------------------------------------------------------------------------

VARIABLES = {"List": ["a", "b"], "Number": 3, "Word": "hi", "Step.Out": {"k": "v"}}


def lookup(name):
    if name not in VARIABLES:
        raise interpolation.UnresolvedVariable(name)
    return VARIABLES[name]


@pytest.mark.parametrize("value, expected", [
    ("{{ List }}", ["a", "b"]),
    ("{{List}}", ["a", "b"]),
    ("{{ Number }}", 3),
    (" {{ Number }}", " 3"),
    ("n={{ Number }}, w={{ Word }}, l={{ List }}", 'n=3, w=hi, l=["a", "b"]'),
    ({"{{ Word }}": ["{{ Step.Out }}", {"x": "{{ Word }}!"}]}, {"hi": [{"k": "v"}, {"x": "hi!"}]}),
    ("no placeholder", "no placeholder"),
    (5, 5),
])
def test_placeholders_resolve(value, expected):
    assert interpolation.resolve(value, lookup) == expected


def test_unknown_placeholder_raises():
    with pytest.raises(interpolation.UnresolvedVariable):
        interpolation.resolve({"a": ["x {{ Unknown }}"]}, lookup)


def test_placeholders_are_found_in_keys_and_nested_values():
    assert sorted(interpolation.placeholders({"{{ A }}": ["{{ B }}", {"c": "{{C}} {{ D.E }}"}]})) == ["A", "B", "C", "D.E"]


# --- policy evaluation -------------------------------------------------------------------------------

ROLE = policy.Principal(
    arn="arn:aws:sts::111111111111:assumed-role/app-1/session", account="111111111111", principal_arn="arn:aws:iam::111111111111:role/app-1"
)


def request(action="sns:Publish", resource="arn:aws:sns:eu-west-1:222222222222:topic", **context):
    base = {"aws:PrincipalArn": ROLE.principal_arn, "aws:SecureTransport": "true"}
    return policy.Request(action=action, resource=resource, principal=ROLE, context=dict(base, **context))


def statement(condition=None, **extra):
    result = {"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:*:222222222222:*"}
    if condition:
        result["Condition"] = condition
    result.update(extra)
    return {"Statement": [result]}


@pytest.mark.parametrize("condition, allowed", [
    ({"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/app-1"}}, True),
    ({"StringEquals": {"aws:PrincipalArn": ["x", "arn:aws:iam::111111111111:role/app-1"]}}, True),
    ({"StringNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/app-1"}}, False),
    ({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app-?"}}, True),
    ({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/other-*"}}, False),
    ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/app-*"}}, True),
    ({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/app-1"}}, True),
    ({"Bool": {"aws:SecureTransport": "true"}}, True),
    ({"Bool": {"aws:SecureTransport": False}}, False),
    ({"StringEquals": {"aws:SourceAccount": "111111111111"}}, False),
    ({"StringEqualsIfExists": {"aws:SourceAccount": "111111111111"}}, True),
    ({"StringNotEquals": {"aws:SourceAccount": "111111111111"}}, True),
    ({"Null": {"aws:SourceAccount": "true"}}, True),
    ({"ForAnyValue:StringEquals": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/app-1"]}}, True),
    ({"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/app-1"}, "Bool": {"aws:SecureTransport": "false"}}, False),
])
def test_conditions(condition, allowed):
    assert policy.evaluate(statement(condition), request()).allow is allowed


@pytest.mark.parametrize("condition, note", [
    ({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, "condition key aws:MultiFactorAuthAge is not emulated"),
    ({"DateGreaterThan": {"aws:SourceAccount": "x"}}, "condition operator DateGreaterThan is not emulated"),
])
def test_conditions_the_emulator_cannot_evaluate_never_allow_and_always_deny(condition, note):
    allow = policy.evaluate(statement(condition), request())
    assert not allow.allow and allow.notes == [f"statement '': {note}"]
    deny = policy.evaluate(statement(condition, Effect="Deny"), request())
    assert deny.deny


def test_actions_resources_and_explicit_deny():
    assert policy.evaluate(statement(Action="SNS:*"), request()).allow
    assert not policy.evaluate(statement(Action="sns:Subscribe"), request()).allow
    assert not policy.evaluate(statement(), request(resource="arn:aws:sns:eu-west-1:333333333333:topic")).allow
    not_action = {"Statement": [{"Effect": "Allow", "NotAction": "sns:Subscribe", "Resource": "*"}]}
    assert policy.evaluate(not_action, request()).allow
    assert not policy.evaluate(not_action, request(action="sns:Subscribe")).allow
    both = {"Statement": statement()["Statement"] + statement(Effect="Deny")["Statement"]}
    assert policy.evaluate(both, request()).deny


@pytest.mark.parametrize("principal, match", [
    ("*", "direct"),
    ({"AWS": "*"}, "direct"),
    ({"AWS": "arn:aws:iam::111111111111:role/app-1"}, "direct"),
    ({"AWS": ["arn:aws:iam::111111111111:root"]}, "account"),
    ({"AWS": "111111111111"}, "account"),
    ({"AWS": "arn:aws:iam::999999999999:root"}, None),
    ({"Service": "sns.amazonaws.com"}, None),
])
def test_resource_policy_principals(principal, match):
    decision = policy.evaluate(statement(Principal=principal), request(), resource_policy=True)
    assert decision.allow is (match is not None)
    assert decision.account_only is (match == "account")


@pytest.mark.parametrize("principal, admitted", [
    ({"Service": "sns.amazonaws.com"}, True),
    ({"Service": ["events.amazonaws.com", "sns.amazonaws.com"]}, True),
    ("*", True),
    # IAM User Guide, "AWS JSON policy elements: Principal": {"AWS": "*"} is equivalent to "*".
    ({"AWS": "*"}, True),
    ({"Service": "events.amazonaws.com"}, False),
    ({"AWS": "arn:aws:iam::111111111111:root"}, False),
    ({"AWS": "111111111111"}, False),
])
def test_service_principals_in_resource_policies(principal, admitted):
    service = policy.Principal(arn="sns.amazonaws.com", account="111111111111", principal_arn="sns.amazonaws.com", service="sns.amazonaws.com")
    sent = policy.Request(action="sqs:SendMessage", resource="arn:aws:sqs:eu-west-1:111111111111:queue", principal=service, context={})
    document = {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sqs:SendMessage", "Resource": "*"}]}
    assert policy.evaluate(document, sent, resource_policy=True).allow is admitted


def test_not_principal_is_not_emulated():
    decision = policy.evaluate(statement(NotPrincipal={"AWS": "x"}), request(), resource_policy=True)
    assert not decision.allow and "NotPrincipal is not emulated" in decision.notes[0]
