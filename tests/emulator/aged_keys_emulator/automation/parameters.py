# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runbook parameters: the string lists of StartAutomationExecution made typed values.

AWS Systems Manager User Guide, "Data elements and parameters" (schema 0.3): parameter
`type` String, StringList, Integer, Boolean, MapList or StringMap; `default`,
`allowedValues`, `allowedPattern`, `minItems`/`maxItems`, `minChars`/`maxChars`.
StartAutomationExecution receives every value as a list of strings (API Reference,
StartAutomationExecution, Parameters). Messages are the ones AWS returns where known
("Missing required parameter: X in user inputs.", "Parameter "X" has value "v" not found
in [A, B].", "Parameter type error. The value supplied for X is not a valid string.").
"""

import json
import re

from .errors import InvalidAutomationExecutionParametersException

TYPE_WORDS = {
    "String": "string",
    "StringList": "string list",
    "Integer": "integer",
    "Boolean": "boolean",
    "StringMap": "string map",
    "MapList": "map list",
}


def definitions(document):
    """The document's parameter definitions; refuses types the emulator does not know."""
    declared = document.get("parameters") or {}
    for name, definition in declared.items():
        if definition.get("type") not in TYPE_WORDS:
            raise InvalidAutomationExecutionParametersException(
                f"Parameter \"{name}\" has type {definition.get('type')!r}; the emulator supports {', '.join(TYPE_WORDS)}."
            )
    return declared


def resolve(document, supplied):
    """Typed values of every parameter: supplied ones converted and checked, the others defaulted."""
    declared = definitions(document)
    for name in supplied:
        if name not in declared:
            raise InvalidAutomationExecutionParametersException(f"Parameter \"{name}\" is not defined in the document.")
    values = {}
    for name, definition in declared.items():
        if name in supplied:
            values[name] = convert_supplied(name, definition["type"], supplied[name])
        elif "default" in definition:
            values[name] = convert_default(name, definition["type"], definition["default"])
        else:
            raise InvalidAutomationExecutionParametersException(f"Missing required parameter: {name} in user inputs.")
        check_constraints(name, definition, values[name])
    return values


def convert_supplied(name, parameter_type, strings):
    """One parameter of StartAutomationExecution (a list of strings) as its document type."""
    if not isinstance(strings, list) or not all(isinstance(item, str) for item in strings):
        raise type_error(name, parameter_type)
    if parameter_type == "StringList":
        return list(strings)
    if parameter_type == "MapList":
        return [parse_json(name, parameter_type, item, dict) for item in strings]
    if len(strings) != 1:
        raise type_error(name, parameter_type)
    return convert_scalar(name, parameter_type, strings[0])


def convert_scalar(name, parameter_type, text):
    if parameter_type == "String":
        return text
    if parameter_type == "Integer":
        if not re.fullmatch(r"-?\d+", text.strip()):
            raise type_error(name, parameter_type)
        return int(text)
    if parameter_type == "Boolean":
        if text.lower() not in ("true", "false"):
            raise type_error(name, parameter_type)
        return text.lower() == "true"
    return parse_json(name, parameter_type, text, dict)


def convert_default(name, parameter_type, default):
    """A document default, which the document may write typed or as a string."""
    expected = {"String": str, "StringList": list, "Integer": int, "Boolean": bool, "StringMap": dict, "MapList": list}[parameter_type]
    if isinstance(default, expected) and not (expected is int and isinstance(default, bool)):
        return list(default) if expected is list else default
    if isinstance(default, str):
        return convert_supplied(name, parameter_type, [default])
    raise type_error(name, parameter_type)


def parse_json(name, parameter_type, text, expected_type):
    try:
        value = json.loads(text)
    except ValueError as error:
        raise type_error(name, parameter_type) from error
    if not isinstance(value, expected_type):
        raise type_error(name, parameter_type)
    return value


def type_error(name, parameter_type):
    return InvalidAutomationExecutionParametersException(
        f"Parameter type error. The value supplied for {name} is not a valid {TYPE_WORDS[parameter_type]}."
    )


def check_constraints(name, definition, value):
    """allowedValues, allowedPattern and the size limits of one typed value."""
    items = value if isinstance(value, list) else [value]
    allowed = definition.get("allowedValues")
    pattern = definition.get("allowedPattern")
    for item in items:
        if allowed is not None and item not in allowed:
            raise InvalidAutomationExecutionParametersException(f"Parameter \"{name}\" has value \"{item}\" not found in [{', '.join(map(str, allowed))}].")
        # The documents anchor their patterns; AWS documents no implicit anchoring.
        if pattern is not None and isinstance(item, str) and not re.search(pattern, item):
            raise InvalidAutomationExecutionParametersException(f"Parameter \"{name}\" has value \"{item}\" not matching pattern {pattern}.")
    check_size(name, "items", len(items), definition.get("minItems"), definition.get("maxItems"))
    if isinstance(value, str):
        check_size(name, "characters", len(value), definition.get("minChars"), definition.get("maxChars"))


def check_size(name, unit, size, minimum, maximum):
    if minimum is not None and size < int(minimum):
        raise InvalidAutomationExecutionParametersException(f"Parameter \"{name}\" has {size} {unit}, fewer than the minimum {minimum}.")
    if maximum is not None and size > int(maximum):
        raise InvalidAutomationExecutionParametersException(f"Parameter \"{name}\" has {size} {unit}, more than the maximum {maximum}.")


def as_string_list(value):
    """A typed value as the list of strings that GetAutomationExecution returns."""
    if isinstance(value, list):
        return [item if isinstance(item, str) else json.dumps(item) for item in value]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, str):
        return [value]
    return [json.dumps(value)]
