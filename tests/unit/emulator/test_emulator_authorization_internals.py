# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The moto internals the authorization of assumed-role sessions reads, and its request log entries."""

import inspect

from aged_keys_emulator import control
from authorization_testing import create_role, session_client, statement
from moto.core import parse, request, routing
from moto.iam import models as iam_models
from moto.kms.models import KmsBackend
from moto.moto_api._internal.models import MotoAPIBackend
from moto.s3.models import s3_backends
from moto.sts.models import STSBackend

from emulator_testing import raises_aws_error


def test_the_moto_internals_the_authorization_reads_are_there():
    for protocol in ("query", "json", "rest-xml", "rest-json"):
        assert protocol in parse.PROTOCOL_PARSERS
    assert callable(routing.get_service_router) and callable(request.determine_request_protocol) and callable(iam_models.get_account_id_from)
    assert inspect.isfunction(STSBackend.get_assumed_role_from_access_key)
    assert inspect.isfunction(MotoAPIBackend.reset)
    assert isinstance(s3_backends.bucket_accounts, dict)
    assert "tagger" in inspect.getsource(KmsBackend.__init__)


def test_each_decision_is_in_the_request_log_also_the_refused_ones(enforced):
    role_arn = create_role(enforced, statement("sns:ListTopics"))
    sns = session_client(enforced, role_arn, "sns")
    sns.list_topics()
    with raises_aws_error("AuthorizationError"):
        sns.list_subscriptions()
    allowed, denied = [line for line in enforced.logged_requests() if line.get("authorization", {}).get("principal", "").endswith("deployer/run")][-2:]
    assert (allowed["action"], allowed["authorization"]["decision"]) == ("ListTopics", "allowed")
    assert allowed["authorization"]["checked"] == [{"action": "sns:ListTopics", "resource": "*", "allowed": True}]
    assert (denied["service"], denied["action"], denied["account_id"], denied["region"]) == ("sns", "ListSubscriptions", "123456789012", "eu-west-1")
    assert denied["authorization"]["decision"] == "denied"
    [record] = control.authorization_decisions_of(enforced.url, role_arn=role_arn, clear=True)
    assert [entry["Action"] for entry in record["Allowed"]] == ["sns:ListTopics"]
    assert [entry["Action"] for entry in record["Denied"]] == ["sns:ListSubscriptions"]
    assert control.authorization_decisions_of(enforced.url) == []
