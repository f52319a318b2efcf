# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An account whose AWS Config does not record IAM users fails with the fix named, untouched."""

import readback
from conftest import CENTRAL, TARGETS


def test_account_without_config_recording_fails_untouched_and_names_the_fix(emulator, estate):
    emulator.reset()
    bare, recorded = TARGETS[0], TARGETS[1:]
    estate.prepare_targets(recorded)

    run = estate.run()
    assert run.rc != 0
    failures = run.failures()
    assert [host for task, host, msg in failures] == [estate.host_name(bare)]
    message = failures[0][2]
    assert "recorder" in message and "aged_keys_create_config_recorder" in message, message
    readback.assert_target_empty(estate.account(bare))
    for target in recorded:
        readback.assert_target_converged(estate.account(target), CENTRAL)


def test_recorder_without_iam_users_fails_untouched(emulator, estate):
    emulator.reset()
    estate.account(TARGETS[0]).enable_config_recording(include_iam_users=False)
    estate.prepare_targets(TARGETS[1:])

    run = estate.run(limit=",".join(estate.host_name(account) for account in (CENTRAL, TARGETS[0])))
    assert run.rc != 0
    [(_task, host, message)] = run.failures()
    assert host == estate.host_name(TARGETS[0])
    assert "AWS::IAM::User" in message, message
    readback.assert_target_empty(estate.account(TARGETS[0]))
    recorder = estate.account(TARGETS[0]).client("config").describe_configuration_recorders()["ConfigurationRecorders"][0]
    assert recorder["recordingGroup"]["includeGlobalResourceTypes"] is False
