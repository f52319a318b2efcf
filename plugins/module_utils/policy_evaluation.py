# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Enough IAM policy evaluation to tell whether a resource policy lets a principal make a call.

It answers one question before a target account is rolled out: do the central topic's and key's
policies admit that account's automation role? It follows the IAM User Guide, "Policy evaluation
logic" (an explicit Deny wins; otherwise an Allow is needed) and "IAM JSON policy elements:
Condition operators" (a key missing from the request context does not match, except for the
negated operators, ...IfExists and Null).

It errs on "not allowed": a statement whose condition uses an operator this file does not know is
undecided, and an undecided Allow does not allow while an undecided Deny denies.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

ALLOWED = "allowed"
DENIED = "denied"  # an explicit Deny, or a Deny that cannot be ruled out
NOT_ALLOWED = "not allowed"  # no Allow applies

# Condition operators by name: (compare(context value, policy value) -> bool, negated).
_STRING_OPERATORS = {
    "StringEquals": (lambda actual, wanted: actual == wanted, False),
    "StringNotEquals": (lambda actual, wanted: actual == wanted, True),
    "StringEqualsIgnoreCase": (lambda actual, wanted: actual.lower() == wanted.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda actual, wanted: actual.lower() == wanted.lower(), True),
    "StringLike": (lambda actual, wanted: wildcard_match(wanted, actual), False),
    "StringNotLike": (lambda actual, wanted: wildcard_match(wanted, actual), True),
    "ArnEquals": (lambda actual, wanted: wildcard_match(wanted, actual), False),
    "ArnLike": (lambda actual, wanted: wildcard_match(wanted, actual), False),
    "ArnNotEquals": (lambda actual, wanted: wildcard_match(wanted, actual), True),
    "ArnNotLike": (lambda actual, wanted: wildcard_match(wanted, actual), True),
    "Bool": (lambda actual, wanted: actual.lower() == wanted.lower(), False),
}


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def wildcard_match(pattern, value, ignore_case=False):
    """IAM's wildcards: '*' any run of characters, '?' one character; nothing else is special."""
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.match("^" + regex + "$", value, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


def account_of(arn):
    return parse_aws_arn(arn)["account_id"]


def principal_matches(statement, principal_arn):
    """Whether a resource policy statement's Principal names the principal (or its account, or everyone)."""
    if "NotPrincipal" in statement:
        return None
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    parsed = parse_aws_arn(principal_arn)
    account, partition = parsed["account_id"], parsed["partition"]
    names = {"*", principal_arn, account, "arn:{0}:iam::{1}:root".format(partition, account)}
    return any(entry in names for entry in as_list(principal.get("AWS")))


def element_matches(statement, name, value, ignore_case):
    """Action/NotAction or Resource/NotResource against one value."""
    if name in statement:
        return any(wildcard_match(pattern, value, ignore_case) for pattern in as_list(statement[name]))
    negated = "Not" + name
    if negated in statement:
        return not any(wildcard_match(pattern, value, ignore_case) for pattern in as_list(statement[negated]))
    return False


def condition_holds(operator, key_values, context):
    """True, False, or None when the operator is unknown."""
    name = operator
    qualifier = None
    if ":" in name:
        qualifier, name = name.split(":", 1)
    if_exists = name.endswith("IfExists")
    if if_exists:
        name = name[: -len("IfExists")]
    for key, wanted in key_values.items():
        actual = context.get(key.lower())
        if name == "Null":
            holds = any(str(value).lower() == ("true" if actual is None else "false") for value in as_list(wanted))
        elif name not in _STRING_OPERATORS or qualifier not in (None, "ForAnyValue", "ForAllValues"):
            return None
        elif actual is None:
            negated = _STRING_OPERATORS[name][1]
            holds = if_exists or negated or qualifier == "ForAllValues"
        else:
            holds = values_hold(name, qualifier, as_list(actual), [str(value) for value in as_list(wanted)])
        if not holds:
            return False
    return True


def values_hold(name, qualifier, actual_values, wanted_values):
    compare, negated = _STRING_OPERATORS[name]

    def one_holds(actual):
        matched = any(compare(str(actual), wanted) for wanted in wanted_values)
        return not matched if negated else matched

    if qualifier == "ForAllValues":
        return all(one_holds(actual) for actual in actual_values)
    return any(one_holds(actual) for actual in actual_values)


def statement_applies(statement, request):
    """True, False, or None when it cannot be decided."""
    if not element_matches(statement, "Action", request["action"], ignore_case=True):
        return False
    if not element_matches(statement, "Resource", request["resource"], ignore_case=False):
        return False
    principal = principal_matches(statement, request["principal"])
    if principal is not True:
        return principal
    decided = True
    for operator, key_values in (statement.get("Condition") or {}).items():
        holds = condition_holds(operator, key_values or {}, request["context"])
        if holds is False:
            return False
        if holds is None:
            decided = None
    return decided


def evaluate(policy, action, resource, principal, context):
    """ALLOWED, DENIED or NOT_ALLOWED for one call under one resource policy (a dict).

    context maps condition keys (any case) to a value or a list of values; keys that are not
    given are absent from the request.
    """
    request = {
        "action": action,
        "resource": resource,
        "principal": principal,
        "context": dict((key.lower(), value) for key, value in (context or {}).items()),
    }
    allowed = False
    for statement in as_list((policy or {}).get("Statement")):
        applies = statement_applies(statement, request)
        if statement.get("Effect") == "Deny" and applies is not False:
            return DENIED
        if statement.get("Effect") == "Allow" and applies is True:
            allowed = True
    return ALLOWED if allowed else NOT_ALLOWED


def first_refusal(policy, actions, resource, principal, context):
    """(action, decision) for the first of `actions` the policy does not allow, or None when it allows all."""
    for action in actions:
        decision = evaluate(policy, action, resource, principal, context)
        if decision != ALLOWED:
            return action, decision
    return None
