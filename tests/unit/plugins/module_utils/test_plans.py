# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import plans
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import FailJson
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import module_mock

ASSUME_ROLE = {"role_arn": "arn:aws:iam::222233334444:role/auditor", "session_name": "s", "duration_seconds": 900}
ASSUMED = {
    "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "token"},
    "AssumedRoleUser": {"Arn": "arn:aws:sts::222233334444:assumed-role/auditor/s"},
}


def plan_of(function):
    return SimpleNamespace(plan=function, param_problems=lambda params, region: ([], "prepared"))


def module_with_role(sts, monkeypatch):
    module = module_mock({"assume_role": ASSUME_ROLE, "access_key": None, "secret_key": None, "session_token": None, "profile": "default"})
    module.no_log_values = set()
    module.region = "eu-west-1"
    module.fail_json_aws.side_effect = FailJson
    monkeypatch.setattr(plans, "aws_client", lambda module, service: sts)
    return module


def test_the_role_is_assumed_inside_and_its_credentials_never_shown(monkeypatch):
    sts = MagicMock()
    sts.assume_role.return_value = ASSUMED
    module = module_with_role(sts, monkeypatch)

    def plan(reader, params, region, prepared, warn):
        assert (reader.identity(), region, prepared) == ({"account": "222233334444", "partition": "aws"}, "eu-west-1", "prepared")
        return {"changed": False, "changes": []}
    plans.run_module(module, plan_of(plan))
    assert module.exit_json.call_args.kwargs == {"changed": False, "changes": []}
    assert {"ASIAEXAMPLE", "secret", "token"} <= module.no_log_values
    assert (module.params["access_key"], module.params["secret_key"], module.params["session_token"], module.params["profile"]) == (
        "ASIAEXAMPLE", "secret", "token", None)


def test_a_role_that_cannot_be_assumed_fails_saying_how_to_fix_it(monkeypatch):
    sts = MagicMock()
    sts.assume_role.side_effect = client_error("AccessDenied", "AssumeRole")
    module = module_with_role(sts, monkeypatch)
    with pytest.raises(FailJson):
        plans.run_module(module, plan_of(lambda *args: pytest.fail("no plan without the role")))
    assert "playbooks/bootstrap.yml" in module.fail_json_aws.call_args.kwargs["msg"]


def test_a_read_error_fails_with_the_read_failure(monkeypatch):
    module = module_with_role(MagicMock(), monkeypatch)
    module.params["assume_role"] = None

    def plan(reader, params, region, prepared, warn):
        raise client_error("InternalFailure", "ListAliases")
    with pytest.raises(FailJson):
        plans.run_module(module, plan_of(plan))
    assert module.fail_json_aws.call_args.kwargs["msg"] == plans.READ_FAILURE


def test_plan_problems_fail_with_what_was_found(monkeypatch):
    module = module_with_role(MagicMock(), monkeypatch)
    module.params["assume_role"] = None
    module.fail_json.side_effect = FailJson

    def plan(reader, params, region, prepared, warn):
        raise plans.PlanFailure("found 1 problem(s)", {"resources": [{"type": "kms_alias"}]})
    with pytest.raises(FailJson):
        plans.run_module(module, plan_of(plan))
    assert module.fail_json.call_args.kwargs == {"msg": "found 1 problem(s)", "resources": [{"type": "kms_alias"}]}


def test_option_problems_fail_before_any_call(monkeypatch):
    module = module_with_role(MagicMock(), monkeypatch)
    module.fail_json.side_effect = FailJson
    with pytest.raises(FailJson):
        plans.run_module(module, SimpleNamespace(param_problems=lambda params, region: (["a.", "b."], None)))
    assert module.fail_json.call_args.kwargs == {"msg": "a. b."}
