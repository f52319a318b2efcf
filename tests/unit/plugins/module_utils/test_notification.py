# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runbook, its message schema and the modules that read its traces agree."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import json
import os

import yaml

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import notification

REPO = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..")
with open(os.path.join(REPO, "roles", "target_account", "files", "notify_aged_access_key.yml"), encoding="utf-8") as stream:
    RUNBOOK = yaml.safe_load(stream)
with open(os.path.join(REPO, "docs", "message.schema.json"), encoding="utf-8") as stream:
    SCHEMA = json.load(stream)


def script_constants():
    [step] = [step for step in RUNBOOK["mainSteps"] if step["name"] == notification.NOTIFY_STEP]
    tree = ast.parse(step["inputs"]["Script"])
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)}


def test_the_runbook_marks_its_reminder_pauses_as_the_report_reads_them():
    assert script_constants()["REMINDER_MARK"] == notification.REMINDER_EXCEPTION_PREFIX


def test_the_runbook_schema_and_module_name_the_same_events():
    assert sorted(script_constants()["SEVERITIES"]) == sorted(notification.MESSAGE_EVENTS)
    assert sorted(SCHEMA["properties"]["event"]["enum"]) == sorted(notification.MESSAGE_EVENTS)
    assert script_constants()["SCHEMA_VERSION"] == SCHEMA["properties"]["schema_version"]["const"]


def test_the_runbook_outputs_are_what_the_report_reads():
    [step] = [step for step in RUNBOOK["mainSteps"] if step["name"] == notification.NOTIFY_STEP]
    declared = {output["Name"] for output in step["outputs"]}
    assert RUNBOOK["outputs"] == ["{0}.{1}".format(notification.NOTIFY_STEP, name) for name in [output["Name"] for output in step["outputs"]]]
    outputs = {"{0}.{1}".format(notification.NOTIFY_STEP, name): ["x"] for name in declared}
    assert set(notification.outcome_from_outputs(outputs)) == {"event", "resource_id", "user_name", "aged_keys", "deactivated_keys",
                                                               "deactivation_date", "exempt_until", "next_reminder", "message_id"}


def test_outcome_needs_an_event():
    assert notification.outcome_from_outputs({}) is None
    assert notification.outcome_from_outputs({"NotifyOwner.Event": [""]}) is None
