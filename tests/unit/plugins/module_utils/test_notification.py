# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The runbook, its message schema and the modules that read its traces agree."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import datetime
import json
import os

import pytest
import yaml

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import notification
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import MAX_ACCESS_KEY_AGE_DEFAULT

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
    assert set(notification.outcome_from_outputs(outputs, NOW)) == {
        "event", "resource_id", "user_name", "aged_keys", "aged_key_ages", "deactivated_keys", "deactivation_date", "exempt_until",
        "next_reminder", "message_id"}


def test_the_runbook_records_creation_dates_as_the_report_reads_them():
    assert script_constants()["CREATE_DATE_SEPARATOR"] == notification.CREATE_DATE_SEPARATOR


def test_the_runbook_default_limit_is_the_collections():
    assert RUNBOOK["parameters"]["MaxAccessKeyAge"]["default"] == str(MAX_ACCESS_KEY_AGE_DEFAULT)


def test_outcome_needs_an_event():
    assert notification.outcome_from_outputs({}, NOW) is None
    assert notification.outcome_from_outputs({"NotifyOwner.Event": [""]}, NOW) is None


NOW = datetime.datetime(2026, 11, 29, 6, 0, tzinfo=datetime.timezone.utc)


def ages_of(aged_keys, create_dates):
    outputs = {"NotifyOwner.Event": ["aged-access-key"], "NotifyOwner.AgedKeys": aged_keys, "NotifyOwner.AgedKeyCreateDates": create_dates}
    return [(key["access_key_id"], key["created"], key["age_days"]) for key in notification.outcome_from_outputs(outputs, NOW)["aged_key_ages"]]


def test_key_ages_are_whole_days_at_the_time_of_the_read():
    assert ages_of(["AKIA1", "AKIA2"], ["AKIA2=2026-08-31T06:00:00Z", "AKIA1=2026-08-31T06:00:01+00:00"]) == [
        ("AKIA1", "2026-08-31T06:00:01+00:00", 89), ("AKIA2", "2026-08-31T06:00:00Z", 90)]


@pytest.mark.parametrize("create_dates", [
    [],  # a run of the runbook before it had the output
    ["AKIA1"], ["AKIA1=yesterday"], ["AKIA1=2026-08-31T06:00:00"], ["AKIA9=2026-08-31T06:00:00Z"], [""],
])
def test_a_key_without_a_readable_creation_date_is_of_unknown_age(create_dates):
    assert ages_of(["AKIA1"], create_dates) == [("AKIA1", None, None)]
