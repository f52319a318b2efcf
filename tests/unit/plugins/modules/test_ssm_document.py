# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ssm
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNER_TAG_VALUE
from ansible_collections.cloudsec.aged_keys.plugins.modules import ssm_document
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import FailJson
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import module_mock

OWNER_TAGS = {OWNER_TAG_KEY: OWNER_TAG_VALUE}
OLD = {"schemaVersion": "0.3", "description": "old", "mainSteps": []}
NEW = {"schemaVersion": "0.3", "description": "new", "mainSteps": []}


def params(**overrides):
    values = {
        "name": "NotifyAgedKey",
        "state": "present",
        "content": NEW,
        "document_type": "Automation",
        "document_format": "JSON",
        "target_type": None,
        "tags": None,
        "purge_tags": True,
        "shared_account_ids": None,
        "adopt": False,
    }
    values.update(overrides)
    return values


def current(**overrides):
    document = {
        "name": "NotifyAgedKey",
        "arn": "arn:aws:ssm:eu-west-1:123456789012:document/NotifyAgedKey",
        "document_type": "Automation",
        "document_format": "JSON",
        "target_type": None,
        "default_version": "2",
        "latest_version": "3",
        "hash": "h",
        "status": "Active",
        "owner": "123456789012",
        "content": OLD,
        "tags": dict(OWNER_TAGS),
    }
    document.update(overrides)
    return document


def fake_client():
    client = MagicMock()
    client.meta.region_name = "eu-west-1"
    client.meta.partition = "aws"
    return client


# ---------------------------------------------------------------- validate


def test_valid_params():
    problems, content = ssm_document.validate_params(params(content=json.dumps(NEW)))
    assert problems == [] and content == NEW


def test_all_problems_reported_together():
    problems, _content = ssm_document.validate_params(params(name="x", content="[1]", shared_account_ids=["all"]))
    assert len(problems) == 3


def test_content_required_for_present_only():
    assert ssm_document.validate_params(params(content=None))[0] == ["content is required when state=present."]
    assert ssm_document.validate_params(params(content=None, state="absent"))[0] == []


def test_oversized_content_refused():
    problems, _content = ssm_document.validate_params(params(content={"schemaVersion": "0.3", "blob": "x" * 70000}))
    assert "at most 65536 bytes" in problems[0]


# ---------------------------------------------------------------- compare


def test_content_compared_as_data():
    assert not ssm.content_differs(current(content=dict(reversed(list(OLD.items())))), OLD, None)
    assert ssm.content_differs(current(), NEW, None)


def test_target_type_only_compared_when_managed():
    assert not ssm.content_differs(current(target_type="/AWS::IAM::User"), OLD, None)
    assert ssm.content_differs(current(target_type=None), OLD, "/AWS::IAM::User")


def test_document_type_problem():
    assert ssm_document.document_type_problem(current(), "Automation") is None
    assert "cannot change a document's type" in ssm_document.document_type_problem(current(document_type="Command"), "Automation")


def test_sharing_changes():
    assert ssm_document.sharing_changes(["1", "2"], ["2", "3"]) == (["3"], ["1"])
    assert ssm_document.sharing_changes(None, []) == ([], [])


def test_unowned_document_fails_state_present():
    module, client = module_mock(params(state="present")), MagicMock()
    with pytest.raises(FailJson):
        ssm_document.ensure_state(module, client, current(tags={}), module.params, NEW)
    assert "SSM document 'NotifyAgedKey'" in module.fail_json.call_args.kwargs["msg"]
    assert client.method_calls == []


def test_adopted_document_is_managed():
    module, client = module_mock(params(state="absent", adopt=True), check_mode=True), MagicMock()
    assert ssm_document.ensure_state(module, client, current(tags={}), module.params, None) == (True, None)
    module.warn.assert_not_called()


def test_unowned_document_is_left_alone_with_a_warning_for_state_absent():
    module, client = module_mock(params(state="absent")), MagicMock()
    before = current(tags={})
    assert ssm_document.ensure_state(module, client, before, module.params, None) == (False, before)
    assert "SSM document 'NotifyAgedKey'" in module.warn.call_args.args[0]
    assert client.method_calls == []


# ---------------------------------------------------------------- apply


def test_create_in_check_mode_predicts_without_calls():
    client = fake_client()
    changed, document = ssm_document.ensure_present(client, None, params(tags={"a": "b"}, shared_account_ids=[]), NEW, ("123456789012", "aws"), True)
    assert changed and document["default_version"] == "1" and document["content"] == NEW
    assert document["arn"] == "arn:aws:ssm:eu-west-1:123456789012:document/NotifyAgedKey"
    assert document["tags"] == dict(OWNER_TAGS, a="b") and document["shared_account_ids"] == []
    assert document["hash"] == ssm.content_hash(ssm.serialize_content(NEW, "JSON"))
    assert not client.create_document.called


def test_create_sends_owner_tag():
    client = fake_client()
    ssm_document.ensure_present(client, None, params(document_format="YAML", target_type="/AWS::IAM::User"), NEW, (None, None), False)
    kwargs = client.create_document.call_args.kwargs
    assert kwargs["Tags"] == [{"Key": OWNER_TAG_KEY, "Value": OWNER_TAG_VALUE}]
    assert kwargs["DocumentFormat"] == "YAML" and kwargs["TargetType"] == "/AWS::IAM::User"
    assert ssm.parse_document_content(kwargs["Content"]) == NEW


def test_unchanged_document_makes_no_calls():
    client = fake_client()
    changed, document = ssm_document.ensure_present(client, current(), params(content=OLD), OLD, None, False)
    assert not changed and document == current()
    assert client.method_calls == []


def test_content_change_makes_new_version_default():
    client = fake_client()
    client.update_document.return_value = {"DocumentDescription": {"DocumentVersion": "4"}}
    changed, document = ssm_document.ensure_content(client, current(), NEW, params(), False)
    assert changed and document["default_version"] == "4" and document["latest_version"] == "4" and document["content"] == NEW
    client.update_document_default_version.assert_called_once_with(Name="NotifyAgedKey", DocumentVersion="4", aws_retry=True)


def test_duplicate_content_makes_matching_older_version_default():
    client = fake_client()
    client.update_document.side_effect = client_error("DuplicateDocumentContent")
    client.get_document.side_effect = [{"Content": json.dumps(OLD)}, {"Content": json.dumps(NEW)}]
    changed, document = ssm_document.ensure_content(client, current(), NEW, params(), False)
    assert changed and document["default_version"] == "2" and document["latest_version"] == "3"
    client.update_document_default_version.assert_called_once_with(Name="NotifyAgedKey", DocumentVersion="2", aws_retry=True)


def test_duplicate_content_without_a_match_fails_clearly():
    client = fake_client()
    client.update_document.side_effect = client_error("DuplicateDocumentContent")
    client.get_document.return_value = {"Content": json.dumps(OLD)}
    with pytest.raises(ssm.AnsibleSSMError) as excinfo:
        ssm_document.ensure_content(client, current(), NEW, params(), False)
    assert "none of versions 1 to 3" in excinfo.value.message
    assert not client.update_document_default_version.called


def test_check_mode_predicts_new_version():
    client = fake_client()
    client.get_document.return_value = {"Content": json.dumps(OLD)}
    changed, document = ssm_document.ensure_content(client, current(), NEW, params(), True)
    assert changed and document["default_version"] == "4" and document["latest_version"] == "4"
    assert document["hash"] == ssm.content_hash(ssm.serialize_content(NEW, "JSON"))
    assert not client.update_document.called and not client.update_document_default_version.called


def test_check_mode_predicts_revert_to_older_version():
    client = fake_client()
    client.get_document.side_effect = [{"Content": json.dumps(OLD)}, {"Content": json.dumps(OLD)}, {"Content": json.dumps(NEW)}]
    client.describe_document.return_value = {"Document": {"Hash": "h1", "DocumentFormat": "YAML"}}
    changed, document = ssm_document.ensure_content(client, current(), NEW, params(), True)
    assert changed and document["default_version"] == "1" and document["latest_version"] == "3"
    assert document["hash"] == "h1" and document["document_format"] == "YAML"
    assert not client.update_document.called


def test_tags_applied_and_predicted():
    client = fake_client()
    changed, document = ssm_document.ensure_tags(client, current(tags=dict(OWNER_TAGS, Old="x")), params(tags={"New": "y"}, purge_tags=True), False)
    assert changed and document["tags"] == dict(OWNER_TAGS, New="y")
    client.remove_tags_from_resource.assert_called_once_with(ResourceType="Document", ResourceId="NotifyAgedKey", TagKeys=["Old"], aws_retry=True)
    client.add_tags_to_resource.assert_called_once()


def test_sharing_unmanaged_or_unchanged_makes_no_calls():
    client = fake_client()
    assert ssm_document.ensure_sharing(client, current(), None, False) == (False, current())
    assert ssm_document.ensure_sharing(client, current(shared_account_ids=["111122223333"]), ["111122223333"], False)[0] is False
    assert not client.modify_document_permission.called


def test_sharing_check_mode_predicts():
    client = fake_client()
    changed, document = ssm_document.ensure_sharing(client, current(shared_account_ids=["111122223333"]), ["444455556666"], True)
    assert changed and document["shared_account_ids"] == ["444455556666"]
    assert not client.modify_document_permission.called


def test_absent_unshares_then_deletes():
    client = fake_client()
    client.describe_document_permission.return_value = {"AccountIds": ["111122223333"]}
    assert ssm_document.ensure_absent(client, current(), False) is True
    client.modify_document_permission.assert_called_once_with(Name="NotifyAgedKey", PermissionType="Share", AccountIdsToRemove=["111122223333"], aws_retry=True)
    client.delete_document.assert_called_once_with(Name="NotifyAgedKey", aws_retry=True)


def test_absent_check_mode_and_missing():
    client = fake_client()
    assert ssm_document.ensure_absent(client, current(), True) is True
    assert ssm_document.ensure_absent(client, None, False) is False
    assert client.method_calls == []


def test_describe_document_collects_default_version_tags_and_sharing():
    client = fake_client()
    client.describe_document.return_value = {"Document": {
        "Name": "NotifyAgedKey", "DocumentVersion": "2", "DefaultVersion": "2", "LatestVersion": "3",
        "DocumentType": "Automation", "DocumentFormat": "YAML", "Owner": "123456789012", "Hash": "h",
    }}
    client.get_document.return_value = {"Content": json.dumps(OLD)}
    client.list_tags_for_resource.return_value = {"TagList": [{"Key": OWNER_TAG_KEY, "Value": OWNER_TAG_VALUE}]}
    client.describe_document_permission.return_value = {"AccountIds": []}
    document = ssm.describe_document_state(client, "NotifyAgedKey", True)
    assert document["content"] == OLD and document["tags"] == OWNER_TAGS and document["shared_account_ids"] == []
    assert document["arn"] == "arn:aws:ssm:eu-west-1:123456789012:document/NotifyAgedKey"
    client.get_document.assert_called_once_with(Name="NotifyAgedKey", DocumentVersion="2", DocumentFormat="JSON", aws_retry=True)


def test_describe_missing_document():
    client = fake_client()
    client.describe_document.side_effect = client_error("InvalidDocument")
    assert ssm.describe_document_state(client, "NotifyAgedKey", False) is None
