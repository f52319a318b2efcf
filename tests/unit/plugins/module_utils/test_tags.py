# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ssm
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import tags
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

RULE_ARN = "arn:aws:config:eu-west-1:123456789012:config-rule/config-rule-abc123"
TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:aged-keys"

# Each service's tagging helpers: (update, tag, untag, resource, its client's tag and untag calls, error class, kind).
SERVICES = {
    "config": (config.update_config_resource_tags, config.tag_config_resource, config.untag_config_resource, RULE_ARN,
               "tag_resource", "untag_resource", config.AnsibleConfigError, "AWS Config resource"),
    "sns": (sns.update_topic_tags, sns.tag_topic, sns.untag_topic, TOPIC_ARN,
            "tag_resource", "untag_resource", sns.AnsibleSNSError, "SNS topic"),
    "ssm": (ssm.update_document_tags, ssm.tag_document, ssm.untag_document, "Doc",
            "add_tags_to_resource", "remove_tags_from_resource", ssm.AnsibleSSMError, "SSM document"),
}


def test_set_and_unset_skip_empty_changes():
    call = MagicMock()
    assert tags.set_tags(call, {}, ResourceArn=TOPIC_ARN) is False
    assert tags.set_tags(call, None, ResourceArn=TOPIC_ARN) is False
    assert tags.unset_tags(call, [], ResourceArn=TOPIC_ARN) is False
    call.assert_not_called()


def test_set_and_unset_send_boto3_shapes_with_retries():
    call = MagicMock()
    assert tags.set_tags(call, {"a": "b"}, ResourceArn=TOPIC_ARN) is True
    call.assert_called_once_with(ResourceArn=TOPIC_ARN, Tags=[{"Key": "a", "Value": "b"}], aws_retry=True)
    call.reset_mock()
    assert tags.unset_tags(call, ("c", "d"), ResourceType="Document", ResourceId="Doc") is True
    call.assert_called_once_with(ResourceType="Document", ResourceId="Doc", TagKeys=["c", "d"], aws_retry=True)


def test_update_removes_before_setting():
    calls = MagicMock()
    tags.update_tags(calls.tag, calls.untag, {"a": "b"}, ["c"])
    assert calls.method_calls == [("untag", (["c"],), {}), ("tag", ({"a": "b"},), {})]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_removes_before_setting(service):
    update, dummy, dummy, resource, tag_call, untag_call, dummy, dummy = SERVICES[service]
    client = MagicMock()
    update(client, resource, {"a": "b"}, ["c"])
    assert [name for name, dummy, dummy in client.method_calls] == [untag_call, tag_call]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_skips_empty_changes(service):
    update, dummy, dummy, resource, dummy, dummy, dummy, dummy = SERVICES[service]
    client = MagicMock()
    assert update(client, resource, {}, []) is None
    assert client.method_calls == []


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_keeps_its_error_messages(service):
    dummy, tag, untag, resource, tag_call, untag_call, error, kind = SERVICES[service]
    client = MagicMock()
    getattr(client, tag_call).side_effect = client_error("InvalidParameterValueException")
    getattr(client, untag_call).side_effect = client_error("InvalidParameterValueException")
    with pytest.raises(error, match="^Failed to tag " + kind):
        tag(client, resource, {"a": "b"})
    with pytest.raises(error, match="^Failed to untag " + kind):
        untag(client, resource, ["a"])
