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

# The runbook pauses a notified user's remediation with a remediation exception whose message
# starts with this: a reminder pause, not an exemption.
REMINDER_EXCEPTION_PREFIX = "cloudsec.aged_keys reminder"
# The step of the runbook whose outputs tell what it did about the user.
NOTIFY_STEP = "NotifyOwner"
# Events of the message, and the runbook's outcomes without a message.
MESSAGE_EVENTS = ("aged-access-key", "access-key-deactivation-planned", "access-key-deactivated")
SILENT_EVENTS = ("exempt", "rotated")


def is_reminder_pause(exception_message):
    return (exception_message or "").startswith(REMINDER_EXCEPTION_PREFIX)


def outcome_from_outputs(outputs):
    """The runbook's NotifyOwner outputs ({"NotifyOwner.Event": ["..."], ...}) as plain values, or None."""
    prefix = NOTIFY_STEP + "."

    def single(name):
        values = outputs.get(prefix + name) or []
        return values[0] if values and values[0] else None

    if single("Event") is None:
        return None
    return {
        "event": single("Event"),
        "resource_id": single("ResourceId"),
        "user_name": single("UserName"),
        "aged_keys": [value for value in outputs.get(prefix + "AgedKeys") or [] if value],
        "deactivated_keys": [value for value in outputs.get(prefix + "DeactivatedKeys") or [] if value],
        "deactivation_date": single("DeactivationDate"),
        "exempt_until": single("ExemptUntil"),
        "next_reminder": single("NextReminder"),
        "message_id": single("MessageId"),
    }
