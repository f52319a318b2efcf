# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.action import target_account_plan as action
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import plans
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

ARGS = {
    "region": "eu-west-1", "account_id": "222233334444", "deployment_id": "111122223333:eu-west-1:topic",
    "access_key": "AKIAEXAMPLE", "secret_key": "secret",
    "assume_role": {"role_arn": "arn:aws:iam::222233334444:role/auditor", "session_name": "drift-check"},
    "automation_role": {"name": "role", "description": "d", "trust_policy": {}, "policy_name": "p", "policy": {}},
    "document": {"name": "notify", "content": {"schemaVersion": "0.3", "mainSteps": []}},
    "config_rule": {"name": "rule", "source_identifier": "ACCESS_KEYS_ROTATED"},
    "remediation": {"target_id": "notify"},
}


def plugin(args=None, transport="local", become=False, environment=None):
    task = MagicMock(args=dict(ARGS, **(args or {})), environment=environment, async_val=0)
    task.check_mode = False
    connection = MagicMock(transport=transport)
    connection._shell.tmpdir = None
    play_context = MagicMock(become=become)
    loaded = action.ActionModule(task, connection, play_context, loader=MagicMock(), templar=MagicMock(), shared_loader_obj=MagicMock())
    loaded._execute_module = MagicMock(return_value={"changed": False, "changes": ["config_rule"], "invocation": {}})
    return loaded


@pytest.mark.parametrize("kwargs", [{}, {"environment": [{}]}, {"environment": []}], ids=["plain", "empty environment", "no environment"])
def test_a_local_task_runs_in_the_controller(kwargs):
    assert plugin(**kwargs).runs_in_controller() is True


@pytest.mark.parametrize("kwargs", [{"transport": "ssh"}, {"become": True}, {"environment": [{"AWS_PROFILE": "audit"}]}],
                         ids=["other connection", "become", "task environment"])
def test_the_module_runs_where_its_environment_could_differ(kwargs):
    loaded = plugin(**kwargs)
    assert loaded.runs_in_controller() is False
    assert loaded.run(task_vars={})["changes"] == ["config_rule"]
    loaded._execute_module.assert_called_once()


def test_without_a_supported_boto3_in_the_controller_the_module_runs(monkeypatch):
    monkeypatch.setattr(action.controller_clients, "SDK_USABLE", False)
    assert plugin().runs_in_controller() is False


def test_invalid_options_fail_before_any_call(monkeypatch):
    monkeypatch.setattr(action.controller_clients, "ClientFactory", lambda params: pytest.fail("no client"))
    result = plugin({"automation_role": {"name": "role"}}).run(task_vars={})
    assert result["failed"] and "missing required arguments" in result["msg"]


def test_option_problems_are_reported_together():
    result = plugin({"account_id": "12", "deployment_id": ""}).run(task_vars={})
    assert result["failed"] and "account_id must be a 12-digit" in result["msg"] and "deployment_id" in result["msg"]


def test_a_profile_with_keys_is_refused():
    result = plugin({"profile": "audit"}).run(task_vars={})
    assert result["failed"] and "profile and access tokens" in result["msg"]


class TaggedStr(str):
    """Like the strings Ansible 2.19 templates."""


class FakeFactory(object):
    """Stands in for the controller's client factory; records the credentials it was handed."""

    def __init__(self, params, sts):
        self.region = params["region"]
        self.sts = sts
        self.credentials = None

    def client(self, service):
        return self.sts

    def with_credentials(self, credentials):
        self.credentials = credentials
        return self


def test_the_role_is_assumed_and_the_plan_made_with_its_credentials(monkeypatch):
    sts = MagicMock()
    sts.assume_role.return_value = {"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t"},
                                    "AssumedRoleUser": {"Arn": "arn:aws:sts::222233334444:assumed-role/auditor/drift-check"}}
    factories = []
    monkeypatch.setattr(action.controller_clients, "ClientFactory", lambda params: factories.append(FakeFactory(params, sts)) or factories[-1])

    def plan(reader, params, region, content, warn):
        assert reader.identity() == {"account": "222233334444", "partition": "aws"}
        # Plain str, as a module gets it (amazon.aws's policy comparison fails on Ansible's tagged strings).
        assert params["automation_role"]["name"].__class__ is str
        warn("recorder failed")
        return {"changed": False, "changes": []}
    monkeypatch.setattr(action.account_plan, "plan", plan)

    result = plugin({"automation_role": dict(ARGS["automation_role"], name=TaggedStr("role"))}).run(task_vars={})
    assert result["changes"] == [] and result["warnings"] == ["recorder failed"]
    assert factories[0].credentials["AccessKeyId"] == "ASIA"
    assert "ASIA" not in repr(result) and "secret" not in repr(result)


def test_a_role_that_cannot_be_assumed_fails_saying_how_to_fix_it(monkeypatch):
    sts = MagicMock()
    sts.assume_role.side_effect = client_error("AccessDenied", "AssumeRole")
    monkeypatch.setattr(action.controller_clients, "ClientFactory", lambda params: FakeFactory(params, sts))
    result = plugin().run(task_vars={})
    assert result["failed"] and "playbooks/bootstrap.yml" in result["msg"] and "AccessDenied" in result["msg"]


def test_plan_problems_fail_with_what_was_found(monkeypatch):
    monkeypatch.setattr(action.controller_clients, "ClientFactory", lambda params: FakeFactory(params, MagicMock()))

    def plan(reader, params, region, content, warn):
        raise plans.PlanFailure("found 1 problem(s)", {"changed": False, "resources": [{"type": "config_rule"}]})
    monkeypatch.setattr(action.account_plan, "plan", plan)
    result = plugin({"assume_role": None}).run(task_vars={})
    assert result["failed"] and result["msg"] == "found 1 problem(s)" and result["resources"] == [{"type": "config_rule"}]


def test_other_aws_errors_fail_the_task(monkeypatch):
    monkeypatch.setattr(action.controller_clients, "ClientFactory", lambda params: FakeFactory(params, MagicMock()))

    def plan(reader, params, region, content, warn):
        raise client_error("InternalFailure", "DescribeConfigRules")
    monkeypatch.setattr(action.account_plan, "plan", plan)
    result = plugin({"assume_role": None}).run(task_vars={})
    assert result["failed"] and result["msg"].startswith(plans.READ_FAILURE) and "InternalFailure" in result["msg"]
