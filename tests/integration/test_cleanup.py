# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resources of the same name that someone else made are reported, never changed or deleted."""

import json

import readback
from conftest import CENTRAL, TARGETS


def create_foreign_rule(account):
    account.client("config").put_config_rule(ConfigRule={
        "ConfigRuleName": readback.RULE_NAME,
        "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
        "InputParameters": json.dumps({"maxAccessKeyAge": "30"}),
        "MaximumExecutionFrequency": "One_Hour",
    })


def test_foreign_rule_stops_its_account_untouched_and_survives_cleanup(estate):
    foreign_account = estate.account(TARGETS[1])
    create_foreign_rule(foreign_account)

    run = estate.run()
    assert run.rc != 0
    failures = run.failures()
    assert [host for task, host, msg in failures] == [estate.host_name(TARGETS[1])]
    assert readback.RULE_NAME in failures[0][2] and "adopt" in failures[0][2]
    # The preflight stops the account before anything of ours is made there.
    assert readback.automation_role(foreign_account) is None
    assert readback.document(foreign_account) is None
    for target in (TARGETS[0], TARGETS[2]):
        readback.assert_target_converged(estate.account(target), CENTRAL)

    cleanup = estate.run("playbooks/cleanup.yml")
    assert cleanup.rc == 0, cleanup
    readback.assert_central_empty(estate.account(CENTRAL))
    for target in (TARGETS[0], TARGETS[2]):
        readback.assert_target_empty(estate.account(target))
    survivor = readback.config_rule(foreign_account)
    assert survivor is not None
    assert survivor["InputParameters"] == {"maxAccessKeyAge": "30"}
    assert survivor["MaximumExecutionFrequency"] == "One_Hour"

    again = estate.run("playbooks/cleanup.yml")
    assert again.rc == 0, again
    assert again.changed_tasks() == []


def test_adopt_takes_over_a_foreign_rule(estate):
    foreign_account = estate.account(TARGETS[0])
    create_foreign_rule(foreign_account)
    estate.write_inventory(host_vars={TARGETS[0]: {"aged_keys_adopt": True}})

    run = estate.run()
    assert run.rc == 0, run
    readback.assert_target_converged(foreign_account, CENTRAL)
