# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The desired state of an AWS Config rule and of its remediation configuration, and how to tell
whether the current one differs.

The config_rule and config_remediation_configuration modules and the target_account_plan module
decide with these same functions, so a plan never disagrees with the modules that apply it.
Resources are in the normalised form of module_utils/config.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from copy import deepcopy

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import DEFAULT_RETRY_ATTEMPT_SECONDS
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import REMEDIATION_TARGET_TYPE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import normalize_scope_option
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import stringify_parameter_value
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import stringify_parameters

# Fields of a rule that the collection manages; everything else in a description is set by AWS.
MANAGED_RULE_FIELDS = ("description", "source", "input_parameters", "maximum_execution_frequency", "scope")
# Fields of a remediation configuration that AWS sets itself; they never count as a difference.
SERVER_FIELDS = ("arn",)


# ---------------------------------------------------------------- rules


def new_rule(name):
    """The normalised form of a rule that does not exist yet (as check mode predicts it)."""
    return {
        "name": name,
        "arn": None,
        "id": None,
        "description": "",
        "source": {},
        "input_parameters": {},
        "maximum_execution_frequency": None,
        "scope": {},
        "state": "ACTIVE",
        "created_by": None,
        "tags": {},
    }


def build_desired_rule(current, params):
    """The current rule (or a new one) with every option that is set applied; None options keep the current value."""
    desired = deepcopy(current) if current else new_rule(params["name"])
    desired["source"] = {"owner": "AWS", "source_identifier": params["source_identifier"]}
    if params.get("description") is not None:
        desired["description"] = params["description"]
    if params.get("input_parameters") is not None:
        desired["input_parameters"] = stringify_parameters(params["input_parameters"])
    if params.get("maximum_execution_frequency") is not None:
        desired["maximum_execution_frequency"] = params["maximum_execution_frequency"]
    if params.get("scope") is not None:
        desired["scope"] = normalize_scope_option(params["scope"])
    return desired


def _comparable(rule):
    comparable = dict((field, rule.get(field)) for field in MANAGED_RULE_FIELDS)
    # Config stores parameter values as strings: compare them the same way.
    comparable["input_parameters"] = stringify_parameters(rule.get("input_parameters"))
    return comparable


def rule_differs(current, desired):
    return _comparable(current) != _comparable(desired)


# ---------------------------------------------------------------- remediation configurations


def static_values(value):
    """A static_value option (a string or a list) as the list of strings AWS stores."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [stringify_parameter_value(item) for item in value]
    return [stringify_parameter_value(value)]


def normalize_parameters_option(parameters):
    """The parameters option in the format the module returns (static values always lists)."""
    result = {}
    for name, value in (parameters or {}).items():
        if value.get("resource_value") is not None:
            result[name] = {"resource_value": value["resource_value"]}
        else:
            result[name] = {"static_value": static_values(value["static_value"])}
    return result


def new_configuration(rule_name):
    """The normalised form of a configuration that does not exist yet."""
    return {
        "config_rule_name": rule_name,
        "target_type": REMEDIATION_TARGET_TYPE,
        "target_id": None,
        "target_version": None,
        "parameters": {},
        "automatic": False,
        "maximum_automatic_attempts": DEFAULT_MAXIMUM_AUTOMATIC_ATTEMPTS,
        "retry_attempt_seconds": DEFAULT_RETRY_ATTEMPT_SECONDS,
        "execution_controls": {},
        "resource_type": None,
        "arn": None,
    }


def build_desired_configuration(current, params):
    """The current configuration (or a new one) with every option that is set applied; None options keep the current value."""
    desired = deepcopy(current) if current else new_configuration(params["config_rule_name"])
    desired["target_type"] = REMEDIATION_TARGET_TYPE
    for key in ("target_id", "automatic", "maximum_automatic_attempts", "retry_attempt_seconds"):
        desired[key] = params[key]
    if params.get("target_version") is not None:
        desired["target_version"] = params["target_version"] or None
    if params.get("resource_type") is not None:
        desired["resource_type"] = params["resource_type"]
    if params.get("parameters") is not None:
        desired["parameters"] = normalize_parameters_option(params["parameters"])
    if params.get("execution_controls") is not None:
        controls = dict(desired["execution_controls"] or {})
        controls.update((key, value) for key, value in params["execution_controls"].items() if value is not None)
        desired["execution_controls"] = controls
    return desired


def configuration_differs(current, desired):
    def comparable(configuration):
        return dict((key, value) for key, value in configuration.items() if key not in SERVER_FIELDS)

    return comparable(current) != comparable(desired)
