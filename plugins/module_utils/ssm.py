# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Systems Manager (SSM) document helpers.

Functions take a boto3 ``ssm`` client and plain arguments, never the module, so a
mocked client is enough to test them. "Not found" becomes None; other AWS errors
become AnsibleSSMError. Document content is handled as data: it is parsed from
JSON/YAML, compared canonically and serialised only to submit it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re
from functools import partial

try:
    import yaml

    HAS_YAML = True
except ImportError:
    HAS_YAML = False


from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import DOCUMENT_RESERVED_PREFIXES
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import NAME_PATTERNS
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import set_tags
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import unset_tags
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.tags import update_tags

# Limits and patterns from the SSM API reference (CreateDocument, UpdateDocument,
# ModifyDocumentPermission) and the Systems Manager service quotas.
DOCUMENT_NAME_PATTERN = re.compile(NAME_PATTERNS["document_name"])
# AWS reserves these prefixes (also AWSEC2, AWSConfigRemediation, AWSSupport, covered
# by "aws" when compared case-insensitively).
RESERVED_NAME_PREFIXES = DOCUMENT_RESERVED_PREFIXES
MAX_CONTENT_BYTES = 64 * 1024
MAX_DOCUMENT_VERSIONS = 1000
MAX_ACCOUNTS_PER_PERMISSION_CALL = 20
ACCOUNT_ID_PATTERN = re.compile(r"^[0-9]{12}$")
DOCUMENT_RESOURCE_TYPE = "Document"
SHARE_PERMISSION = "Share"


class AnsibleSSMError(AnsibleAWSError):
    pass


class SSMErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSSMError

    @classmethod
    def _is_missing(cls):
        # GetDocument answers InvalidDocumentVersion for a version that was deleted.
        return is_boto3_error_code(["InvalidDocument", "InvalidDocumentVersion"])


# ---------------------------------------------------------------- validation


def document_name_problem(name):
    """Why a document name is unusable, or None when AWS will accept it."""
    if not DOCUMENT_NAME_PATTERN.match(name or ""):
        return (
            "SSM document name '{0}' is invalid: use 3 to 128 characters from letters, digits, '_', '-' and '.'."
        ).format(name)
    if name.lower().startswith(RESERVED_NAME_PREFIXES):
        return (
            "SSM document name '{0}' starts with a prefix AWS reserves for its own documents "
            "(aws, amazon, amzn in any case): choose another name."
        ).format(name)
    return None


def account_ids_problem(account_ids):
    """Why a list of account ids to share with is unusable, or None."""
    bad = [account_id for account_id in account_ids if not ACCOUNT_ID_PATTERN.match(account_id)]
    if not bad:
        return None
    return (
        "shared_account_ids must hold 12-digit AWS account ids; invalid: {0}. "
        "Sharing with 'all' (public) is deliberately not supported."
    ).format(", ".join(bad))


# ---------------------------------------------------------------- content as data


def canonical_content(data):
    """Plain JSON data, so values parsed from YAML (dates, tuples) compare like what AWS returns."""
    return json.loads(json.dumps(data, default=str))


def parse_document_content(content):
    """Content option (dict, or JSON/YAML text) as canonical data. Raises ValueError saying what is wrong."""
    if isinstance(content, str):
        content = _parse_document_text(content)
    if not isinstance(content, dict):
        raise ValueError("content must be a mapping (the document's top-level object), got {0}.".format(type(content).__name__))
    if "schemaVersion" not in content:
        raise ValueError("content has no 'schemaVersion': every SSM document declares it (Automation documents use '0.3').")
    return canonical_content(content)


def _parse_document_text(text):
    try:
        return json.loads(text)
    except ValueError:
        pass
    if not HAS_YAML:
        raise ValueError("content is not valid JSON and PyYAML is not installed to read it as YAML.")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ValueError("content is neither valid JSON nor valid YAML: {0}".format(e))


def serialize_content(content, document_format):
    """Text submitted to AWS in the requested format; stable for the same data."""
    if document_format == "YAML":
        return yaml.safe_dump(content, default_flow_style=False, sort_keys=False)
    return json.dumps(content, indent=2)


def content_size_problem(text):
    size = len(text.encode("utf-8"))
    if size <= MAX_CONTENT_BYTES:
        return None
    return "The document content is {0} bytes once serialised; SSM accepts at most {1} bytes.".format(size, MAX_CONTENT_BYTES)


def content_hash(text):
    """DescribeDocument's Hash: the sha256 of the submitted content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_returned_content(text):
    """Content returned by GetDocument with DocumentFormat JSON, as canonical data."""
    return canonical_content(json.loads(text)) if text else None


# ---------------------------------------------------------------- shapes


def document_arn(partition, region, account_id, name):
    if not (partition and region and account_id):
        return None
    return "arn:{0}:ssm:{1}:{2}:document/{3}".format(partition, region, account_id, name)


def normalize_document(description, content, tags, shared_account_ids=None, arn=None):
    """A DocumentDescription (of the default version) plus what other calls return, in option names."""
    document = {
        "name": description["Name"],
        "arn": arn,
        "document_type": description.get("DocumentType"),
        "document_format": description.get("DocumentFormat"),
        "target_type": description.get("TargetType"),
        "default_version": description.get("DefaultVersion"),
        "latest_version": description.get("LatestVersion"),
        "hash": description.get("Hash"),
        "status": description.get("Status"),
        "owner": description.get("Owner"),
        "content": content,
        "tags": tags or {},
    }
    if shared_account_ids is not None:
        document["shared_account_ids"] = sorted(shared_account_ids)
    return document


# ---------------------------------------------------------------- reading


@SSMErrorHandler.list_error_handler("describe SSM document")
def describe_document(client, name, version=None):
    """DocumentDescription of one version (AWS picks when version is None), or None when missing."""
    params = {"Name": name}
    if version:
        params["DocumentVersion"] = version
    return client.describe_document(aws_retry=True, **params)["Document"]


def describe_default_version(client, name):
    """DocumentDescription of the default version, or None when the document does not exist."""
    description = describe_document(client, name)
    if description is None or description.get("DocumentVersion") == description.get("DefaultVersion"):
        return description
    return describe_document(client, name, description["DefaultVersion"])


@SSMErrorHandler.list_error_handler("get SSM document content")
def get_document_content(client, name, version):
    """Content of one version as canonical data (AWS converts YAML to JSON for us), or None when missing."""
    result = client.get_document(Name=name, DocumentVersion=version, DocumentFormat="JSON", aws_retry=True)
    return parse_returned_content(result.get("Content"))


@SSMErrorHandler.list_error_handler("list SSM document tags", {})
def list_document_tags(client, name):
    result = client.list_tags_for_resource(ResourceType=DOCUMENT_RESOURCE_TYPE, ResourceId=name, aws_retry=True)
    return boto3_tag_list_to_ansible_dict(result.get("TagList", []))


@SSMErrorHandler.list_error_handler("describe SSM document permissions", [])
def list_shared_account_ids(client, name):
    """Accounts the document is shared with (botocore has no paginator for this call)."""
    account_ids = []
    params = {"Name": name, "PermissionType": SHARE_PERMISSION}
    while True:
        result = client.describe_document_permission(aws_retry=True, **params)
        account_ids.extend(result.get("AccountIds", []))
        if not result.get("NextToken"):
            return sorted(account_ids)
        params["NextToken"] = result["NextToken"]


def describe_document_state(client, name, manage_sharing):
    """The document's default version as a normalised dict, or None when it does not exist."""
    description = describe_default_version(client, name)
    if description is None:
        return None
    content = get_document_content(client, name, description["DefaultVersion"])
    # DescribeDocument returns the tags of a tagged document: one call fewer.
    tags = boto3_tag_list_to_ansible_dict(description["Tags"]) if description.get("Tags") else list_document_tags(client, name)
    shared_account_ids = list_shared_account_ids(client, name) if manage_sharing else None
    arn = document_arn(client.meta.partition, client.meta.region_name, description.get("Owner"), name)
    return normalize_document(description, content, tags, shared_account_ids, arn)


def content_differs(document, content, target_type):
    """True when the default version's content (or the managed target type) is not what is wanted."""
    if canonical_content(document.get("content")) != content:
        return True
    return target_type is not None and document.get("target_type") != target_type


def find_version_with_content(client, name, content, newest_version, target_type=None):
    """Newest version whose content equals content (and TargetType, when given), or None.

    Used when UpdateDocument answers DuplicateDocumentContent. ListDocumentVersions
    returns neither content nor hash, so every candidate needs GetDocument anyway;
    version numbers are sequential, so walking down from the newest finds a recent
    revert first and simply skips versions that were deleted.
    """
    for version in range(int(newest_version), 0, -1):
        version = str(version)
        if get_document_content(client, name, version) != content:
            continue
        if target_type is None or (describe_document(client, name, version) or {}).get("TargetType") == target_type:
            return version
    return None


# ---------------------------------------------------------------- writing


@SSMErrorHandler.common_error_handler("create SSM document")
def create_document(client, name, content_text, document_type, document_format, target_type=None, tags=None):
    params = {
        "Name": name,
        "Content": content_text,
        "DocumentType": document_type,
        "DocumentFormat": document_format,
    }
    if target_type:
        params["TargetType"] = target_type
    if tags:
        params["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return client.create_document(aws_retry=True, **params)["DocumentDescription"]


def version_limit_message(name):
    return (
        "SSM document '{0}' has reached the limit of {1} versions, so the new content was not saved. "
        "Delete versions that are not the default (aws ssm delete-document --name {0} --document-version N), "
        "or delete the document and let this module create it again, then re-run."
    ).format(name, MAX_DOCUMENT_VERSIONS)


@SSMErrorHandler.common_error_handler("update SSM document")
def update_document(client, name, content_text, document_format, target_type=None):
    """Save content as a new version: its DocumentDescription, or None when an existing version has that content."""
    params = {
        "Name": name,
        "Content": content_text,
        "DocumentFormat": document_format,
        "DocumentVersion": "$LATEST",
    }
    if target_type:
        params["TargetType"] = target_type
    try:
        return client.update_document(aws_retry=True, **params)["DocumentDescription"]
    except is_boto3_error_code("DuplicateDocumentContent"):
        return None
    except is_boto3_error_code("DocumentVersionLimitExceeded") as e:  # pylint: disable=duplicate-except
        raise AnsibleSSMError(message=version_limit_message(name), exception=e)


@SSMErrorHandler.common_error_handler("set the default version of SSM document")
def set_default_version(client, name, version):
    client.update_document_default_version(Name=name, DocumentVersion=version, aws_retry=True)


@SSMErrorHandler.common_error_handler("tag SSM document")
def tag_document(client, name, tags):
    return set_tags(client.add_tags_to_resource, tags, ResourceType=DOCUMENT_RESOURCE_TYPE, ResourceId=name)


@SSMErrorHandler.common_error_handler("untag SSM document")
def untag_document(client, name, tag_keys):
    return unset_tags(client.remove_tags_from_resource, tag_keys, ResourceType=DOCUMENT_RESOURCE_TYPE, ResourceId=name)


def update_document_tags(client, name, tags_to_set, tag_keys_to_unset):
    update_tags(partial(tag_document, client, name), partial(untag_document, client, name), tags_to_set, tag_keys_to_unset)


def _chunks(items, size):
    items = list(items)
    return [items[start:start + size] for start in range(0, len(items), size)]


@SSMErrorHandler.common_error_handler("change the accounts SSM document is shared with")
def modify_shared_accounts(client, name, account_ids_to_add=None, account_ids_to_remove=None):
    # ModifyDocumentPermission takes at most 20 account ids per list.
    for chunk in _chunks(sorted(account_ids_to_remove or []), MAX_ACCOUNTS_PER_PERMISSION_CALL):
        client.modify_document_permission(Name=name, PermissionType=SHARE_PERMISSION, AccountIdsToRemove=chunk, aws_retry=True)
    for chunk in _chunks(sorted(account_ids_to_add or []), MAX_ACCOUNTS_PER_PERMISSION_CALL):
        client.modify_document_permission(Name=name, PermissionType=SHARE_PERMISSION, AccountIdsToAdd=chunk, aws_retry=True)


@SSMErrorHandler.deletion_error_handler("delete SSM document")
def delete_document(client, name):
    """Delete every version; False when it was already gone."""
    client.delete_document(Name=name, aws_retry=True)
    return True


@SSMErrorHandler.common_error_handler("list SSM automation executions")
def list_automation_executions(client, document_name, started_after):
    """AutomationExecutionMetadata of a runbook's executions started after a datetime, newest first."""
    filters = [{"Key": "DocumentNamePrefix", "Values": [document_name]}, {"Key": "StartTimeAfter", "Values": [started_after.strftime("%Y-%m-%dT%H:%M:%SZ")]}]
    paginator = client.get_paginator("describe_automation_executions")
    executions = paginator.paginate(Filters=filters).build_full_result().get("AutomationExecutionMetadataList", [])
    executions = [execution for execution in executions if execution.get("DocumentName") == document_name]
    return sorted(executions, key=lambda execution: execution["ExecutionStartTime"], reverse=True)
