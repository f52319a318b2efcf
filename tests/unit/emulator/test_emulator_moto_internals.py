# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Guard: the emulator patches moto internals; fail loudly when an upgrade moves them.

If this fails after changing moto's version, review every patch in
tests/emulator/aged_keys_emulator/ against the new moto before updating the pin.
"""

import inspect

import moto
import pytest
from moto.config import exceptions as config_exceptions
from moto.config import models as config_models
from moto.config.responses import ConfigResponse
from moto.core.responses import BaseResponse
from moto.iam import models as iam_models
from moto.iam.responses import IamResponse
from moto.kms import models as kms_models
from moto.iam import utils as iam_utils
from moto.moto_server import werkzeug_app
from moto.organizations import models as organizations_models
from moto.sns import models as sns_models
from moto.sns import utils as sns_utils
from moto.sqs import models as sqs_models
from moto.ssm import models as ssm_models
from moto.sts import models as sts_models

from aged_keys_emulator import MOTO_VERSION, apply_patches
from aged_keys_emulator.config_remediation import STORE_ATTRIBUTE

ADDED_CONFIG_ACTIONS = ("put_remediation_configurations", "describe_remediation_configurations", "delete_remediation_configuration")


def test_moto_is_the_pinned_version():
    assert moto.__version__ == MOTO_VERSION == "5.2.5", "The emulator is written against moto 5.2.5 internals; re-check every patch before changing the pin"


def signature_of(function):
    return list(inspect.signature(getattr(function, "__aged_keys_original__", function)).parameters)


@pytest.mark.parametrize("owner, name, parameters", [
    (config_models.ConfigBackend, "describe_config_rules", ["self", "config_rule_names", "next_token"]),
    (config_models.ConfigBackend, "delete_config_rule", ["self", "rule_name"]),
    (config_models.ConfigBackend, "list_discovered_resources", ["self", "resource_type", "resource_ids", "resource_name", "limit", "next_token"]),
    (config_models.ConfigRule, "modify_fields", ["self", "region", "config_rule", "tags"]),
    (iam_models.User, "__init__", ["self", "account_id", "region_name", "name", "path"]),
    (iam_models, "get_account_id_from", ["access_key"]),
    (IamResponse, "list_access_keys", ["self"]),
    (IamResponse, "list_user_tags", ["self"]),
    (IamResponse, "get_access_key_last_used", ["self"]),
    (sns_models.SNSBackend, "publish", ["self", "message", "arn", "phone_number", "subject", "message_attributes", "group_id", "deduplication_id",
                                        "message_structure"]),
    (sns_models.SNSBackend, "_validate_filter_policy", ["self", "value", "scope"]),
    (sns_models.SNSBackend, "set_subscription_attributes", ["self", "arn", "name", "value"]),
    (sns_models.Subscription, "publish", ["self", "message", "message_id", "subject", "message_attributes", "group_id", "deduplication_id",
                                          "message_structure"]),
    (sns_models.Subscription, "get_post_data", ["self", "message", "message_id", "subject", "message_attributes"]),
    (sns_utils.FilterPolicyMatcher, "matches", ["self", "message_attributes", "message"]),
    (BaseResponse, "setup_class", ["self", "request", "full_url", "headers", "use_raw_body"]),
    (kms_models.KmsBackend, "schedule_key_deletion", ["self", "key_id", "pending_window_in_days"]),
    (kms_models.KmsBackend, "cancel_key_deletion", ["self", "key_id"]),
    (kms_models.KmsBackend, "enable_key", ["self", "key_id"]),
    (kms_models.KmsBackend, "disable_key", ["self", "key_id"]),
    (sqs_models.SQSBackend, "set_queue_attributes", ["self", "queue_name", "attributes"]),
])
def test_patched_methods_keep_their_signature(owner, name, parameters):
    assert signature_of(getattr(owner, name)) == parameters


def test_module_attributes_we_rely_on_exist():
    for module, names in (
        (config_models, ["config_backends", "DEFAULT_PAGE_SIZE", "ConfigBackend", "ConfigRule"]),
        (config_exceptions, ["InvalidParameterValueException", "NoSuchConfigRuleException", "ResourceInUseException", "ValidationException",
                             "InvalidLimitException", "InvalidNextTokenException", "InvalidResourceParameters", "TooManyResourceIds"]),
        (iam_models, ["iam_backends", "User", "get_account_id_from"]),
        (iam_utils, ["generate_access_key_id_from_account_id"]),
        (ssm_models, ["ssm_backends"]),
        (werkzeug_app, ["DomainDispatcherApplication", "MotoRequestHandler", "create_backend_app"]),
    ):
        missing = [name for name in names if not hasattr(module, name)]
        assert not missing, f"{module.__name__} no longer has {missing}"


def test_response_attributes_we_rely_on_exist():
    assert isinstance(inspect.getattr_static(ConfigResponse, "config_backend"), property)
    for name in ("_get_action", "get_current_account", "call_action"):
        assert inspect.isfunction(getattr(BaseResponse, name)), name
    setup_source = inspect.getsource(BaseResponse.setup_class)
    for assignment in ("self.body", "self.region =", "self.current_account ="):
        assert assignment in setup_source, f"BaseResponse.setup_class no longer sets {assignment}"


def test_backends_hold_the_state_we_read():
    config_backend = config_models.ConfigBackend("eu-west-1", "123456789012")
    for name in ("config_rules", "recorders", "account_id", "region_name", "partition"):
        assert hasattr(config_backend, name), name
    assert not hasattr(config_backend, STORE_ATTRIBUTE), "moto now has its own remediation state: review config_remediation.py"
    assert hasattr(ssm_models.SimpleSystemManagerBackend("eu-west-1", "123456789012"), "_documents")
    assert hasattr(iam_models.IAMBackend("aws", "123456789012"), "users")
    recorder_status = config_models.ConfigRecorderStatus("default")
    assert hasattr(recorder_status, "recording")
    group = config_models.RecordingGroup()
    for name in ("all_supported", "include_global_resource_types", "resource_types", "exclusion_by_resource_types", "recording_strategy"):
        assert hasattr(group, name), name


def test_the_registry_of_backends_that_snapshots_copy_is_where_it_was():
    # snapshots.py copies every BackendDict moto registered and restores them after moto's own reset.
    from moto.core import base_backend  # pylint: disable=import-outside-toplevel

    assert isinstance(base_backend.BackendDict._instances, list)  # pylint: disable=protected-access
    assert "BackendDict._instances.clear()" in inspect.getsource(base_backend.BackendDict.reset)
    assert hasattr(base_backend, "backend_lock")
    assert signature_of(ssm_models.ParameterDict.__init__) == ["self", "account_id", "region_name"]


def test_reset_still_rebuilds_backend_state():
    # /moto-api/reset relies on BaseBackend.reset emptying the instance dict, which is where the remediation store lives.
    assert "self.__dict__ = {}" in inspect.getsource(config_models.ConfigBackend.reset)


def test_dispatch_still_finds_response_methods_by_name():
    apply_patches()
    assert "method_names_from_class" in inspect.getsource(BaseResponse.call_action)
    for action in ADDED_CONFIG_ACTIONS:
        assert inspect.isfunction(getattr(ConfigResponse, action)), action


def test_iam_and_sts_state_the_evaluation_and_the_automation_runner_read():
    backend = iam_models.IAMBackend("global", "123456789012")
    user = backend.create_user("eu-west-1", "alice")
    key = backend.create_access_key("alice")
    assert user.access_keys == [key]
    for name in ("access_key_id", "status", "create_date", "last_used"):
        assert hasattr(key, name), f"AccessKey.{name}"
    assert hasattr(iam_models, "AccessKeyLastUsed")
    role = backend.create_role("probe", "{}", "/", None, "", [], None)
    for name in ("policies", "managed_policies", "permissions_boundary_arn"):
        assert hasattr(role, name), f"Role.{name}"
    for name in ("managed_policies", "aws_managed_policies"):
        assert hasattr(backend, name), f"IAMBackend.{name}"
    assert inspect.isfunction(sts_models.STSBackend.get_assumed_role_from_access_key)
    assert hasattr(organizations_models.organizations_backends, "master_accounts")


def test_sns_state_the_delivery_reads():
    backend = sns_models.SNSBackend("eu-west-1", "123456789012")
    topic = backend.create_topic("probe")
    subscription = sns_models.Subscription("123456789012", topic, "alice@example.com", "email")
    for name in ("protocol", "endpoint", "arn", "attributes", "topic", "_filter_policy", "_filter_policy_matcher"):
        assert hasattr(subscription, name), f"Subscription.{name}"
    assert topic.sns_backend is backend and hasattr(backend, "subscriptions")
    matcher = sns_utils.FilterPolicyMatcher({"a": ["b"]}, None)
    assert (matcher.filter_policy, matcher.filter_policy_scope) == ({"a": ["b"]}, "MessageAttributes")


def test_sqs_state_the_delivery_reads():
    backend = sqs_models.SQSBackend("eu-west-1", "123456789012")
    queue = backend.create_queue("probe", KmsMasterKeyId="alias/probe")
    for name in ("queue_arn", "policy", "kms_master_key_id", "physical_resource_id", "account_id", "region", "name"):
        assert hasattr(queue, name), f"Queue.{name}"
    assert backend.get_queue("probe") is queue
    # moto resets the policy whenever Policy is not set (patched by sqs.py).
    assert 'self.policy = attributes.get("Policy")' in inspect.getsource(sqs_models.Queue._set_attributes)  # pylint: disable=protected-access
    assert "any_id_to_key_id" in dir(kms_models.KmsBackend)
    key = kms_models.Key("p", "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "d", "123456789012", "eu-west-1")
    assert hasattr(key, "policy") and hasattr(key, "key_state")


def test_config_rule_attributes_the_evaluation_reads():
    init_source = inspect.getsource(config_models.ConfigRule.__init__) + inspect.getsource(config_models.ConfigRule.modify_fields)
    for name in ("config_rule_name", "config_rule_state", "input_parameters_dict", "source"):
        assert f"self.{name}" in init_source, f"ConfigRule.{name}"
