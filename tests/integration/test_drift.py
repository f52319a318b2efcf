# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Out-of-band changes: --check --diff reports exactly what drifted and touches nothing;
aged_keys_fail_on_drift fails the check; a real run repairs it."""

import json

import readback
from conftest import CENTRAL, TARGETS


def drift_everything(estate):
    """Five kinds of out-of-band change, spread over the accounts. Returns the expected drift."""
    first, second, third = (estate.account(t) for t in TARGETS)

    # A rule parameter loosened by hand.
    rule = readback.config_rule(first)
    first.client("config").put_config_rule(ConfigRule={
        "ConfigRuleName": readback.RULE_NAME,
        "Source": rule["Source"],
        "InputParameters": json.dumps({"maxAccessKeyAge": "365"}),
        "MaximumExecutionFrequency": rule["MaximumExecutionFrequency"],
    }, Tags=[{"Key": key, "Value": value} for key, value in rule["Tags"].items()])
    # The document edited in the console, its new version made the default.
    ssm = first.client("ssm")
    content = readback.expected_document()
    content["description"] = "edited by hand"
    version = ssm.update_document(Name=readback.DOCUMENT_NAME, Content=json.dumps(content),
                                  DocumentVersion="$LATEST")["DocumentDescription"]["DocumentVersion"]
    ssm.update_document_default_version(Name=readback.DOCUMENT_NAME, DocumentVersion=version)

    # sns:Publish removed from the automation role's policy.
    policy = readback.automation_role(second)["policies"][readback.POLICY_NAME]
    policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != "PublishToCentralTopic"]
    second.client("iam").put_role_policy(RoleName=readback.ROLE_NAME, PolicyName=readback.POLICY_NAME,
                                         PolicyDocument=json.dumps(policy))

    # Automatic remediation switched off.
    fix = readback.remediation(third)
    fix["Automatic"] = False
    for server_field in ("Arn", "CreatedByService"):
        fix.pop(server_field, None)
    third.client("config").put_remediation_configurations(RemediationConfigurations=[fix])

    # Topic encryption removed.
    central = estate.account(CENTRAL)
    central.client("sns").set_topic_attributes(TopicArn=readback.topic_arn(CENTRAL), AttributeName="KmsMasterKeyId",
                                               AttributeValue="")

    return {
        (estate.host_name(TARGETS[0]), "Ensure the ACCESS_KEYS_ROTATED rule"),
        (estate.host_name(TARGETS[0]), "Ensure the notification document"),
        (estate.host_name(TARGETS[1]), "Ensure the automation role's least-privilege policy"),
        (estate.host_name(TARGETS[2]), "Ensure the automatic remediation"),
        (estate.host_name(CENTRAL), "Ensure the encrypted notification topic"),
    }


def assert_still_drifted(estate):
    first, second, third = (estate.account(t) for t in TARGETS)
    assert readback.config_rule(first)["InputParameters"] == {"maxAccessKeyAge": "365"}
    assert readback.document(first)["content"]["description"] == "edited by hand"
    sids = {s.get("Sid") for s in readback.automation_role(second)["policies"][readback.POLICY_NAME]["Statement"]}
    assert "PublishToCentralTopic" not in sids
    assert readback.remediation(third)["Automatic"] is False
    assert readback.topic(estate.account(CENTRAL))["attributes"].get("KmsMasterKeyId", "") == ""


def test_drift_is_reported_exactly_then_repaired(converged):
    estate = converged
    expected = drift_everything(estate)

    check = estate.run(check=True, diff=True)
    assert check.rc == 0, check
    assert {(host, task) for task, host in check.changed_tasks()} == expected
    for task, host, result in check.results():
        if (host, task) in expected:
            assert result["diff"]["before"] != result["diff"]["after"], (host, task, result["diff"])
    rule_diff = [r["diff"] for t, h, r in check.results() if (h, t) == (estate.host_name(TARGETS[0]), "Ensure the ACCESS_KEYS_ROTATED rule")][0]
    assert "365" in json.dumps(rule_diff["before"]) and "90" in json.dumps(rule_diff["after"])
    assert_still_drifted(estate)

    failing = estate.run(check=True, extra_vars={"aged_keys_fail_on_drift": True})
    assert failing.rc != 0
    messages = " ".join(msg for task, host, msg in failing.failures())
    assert "has drifted" in messages and "config rule" in messages and "topic" in messages
    assert_still_drifted(estate)

    repair = estate.run()
    assert repair.rc == 0, repair
    assert {(host, task) for task, host in repair.changed_tasks()} == expected
    readback.assert_central_converged(estate.account(CENTRAL), TARGETS)
    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL)

    after = estate.run(check=True, extra_vars={"aged_keys_fail_on_drift": True})
    assert after.rc == 0, after
    assert after.changed_tasks() == []


def test_privilege_creep_is_drift_and_the_converge_removes_it(converged):
    """Extra managed or inline policies and a permissions boundary on the automation role, and extra
    statements in the topic and key policies, are reported by --check --diff and removed by a run."""
    estate = converged
    target = estate.account(TARGETS[0])
    iam = target.client("iam")
    iam.attach_role_policy(RoleName=readback.ROLE_NAME, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.put_role_policy(RoleName=readback.ROLE_NAME, PolicyName="added-by-hand", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}))
    iam.put_role_permissions_boundary(RoleName=readback.ROLE_NAME, PermissionsBoundary="arn:aws:iam::aws:policy/ReadOnlyAccess")
    central = estate.account(CENTRAL)
    extra = {"Sid": "AddedByHand", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sns:Publish",
             "Resource": readback.topic_arn(CENTRAL)}
    topic_policy = readback.topic(central)["attributes"]["Policy"]
    topic_policy["Statement"].append(extra)
    central.client("sns").set_topic_attributes(TopicArn=readback.topic_arn(CENTRAL), AttributeName="Policy", AttributeValue=json.dumps(topic_policy))
    key = readback.kms_key(central)
    key["policy"]["Statement"].append(dict(extra, Action="kms:Decrypt", Resource="*"))
    central.client("kms").put_key_policy(KeyId=key["metadata"]["KeyId"], PolicyName="default", Policy=json.dumps(key["policy"]))
    expected = {
        (estate.host_name(TARGETS[0]), "Ensure the automation role"),
        (estate.host_name(TARGETS[0]), "Remove inline policies of the automation role that the rollout did not write"),
        (estate.host_name(CENTRAL), "Ensure the customer-managed key that encrypts the topic"),
        (estate.host_name(CENTRAL), "Ensure the encrypted notification topic"),
    }

    check = estate.run(check=True, diff=True, extra_vars={"aged_keys_fail_on_drift": True})
    assert check.rc != 0
    assert {(host, task) for task, host in check.changed_tasks()} == expected
    messages = " ".join(message for _task, _host, message in check.failures())
    assert "automation role extra policies" in messages and "automation role" in messages
    assert iam.list_attached_role_policies(RoleName=readback.ROLE_NAME)["AttachedPolicies"]

    repair = estate.run()
    assert repair.rc == 0, repair
    assert {(host, task) for task, host in repair.changed_tasks()} == expected
    role = iam.get_role(RoleName=readback.ROLE_NAME)["Role"]
    assert "PermissionsBoundary" not in role
    readback.assert_target_converged(target, CENTRAL)
    readback.assert_central_converged(central, TARGETS)
    assert estate.run(check=True).changed_tasks() == []
