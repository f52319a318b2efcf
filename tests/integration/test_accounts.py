# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Growing the estate: a new account converges and the others stay untouched."""

import readback
from conftest import CENTRAL, TARGETS

NEW_ACCOUNT = "444455556666"


def test_adding_an_account_converges_it_and_leaves_the_others_unchanged(converged):
    estate = converged
    estate.prepare_targets([NEW_ACCOUNT])

    estate.write_inventory(targets=TARGETS + [NEW_ACCOUNT])
    run = estate.run()
    assert run.rc == 0, run
    changed_hosts = {host for task, host in run.changed_tasks()}
    # The central policies list the target accounts, so they grow with the new account.
    assert changed_hosts == {estate.host_name(CENTRAL), estate.host_name(NEW_ACCOUNT)}
    readback.assert_central_converged(estate.account(CENTRAL), TARGETS + [NEW_ACCOUNT])
    readback.assert_target_converged(estate.account(NEW_ACCOUNT), CENTRAL)


def test_limit_to_a_new_account_needs_nothing_from_the_central_play_once_it_is_listed(estate):
    """The Organizations inventory lists every account of the organisation on the central host: a new
    account is admitted by the central policies as soon as they converge, before its own run."""
    estate.prepare_targets([NEW_ACCOUNT])
    settings = {"aged_keys_organization_id": "o-abcdef1234"}
    listed = {CENTRAL: {"aged_keys_target_account_ids": TARGETS + [NEW_ACCOUNT]}}
    estate.write_inventory(settings=settings, host_vars=listed)
    assert estate.run().rc == 0

    estate.write_inventory(targets=TARGETS + [NEW_ACCOUNT], settings=settings, host_vars=listed)
    run = estate.run(limit=estate.host_name(NEW_ACCOUNT))
    assert run.rc == 0, run
    assert {host for task, host in run.changed_tasks()} == {estate.host_name(NEW_ACCOUNT)}
    readback.assert_target_converged(estate.account(NEW_ACCOUNT), CENTRAL)

    # The central account already admitted the new account: nothing to change there.
    full = estate.run(check=True)
    assert full.rc == 0, full
    assert full.changed_tasks() == []


def test_batches_converge_every_account(estate):
    run = estate.run(extra_vars={"aged_keys_batch_size": 2})
    assert run.rc == 0, run
    target_plays = [play for play in run.data["plays"] if play["play"]["name"] == "Set up the target accounts"]
    assert len(target_plays) == 2, "three target accounts in batches of two make two batches"
    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL)
