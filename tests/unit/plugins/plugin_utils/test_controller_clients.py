# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import AWS_RETRIES
from ansible_collections.cloudsec.aged_keys.plugins.plugin_utils import controller_clients

OPTIONS = {"access_key": "AKIAEXAMPLE", "secret_key": "secret", "session_token": None, "profile": None, "region": "eu-west-1",
           "endpoint_url": None, "validate_certs": True, "aws_ca_bundle": None, "aws_config": None}


def credentials_of(client):
    return client.client._request_signer._credentials


def test_clients_use_the_task_options_and_the_collection_retries():
    factory = controller_clients.ClientFactory(dict(OPTIONS, endpoint_url="http://localhost:5000", aws_config={"connect_timeout": 7}))
    client = factory.client("config")
    assert factory.region == "eu-west-1" and client.meta.region_name == "eu-west-1"
    assert client.meta.endpoint_url == "http://localhost:5000"
    assert client.meta.config.retries["mode"] == AWS_RETRIES["mode"] and client.meta.config.connect_timeout == 7
    assert credentials_of(client).access_key == "AKIAEXAMPLE"


def test_clients_accept_the_aws_retry_keyword_of_the_shared_helpers():
    # module_utils' helpers call client.method(..., aws_retry=True), as on a module's client.
    assert isinstance(controller_clients.ClientFactory(OPTIONS).client("sts"), RetryingBotoClientWrapper)


def test_assumed_credentials_replace_the_task_ones_and_share_the_session():
    factory = controller_clients.ClientFactory(OPTIONS)
    assumed = factory.with_credentials({"AccessKeyId": "ASIAROLE", "SecretAccessKey": "s", "SessionToken": "t"})
    assert credentials_of(assumed.client("iam")).access_key == "ASIAROLE"
    assert credentials_of(assumed.client("iam")).token == "t"
    assert credentials_of(factory.client("iam")).access_key == "AKIAEXAMPLE"
    assert assumed.region == factory.region


def test_a_profile_and_keys_together_are_refused():
    with pytest.raises(controller_clients.ConnectionOptionsError, match="profile and access tokens"):
        controller_clients.ClientFactory(dict(OPTIONS, profile="audit"))


def test_the_region_comes_from_the_environment_when_the_task_has_none(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    monkeypatch.delenv("AWS_REGION", raising=False)
    assert controller_clients.ClientFactory(dict(OPTIONS, region=None)).region == "ap-southeast-2"


def test_every_session_reads_models_from_the_loader_warmed_in_the_controller():
    controller_clients.warm_up(["sts", "not-a-service"])
    factory = controller_clients.ClientFactory(OPTIONS)
    assert factory._session._session.get_component("data_loader") is controller_clients._LOADER
