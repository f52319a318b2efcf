# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Only the automation roles of the inventory's target accounts may publish to the central topic
(docs/publishers.md): an account left out of the inventory can no longer publish, and an
organisation too large for an account list is admitted by role name within the organisation."""

import json

import readback
import rehearsal
from conftest import CENTRAL, TARGETS

ORGANIZATION = "o-abcdef1234"


def test_an_account_removed_from_the_targets_can_no_longer_publish(converged):
    estate = converged
    removed = TARGETS[2]
    estate.write_inventory(targets=TARGETS[:2])
    run = estate.run(limit=estate.host_name(CENTRAL))
    assert run.rc == 0, run
    readback.assert_central_converged(estate.account(CENTRAL), TARGETS[:2])

    # Its runbook and role are still there (nobody cleaned it up), and it has a user to report.
    account = estate.account(removed)
    user_id = rehearsal.create_user(account, "left-behind", key_ages=[300])
    execution = rehearsal.run_remediation_document(account, user_id)

    assert execution["AutomationExecutionStatus"] == "Failed"
    assert "is not authorized to perform: SNS:Publish" in execution["FailureMessage"]
    assert "because no resource-based policy allows the SNS:Publish action" in execution["FailureMessage"]


def large_organization(count):
    return [str(100000000000 + number) for number in range(count)] + TARGETS


def test_too_many_targets_for_a_list_need_the_organisation_and_admit_the_role_name_within_it(estate):
    many = large_organization(1900)
    estate.write_inventory(host_vars={CENTRAL: {"aged_keys_target_account_ids": many}})
    refused = estate.run()
    assert refused.rc != 0
    assert "1903 target accounts, too many to list in the topic and key policies" in refused.stdout, refused
    assert readback.topic(estate.account(CENTRAL)) is None

    estate.write_inventory(settings={"aged_keys_organization_id": ORGANIZATION}, host_vars={CENTRAL: {"aged_keys_target_account_ids": many}})
    run = estate.run()
    assert run.rc == 0, run
    central = estate.account(CENTRAL)
    topic_policy = readback.topic(central)["attributes"]["Policy"]
    key_policy = readback.kms_key(central)["policy"]
    for policy, sid in ((topic_policy, "TargetAccountsPublish"), (key_policy, "TargetAccountsPublishThroughSns")):
        condition = readback.statement(policy, sid)["Condition"]
        assert condition["ArnLike"] == {"aws:PrincipalArn": "arn:aws:iam::*:role/" + readback.ROLE_NAME}
        assert condition["StringEquals"]["aws:PrincipalOrgID"] == ORGANIZATION
        assert "aws:PrincipalAccount" not in condition["StringEquals"]
        assert len(json.dumps(policy)) < 30720


def test_a_list_that_fits_is_exact(estate):
    fits = large_organization(1700)
    estate.write_inventory(settings={"aged_keys_organization_id": ORGANIZATION}, host_vars={CENTRAL: {"aged_keys_target_account_ids": fits}})
    run = estate.run(limit=estate.host_name(CENTRAL))
    assert run.rc == 0, run
    readback.assert_central_converged(estate.account(CENTRAL), fits, organization_id=ORGANIZATION)
