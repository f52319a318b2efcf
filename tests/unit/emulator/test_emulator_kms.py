# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""KMS key state changes accept a key ARN as well as a key id, as AWS does."""

import pytest

from emulator_testing import raises_aws_error


@pytest.mark.parametrize("by", ["KeyId", "Arn"])
def test_key_deletion_is_scheduled_and_cancelled_by_id_or_arn(emulator, by):
    kms = emulator.client("kms")
    key = kms.create_key()["KeyMetadata"]

    kms.schedule_key_deletion(KeyId=key[by], PendingWindowInDays=7)
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"

    kms.cancel_key_deletion(KeyId=key[by])
    kms.enable_key(KeyId=key[by])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Enabled"

    kms.disable_key(KeyId=key[by])
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "Disabled"


def test_unknown_key_arn_is_not_found(emulator):
    kms = emulator.client("kms")
    with raises_aws_error("NotFoundException"):
        kms.schedule_key_deletion(KeyId="arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000", PendingWindowInDays=7)
