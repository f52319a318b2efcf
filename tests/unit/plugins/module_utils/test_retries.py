# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One retry policy: botocore retries, the collection never multiplies its attempts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import retries
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import put_config_rule
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import AWS_RETRIES
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error


def test_clients_get_botocore_standard_retries_and_a_single_attempt_wrapper():
    module = MagicMock()
    retries.aws_client(module, "config", region="eu-west-1")
    call = module.client.call_args
    assert call.args == ("config",)
    assert call.kwargs["retry_decorator"] is retries.SINGLE_ATTEMPT
    assert call.kwargs["config"].retries == AWS_RETRIES == {"mode": "standard", "total_max_attempts": 10}
    assert call.kwargs["region"] == "eu-west-1"


@pytest.mark.parametrize("code", ["ThrottlingException", "Throttling", "RequestLimitExceeded", "ServiceUnavailable", "InternalFailure"])
def test_the_single_attempt_wrapper_never_retries(code):
    calls = []

    @retries.SINGLE_ATTEMPT
    def call():
        calls.append(1)
        raise client_error(code)

    with pytest.raises(Exception):
        call()
    assert len(calls) == 1


def test_an_always_throttled_put_is_attempted_once_by_the_collection(monkeypatch):
    """botocore retried it already (AWS_RETRIES); no helper retries throttling again."""
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    client = MagicMock()
    client.put_config_rule.side_effect = client_error("ThrottlingException", "PutConfigRule")
    rule = {"name": "r", "source": {"owner": "AWS", "source_identifier": "ACCESS_KEYS_ROTATED"}}
    with pytest.raises(Exception):
        put_config_rule(client, rule, {})
    assert client.put_config_rule.call_count == 1


def test_eventual_consistency_codes_alone_are_retried(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    attempts = []

    @retries.until_consistent("ResourceInUseException", retries=3)
    def put():
        attempts.append(1)
        if len(attempts) < 3:
            raise client_error("ResourceInUseException")
        return "done"

    assert put() == "done" and len(attempts) == 3
