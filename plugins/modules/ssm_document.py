#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ssm_document
version_added: 0.1.0
short_description: Manage an AWS Systems Manager (SSM) document
description:
  - Create, update and delete an SSM document, its tags and the accounts it is shared with.
  - Neither amazon.aws nor community.aws has a module for SSM documents; this one exists so the
    remediation runbook can be rolled out idempotently, with check mode and diff.
  - The document content is handled as data. It is compared canonically (parsed, not as text)
    with the content of the document's B(default) version, so formatting and key order never
    cause a change.
  - When the content differs, the module saves it as a new version and makes that version the
    default. When the content equals an older version, AWS refuses a new version
    (C(DuplicateDocumentContent)); the module then finds that older version and makes it the
    default instead, so reverting a change does not create a new version.
  - The returned RV(document.default_version) lets a remediation pin the exact version it runs.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  name:
    description:
      - Name of the SSM document, 3 to 128 characters from letters, digits, C(_), C(-) and C(.).
      - Names starting with C(aws), C(amazon) or C(amzn) (in any case) are reserved by AWS and
        rejected before any API call.
    type: str
    required: true
  state:
    description:
      - Whether the document should exist.
      - V(absent) deletes every version of the document after removing its sharing.
    type: str
    choices: [present, absent]
    default: present
  content:
    description:
      - The document content, required when O(state=present).
      - Either a dictionary, or a JSON or YAML string which the module parses into data.
      - SSM Automation placeholders such as C({{ automation:EXECUTION_ID }}) look like Jinja2.
        Never let Ansible template the document body. Load it as data, for example
        C("{{ lookup('ansible.builtin.file', 'doc.yml') | from_yaml }}"), or mark it C(!unsafe).
      - The content must be a mapping with a C(schemaVersion) key and at most 64 KB once
        serialised in O(document_format).
    type: raw
  document_type:
    description:
      - The type of document. AWS cannot change the type of an existing document; a different
        type fails with a message saying so.
    type: str
    default: Automation
    choices:
      - Automation
      - Automation.ChangeTemplate
      - ApplicationConfiguration
      - ApplicationConfigurationSchema
      - AutoApprovalPolicy
      - ChangeCalendar
      - CloudFormation
      - Command
      - ConformancePackTemplate
      - DeploymentStrategy
      - ManualApprovalPolicy
      - Package
      - Policy
      - ProblemAnalysis
      - ProblemAnalysisTemplate
      - QuickSetup
      - Session
  document_format:
    description:
      - The format used to submit the content to AWS.
      - It does not take part in the comparison, so changing only the format does not create a
        new version.
    type: str
    choices: [JSON, YAML]
    default: JSON
  target_type:
    description:
      - The resource type the document can run on, for example C(/AWS::IAM::User).
      - Leave unset to not manage it.
    type: str
  tags:
    description:
      - Tags for the document. Leave unset to not manage tags other than the ownership tag.
    type: dict
  purge_tags:
    description:
      - Remove tags not listed in O(tags). The ownership tag is never removed.
    type: bool
    default: true
  shared_account_ids:
    description:
      - 12-digit AWS account ids the document is shared with.
      - Leave unset to not manage sharing; V([]) shares the document with nobody.
      - Public sharing (C(all)) is not supported.
    type: list
    elements: str
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The module calls ssm:DescribeDocument, ssm:GetDocument, ssm:ListTagsForResource, ssm:CreateDocument,
    ssm:UpdateDocument, ssm:UpdateDocumentDefaultVersion, ssm:AddTagsToResource, ssm:RemoveTagsFromResource,
    ssm:DeleteDocument, and ssm:DescribeDocumentPermission and ssm:ModifyDocumentPermission for sharing
    (also on delete). Check mode on a document that does not exist yet calls sts:GetCallerIdentity to
    predict the ARN.
  - A document keeps at most 1,000 versions. When that limit is reached the module fails and says
    how to delete old versions.
extends_documentation_fragment:
  - cloudsec.aged_keys.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cloudsec.aged_keys.ownership
"""

EXAMPLES = r"""
- name: Roll out the remediation runbook, loaded as data so Ansible never templates it
  cloudsec.aged_keys.ssm_document:
    name: NotifyAgedAccessKey
    document_type: Automation
    document_format: YAML
    target_type: /AWS::IAM::User
    content: "{{ lookup('ansible.builtin.file', 'notify-aged-access-key.yml') | from_yaml }}"
    tags:
      Purpose: aged-access-keys
  register: runbook

- name: Pin the remediation to the version just rolled out
  ansible.builtin.debug:
    msg: "Use version {{ runbook.document.default_version }} of {{ runbook.document.name }}"

- name: Share the runbook with two accounts and nobody else
  cloudsec.aged_keys.ssm_document:
    name: NotifyAgedAccessKey
    content: "{{ lookup('ansible.builtin.file', 'notify-aged-access-key.yml') | from_yaml }}"
    shared_account_ids:
      - "111122223333"
      - "444455556666"

- name: Delete the runbook
  cloudsec.aged_keys.ssm_document:
    name: NotifyAgedAccessKey
    state: absent
"""

RETURN = r"""
document:
  description: The document after the change (predicted in check mode). Empty when O(state=absent).
  returned: always
  type: complex
  contains:
    name:
      description: Document name.
      type: str
      returned: success
      sample: NotifyAgedAccessKey
    arn:
      description: Document ARN.
      type: str
      returned: success
      sample: arn:aws:ssm:eu-west-1:123456789012:document/NotifyAgedAccessKey
    document_type:
      description: Document type.
      type: str
      returned: success
      sample: Automation
    document_format:
      description: Format the default version was submitted in.
      type: str
      returned: success
      sample: YAML
    target_type:
      description: Resource type the document can run on, when set.
      type: str
      returned: success
      sample: /AWS::IAM::User
    default_version:
      description:
        - The default version, the one compared with O(content). Pin a remediation to it.
        - In check mode, when the content changes and no older version holds it, the number the
          new version will get.
      type: str
      returned: success
      sample: "3"
    latest_version:
      description: The newest version.
      type: str
      returned: success
      sample: "3"
    hash:
      description: SHA-256 of the default version's content as submitted.
      type: str
      returned: success
    status:
      description: Document status, C(Active) once AWS has processed it.
      type: str
      returned: success
      sample: Active
    owner:
      description: Account id that owns the document.
      type: str
      returned: success
      sample: "123456789012"
    content:
      description: Content of the default version, as data.
      type: dict
      returned: success
    tags:
      description: Document tags.
      type: dict
      returned: success
      sample: {"ManagedBy": "cloudsec.aged_keys"}
    shared_account_ids:
      description: Accounts the document is shared with.
      type: list
      elements: str
      returned: when O(shared_account_ids) is set
"""

from copy import deepcopy
from functools import partial

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ssm
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import deployment_id_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import leave_alone
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.results import build_result
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client

DOCUMENT_TYPES = [
    "Automation",
    "Automation.ChangeTemplate",
    "ApplicationConfiguration",
    "ApplicationConfigurationSchema",
    "AutoApprovalPolicy",
    "ChangeCalendar",
    "CloudFormation",
    "Command",
    "ConformancePackTemplate",
    "DeploymentStrategy",
    "ManualApprovalPolicy",
    "Package",
    "Policy",
    "ProblemAnalysis",
    "ProblemAnalysisTemplate",
    "QuickSetup",
    "Session",
]


# ---------------------------------------------------------------- validate


def validate_params(params):
    """Problems with the options, found before any API call; returns (problems, desired content or None)."""
    problems = [ssm.document_name_problem(params["name"]), deployment_id_problem(params.get("deployment_id"))]
    if params["shared_account_ids"]:
        problems.append(ssm.account_ids_problem(params["shared_account_ids"]))
    content = None
    if params["state"] == "present":
        if params["content"] is None:
            problems.append("content is required when state=present.")
        else:
            try:
                content = ssm.parse_document_content(params["content"])
            except ValueError as e:
                problems.append(str(e))
            else:
                problems.append(ssm.content_size_problem(ssm.serialize_content(content, params["document_format"])))
    return [problem for problem in problems if problem], content


# ---------------------------------------------------------------- describe


# ---------------------------------------------------------------- compare


def document_type_problem(document, document_type):
    if document["document_type"] == document_type:
        return None
    return (
        "SSM document '{0}' is of type {1}, not {2}, and AWS cannot change a document's type. "
        "Set document_type: {1}, or delete the document (state=absent) so it can be created again."
    ).format(document["name"], document["document_type"], document_type)


def sharing_changes(current_account_ids, account_ids):
    """(account ids to add, account ids to remove)."""
    current, wanted = set(current_account_ids or []), set(account_ids or [])
    return sorted(wanted - current), sorted(current - wanted)


# ---------------------------------------------------------------- apply


def create_document(client, params, content, account_info, check_mode):
    """Create the document; returns (True, predicted document)."""
    name, document_format = params["name"], params["document_format"]
    text = ssm.serialize_content(content, document_format)
    tags = Ownership.from_params(params).tags_of_new_resource(params["tags"])
    predicted = {
        "name": name,
        "arn": ssm.document_arn(account_info[1], client.meta.region_name, account_info[0], name),
        "document_type": params["document_type"],
        "document_format": document_format,
        "target_type": params["target_type"],
        "default_version": "1",
        "latest_version": "1",
        "hash": ssm.content_hash(text),
        "status": "Active",
        "owner": account_info[0],
        "content": content,
        "tags": tags,
    }
    if params["shared_account_ids"] is not None:
        predicted["shared_account_ids"] = []
    if not check_mode:
        ssm.create_document(client, name, text, params["document_type"], document_format, params["target_type"], tags)
    return True, predicted


def save_content(client, document, content, params):
    """Make content the default version; returns (default version, latest version)."""
    name, target_type = document["name"], params["target_type"]
    new_version = ssm.update_document(client, name, ssm.serialize_content(content, params["document_format"]), params["document_format"], target_type)
    if new_version is not None:
        version, latest = new_version["DocumentVersion"], new_version["DocumentVersion"]
    else:
        version, latest = find_existing_version(client, document, content, target_type), document["latest_version"]
    ssm.set_default_version(client, name, version)
    return version, latest


def find_existing_version(client, document, content, target_type):
    """The older version AWS said holds this content (DuplicateDocumentContent)."""
    version = ssm.find_version_with_content(client, document["name"], content, document["latest_version"], target_type)
    if version is None:
        raise ssm.AnsibleSSMError(
            message=(
                "AWS refused to save the content of SSM document '{0}' as a new version because an existing "
                "version holds the same content, but none of versions 1 to {1} matches it. Re-run the task; "
                "if it fails again, compare the versions with aws ssm get-document."
            ).format(document["name"], document["latest_version"])
        )
    return version


def predict_content_version(client, document, content, params):
    """What saving content will change (default/latest version, hash, format), without changing anything."""
    name, target_type = document["name"], params["target_type"]
    version = ssm.find_version_with_content(client, name, content, document["latest_version"], target_type)
    if version is None:
        new_version = str(int(document["latest_version"]) + 1)
        text = ssm.serialize_content(content, params["document_format"])
        return dict(default_version=new_version, latest_version=new_version, hash=ssm.content_hash(text), document_format=params["document_format"])
    description = ssm.describe_document(client, name, version) or {}
    return dict(default_version=version, hash=description.get("Hash"), document_format=description.get("DocumentFormat"))


def ensure_content(client, document, content, params, check_mode):
    """Make the default version hold content; returns (changed, document)."""
    target_type = params["target_type"]
    if not ssm.content_differs(document, content, target_type):
        return False, document
    updated = deepcopy(document)
    if check_mode:
        updated.update(predict_content_version(client, document, content, params))
    else:
        updated["default_version"], updated["latest_version"] = save_content(client, document, content, params)
    updated["content"] = content
    if target_type is not None:
        updated["target_type"] = target_type
    return True, updated


def ensure_tags(client, document, params, check_mode):
    update_tags = partial(ssm.update_document_tags, client, document["name"])
    return Ownership.from_params(params).ensure_tags(document, params["tags"], params["purge_tags"], update_tags, check_mode)


def ensure_sharing(client, document, account_ids, check_mode):
    if account_ids is None:
        return False, document
    to_add, to_remove = sharing_changes(document.get("shared_account_ids"), account_ids)
    if not to_add and not to_remove:
        return False, document
    if not check_mode:
        ssm.modify_shared_accounts(client, document["name"], to_add, to_remove)
    updated = deepcopy(document)
    updated["shared_account_ids"] = sorted(set(account_ids))
    return True, updated


def ensure_present(client, document, params, content, account_info, check_mode):
    """Returns (changed, document after the change)."""
    if document is None:
        return create_document(client, params, content, account_info, check_mode)
    content_changed, document = ensure_content(client, document, content, params, check_mode)
    tags_changed, document = ensure_tags(client, document, params, check_mode)
    sharing_changed, document = ensure_sharing(client, document, params["shared_account_ids"], check_mode)
    return content_changed or tags_changed or sharing_changed, document


def ensure_absent(client, document, check_mode):
    """Delete the document, unsharing it first as AWS requires; returns changed."""
    if document is None:
        return False
    if not check_mode:
        ssm.modify_shared_accounts(client, document["name"], account_ids_to_remove=ssm.list_shared_account_ids(client, document["name"]))
        ssm.delete_document(client, document["name"])
    return True


def ensure_state(module, client, before, params, content):
    """(changed, after) for the requested state; a document someone else owns is left alone."""
    if leave_alone(module, Ownership.from_params(params).problem("SSM document", before, params["state"])):
        return False, before
    if params["state"] == "absent":
        return ensure_absent(client, before, module.check_mode), None
    problem = before and document_type_problem(before, params["document_type"])
    if problem:
        module.fail_json(msg=problem)
    # Only a document that does not exist yet needs the account id to predict its ARN.
    account_info = get_aws_account_info(module) if before is None and module.check_mode else (None, None)
    return ensure_present(client, before, params, content, account_info, module.check_mode)


# ---------------------------------------------------------------- main


def argument_spec():
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        content=dict(type="raw"),
        document_type=dict(type="str", choices=DOCUMENT_TYPES, default="Automation"),
        document_format=dict(type="str", choices=["JSON", "YAML"], default="JSON"),
        target_type=dict(type="str"),
        tags=dict(type="dict"),
        purge_tags=dict(type="bool", default=True),
        shared_account_ids=dict(type="list", elements="str"),
        **OWNERSHIP_ARGUMENT_SPEC
    )


def main():
    module = AnsibleAWSModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    if params["document_format"] == "YAML" and not ssm.HAS_YAML:
        module.fail_json(msg="document_format=YAML needs PyYAML on the host running the module.")
    problems, content = validate_params(params)
    if problems:
        module.fail_json(msg=" ".join(problems))

    client = aws_client(module, "ssm")
    manage_sharing = params["shared_account_ids"] is not None
    try:
        before = ssm.describe_document_state(client, params["name"], manage_sharing)
        changed, after = ensure_state(module, client, before, params, content)
        if changed and after and not module.check_mode:
            after = ssm.describe_document_state(client, params["name"], manage_sharing)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(**build_result(changed, "document", before, after, module._diff))


if __name__ == "__main__":
    main()
