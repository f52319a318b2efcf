# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SNS subscription filter policies matched as AWS matches them.

Amazon SNS Developer Guide, "Amazon SNS subscription filter policies" and its pages "String
value matching", "Numeric value matching", "Key matching", "AND/OR logic" and "Filter
policy constraints":

- A subscription accepts a message when each property name of the policy matches, and for
  each "at least one property value matches" (keys are ANDed, the values of a key ORed).
  "$or" ORs whole sub-policies.
- Scope MessageAttributes (the default) compares String, String.Array and Number
  attributes; "Amazon SNS ignores message attributes with the Binary data type". Scope
  MessageBody compares the properties of the JSON object the message is, nested policies
  following nested objects (and any element of an array of objects).
- A String.Array attribute or an array in the body matches when any of its values matches;
  "anything-but" matches when it "contains a value that isn't" excluded.
- Values: exact strings (case-sensitive), numbers, true, false and null; {"prefix"},
  {"suffix"}, {"equals-ignore-case"}, {"anything-but": value, list, {"prefix"} or
  {"suffix"}}, {"numeric": [op, n, ...]} with =, <, <=, >, >= ("five digits of accuracy
  after the decimal point"), {"exists": true|false} and {"cidr": "10.0.0.0/24"}.
- Only {"exists": false} matches a property the message does not have.

moto 5.2.5 got several of these wrong: anything-but on arrays, Binary attributes, "$or" in
bodies, exists:false next to other values, numbers against strings. Its policy validation
(SetSubscriptionAttributes, Subscribe) is kept, extended to "cidr".
"""

import ipaddress
import json
import math

from moto.sns.exceptions import SNSInvalidParameter
from moto.sns.models import SNSBackend
from moto.sns.utils import FilterPolicyMatcher

from .patching import wrap_attribute

SCOPES = ("MessageAttributes", "MessageBody")
NUMERIC_TOLERANCE = 1e-5
ABSENT = None
NUMERIC_OPERATORS = {
    "=": lambda value, bound: math.isclose(value, bound, abs_tol=NUMERIC_TOLERANCE),
    "<": lambda value, bound: value < bound,
    "<=": lambda value, bound: value <= bound,
    ">": lambda value, bound: value > bound,
    ">=": lambda value, bound: value >= bound,
}


def apply():
    wrap_attribute(FilterPolicyMatcher, "matches", lambda _original: matcher_matches)
    wrap_attribute(SNSBackend, "_validate_filter_policy", validated_with_cidr)
    wrap_attribute(SNSBackend, "set_subscription_attributes", scope_changes_apply)


def matcher_matches(self, message_attributes, message):
    return matches(self.filter_policy, self.filter_policy_scope, message_attributes, message)


def matches(policy, scope, message_attributes, message):
    """True when a message (attributes as moto keeps them: {name: {"Type", "Value"}}) passes the policy."""
    if not policy:
        return True
    if scope == "MessageBody":
        try:
            body = json.loads(message)
        except (TypeError, ValueError):
            return False
        return isinstance(body, dict) and policy_matches(policy, body, body_values)
    return policy_matches(policy, message_attributes or {}, attribute_values)


def policy_matches(policy, properties, values_of):
    for key, rule in policy.items():
        if key == "$or":
            if not any(policy_matches(alternative, properties, values_of) for alternative in rule):
                return False
        elif isinstance(rule, dict):
            if not nested_matches(rule, properties.get(key), values_of):
                return False
        elif not any(condition_matches(condition, values_of(properties, key)) for condition in rule):
            return False
    return True


def nested_matches(policy, value, values_of):
    """A nested policy (MessageBody): an object, or any object of an array, must match it."""
    if isinstance(value, list):
        return any(nested_matches(policy, item, values_of) for item in value)
    return policy_matches(policy, value if isinstance(value, dict) else {}, values_of)


def attribute_values(attributes, name):
    """The values of a message attribute, or ABSENT (Binary attributes are ignored, so absent)."""
    attribute = attributes.get(name)
    if attribute is None:
        return ABSENT
    data_type, value = attribute["Type"], attribute["Value"]
    if data_type == "String.Array":
        try:
            parsed = json.loads(value)
        except (TypeError, ValueError):
            return []
        return parsed if isinstance(parsed, list) else [parsed]
    if data_type.startswith("Number"):
        return [float(value)]
    if data_type.startswith("String"):
        return [value]
    return ABSENT


def body_values(body, name):
    if name not in body:
        return ABSENT
    value = body[name]
    return value if isinstance(value, list) else [value]


def condition_matches(condition, values):
    """One value of a policy property against the values of the message's property (ABSENT when missing)."""
    if isinstance(condition, dict) and "exists" in condition:
        return (values is not ABSENT) == condition["exists"]
    if values is ABSENT:
        return False
    if isinstance(condition, dict):
        if len(condition) != 1 or next(iter(condition)) not in KEYWORDS:
            return False
        [(keyword, operand)] = condition.items()
        return KEYWORDS[keyword](operand, values)
    return any(same_value(condition, value) for value in values)


def same_value(expected, value):
    """Exact matching: strings with strings, numbers with numbers, true/false/null with themselves."""
    if isinstance(expected, bool) or isinstance(value, bool) or expected is None or value is None:
        return expected is value or (isinstance(expected, bool) and isinstance(value, bool) and expected == value)
    if is_number(expected) and is_number(value):
        return math.isclose(expected, value, abs_tol=NUMERIC_TOLERANCE)
    return isinstance(expected, str) and isinstance(value, str) and expected == value


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def strings(values):
    return [value for value in values if isinstance(value, str)]


def anything_but(operand, values):
    """Matches when some value is not excluded ("because it contains a value that isn't ...")."""
    if isinstance(operand, dict):
        [(keyword, excluded)] = operand.items()
        return any(not KEYWORDS[keyword](excluded, [value]) for value in values)
    excluded = operand if isinstance(operand, list) else [operand]
    return any(not any(same_value(item, value) for item in excluded) for value in values)


def numeric(operand, values):
    comparisons = list(zip(operand[0::2], operand[1::2]))
    return any(is_number(value) and all(NUMERIC_OPERATORS[op](value, bound) for op, bound in comparisons) for value in values)


def in_network(operand, values):
    network = ipaddress.ip_network(operand, strict=False)
    for value in strings(values):
        try:
            if ipaddress.ip_address(value) in network:
                return True
        except ValueError:
            continue
    return False


KEYWORDS = {
    "prefix": lambda operand, values: any(value.startswith(operand) for value in strings(values)),
    "suffix": lambda operand, values: any(value.endswith(operand) for value in strings(values)),
    "equals-ignore-case": lambda operand, values: any(value.lower() == str(operand).lower() for value in strings(values)),
    "anything-but": anything_but,
    "numeric": numeric,
    "cidr": in_network,
}


# --- Validation -----------------------------------------------------------------------------

def validated_with_cidr(original):
    """moto's validation, which does not know "cidr": check cidr values here, hand moto the rest."""

    def validate(self, value, scope):
        check_cidrs(value)
        return original(self, without_cidr(value), scope)

    return validate


def check_cidrs(policy):
    for rules in policy.values():
        for rule in rules if isinstance(rules, list) else [rules]:
            if isinstance(rule, dict) and "cidr" in rule:
                try:
                    ipaddress.ip_network(rule["cidr"], strict=False)
                except (TypeError, ValueError) as error:
                    # AWS does not document this message; the emulator names the value.
                    raise SNSInvalidParameter(f"Invalid parameter: FilterPolicy: Malformed CIDR {json.dumps(rule['cidr'])}") from error
            elif isinstance(rule, dict):
                check_cidrs(rule)


def without_cidr(policy):
    """The policy with each {"cidr": ...} as a plain string, which moto's validation accepts."""
    if isinstance(policy, list):
        return [without_cidr(item) for item in policy]
    if isinstance(policy, dict):
        if set(policy) == {"cidr"}:
            return str(policy["cidr"])
        return {key: without_cidr(value) for key, value in policy.items()}
    return policy


def scope_changes_apply(original):
    """FilterPolicyScope: only AWS's two scopes; a change re-checks and re-applies the current policy.

    moto stored any scope (and failed later with HTTP 500) and kept filtering with the old one.
    """

    def set_subscription_attributes(self, arn, name, value):
        subscription = self.subscriptions.get(arn)
        policy = subscription._filter_policy if subscription is not None else None  # pylint: disable=protected-access
        if name == "FilterPolicyScope":
            if value not in SCOPES:
                # AWS does not document this message; the emulator names the valid scopes.
                raise SNSInvalidParameter(f"Invalid parameter: FilterPolicyScope: must be one of {', '.join(SCOPES)}")
            if policy:
                self._validate_filter_policy(policy, scope=value)  # pylint: disable=protected-access
        original(self, arn, name, value)
        if name == "FilterPolicyScope" and policy:
            original(self, arn, "FilterPolicy", json.dumps(policy))

    return set_subscription_attributes
