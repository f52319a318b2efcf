# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Key state changes that accept a key ARN, as AWS does.

AWS KMS API Reference, ScheduleKeyDeletion, CancelKeyDeletion, EnableKey and DisableKey:
"KeyId: Identifies the KMS key ... Specify the key ID or key ARN". moto 5.2.5 looks the
value up as a key id only and answers HTTP 500 for an ARN; amazon.aws.kms_key passes ARNs.
"""

from moto.kms.models import KmsBackend

from .patching import wrap_attribute

KEY_STATE_METHODS = ("schedule_key_deletion", "cancel_key_deletion", "enable_key", "disable_key")


def apply():
    for name in KEY_STATE_METHODS:
        wrap_attribute(KmsBackend, name, accept_key_arn)


def accept_key_arn(original):
    def method(self, key_id, *args, **kwargs):
        return original(self, KmsBackend.get_key_id(key_id), *args, **kwargs)

    return method
