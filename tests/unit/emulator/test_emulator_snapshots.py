# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Snapshots of the emulator's state, read back through the AWS APIs after a restore."""

import pytest

from aged_keys_emulator.control import ControlError, restore_emulator_snapshot, take_emulator_snapshot
from automation_testing import create_runbook, runbook, step, wait_for

OTHER_ACCOUNT = "210987654321"


def user_names(iam):
    return sorted(user["UserName"] for user in iam.list_users()["Users"])


def test_a_restore_brings_back_every_account_as_it_was_and_the_snapshot_stays_as_taken(emulator, iam):
    other = emulator.client("iam", credentials=emulator.assume_account(OTHER_ACCOUNT))
    iam.create_user(UserName="alice")
    other.create_user(UserName="carol")
    ssm = emulator.client("ssm")
    ssm.put_parameter(Name="/aged-keys/setting", Value="first", Type="String")
    topic_arn = emulator.client("sns").create_topic(Name="aged-keys")["TopicArn"]
    take_emulator_snapshot(emulator.url, "before")

    iam.delete_user(UserName="alice")
    iam.create_user(UserName="bob")
    other.create_user(UserName="dave")
    ssm.put_parameter(Name="/aged-keys/setting", Value="second", Type="String", Overwrite=True)
    restore_emulator_snapshot(emulator.url, "before")

    assert user_names(iam) == ["alice"]
    assert user_names(emulator.client("iam", credentials=emulator.assume_account(OTHER_ACCOUNT))) == ["carol"]
    parameter = ssm.get_parameter(Name="/aged-keys/setting")["Parameter"]
    assert (parameter["Value"], parameter["Version"]) == ("first", 1)
    assert [topic["TopicArn"] for topic in emulator.client("sns").list_topics()["Topics"]] == [topic_arn]

    # What changes after a restore stays out of the snapshot.
    iam.create_user(UserName="erin")
    restore_emulator_snapshot(emulator.url, "before")
    assert user_names(iam) == ["alice"]


def test_a_restore_of_an_unknown_snapshot_is_refused_and_names_the_known_ones(emulator):
    take_emulator_snapshot(emulator.url, "known")
    with pytest.raises(ControlError) as refused:
        restore_emulator_snapshot(emulator.url, "unknown")
    assert refused.value.status == 409
    assert "'unknown'" in refused.value.message and "known" in refused.value.message


def test_no_snapshot_is_taken_while_an_automation_runs(emulator):
    ssm = emulator.client("ssm")
    # aws:sleep does not wait in the emulator; a script does.
    script = {"Runtime": "python3.11", "Handler": "handler", "Script": "import time\ndef handler(e, c):\n    time.sleep(1)\n"}
    create_runbook(ssm, "slow", runbook(step("pause", "aws:executeScript", script)))
    execution_id = ssm.start_automation_execution(DocumentName="slow")["AutomationExecutionId"]

    with pytest.raises(ControlError) as refused:
        take_emulator_snapshot(emulator.url, "busy")
    assert refused.value.status == 409 and "automations in" in refused.value.message

    wait_for(ssm, execution_id)
    take_emulator_snapshot(emulator.url, "busy")
