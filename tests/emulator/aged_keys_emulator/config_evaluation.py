# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Config rule evaluation and compliance, which moto 5.2.5 does not implement.

Follows the AWS Config API Reference: StartConfigRulesEvaluation,
DescribeComplianceByConfigRule, GetComplianceDetailsByConfigRule and the
EvaluationResult, EvaluationResultIdentifier, EvaluationResultQualifier,
ComplianceByConfigRule, Compliance and ComplianceContributorCount data types.

Only the managed rule ACCESS_KEYS_ROTATED (AWS Config Developer Guide,
"access-keys-rotated") is evaluated; evaluating any other rule is refused.
The evaluation runs synchronously inside StartConfigRulesEvaluation: when the
call returns, the results are there. Listeners registered in AFTER_EVALUATION
(automatic remediation) run afterwards and must not block.

Results are kept on moto's ConfigBackend of the account and region, so
`/moto-api/reset` clears them.
"""

import datetime
import threading

from moto.config.exceptions import InvalidParameterValueException, NoSuchConfigRuleException, ResourceInUseException
from moto.core.exceptions import JsonRESTError

from .config import IAM_USER_RESOURCE_TYPE, add_config_actions, page_of, recorded_iam_users
from .config_remediation import RULE_NAME_PATTERN
from .validation import ConstraintViolations, expect_type

STORE_ATTRIBUTE = "rule_evaluations"
IN_PROGRESS_ATTRIBUTE = "rule_evaluations_in_progress"
_IN_PROGRESS_LOCK = threading.Lock()

# StartConfigRulesEvaluation: "You can specify up to 25 Config rules per request" (ReevaluateConfigRuleNames: 1-25).
MAX_RULES_PER_EVALUATION = 25
MAX_RULE_NAMES = 25
COMPLIANCE_TYPES = ["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE", "INSUFFICIENT_DATA"]
MAX_COMPLIANCE_TYPES = 3
# GetComplianceDetailsByConfigRule, Limit: "The default is 10. You cannot specify a number greater than 100.
# If you specify 0, Config uses the default."
LIMIT_RANGE = (0, 100)
DEFAULT_DETAILS_LIMIT = 10
# DescribeComplianceByConfigRule has no Limit; AWS does not document its page size.
COMPLIANCE_BY_RULE_PAGE_SIZE = 25
# ComplianceContributorCount: "up to a maximum number"; AWS caps the count at 100.
CONTRIBUTOR_CAP = 100

# access-keys-rotated: "maxAccessKeyAge ... The default value is 90 days."
ACCESS_KEYS_ROTATED = "ACCESS_KEYS_ROTATED"
MAX_ACCESS_KEY_AGE_PARAMETER = "maxAccessKeyAge"
DEFAULT_MAX_ACCESS_KEY_AGE = 90

# Callables (config_backend, rule_names) run after each evaluation, e.g. automatic remediation.
AFTER_EVALUATION = []


class LimitExceededException(JsonRESTError):
    """StartConfigRulesEvaluation, Errors: "thrown if an evaluation is in progress"."""

    code = 400

    def __init__(self, message):
        super().__init__("LimitExceededException", message)


def apply():
    add_config_actions(ACTIONS)


def evaluation_store(config_backend):
    """Rule name -> {"rule_id", "results" and "previous": {resource id: EvaluationResult}} of one account and region."""
    return config_backend.__dict__.setdefault(STORE_ATTRIBUTE, {})


def current_results(config_backend, rule):
    """The latest EvaluationResults of `rule` by resource id; none for a rule never evaluated.

    A deleted and re-created rule of the same name is a new rule (new ConfigRuleId) without results.
    """
    stored = evaluation_store(config_backend).get(rule.config_rule_name)
    if stored is None or stored["rule_id"] != rule.config_rule_id:
        return {}
    return stored["results"]


def previous_compliance(config_backend, rule, resource_id):
    """ComplianceType of the resource in the evaluation before the latest one, or None."""
    stored = evaluation_store(config_backend).get(rule.config_rule_name)
    if stored is None or stored["rule_id"] != rule.config_rule_id:
        return None
    result = stored.get("previous", {}).get(resource_id)
    return result["ComplianceType"] if result else None


def latest_compliance(config_backend, rule_name, resource_type, resource_id):
    """ComplianceType of the resource's latest evaluation by the rule, or None."""
    rule = config_backend.config_rules.get(rule_name)
    result = current_results(config_backend, rule).get(resource_id) if rule else None
    if result is None or result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceType"] != resource_type:
        return None
    return result["ComplianceType"]


def existing_rule(config_backend, rule_name):
    rule = config_backend.config_rules.get(rule_name)
    if rule is None:
        raise NoSuchConfigRuleException(rule_name)
    return rule


def check_rule_names(violations, names, path, minimum, maximum):
    if names is None:
        return
    expect_type(names, list, path)
    if len(names) < minimum:
        violations.messages.append(f"Value '[]' at '{path}' failed to satisfy constraint: Member must have length greater than or equal to {minimum}")
    violations.count(names, path, maximum)
    for position, name in enumerate(names, start=1):
        violations.string(name, f"{path}.{position}.member", 1, 128, RULE_NAME_PATTERN)


# --- StartConfigRulesEvaluation ---------------------------------------------------------

def start_config_rules_evaluation(config_backend, rule_names):
    """Evaluate the named rules now, then notify AFTER_EVALUATION listeners. Answers {} like AWS."""
    violations = ConstraintViolations()
    check_rule_names(violations, rule_names, "configRuleNames", 1, MAX_RULES_PER_EVALUATION)
    violations.raise_if_any()
    if rule_names is None:
        # AWS does not document an evaluation without names; the emulator does not guess which rules to run.
        raise InvalidParameterValueException("Specify ConfigRuleNames: the emulator evaluates only the rules named in the request.")
    names = list(dict.fromkeys(rule_names))
    rules = [existing_rule(config_backend, name) for name in names]
    for rule in rules:
        check_evaluable(rule)
    with evaluations_claimed(config_backend, names):
        for rule in rules:
            record_evaluation(config_backend, rule)
    for listener in AFTER_EVALUATION:
        listener(config_backend, names)
    return {}


def check_evaluable(rule):
    # ConfigRule.ConfigRuleState: only an ACTIVE rule evaluates (DELETING... rules are on their way out).
    if rule.config_rule_state != "ACTIVE":
        raise ResourceInUseException(f"The rule {rule.config_rule_name} is {rule.config_rule_state} and cannot be evaluated.")
    source = rule.source
    if source.owner != "AWS" or source.source_identifier != ACCESS_KEYS_ROTATED:
        # Refuse rather than pretend: no other rule logic (managed, Lambda or Guard) is emulated.
        raise InvalidParameterValueException(
            f"The emulator cannot evaluate rule '{rule.config_rule_name}' (Source Owner {source.owner}, "
            f"SourceIdentifier {source.source_identifier}): it only evaluates the AWS managed rule {ACCESS_KEYS_ROTATED}."
        )
    max_access_key_age(rule)


class evaluations_claimed:  # pylint: disable=invalid-name
    """Marks rules as being evaluated; LimitExceededException when one already is (AWS: "an evaluation is in progress")."""

    def __init__(self, config_backend, names):
        self.in_progress = config_backend.__dict__.setdefault(IN_PROGRESS_ATTRIBUTE, set())
        self.names = set(names)

    def __enter__(self):
        with _IN_PROGRESS_LOCK:
            busy = sorted(self.names & self.in_progress)
            if busy:
                raise LimitExceededException(f"An evaluation of {', '.join(busy)} is in progress. Try again when it completes.")
            self.in_progress.update(self.names)
        return self

    def __exit__(self, *exc_info):
        with _IN_PROGRESS_LOCK:
            self.in_progress.difference_update(self.names)


def record_evaluation(config_backend, rule):
    """Replace the rule's results: resources Config no longer knows (deleted users) disappear."""
    invoked = utc_now()
    results = {resource_id: evaluation_result(rule, resource_id, compliance, annotation, invoked)
               for resource_id, compliance, annotation in evaluate_access_keys_rotated(config_backend, rule, invoked)}
    previous = current_results(config_backend, rule)
    evaluation_store(config_backend)[rule.config_rule_name] = {"rule_id": rule.config_rule_id, "results": results, "previous": previous}


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def max_access_key_age(rule):
    """maxAccessKeyAge of the rule's InputParameters (type int, default 90)."""
    value = (rule.input_parameters_dict or {}).get(MAX_ACCESS_KEY_AGE_PARAMETER, DEFAULT_MAX_ACCESS_KEY_AGE)
    try:
        days = int(str(value).strip())
    except ValueError:
        days = 0
    if days < 1:
        raise InvalidParameterValueException(
            f"Rule '{rule.config_rule_name}': {MAX_ACCESS_KEY_AGE_PARAMETER} must be a positive whole number of days, got '{value}'."
        )
    return days


def evaluate_access_keys_rotated(config_backend, rule, now):
    """(resource id, compliance, annotation) per IAM user Config records.

    access-keys-rotated: NON_COMPLIANT when an *active* key is older than maxAccessKeyAge days.
    Inactive keys are ignored, a user without keys is COMPLIANT, root keys are out of scope
    (moto has none). AWS does not document its annotation; the emulator names the aged keys.
    """
    max_age = datetime.timedelta(days=max_access_key_age(rule))
    for user in recorded_iam_users(config_backend):
        aged = [key.access_key_id for key in user.access_keys if key.status == "Active" and now - key.create_date > max_age]
        if aged:
            annotation = f"Active access key(s) {', '.join(aged)} older than {max_age.days} days."
            yield user.id, "NON_COMPLIANT", annotation[:256]
        else:
            yield user.id, "COMPLIANT", None


def evaluation_result(rule, resource_id, compliance, annotation, invoked):
    """An EvaluationResult as GetComplianceDetailsByConfigRule returns it."""
    qualifier = {"ConfigRuleName": rule.config_rule_name, "ResourceType": IAM_USER_RESOURCE_TYPE, "ResourceId": resource_id, "EvaluationMode": "DETECTIVE"}
    result = {
        # OrderingTimestamp: for a periodic rule, the time of the evaluation that produced the result.
        "EvaluationResultIdentifier": {"EvaluationResultQualifier": qualifier, "OrderingTimestamp": invoked},
        "ComplianceType": compliance,
        "ResultRecordedTime": utc_now(),
        "ConfigRuleInvokedTime": invoked,
    }
    if annotation:
        result["Annotation"] = annotation
    return result


# --- DescribeComplianceByConfigRule ------------------------------------------------------

def describe_compliance_by_config_rule(config_backend, rule_names, compliance_types, next_token):
    violations = ConstraintViolations()
    check_rule_names(violations, rule_names, "configRuleNames", 0, MAX_RULE_NAMES)
    check_compliance_types(violations, compliance_types)
    violations.string(next_token, "nextToken")
    violations.raise_if_any()
    if rule_names:
        rules = [existing_rule(config_backend, name) for name in dict.fromkeys(rule_names)]
    else:
        rules = list(config_backend.config_rules.values())
    items = [{"ConfigRuleName": rule.config_rule_name, "Compliance": rule_compliance(current_results(config_backend, rule))} for rule in rules]
    items = sorted((item for item in items if not compliance_types or item["Compliance"]["ComplianceType"] in compliance_types),
                   key=lambda item: item["ConfigRuleName"])
    page, token = page_of(items, lambda item: item["ConfigRuleName"], COMPLIANCE_BY_RULE_PAGE_SIZE, next_token)
    return with_next_token({"ComplianceByConfigRules": page}, "NextToken", token)


def check_compliance_types(violations, compliance_types):
    if compliance_types is None:
        return
    expect_type(compliance_types, list, "complianceTypes")
    violations.count(compliance_types, "complianceTypes", MAX_COMPLIANCE_TYPES)
    for position, compliance_type in enumerate(compliance_types, start=1):
        violations.enum(compliance_type, f"complianceTypes.{position}.member", COMPLIANCE_TYPES)


def rule_compliance(results):
    """Compliance of a rule: NON_COMPLIANT if any resource is, INSUFFICIENT_DATA without current results."""
    if not results:
        return {"ComplianceType": "INSUFFICIENT_DATA"}
    non_compliant = sum(1 for result in results.values() if result["ComplianceType"] == "NON_COMPLIANT")
    if non_compliant:
        count = {"CappedCount": min(non_compliant, CONTRIBUTOR_CAP), "CapExceeded": non_compliant > CONTRIBUTOR_CAP}
        return {"ComplianceType": "NON_COMPLIANT", "ComplianceContributorCount": count}
    return {"ComplianceType": "COMPLIANT"}


def with_next_token(answer, member, token):
    if token:
        answer[member] = token
    return answer


# --- GetComplianceDetailsByConfigRule ---------------------------------------------------

def get_compliance_details_by_config_rule(config_backend, rule_name, compliance_types, limit, next_token):
    violations = ConstraintViolations()
    # ConfigRuleName is a StringWithCharLimit64 in this request.
    if violations.required(rule_name, "configRuleName"):
        violations.string(rule_name, "configRuleName", 1, 64)
    check_compliance_types(violations, compliance_types)
    violations.number(limit, "limit", *LIMIT_RANGE)
    violations.string(next_token, "nextToken")
    violations.raise_if_any()
    if "INSUFFICIENT_DATA" in (compliance_types or []):
        # ComplianceTypes: "INSUFFICIENT_DATA cannot be used as a ComplianceType for filtering results."
        raise InvalidParameterValueException("INSUFFICIENT_DATA cannot be used as a ComplianceType for filtering results.")
    rule = existing_rule(config_backend, rule_name)
    results = sorted(current_results(config_backend, rule).items())
    results = [result for _resource_id, result in results if not compliance_types or result["ComplianceType"] in compliance_types]
    page, token = page_of(results, result_resource_id, limit or DEFAULT_DETAILS_LIMIT, next_token)
    return with_next_token({"EvaluationResults": page}, "NextToken", token)


def result_resource_id(result):
    return result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]


ACTIONS = {
    "start_config_rules_evaluation": lambda backend, body: start_config_rules_evaluation(backend, body.get("ConfigRuleNames")),
    "describe_compliance_by_config_rule": lambda backend, body: describe_compliance_by_config_rule(
        backend, body.get("ConfigRuleNames"), body.get("ComplianceTypes"), body.get("NextToken")),
    "get_compliance_details_by_config_rule": lambda backend, body: get_compliance_details_by_config_rule(
        backend, body.get("ConfigRuleName"), body.get("ComplianceTypes"), body.get("Limit"), body.get("NextToken")),
}
