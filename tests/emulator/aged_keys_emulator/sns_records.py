# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the emulator notes about SNS deliveries, per topic account and region, for tests.

Kept on moto's SNS backend of the topic's account and region, so /moto-api/reset clears it.
"""

import threading

from moto.sns.models import sns_backends

_LOCK = threading.Lock()


def note(subscription, kind, entry):
    """Append `entry` to the `kind` records of the subscription's topic account and region."""
    with _LOCK:
        subscription.topic.sns_backend.__dict__.setdefault(kind, []).append(entry)


def noted(kind, account_id, region, subscription_arn=None):
    """The `kind` records of one account and region, oldest first, optionally of one subscription."""
    backend = sns_backends[account_id][region]
    with _LOCK:
        entries = list(backend.__dict__.get(kind, []))
    return [entry for entry in entries if subscription_arn in (None, entry["SubscriptionArn"])]
