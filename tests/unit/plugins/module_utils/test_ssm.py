# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
from unittest.mock import MagicMock
from unittest.mock import call

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ssm
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

CONTENT = {"schemaVersion": "0.3", "assumeRole": "{{ AutomationAssumeRole }}", "mainSteps": [{"name": "Publish", "action": "aws:executeAwsApi"}]}


def description(**overrides):
    result = {
        "Name": "NotifyAgedKey",
        "DocumentType": "Automation",
        "DocumentFormat": "JSON",
        "DocumentVersion": "2",
        "DefaultVersion": "2",
        "LatestVersion": "3",
        "Hash": "abc",
        "Status": "Active",
        "Owner": "123456789012",
    }
    result.update(overrides)
    return result


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("name", ["abc", "Notify-Aged_Key.v2", "a" * 128, "awesome", "my-aws-doc"])
def test_valid_document_names(name):
    assert ssm.document_name_problem(name) is None


@pytest.mark.parametrize("name, fragment", [
    ("ab", "3 to 128"),
    ("a" * 129, "3 to 128"),
    ("has space", "3 to 128"),
    ("arn:aws:ssm:doc", "3 to 128"),
    ("", "3 to 128"),
    (None, "3 to 128"),
    ("AWS-PublishSNSNotification", "reserves"),
    ("aws-mine", "reserves"),
    ("AWSConfigRemediation-X", "reserves"),
    ("Amazon-Doc", "reserves"),
    ("amzn_doc", "reserves"),
])
def test_invalid_document_names(name, fragment):
    assert fragment in ssm.document_name_problem(name)


def test_account_ids_problem():
    assert ssm.account_ids_problem(["111122223333"]) is None
    assert ssm.account_ids_problem([]) is None
    problem = ssm.account_ids_problem(["111122223333", "all", "12345"])
    assert "all, 12345" in problem and "public" in problem


# ---------------------------------------------------------------- content as data


def test_parse_dict_content_is_canonical_copy():
    assert ssm.parse_document_content(CONTENT) == CONTENT


def test_parse_json_and_yaml_text_give_the_same_data():
    as_json = json.dumps(CONTENT)
    as_yaml = "schemaVersion: '0.3'\nassumeRole: '{{ AutomationAssumeRole }}'\nmainSteps:\n  - name: Publish\n    action: aws:executeAwsApi\n"
    assert ssm.parse_document_content(as_json) == ssm.parse_document_content(as_yaml) == CONTENT


def test_parse_yaml_dates_become_strings():
    assert ssm.parse_document_content("schemaVersion: '0.3'\nwhen: 2024-01-02\n")["when"] == "2024-01-02"


@pytest.mark.parametrize("content, fragment", [
    ("[1, 2]", "must be a mapping"),
    (["a"], "must be a mapping"),
    ("key: [unclosed", "neither valid JSON nor valid YAML"),
    ({"mainSteps": []}, "schemaVersion"),
])
def test_parse_rejects_bad_content(content, fragment):
    with pytest.raises(ValueError) as excinfo:
        ssm.parse_document_content(content)
    assert fragment in str(excinfo.value)


def test_serialize_round_trips_in_both_formats():
    assert json.loads(ssm.serialize_content(CONTENT, "JSON")) == CONTENT
    assert ssm.parse_document_content(ssm.serialize_content(CONTENT, "YAML")) == CONTENT
    # Stable text for the same data, so AWS's duplicate detection and Hash are stable too.
    assert ssm.serialize_content(dict(CONTENT), "JSON") == ssm.serialize_content(CONTENT, "JSON")


def test_content_size_problem():
    assert ssm.content_size_problem("x" * ssm.MAX_CONTENT_BYTES) is None
    assert "65537 bytes" in ssm.content_size_problem("x" * (ssm.MAX_CONTENT_BYTES + 1))


def test_content_hash_is_sha256_of_text():
    assert ssm.content_hash("abc") == hashlib.sha256(b"abc").hexdigest()


# ---------------------------------------------------------------- shapes


def test_document_arn():
    assert ssm.document_arn("aws", "eu-west-1", "123456789012", "Doc") == "arn:aws:ssm:eu-west-1:123456789012:document/Doc"
    assert ssm.document_arn("aws", "eu-west-1", None, "Doc") is None


def test_normalize_document_only_lists_sharing_when_managed():
    document = ssm.normalize_document(description(), CONTENT, {"a": "b"}, arn="arn:x")
    assert document["default_version"] == "2" and document["latest_version"] == "3"
    assert document["content"] == CONTENT and document["tags"] == {"a": "b"} and document["arn"] == "arn:x"
    assert "shared_account_ids" not in document
    shared = ssm.normalize_document(description(), CONTENT, None, ["2", "1"])
    assert shared["shared_account_ids"] == ["1", "2"] and shared["tags"] == {}


# ---------------------------------------------------------------- reading


def test_describe_document_missing_is_none():
    client = MagicMock()
    client.describe_document.side_effect = client_error("InvalidDocument")
    assert ssm.describe_document(client, "Doc") is None


def test_describe_document_other_errors_raise():
    client = MagicMock()
    client.describe_document.side_effect = client_error("AccessDeniedException")
    with pytest.raises(ssm.AnsibleSSMError) as excinfo:
        ssm.describe_document(client, "Doc")
    assert "describe SSM document" in str(excinfo.value)


def test_describe_default_version_reads_the_default_when_aws_answers_another():
    client = MagicMock()
    client.describe_document.side_effect = [
        {"Document": description(DocumentVersion="3", DefaultVersion="2")},
        {"Document": description(DocumentVersion="2", DefaultVersion="2")},
    ]
    assert ssm.describe_default_version(client, "Doc")["DocumentVersion"] == "2"
    assert client.describe_document.call_args_list[1] == call(Name="Doc", DocumentVersion="2", aws_retry=True)


def test_describe_default_version_single_call_when_default():
    client = MagicMock()
    client.describe_document.return_value = {"Document": description()}
    assert ssm.describe_default_version(client, "Doc")["DefaultVersion"] == "2"
    assert client.describe_document.call_count == 1


def test_get_document_content_parses_json():
    client = MagicMock()
    client.get_document.return_value = {"Content": json.dumps(CONTENT), "DocumentFormat": "JSON"}
    assert ssm.get_document_content(client, "Doc", "2") == CONTENT
    client.get_document.assert_called_once_with(Name="Doc", DocumentVersion="2", DocumentFormat="JSON", aws_retry=True)


@pytest.mark.parametrize("code", ["InvalidDocument", "InvalidDocumentVersion"])
def test_get_document_content_missing_version_is_none(code):
    client = MagicMock()
    client.get_document.side_effect = client_error(code)
    assert ssm.get_document_content(client, "Doc", "7") is None


def test_list_document_tags():
    client = MagicMock()
    client.list_tags_for_resource.return_value = {"TagList": [{"Key": "ManagedBy", "Value": "x"}]}
    assert ssm.list_document_tags(client, "Doc") == {"ManagedBy": "x"}
    client.list_tags_for_resource.assert_called_once_with(ResourceType="Document", ResourceId="Doc", aws_retry=True)


def test_list_shared_account_ids_follows_next_token():
    client = MagicMock()
    client.describe_document_permission.side_effect = [
        {"AccountIds": ["2"], "NextToken": "t"},
        {"AccountIds": ["1"]},
    ]
    assert ssm.list_shared_account_ids(client, "Doc") == ["1", "2"]
    assert client.describe_document_permission.call_args_list[1] == call(aws_retry=True, Name="Doc", PermissionType="Share", NextToken="t")


def test_find_version_with_content_walks_down_and_skips_deleted_versions():
    client = MagicMock()
    other = dict(CONTENT, description="other")
    by_version = {"5": other, "4": client_error("InvalidDocumentVersion"), "3": CONTENT, "2": CONTENT}

    def get_document(Name, DocumentVersion, DocumentFormat, aws_retry):
        answer = by_version[DocumentVersion]
        if isinstance(answer, Exception):
            raise answer
        return {"Content": json.dumps(answer)}

    client.get_document.side_effect = get_document
    assert ssm.find_version_with_content(client, "Doc", CONTENT, "5") == "3"
    assert [c.kwargs["DocumentVersion"] for c in client.get_document.call_args_list] == ["5", "4", "3"]


def test_find_version_with_content_checks_target_type():
    client = MagicMock()
    client.get_document.return_value = {"Content": json.dumps(CONTENT)}
    client.describe_document.side_effect = [
        {"Document": description(TargetType="/AWS::EC2::Instance")},
        {"Document": description(TargetType="/AWS::IAM::User")},
    ]
    assert ssm.find_version_with_content(client, "Doc", CONTENT, "2", "/AWS::IAM::User") == "1"


def test_find_version_with_content_none_when_no_match():
    client = MagicMock()
    client.get_document.return_value = {"Content": json.dumps({"schemaVersion": "2.2"})}
    assert ssm.find_version_with_content(client, "Doc", CONTENT, "3") is None
    assert client.get_document.call_count == 3


# ---------------------------------------------------------------- writing


def test_create_document_sends_optional_fields_only_when_set():
    client = MagicMock()
    client.create_document.return_value = {"DocumentDescription": description()}
    ssm.create_document(client, "Doc", "{}", "Automation", "JSON")
    client.create_document.assert_called_once_with(aws_retry=True, Name="Doc", Content="{}", DocumentType="Automation", DocumentFormat="JSON")
    client.reset_mock()
    ssm.create_document(client, "Doc", "{}", "Automation", "YAML", "/AWS::IAM::User", {"k": "v"})
    assert client.create_document.call_args.kwargs["TargetType"] == "/AWS::IAM::User"
    assert client.create_document.call_args.kwargs["Tags"] == [{"Key": "k", "Value": "v"}]


def test_update_document_returns_new_version():
    client = MagicMock()
    client.update_document.return_value = {"DocumentDescription": description(DocumentVersion="4")}
    assert ssm.update_document(client, "Doc", "{}", "JSON")["DocumentVersion"] == "4"
    assert client.update_document.call_args.kwargs["DocumentVersion"] == "$LATEST"
    assert "TargetType" not in client.update_document.call_args.kwargs


def test_update_document_duplicate_content_is_none():
    client = MagicMock()
    client.update_document.side_effect = client_error("DuplicateDocumentContent")
    assert ssm.update_document(client, "Doc", "{}", "JSON") is None


def test_update_document_version_limit_says_what_to_do():
    client = MagicMock()
    client.update_document.side_effect = client_error("DocumentVersionLimitExceeded")
    with pytest.raises(ssm.AnsibleSSMError) as excinfo:
        ssm.update_document(client, "Doc", "{}", "JSON")
    assert "1000 versions" in excinfo.value.message and "delete-document --name Doc" in excinfo.value.message


def test_update_document_other_errors_raise():
    client = MagicMock()
    client.update_document.side_effect = client_error("InvalidDocumentContent")
    with pytest.raises(ssm.AnsibleSSMError):
        ssm.update_document(client, "Doc", "{}", "JSON")


def test_tagging_skips_empty_changes():
    client = MagicMock()
    ssm.tag_document(client, "Doc", {})
    ssm.untag_document(client, "Doc", [])
    assert not client.add_tags_to_resource.called and not client.remove_tags_from_resource.called
    ssm.tag_document(client, "Doc", {"a": "1"})
    ssm.untag_document(client, "Doc", ["b"])
    client.add_tags_to_resource.assert_called_once_with(ResourceType="Document", ResourceId="Doc", Tags=[{"Key": "a", "Value": "1"}], aws_retry=True)
    client.remove_tags_from_resource.assert_called_once_with(ResourceType="Document", ResourceId="Doc", TagKeys=["b"], aws_retry=True)


def test_modify_shared_accounts_chunks_by_twenty():
    client = MagicMock()
    to_add = ["{0:012d}".format(n) for n in range(45)]
    ssm.modify_shared_accounts(client, "Doc", to_add, ["999999999999"])
    calls = client.modify_document_permission.call_args_list
    assert calls[0].kwargs["AccountIdsToRemove"] == ["999999999999"]
    assert [len(c.kwargs["AccountIdsToAdd"]) for c in calls[1:]] == [20, 20, 5]


def test_modify_shared_accounts_nothing_to_do():
    client = MagicMock()
    ssm.modify_shared_accounts(client, "Doc", [], None)
    assert not client.modify_document_permission.called


def test_delete_document_missing_is_false():
    client = MagicMock()
    assert ssm.delete_document(client, "Doc") is True
    client.delete_document.side_effect = client_error("InvalidDocument")
    assert ssm.delete_document(client, "Doc") is False
