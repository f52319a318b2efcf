# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Config behaviour that moto 5.2.5 lacks or gets wrong.

- Remediation configuration APIs (see config_remediation.py), rule evaluation and
  compliance (config_evaluation.py), remediation executions and exceptions
  (config_remediation_execution.py), all served by ConfigResponse.
- DeleteConfigRule refuses a rule that still has a remediation configuration.
- DescribeConfigRules raises NoSuchConfigRuleException for a missing name even
  when the region has no rule at all (moto answered an empty list then).
- Rules carry EvaluationModes (default DETECTIVE).
- ListDiscoveredResources lists IAM users when the region's recorder records them.
"""

import base64
import binascii
import datetime
import json

from moto.config.exceptions import (
    InvalidLimitException,
    InvalidNextTokenException,
    InvalidParameterValueException,
    InvalidResourceParameters,
    NoSuchConfigRuleException,
    ResourceInUseException,
    TooManyResourceIds,
)
from moto.config.models import DEFAULT_PAGE_SIZE, ConfigBackend, ConfigRule
from moto.config.responses import ConfigResponse
from moto.iam.models import iam_backends

from . import config_remediation
from .patching import add_attribute, wrap_attribute
from .validation import ConstraintViolations, expect_type

IAM_USER_RESOURCE_TYPE = "AWS::IAM::User"
MAX_RESOURCE_IDS = 20

# EvaluationModeConfiguration.Mode: DETECTIVE or PROACTIVE; "By default, the value
# is Detective evaluation mode only" (AWS Config API Reference, ConfigRule data type).
EVALUATION_MODES = ["DETECTIVE", "PROACTIVE"]
DEFAULT_EVALUATION_MODES = [{"Mode": "DETECTIVE"}]


def apply():
    add_config_actions(REMEDIATION_CONFIGURATION_ACTIONS)
    wrap_attribute(ConfigBackend, "delete_config_rule", refuse_delete_with_remediation)
    wrap_attribute(ConfigBackend, "describe_config_rules", raise_for_missing_rule_names)
    wrap_attribute(ConfigRule, "modify_fields", record_evaluation_modes)
    wrap_attribute(ConfigBackend, "list_discovered_resources", list_iam_users_when_recorded)


# --- Actions moto lacks -------------------------------------------------------------

# Handlers take (config_backend, request body) and return the answer as a dict.
REMEDIATION_CONFIGURATION_ACTIONS = {
    "put_remediation_configurations": lambda backend, body: config_remediation.put_remediation_configurations(
        backend, body.get("RemediationConfigurations")),
    "describe_remediation_configurations": lambda backend, body: config_remediation.describe_remediation_configurations(
        backend, body.get("ConfigRuleNames")),
    "delete_remediation_configuration": lambda backend, body: config_remediation.delete_remediation_configuration(
        backend, body.get("ConfigRuleName"), body.get("ResourceType")),
}


def add_config_actions(handlers):
    """Serve Config actions moto lacks: moto's dispatch finds a response method by the action's snake_case name."""
    for name, handler in handlers.items():
        add_attribute(ConfigResponse, name, serve_action(handler))


def serve_action(handler):
    def action(self):
        return json.dumps(handler(self.config_backend, request_body(self)), default=epoch_seconds)

    return action


def epoch_seconds(value):
    """AWS's JSON protocol sends timestamps as epoch seconds; the emulator keeps naive UTC datetimes."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=datetime.timezone.utc).timestamp()
    raise TypeError(f"Cannot serialise {type(value).__name__} in a Config answer")


def request_body(response):
    """The JSON request body of a Config action (parsed once, unlike moto's _get_param)."""
    return expect_type(json.loads(response.body or "{}"), dict, "body")


# --- DeleteConfigRule -------------------------------------------------------------------

def refuse_delete_with_remediation(original):
    def delete_config_rule(self, rule_name):
        # AWS Config API Reference, DeleteConfigRule, ResourceInUseException: "a remediation
        # action is associated with the rule and AWS Config cannot delete this rule. Delete
        # the remediation action associated with the rule before deleting the rule".
        # The message is the one AWS returns.
        if rule_name in self.config_rules and config_remediation.has_remediation_configuration(self, rule_name):
            raise ResourceInUseException(
                f"The rule {rule_name} currently has a RemediationConfiguration. Please delete the RemediationConfiguration and try again."
            )
        return original(self, rule_name)

    return delete_config_rule


# --- DescribeConfigRules ------------------------------------------------------------------

def raise_for_missing_rule_names(original):
    def describe_config_rules(self, config_rule_names, next_token):
        # AWS Config API Reference, DescribeConfigRules, Errors: NoSuchConfigRuleException.
        # moto skipped the check when the region has no rule at all.
        for name in config_rule_names or []:
            if name not in self.config_rules:
                raise NoSuchConfigRuleException(name)
        return original(self, config_rule_names, next_token)

    return describe_config_rules


# --- EvaluationModes ---------------------------------------------------------------------

def record_evaluation_modes(original):
    def modify_fields(self, region, config_rule, tags):
        modes = evaluation_modes(config_rule.get("EvaluationModes"))
        original(self, region, config_rule, tags)
        # Serialised by moto's to_dict as "EvaluationModes".
        self.evaluation_modes = modes

    return modify_fields


def evaluation_modes(requested):
    """Validated EvaluationModes of PutConfigRule, DETECTIVE when none are given."""
    if not requested:
        return [dict(mode) for mode in DEFAULT_EVALUATION_MODES]
    expect_type(requested, list, "configRule.evaluationModes")
    violations = ConstraintViolations()
    for position, mode in enumerate(requested, start=1):
        path = f"configRule.evaluationModes.{position}.member"
        violations.enum(expect_type(mode, dict, path).get("Mode"), f"{path}.mode", EVALUATION_MODES)
    violations.raise_if_any()
    if any(mode.get("Mode") == "PROACTIVE" for mode in requested):
        # Proactive evaluation (StartResourceEvaluation) is not emulated: refuse rather than pretend.
        raise InvalidParameterValueException("The emulator does not support the PROACTIVE evaluation mode; use DETECTIVE or omit EvaluationModes.")
    return [{"Mode": mode["Mode"]} for mode in requested]


# --- ListDiscoveredResources for IAM users -----------------------------------------------

def list_iam_users_when_recorded(original):
    def list_discovered_resources(self, resource_type, resource_ids, resource_name, limit, next_token):
        if resource_type != IAM_USER_RESOURCE_TYPE:
            return original(self, resource_type, resource_ids, resource_name, limit, next_token)
        return list_discovered_iam_users(self, resource_ids, resource_name, limit, next_token)

    return list_discovered_resources


def list_discovered_iam_users(config_backend, resource_ids, resource_name, limit, next_token):
    """AWS Config API Reference, ListDiscoveredResources, for resourceType AWS::IAM::User.

    Config only knows the resources its recorder recorded: without a recorder that is
    recording IAM users in this region the list is empty. Deleted users are not kept.
    """
    page_size = check_listing_request(resource_ids, resource_name, limit)
    identifiers = [iam_user_identifier(user) for user in recorded_iam_users(config_backend)]
    identifiers = [item for item in identifiers if matches_filters(item, resource_ids, resource_name)]
    identifiers.sort(key=lambda item: item["resourceId"])
    return paginate(identifiers, page_size, next_token)


def check_listing_request(resource_ids, resource_name, limit):
    """The checks moto applies to every resource type, in the same order; returns the page size."""
    page_size = limit or DEFAULT_PAGE_SIZE
    if page_size > DEFAULT_PAGE_SIZE:
        raise InvalidLimitException(page_size)
    if resource_ids and resource_name:
        raise InvalidResourceParameters()
    if resource_ids and len(resource_ids) > MAX_RESOURCE_IDS:
        raise TooManyResourceIds()
    return page_size


def records_resource_type(config_backend, resource_type):
    """True when a recorder of this account and region is recording `resource_type`."""
    return any(
        recorder.status.recording and recording_group_covers(recorder.recording_group, resource_type)
        for recorder in config_backend.recorders.values()
    )


def recording_group_covers(recording_group, resource_type):
    # AWS Config API Reference, RecordingGroup: global IAM types need includeGlobalResourceTypes
    # with allSupported; otherwise they must be listed, or not excluded by the exclusion strategy.
    if recording_group.all_supported:
        return bool(recording_group.include_global_resource_types)
    if resource_type in (recording_group.resource_types or []):
        return True
    strategy = (recording_group.recording_strategy or {}).get("useOnly")
    excluded = (recording_group.exclusion_by_resource_types or {}).get("resourceTypes") or []
    return strategy == "EXCLUSION_BY_RESOURCE_TYPES" and resource_type not in excluded


def recorded_iam_users(config_backend):
    """The account's IAM users as Config of this region knows them: none unless a recorder records them."""
    if not records_resource_type(config_backend, IAM_USER_RESOURCE_TYPE):
        return []
    return iam_users(config_backend)


def iam_users(config_backend):
    # IAM is global: one backend per partition holds the account's users.
    return list(iam_backends[config_backend.account_id][config_backend.partition].users.values())


def iam_user_identifier(user):
    # A Config resource id of an IAM user is its unique id (AIDA...), its name the user name.
    return {"resourceType": IAM_USER_RESOURCE_TYPE, "resourceId": user.id, "resourceName": user.name}


def matches_filters(identifier, resource_ids, resource_name):
    if resource_ids and identifier["resourceId"] not in resource_ids:
        return False
    return not resource_name or identifier["resourceName"] == resource_name


def paginate(identifiers, page_size, next_token):
    """One page of `identifiers`; the token is the opaque form of the next resource id."""
    page, token = page_of(identifiers, lambda item: item["resourceId"], page_size, next_token)
    result = {"resourceIdentifiers": page}
    if token:
        result["nextToken"] = token
    return result


def page_of(items, key_of, page_size, next_token):
    """(page, next token or None) of `items`, sorted by the caller; a token is the opaque key of the next item."""
    start = 0
    if next_token:
        keys = [key_of(item) for item in items]
        next_key = decode_token(next_token)
        if next_key not in keys:
            raise InvalidNextTokenException()
        start = keys.index(next_key)
    following = start + page_size
    return items[start:following], (encode_token(key_of(items[following])) if following < len(items) else None)


def encode_token(key):
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii")


def decode_token(token):
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise InvalidNextTokenException() from error
