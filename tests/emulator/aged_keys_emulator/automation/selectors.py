# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Step outputs: a JSONPath `Selector` into a response, converted to the output's `Type`.

AWS Systems Manager User Guide, "aws:executeAwsApi": outputs have Name, Selector (a
JSONPath starting with `$.`) and Type (String, Integer, Boolean, StringList, StringMap,
MapList). A selector that matches several values yields all of them (for StringList and
MapList). AWS does not document its conversion messages; the emulator names the output,
the type and what was found.

Definite and indefinite paths follow Jayway JsonPath, the Java implementation behind
Automation's selectors: a path is indefinite when it has a deep scan (`..`), a wildcard
(`*`, `[*]`), a filter expression (`[?(...)]`), a slice or several indexes or names.
An indefinite path always yields a list of its matches, even of exactly one ("Indefinite
paths always return a list"); a definite path yields the value it points at, so a definite
path to a list yields that list.
"""

import datetime
import json

from jsonpath_ng import jsonpath
from jsonpath_ng.exceptions import JSONPathError
from jsonpath_ng.ext import parse

from .errors import step_failure

OUTPUT_TYPES = ("String", "Integer", "Boolean", "StringList", "StringMap", "MapList")
NOTHING = object()


def select(document, selector):
    """The values `selector` matches in `document` (a list, empty when nothing matches)."""
    return [match.value for match in parsed(selector).find(document)]


def parsed(selector):
    if not isinstance(selector, str) or not selector.startswith("$"):
        raise step_failure("Execute/Cancelling action", f"Invalid selector {selector!r}: a selector is a JSONPath that starts with $")
    try:
        return parse(selector)
    except JSONPathError as error:
        raise step_failure("Execute/Cancelling action", f"Invalid selector {selector}: {error}") from error


def is_definite(expression):
    """Jayway JsonPath's rule: only single names and single indexes below the root are definite."""
    if isinstance(expression, (jsonpath.Root, jsonpath.This)):
        return True
    if isinstance(expression, jsonpath.Child):
        return is_definite(expression.left) and is_definite(expression.right)
    if isinstance(expression, jsonpath.Fields):
        return len(expression.fields) == 1 and expression.fields[0] != "*"
    if isinstance(expression, jsonpath.Index):
        return len(expression.indices) == 1
    return False


def selected_value(selector, matches, output_type):
    """What `selector` yields: the value of a definite path, the list of matches of an indefinite one.

    For scalar types an indefinite path yields its first match.
    """
    if not matches:
        return NOTHING
    if output_type in ("StringList", "MapList") and not is_definite(parsed(selector)):
        return matches
    return matches[0]


def convert(name, output_type, value):
    """`value` as `output_type`, or a StepFailure naming the output."""
    converter = CONVERTERS.get(output_type)
    if converter is None:
        raise step_failure("Execute/Cancelling action", f"Output {name} has type {output_type!r}; valid types are {', '.join(OUTPUT_TYPES)}")
    converted = converter(value)
    if converted is NOTHING:
        found = json.dumps(value, default=str)
        raise step_failure("Execute/Cancelling action", f"Output {name} cannot be converted to {output_type}: the selector found {found}")
    return converted


def to_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return NOTHING


def to_integer(value):
    if isinstance(value, bool):
        return NOTHING
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return NOTHING


def to_boolean(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return NOTHING


def to_string_list(value):
    if not isinstance(value, list):
        return NOTHING
    items = [to_string(item) for item in value]
    return NOTHING if any(item is NOTHING for item in items) else items


def to_string_map(value):
    if not isinstance(value, dict):
        return NOTHING
    return dict(value)


def to_map_list(value):
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return NOTHING
    return list(value)


CONVERTERS = {
    "String": to_string,
    "Integer": to_integer,
    "Boolean": to_boolean,
    "StringList": to_string_list,
    "StringMap": to_string_map,
    "MapList": to_map_list,
}


def step_outputs(declared_outputs, response):
    """{Name: typed value} of a step's declared outputs; an output whose selector matches nothing is left out."""
    outputs = {}
    for output in declared_outputs or []:
        selector = output.get("Selector")
        value = selected_value(selector, select(response, selector), output.get("Type", "String"))
        if value is not NOTHING:
            outputs[output["Name"]] = convert(output["Name"], output.get("Type", "String"), value)
    return outputs


def plain_json(value):
    """A boto3 response as JSON data; datetimes as ISO 8601 text, as the AWS SDKs serialize them."""
    if isinstance(value, dict):
        return {key: plain_json(item) for key, item in value.items() if key != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [plain_json(item) for item in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value
