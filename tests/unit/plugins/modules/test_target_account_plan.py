# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.modules import target_account_plan as plan
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import FailJson
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import module_mock


def test_the_role_is_assumed_inside_and_its_credentials_never_shown(monkeypatch):
    module = module_mock({"assume_role": {"role_arn": "arn:aws:iam::222233334444:role/auditor", "session_name": "s", "duration_seconds": 900},
                          "access_key": None, "secret_key": None, "session_token": None, "profile": "default"})
    module.no_log_values = set()
    sts = MagicMock()
    sts.assume_role.return_value = {
        "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "token"},
        "AssumedRoleUser": {"Arn": "arn:aws:sts::222233334444:assumed-role/auditor/s"},
    }
    monkeypatch.setattr(plan, "aws_client", lambda module, service: sts)
    assert plan.use_role(module) == {"account": "222233334444", "partition": "aws"}
    assert {"ASIAEXAMPLE", "secret", "token"} <= module.no_log_values
    assert (module.params["access_key"], module.params["secret_key"], module.params["session_token"], module.params["profile"]) == (
        "ASIAEXAMPLE", "secret", "token", None)


def test_a_role_that_cannot_be_assumed_fails_saying_how_to_fix_it(monkeypatch):
    module = module_mock({"assume_role": {"role_arn": "arn:aws:iam::222233334444:role/auditor", "session_name": "s", "duration_seconds": 900}})
    module.fail_json_aws.side_effect = FailJson
    sts = MagicMock()
    sts.assume_role.side_effect = client_error("AccessDenied", "AssumeRole")
    monkeypatch.setattr(plan, "aws_client", lambda module, service: sts)
    with pytest.raises(FailJson):
        plan.use_role(module)
    assert "playbooks/bootstrap.yml" in module.fail_json_aws.call_args.kwargs["msg"]
