# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Evaluation of one IAM policy document (identity-based or resource-based) for one request.

IAM User Guide, "Policy evaluation logic" and "IAM JSON policy elements reference"
(Effect, Action/NotAction, Resource/NotResource, Principal, Condition with the condition
operators, ...IfExists, ForAnyValue/ForAllValues, Null). moto's own evaluator
(moto.iam.access_control.IAMPolicy) treats an unmet condition of an Allow statement as a
deny and checks no principals, so the emulator evaluates documents here.

What cannot be evaluated (an unknown operator or condition key, NotPrincipal) never
grants: an Allow statement that needs it does not apply, a Deny statement that needs it
does, and both are reported in the decision's notes.
"""

import dataclasses
import json
import re
from urllib.parse import unquote

# Condition keys the emulator knows the value of (absent keys follow AWS's rules for absent keys).
KNOWN_CONDITION_KEYS = frozenset(key.lower() for key in (
    "aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalType", "aws:userid",
    "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn", "kms:ViaService", "kms:CallerAccount",
))
STRING_OPERATORS = ("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike")
ARN_OPERATORS = ("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike")
NEGATED_OPERATORS = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike")


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who asks: `arn` as AWS prints it in errors, `principal_arn` as aws:PrincipalArn sees it."""

    arn: str
    account: str
    principal_arn: str
    service: str = None


@dataclasses.dataclass
class Request:
    action: str
    resource: str
    principal: Principal
    context: dict  # condition key (any case) -> str or list of str
    # Further keys this request knows, present or absent: lowercase names, or prefixes ending in "/"
    # for keys with a tag key ("aws:requesttag/"). Others outside KNOWN_CONDITION_KEYS are not emulated.
    known_keys: tuple = ()

    def value(self, key):
        for name, value in self.context.items():
            if name.lower() == key.lower():
                return value
        return None

    def knows(self, key):
        key = key.lower()
        if key in KNOWN_CONDITION_KEYS:
            return True
        return any(key == known or (known.endswith("/") and key.startswith(known)) for known in self.known_keys)


@dataclasses.dataclass
class Decision:
    allow: bool = False
    deny: bool = False
    # Resource policies: the only Allow that applied named the principal's account, not the principal.
    account_only: bool = False
    notes: list = dataclasses.field(default_factory=list)


def load(document):
    """A policy document as data (moto keeps some URL-encoded or as text)."""
    if isinstance(document, dict):
        return document
    try:
        return json.loads(document)
    except ValueError:
        return json.loads(unquote(document))


def evaluate(document, request, resource_policy=False):
    """The Decision of one document for `request`."""
    decision = Decision()
    direct_allow = False
    statements = load(document).get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        applies, principal_match, notes = statement_applies(statement, request, resource_policy)
        decision.notes.extend(notes)
        if statement.get("Effect") == "Deny" and applies is not False:
            decision.deny = True
        elif statement.get("Effect") == "Allow" and applies is True:
            decision.allow = True
            direct_allow = direct_allow or principal_match != "account"
    decision.account_only = decision.allow and not direct_allow
    return decision


def statement_applies(statement, request, resource_policy):
    """(True | False | None for "cannot tell", principal match kind, notes)."""
    if not matches_element(statement, "Action", "NotAction", request.action, case_sensitive=False):
        return False, None, []
    if not matches_element(statement, "Resource", "NotResource", request.resource, case_sensitive=True):
        return False, None, []
    principal_match = None
    if resource_policy:
        if "NotPrincipal" in statement:
            return None, None, [f"statement {statement.get('Sid', '')!r}: NotPrincipal is not emulated"]
        principal_match = match_principal(statement.get("Principal"), request.principal)
        if principal_match is None:
            return False, None, []
    result, notes = conditions_hold(statement.get("Condition") or {}, request)
    return result, principal_match, [f"statement {statement.get('Sid', '')!r}: {note}" for note in notes]


def matches_element(statement, name, negated_name, value, case_sensitive):
    if name in statement:
        return any(glob_match(pattern, value, case_sensitive) for pattern in as_list(statement[name]))
    if negated_name in statement:
        return not any(glob_match(pattern, value, case_sensitive) for pattern in as_list(statement[negated_name]))
    # Trust policies have no Resource; nothing else of ours omits both.
    return name == "Resource"


def match_principal(principal_element, principal):
    """"direct" (the principal itself, or everyone), "account" (its account), or None."""
    if principal_element == "*":
        return "direct"
    if not isinstance(principal_element, dict):
        return None
    if principal.service:
        # IAM User Guide, "AWS JSON policy elements: Principal", all principals: {"AWS": "*"} is
        # equivalent to "*", so it admits service principals too (the SQS console's queue policy
        # for an SNS subscription uses it, with aws:SourceArn).
        services = as_list(principal_element.get("Service", []))
        return "direct" if principal.service in services or "*" in as_list(principal_element.get("AWS", [])) else None
    for value in as_list(principal_element.get("AWS", [])):
        if value == "*" or value in (principal.principal_arn, principal.arn):
            return "direct"
        if value in (principal.account, f"arn:{partition_of(principal.principal_arn)}:iam::{principal.account}:root"):
            return "account"
    return None


def conditions_hold(conditions, request):
    """(True | False | None, notes): every operator block must hold."""
    notes = []
    results = []
    for operator, block in conditions.items():
        for key, policy_values in block.items():
            result, note = condition_holds(operator, key, as_list(policy_values), request)
            results.append(result)
            if note:
                notes.append(note)
    if False in results:
        return False, []
    if None in results:
        return None, notes
    return True, notes


def condition_holds(operator, key, policy_values, request):
    """(True | False | None, note) for one operator and key."""
    set_operator, base, if_exists = split_operator(operator)
    if not request.knows(key):
        return None, f"condition key {key} is not emulated"
    if base not in STRING_OPERATORS + ARN_OPERATORS + ("Bool", "Null") or (set_operator and base in NEGATED_OPERATORS):
        return None, f"condition operator {operator} is not emulated"
    actual = request.value(key)
    if base == "Null":
        return (actual is None) == (str(policy_values[0]).lower() == "true"), None
    if actual is None:
        return if_exists or base in NEGATED_OPERATORS, None
    if set_operator:
        matches = [value_matches(base, policy_values, item) for item in as_list(actual)]
        return (any(matches) if set_operator == "ForAnyValue" else all(matches)), None
    if isinstance(actual, list):
        return None, f"condition key {key} is multivalued: use ForAnyValue or ForAllValues"
    matched = value_matches(base, policy_values, actual)
    return (not matched if base in NEGATED_OPERATORS else matched), None


def split_operator(operator):
    set_operator = None
    for prefix in ("ForAnyValue", "ForAllValues"):
        if operator.startswith(prefix + ":"):
            set_operator, operator = prefix, operator[len(prefix) + 1:]
    if_exists = operator.endswith("IfExists")
    return set_operator, operator[: -len("IfExists")] if if_exists else operator, if_exists


def value_matches(base, policy_values, actual):
    """True when `actual` matches one of `policy_values` under the positive form of `base`."""
    actual = policy_text(actual)
    for expected in map(policy_text, policy_values):
        if base in ("StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals") and arn_or_string_equal(base, expected, actual):
            return True
        if base in ("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase") and expected.lower() == actual.lower():
            return True
        if base in ("StringLike", "StringNotLike") and glob_match(expected, actual, case_sensitive=True):
            return True
        if base in ("ArnLike", "ArnNotLike") and arn_like(expected, actual):
            return True
        if base == "Bool" and expected.lower() == actual.lower():
            return True
    return False


def arn_or_string_equal(base, expected, actual):
    return arn_like(expected, actual) if base.startswith("Arn") else expected == actual


def arn_like(pattern, arn):
    """ArnLike: each of the six colon-separated parts is matched on its own (wildcards allowed)."""
    pattern_parts, arn_parts = pattern.split(":", 5), arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(glob_match(expected, actual, case_sensitive=True) for expected, actual in zip(pattern_parts, arn_parts))


def glob_match(pattern, value, case_sensitive):
    """IAM wildcards: * any run of characters, ? one character."""
    expression = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in str(pattern))
    return re.fullmatch(expression, value, 0 if case_sensitive else re.IGNORECASE) is not None


def policy_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_list(value):
    return value if isinstance(value, list) else [value]


def partition_of(arn):
    parts = arn.split(":")
    return parts[1] if len(parts) > 1 and parts[1] else "aws"
