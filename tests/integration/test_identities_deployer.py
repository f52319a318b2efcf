# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deployer role is minimal: without any one statement of its shipped policies, the rollout
fails with an authorization error. Each case bootstraps fresh accounts.

The one statement the emulator cannot prove is iam:PassRole (it does not check PassRole):
deployer-target's PassTheAutomationRoleToSsm, which AWS Config needs to start the runbook as the
automation role."""

import pytest
from aged_keys_emulator.control import enforce_role_policies
from conftest import CENTRAL, TARGETS
from identities import DEPLOYER, bootstrapped_estate, denials, statement_ids, without_statement

TARGET = TARGETS[0]
UNPROVABLE = {"PassTheAutomationRoleToSsm"}
DEPLOYER_CASES = [(CENTRAL, sid) for sid in statement_ids("deployer-central")] + [
    (TARGET, sid) for sid in statement_ids("deployer-target") if sid not in UNPROVABLE]


def test_only_pass_role_is_left_unproven():
    assert set(statement_ids("deployer-target")) & UNPROVABLE == UNPROVABLE


@pytest.mark.parametrize("account_id, sid", DEPLOYER_CASES, ids=["{0}-{1}".format("central" if a == CENTRAL else "target", s) for a, s in DEPLOYER_CASES])
def test_the_rollout_fails_without_any_one_statement_of_the_deployer(emulator, tmp_path, account_id, sid):
    estate = bootstrapped_estate(emulator, tmp_path)
    without_statement(estate.account(account_id), DEPLOYER, sid)
    enforce_role_policies(emulator.url, True)
    try:
        run = estate.run()
    finally:
        enforce_role_policies(emulator.url, False)
    assert run.rc != 0
    assert denials(run), run.failures()
