# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The auditor role is minimal: without any one statement of its shipped policies, the drift check
or the report fails with an authorization error."""

import json

import pytest
import rehearsal
from aged_keys_emulator.control import enforce_role_policies
from conftest import CENTRAL, TARGETS
from identities import AUDITOR, bootstrapped_estate, denials, inline_policy, statement_ids, without_statement

# One rollout serves the module (xdist keeps its tests on one worker).
pytestmark = pytest.mark.xdist_group("identities-auditor")
TARGET = TARGETS[0]
AUDITOR_CASES = [(CENTRAL, sid) for sid in statement_ids("auditor-central")] + [(TARGET, sid) for sid in statement_ids("auditor-target")]


@pytest.fixture(scope="module")
def audited(emulator, tmp_path_factory):
    """A rolled-out estate (as the deployer) with a notified user, for the auditor to read."""
    estate = bootstrapped_estate(emulator, tmp_path_factory.mktemp("audited"))
    assert estate.run().rc == 0
    rehearsal.create_user(estate.account(TARGET), "aged", key_ages=[200])
    rehearsal.evaluate(estate.account(TARGET))
    return estate


@pytest.mark.parametrize("account_id, sid", AUDITOR_CASES, ids=["{0}-{1}".format("central" if a == CENTRAL else "target", s) for a, s in AUDITOR_CASES])
def test_the_drift_check_or_the_report_fails_without_any_one_statement_of_the_auditor(audited, emulator, account_id, sid):
    account = audited.account(account_id)
    complete = inline_policy(account, AUDITOR)
    without_statement(account, AUDITOR, sid)
    enforce_role_policies(emulator.url, True)
    try:
        runs = [audited.run(check=True), audited.run("playbooks/report.yml")]
    finally:
        enforce_role_policies(emulator.url, False)
        account.client("iam").put_role_policy(RoleName=AUDITOR, PolicyName=AUDITOR, PolicyDocument=json.dumps(complete))
    assert any(run.rc != 0 and denials(run) for run in runs), [run.failures() for run in runs]
