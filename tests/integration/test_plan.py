# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plans (cloudsec.aged_keys.target_account_plan, central_account_plan) and the modules agree: on
a converged estate the plans are empty and every module, run anyway, changes nothing; each kind of
drift is named by the plan and repaired exactly by the tasks it runs. A drift check of a converged
account is the plan alone: a few AWS calls and not one write. A plan answers the same whether its
action plugin runs it in the controller (the usual way) or it runs as a module."""

import collections
import json

import readback
from conftest import CENTRAL, TARGETS
from estate import Emulator, Estate

PLAN_TASK = "Check the account and find what differs from the rollout"
# The tasks of a target account that call AWS besides the plan: none runs when nothing differs.
AWS_TASKS = {
    "Assume the execution role in the account", "Ensure the automation role", "Ensure the automation role's least-privilege policy",
    "Remove inline policies of the automation role that the rollout did not write", "Ensure the notification document",
    "Ensure the ACCESS_KEYS_ROTATED rule", "Ensure the automatic remediation",
}
CENTRAL_PLAN_TASK = "Check the account and find whether the topic or the key differ"
KEY_TASK = "Ensure the customer-managed key that encrypts the topic"
TOPIC_TASK = "Ensure the encrypted notification topic"
CENTRAL_AWS_TASKS = {"Assume the execution role in the account", KEY_TASK, TOPIC_TASK}
# AWS Config records only with a delivery channel: a recording recorder's channel is not read.
READ_ACTION_PREFIXES = ("Describe", "Get", "List")
MAX_CALLS_PER_ACCOUNT = 12


def plans(run, task_name=PLAN_TASK):
    return {host: result["changes"] for task, host, result in run.results() if task == task_name and not result.get("skipped")}


def central_plan(run, estate):
    return plans(run, CENTRAL_PLAN_TASK)[estate.host_name(CENTRAL)]


def tasks_run(run, host):
    return {task for task, name, result in run.results(host) if not result.get("skipped")}


def test_on_a_converged_estate_the_plan_is_empty_and_every_module_agrees(converged):
    estate = converged

    check = estate.run(check=True)
    assert check.rc == 0, check
    assert plans(check) == {estate.host_name(target): [] for target in TARGETS}
    for target in TARGETS:
        assert PLAN_TASK in tasks_run(check, estate.host_name(target))
        assert tasks_run(check, estate.host_name(target)) & AWS_TASKS == set()
    assert central_plan(check, estate) == []
    assert tasks_run(check, estate.host_name(CENTRAL)) & CENTRAL_AWS_TASKS == set()
    assert check.changed_tasks() == []

    converge = estate.run()
    assert converge.rc == 0, converge
    assert plans(converge) == {estate.host_name(target): [] for target in TARGETS}
    assert converge.changed_tasks() == []

    # Every task of the rollout, run regardless of the plan, finds nothing to change either.
    every_task = estate.run(extra_vars={"aged_keys_use_plan": False})
    assert every_task.rc == 0, every_task
    assert AWS_TASKS - tasks_run(every_task, estate.host_name(TARGETS[0])) == {
        "Remove inline policies of the automation role that the rollout did not write"}
    assert CENTRAL_AWS_TASKS <= tasks_run(every_task, estate.host_name(CENTRAL))
    assert every_task.changed_tasks() == []


def test_central_drift_is_in_the_plan_and_the_converge_repairs_exactly_it(estate):
    estate.write_inventory(settings={"aged_keys_subscriptions": [{"protocol": "email", "endpoint": "security@example.com"}]})
    assert estate.run().rc == 0
    central = estate.account(CENTRAL)
    sns = central.client("sns")
    sns.set_topic_attributes(TopicArn=readback.topic_arn(CENTRAL), AttributeName="DisplayName", AttributeValue="edited by hand")
    sns.unsubscribe(SubscriptionArn=sns.list_subscriptions_by_topic(TopicArn=readback.topic_arn(CENTRAL))["Subscriptions"][0]["SubscriptionArn"])
    central.client("kms").disable_key_rotation(KeyId=readback.kms_key(central)["metadata"]["KeyId"])

    for run in (estate.run(check=True, diff=True), estate.run()):
        assert run.rc == 0, run
        assert central_plan(run, estate) == ["kms_key", "sns_topic"]
        assert set(run.changed_tasks()) == {(KEY_TASK, estate.host_name(CENTRAL)), (TOPIC_TASK, estate.host_name(CENTRAL))}

    readback.assert_central_converged(central, TARGETS)
    found = readback.topic(central)
    assert found["attributes"]["DisplayName"] != "edited by hand"
    assert [s["Endpoint"] for s in found["subscriptions"]] == ["security@example.com"]
    # Each kind of key drift alone: the plan names the key, and only its task changes it back.
    kms = central.client("kms")
    key_id = readback.kms_key(central)["metadata"]["KeyId"]
    description = readback.kms_key(central)["metadata"]["Description"]
    policy = readback.kms_key(central)["policy"]
    key_drifts = {
        "policy": lambda: kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(dict(policy, Statement=policy["Statement"][:1]))),
        "description": lambda: kms.update_key_description(KeyId=key_id, Description="edited by hand"),
        "disabled": lambda: kms.disable_key(KeyId=key_id),
        "deployment tag": lambda: kms.untag_resource(KeyId=key_id, TagKeys=[readback.DEPLOYMENT_TAG_KEY]),
    }
    for kind, make_drift in key_drifts.items():
        make_drift()
        repair = estate.run()
        assert central_plan(repair, estate) == ["kms_key"], kind
        assert repair.changed_tasks() == [(KEY_TASK, estate.host_name(CENTRAL))], kind
        readback.assert_central_converged(central, TARGETS)
        assert readback.kms_key(central)["metadata"]["Description"] == description, kind
    assert central_plan(estate.run(check=True), estate) == []


def drift(estate):
    """One kind of out-of-band change per account; returns {host: (plan, changed tasks)}."""
    first, second, third = (estate.account(t) for t in TARGETS)

    rule = readback.config_rule(first)
    first.client("config").put_config_rule(ConfigRule={
        "ConfigRuleName": readback.RULE_NAME, "Source": rule["Source"], "InputParameters": json.dumps({"maxAccessKeyAge": "365"}),
        "MaximumExecutionFrequency": rule["MaximumExecutionFrequency"]}, Tags=[{"Key": k, "Value": v} for k, v in rule["Tags"].items()])
    ssm = first.client("ssm")
    content = dict(readback.expected_document(), description="edited by hand")
    version = ssm.update_document(Name=readback.DOCUMENT_NAME, Content=json.dumps(content),
                                  DocumentVersion="$LATEST")["DocumentDescription"]["DocumentVersion"]
    ssm.update_document_default_version(Name=readback.DOCUMENT_NAME, DocumentVersion=version)

    iam = second.client("iam")
    iam.attach_role_policy(RoleName=readback.ROLE_NAME, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.put_role_policy(RoleName=readback.ROLE_NAME, PolicyName="added-by-hand", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    iam.untag_role(RoleName=readback.ROLE_NAME, TagKeys=[readback.DEPLOYMENT_TAG_KEY])

    fix = readback.remediation(third)
    fix["MaximumAutomaticAttempts"] = 1
    for server_field in ("Arn", "CreatedByService"):
        fix.pop(server_field, None)
    third.client("config").put_remediation_configurations(RemediationConfigurations=[fix])

    return {
        # A new document version is decided by the document task: the plan also names the
        # remediation that points at it, which the module then finds unchanged (the old version is reused).
        estate.host_name(TARGETS[0]): (["config_rule", "document", "remediation"],
                                       {"Ensure the ACCESS_KEYS_ROTATED rule", "Ensure the notification document"}),
        estate.host_name(TARGETS[1]): (["automation_role", "extra_inline_policies"],
                                       {"Ensure the automation role",
                                        "Remove inline policies of the automation role that the rollout did not write"}),
        estate.host_name(TARGETS[2]): (["remediation"], {"Ensure the automatic remediation"}),
    }


def test_each_kind_of_drift_is_in_the_plan_and_the_converge_repairs_exactly_it(converged):
    estate = converged
    expected = drift(estate)

    for run in (estate.run(check=True, diff=True), estate.run()):
        assert run.rc == 0, run
        assert plans(run) == {host: plan for host, (plan, _tasks) in expected.items()}
        changed = collections.defaultdict(set)
        for task, host in run.changed_tasks():
            changed[host].add(task)
        assert dict(changed) == {host: tasks for host, (_plan, tasks) in expected.items()}

    for target in TARGETS:
        readback.assert_target_converged(estate.account(target), CENTRAL)
    again = estate.run(check=True)
    assert plans(again) == {estate.host_name(target): [] for target in TARGETS}


def test_a_drift_check_of_a_converged_account_makes_few_calls_and_no_write(tmp_path):
    with Emulator(request_log=str(tmp_path / "requests.jsonl"), load_managed_policies=False) as emulator:
        estate = Estate(emulator, tmp_path, CENTRAL, TARGETS)
        estate.prepare_targets()
        estate.write_inventory()
        assert estate.run().rc == 0
        start = len(emulator.logged_requests())
        check = estate.run(check=True)
        assert check.rc == 0, check
        calls = emulator.logged_requests(start)

    for target in TARGETS[:2]:
        in_account = [call["action"] for call in calls if call["account_id"] == target]
        # Its role is assumed once, by the controller's identity (logged in the controller's account).
        assert len(in_account) + 1 <= MAX_CALLS_PER_ACCOUNT, sorted(in_account)
        assert [action for action in in_account if not action.startswith(READ_ACTION_PREFIXES)] == []
    assert [call for call in calls if not call["action"].startswith(READ_ACTION_PREFIXES + ("AssumeRole",))] == []


def play_as_module(hosts, role):
    """A play of site.yml with a task environment: the action plugin then runs the plan's module."""
    return """
- name: The plan as a module
  hosts: {0}
  gather_facts: false
  environment:
    CLOUDSEC_AGED_KEYS_TEST: module
  roles:
    - role: cloudsec.aged_keys.{1}
""".format(hosts, role)


# What a plan returns, beside what only a module's result carries (its invocation).
PLAN_FIELDS = ("changes", "document_version", "resources", "config_recording", "account_id", "problems", "failed", "msg",
               "key_arn", "key_tags", "topic_arn")


def plan_results(run, task_name=PLAN_TASK):
    return {host: result for task, host, result in run.results() if task == task_name and not result.get("skipped")}


def assert_same_plans(in_controller, in_module):
    for host, result in in_controller.items():
        # The controller ran no module for the plan, so its result carries no module invocation (a
        # module's result does up to ansible-core 2.20; 2.21's results leave it out).
        assert "invocation" not in result
        assert {f: result.get(f) for f in PLAN_FIELDS} == {f: in_module[host].get(f) for f in PLAN_FIELDS}, host


def test_the_plan_answers_the_same_in_the_controller_and_as_a_module(converged, tmp_path):
    estate = converged
    first, _second, third = (estate.account(t) for t in TARGETS)
    first.client("iam").untag_role(RoleName=readback.ROLE_NAME, TagKeys=[readback.DEPLOYMENT_TAG_KEY])
    fix = readback.remediation(first)
    fix["MaximumAutomaticAttempts"] = 1
    for server_field in ("Arn", "CreatedByService"):
        fix.pop(server_field, None)
    first.client("config").put_remediation_configurations(RemediationConfigurations=[fix])
    # A rule of the same name that someone else made: the plan fails, naming it.
    third.client("config").delete_remediation_configuration(ConfigRuleName=readback.RULE_NAME)
    third.client("config").delete_config_rule(ConfigRuleName=readback.RULE_NAME)
    third.client("config").put_config_rule(ConfigRule={
        "ConfigRuleName": readback.RULE_NAME, "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"},
        "InputParameters": json.dumps({"maxAccessKeyAge": "90"})})
    as_module = tmp_path / "plan_as_module.yml"
    as_module.write_text(play_as_module("targets", "target_account"))

    in_controller = plan_results(estate.run(check=True))
    in_module = plan_results(estate.run(str(as_module), check=True))

    assert sorted(in_controller) == sorted(in_module) == sorted(estate.host_name(t) for t in TARGETS)
    assert_same_plans(in_controller, in_module)
    assert in_controller[estate.host_name(TARGETS[0])]["changes"] == ["automation_role", "remediation"]
    assert in_controller[estate.host_name(TARGETS[1])]["changes"] == []
    failure = in_controller[estate.host_name(TARGETS[2])]
    assert failure["failed"] and "AWS Config rule" in failure["msg"] and readback.RULE_NAME in failure["msg"], failure


def test_the_central_plan_answers_the_same_in_the_controller_and_as_a_module(converged, tmp_path):
    estate = converged
    central = estate.account(CENTRAL)
    central.client("sns").set_topic_attributes(TopicArn=readback.topic_arn(CENTRAL), AttributeName="DisplayName", AttributeValue="edited")
    as_module = tmp_path / "central_plan_as_module.yml"
    as_module.write_text(play_as_module("central", "central_account"))

    in_controller = plan_results(estate.run(check=True), CENTRAL_PLAN_TASK)
    in_module = plan_results(estate.run(str(as_module), check=True), CENTRAL_PLAN_TASK)
    assert sorted(in_controller) == sorted(in_module) == [estate.host_name(CENTRAL)]
    assert_same_plans(in_controller, in_module)
    assert in_controller[estate.host_name(CENTRAL)]["changes"] == ["sns_topic"]
    assert in_controller[estate.host_name(CENTRAL)]["key_arn"] == readback.kms_key(central)["metadata"]["Arn"]
