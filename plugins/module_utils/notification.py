# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the notification runbook (roles/target_account/files/notify_aged_access_key.yml) and the
modules that read its traces agree on.

The runbook is data submitted to SSM and cannot import this file; a unit test checks that its
script uses these same values.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

# The runbook pauses a notified user's remediation with a remediation exception whose message
# starts with this: a reminder pause, not an exemption.
REMINDER_EXCEPTION_PREFIX = "cloudsec.aged_keys reminder"
# The step of the runbook whose outputs tell what it did about the user.
NOTIFY_STEP = "NotifyOwner"
# Events of the message, and the runbook's outcomes without a message.
MESSAGE_EVENTS = ("aged-access-key", "access-key-deactivation-planned", "access-key-deactivated")
SILENT_EVENTS = ("exempt", "rotated")
# Output AgedKeyCreateDates lists "<access key id>=<creation time, ISO 8601>" per aged key. Runs of
# a runbook version before it have no such output: their keys' ages are unknown.
CREATE_DATE_SEPARATOR = "="


def is_reminder_pause(exception_message):
    return (exception_message or "").startswith(REMINDER_EXCEPTION_PREFIX)


def parse_time(value):
    """An ISO 8601 time with its offset (or Z), or None when it is not one."""
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def create_dates(values):
    """{access key id: creation time} from AgedKeyCreateDates; malformed entries are left out."""
    dates = {}
    for value in values:
        key_id, separator, created = value.partition(CREATE_DATE_SEPARATOR)
        if separator and parse_time(created):
            dates[key_id] = created
    return dates


def key_ages(aged_keys, created_by_key, now):
    """Each aged key with its creation time and its age in whole days at `now`; both None when unknown."""
    ages = []
    for key_id in aged_keys:
        created = created_by_key.get(key_id)
        age_days = (now - parse_time(created)).days if created else None
        ages.append({"access_key_id": key_id, "created": created, "age_days": age_days})
    return ages


def outcome_from_outputs(outputs, now):
    """The runbook's NotifyOwner outputs ({"NotifyOwner.Event": ["..."], ...}) as plain values, or None.

    The aged keys' ages are counted at `now` (an aware datetime): the time of the report, not of the run.
    """
    prefix = NOTIFY_STEP + "."

    def single(name):
        values = outputs.get(prefix + name) or []
        return values[0] if values and values[0] else None

    def several(name):
        return [value for value in outputs.get(prefix + name) or [] if value]

    if single("Event") is None:
        return None
    aged_keys = several("AgedKeys")
    return {
        "event": single("Event"),
        "resource_id": single("ResourceId"),
        "user_name": single("UserName"),
        "aged_keys": aged_keys,
        "aged_key_ages": key_ages(aged_keys, create_dates(several("AgedKeyCreateDates")), now),
        "deactivated_keys": several("DeactivatedKeys"),
        "deactivation_date": single("DeactivationDate"),
        "exempt_until": single("ExemptUntil"),
        "next_reminder": single("NextReminder"),
        "message_id": single("MessageId"),
    }
