# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The automation role holds exactly what the runbook calls in each configuration: the policy the
rollout deploys is sufficient (the runbook succeeds) and minimal (without any one of its
statements the runbook fails with an authorization error)."""

import json

import pytest
import readback
import rehearsal
from conftest import CENTRAL, TARGETS

# Its module-scoped estate keeps the module's tests on one worker.
pytestmark = pytest.mark.xdist_group("least_privilege")

TARGET = TARGETS[0]
CONFIGURATIONS = {
    "notify only": ({"aged_keys_reminder_days": 0},
                    {"ReminderDays": "0"},
                    {"ResolveUserName", "ReadUsersAndKeys", "PublishToCentralTopic", "EncryptForCentralTopic"}),
    "reminders, dry run": ({"aged_keys_deactivate_after_days": 180},
                           {"DeactivationMode": "dry_run", "DeactivateAfterDays": "180"},
                           {"ResolveUserName", "ReadUsersAndKeys", "PublishToCentralTopic", "EncryptForCentralTopic", "PauseReminders"}),
    "reminders, enforced deactivation": ({"aged_keys_deactivate_after_days": 180, "aged_keys_deactivation_mode": "enforce"},
                                         {"DeactivationMode": "enforce", "DeactivateAfterDays": "180"},
                                         {"ResolveUserName", "ReadUsersAndKeys", "PublishToCentralTopic", "EncryptForCentralTopic",
                                          "PauseReminders", "DeactivateAgedKeys"}),
}


@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_the_automation_role_needs_every_statement_of_its_policy_and_no_more(rolled_out, configuration):
    settings, parameters, statement_ids = CONFIGURATIONS[configuration]
    rolled_out.write_inventory(settings=settings)
    converge = rolled_out.run(limit=rolled_out.host_name(TARGET))
    assert converge.rc == 0, converge
    account = rolled_out.account(TARGET)
    readback.assert_target_converged(account, CENTRAL, **parameters)

    iam = account.client("iam")
    user_name = "probe-" + configuration.replace(" ", "-").replace(",", "")
    user_id = rehearsal.create_user(account, user_name, key_ages=[400])
    [key_id] = [key["AccessKeyId"] for key in iam.list_access_keys(UserName=user_name)["AccessKeyMetadata"]]
    deployed = iam.get_role_policy(RoleName=readback.ROLE_NAME, PolicyName=readback.POLICY_NAME)["PolicyDocument"]
    assert {statement["Sid"] for statement in deployed["Statement"]} == statement_ids

    def run_runbook():
        # Each run starts from the same user: an active key of 400 days.
        iam.update_access_key(UserName=user_name, AccessKeyId=key_id, Status="Active")
        return rehearsal.run_remediation_document(account, user_id)

    sufficient = run_runbook()
    assert sufficient["AutomationExecutionStatus"] == "Success", sufficient.get("FailureMessage")
    failures = {}
    try:
        for statement in deployed["Statement"]:
            reduced = dict(deployed, Statement=[other for other in deployed["Statement"] if other is not statement])
            iam.put_role_policy(RoleName=readback.ROLE_NAME, PolicyName=readback.POLICY_NAME, PolicyDocument=json.dumps(reduced))
            execution = run_runbook()
            failures[statement["Sid"]] = (execution["AutomationExecutionStatus"], execution.get("FailureMessage", ""))
    finally:
        iam.put_role_policy(RoleName=readback.ROLE_NAME, PolicyName=readback.POLICY_NAME, PolicyDocument=json.dumps(deployed))
    for sid, (status, message) in failures.items():
        assert status == "Failed", sid
        assert "not authorized to perform" in message, (sid, message)
    assert sorted(failures) == sorted(statement_ids)
