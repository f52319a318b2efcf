# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`{{ name }}` placeholders of a runbook, resolved against parameters, step outputs and variables.

AWS Systems Manager User Guide, "Automation system variables": global:ACCOUNT_ID,
global:DATE (yyyy-MM-dd), global:DATE_TIME (yyyy-MM-dd_HH.mm.ss), global:AWS_PARTITION,
global:REGION and automation:EXECUTION_ID; step outputs are referenced as
`StepName.OutputName` ("Working with outputs from previous steps").

A value that is one placeholder and nothing else keeps the variable's type (a StringList
stays a list, an Integer an int). A placeholder inside other text is replaced by the
value's text form.
"""

import json
import re

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
SYSTEM_VARIABLES = ("global:ACCOUNT_ID", "global:DATE", "global:DATE_TIME", "global:AWS_PARTITION", "global:REGION", "automation:EXECUTION_ID")


class UnresolvedVariable(Exception):
    """A placeholder that names nothing the execution knows, or an output a step did not produce."""


def placeholders(value):
    """Every name referenced in a document fragment (strings, lists and dicts, keys included)."""
    if isinstance(value, str):
        return PLACEHOLDER.findall(value)
    if isinstance(value, list):
        return [name for item in value for name in placeholders(item)]
    if isinstance(value, dict):
        return [name for key, item in value.items() for name in placeholders(key) + placeholders(item)]
    return []


def resolve(value, lookup):
    """`value` with every placeholder replaced; `lookup(name)` returns a variable's typed value."""
    if isinstance(value, str):
        return resolve_text(value, lookup)
    if isinstance(value, list):
        return [resolve(item, lookup) for item in value]
    if isinstance(value, dict):
        return {resolve_text(key, lookup): resolve(item, lookup) for key, item in value.items()}
    return value


def resolve_text(text, lookup):
    whole = PLACEHOLDER.fullmatch(text)
    if whole:
        return lookup(whole.group(1))
    return PLACEHOLDER.sub(lambda match: as_text(lookup(match.group(1))), text)


def as_text(value):
    if isinstance(value, str):
        return value
    return json.dumps(value)
