# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A run limited to a new account (--limit, an AWX job slice) never ends green while that
account cannot publish to the central topic: it fails the account before changing it and
says how to converge it, and the run that includes the central account delivers."""

import pytest
import readback
import rehearsal
from conftest import CENTRAL, TARGETS, converged_estate

EXISTING = TARGETS[:2]
NEW = TARGETS[2]


def roll_out_without_the_new_account(emulator, directory, settings=None):
    estate = converged_estate(emulator, directory, targets=EXISTING, settings=settings)
    estate.prepare_targets([NEW])
    # The new account joins the inventory.
    estate.write_inventory(targets=TARGETS)
    return estate


@pytest.mark.parametrize("settings", [None, {"aged_keys_organization_id": "o-abcdef1234"}], ids=["account list", "organisation"])
def test_a_limited_run_fails_a_new_account_the_central_policies_do_not_admit(emulator, tmp_path, settings):
    estate = roll_out_without_the_new_account(emulator, tmp_path, settings)
    new_host = estate.host_name(NEW)
    topic_before = readback.topic(estate.account(CENTRAL))["attributes"]["Policy"]

    for run in (estate.run(check=True, limit=new_host), estate.run(limit=new_host)):
        assert run.rc != 0, run
        failures = run.failures()
        assert [(task, host) for task, host, _msg in failures] == [
            ("Stop this account when the central topic or key would refuse its notifications", new_host)], failures
        message = failures[0][2]
        assert "the topic policy does not allow sns:Publish" in message
        assert "--limit {0},{1} ".format(estate.host_name(CENTRAL), new_host) in message
        assert run.total("changed") == 0
        readback.assert_target_empty(estate.account(NEW))
        assert readback.topic(estate.account(CENTRAL))["attributes"]["Policy"] == topic_before


def test_the_run_that_includes_the_central_account_converges_the_new_account_and_it_notifies(emulator, tmp_path):
    estate = roll_out_without_the_new_account(emulator, tmp_path)
    central = estate.account(CENTRAL)
    queue_url = rehearsal.subscribe_queue(central)

    run = estate.run(limit="{0},{1}".format(estate.host_name(CENTRAL), estate.host_name(NEW)))
    assert run.rc == 0, run
    readback.assert_central_converged(central, TARGETS)
    readback.assert_target_converged(estate.account(NEW), CENTRAL)
    # Converged now: a limited run of the new account alone checks the policies and passes.
    again = estate.run(limit=estate.host_name(NEW))
    assert again.rc == 0, again
    assert again.changed_tasks() == []

    account = estate.account(NEW)
    rehearsal.create_user(account, "late-joiner", key_ages=[200])
    evaluation = rehearsal.evaluate(account)
    assert set(status["State"] for status in evaluation.remediations.values()) == {"SUCCEEDED"}
    notified = [(n["account_id"], n["user_name"]) for n in rehearsal.drain_notifications(central, queue_url)]
    assert notified == [(NEW, "late-joiner")]
