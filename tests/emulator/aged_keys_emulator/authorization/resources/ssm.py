# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Systems Manager (Service Authorization Reference, "Actions, resources, and condition keys for AWS Systems Manager").

Resource types: document arn:PARTITION:ssm:REGION:ACCOUNT:document/NAME (a Name given as an
ARN, a shared document, is that ARN), with aws:ResourceTag/KEY; automation-execution
.../automation-execution/ID. Tag operations act on the resource their ResourceType and
ResourceId name; the emulator derives documents only. StartAutomationExecution (resource types
automation-definition, automation-execution and document, plus iam:PassRole for the assume
role) is not derived: the collection's controller never starts an automation, AWS Config does.
"""

from moto.ssm.models import ssm_backends

from .common import Unsupported, anywhere, merged, need, removed_tag_keys, request_tags, resource_tags

SERVICE = "ssm"


def document_requirement(call, action, name, *extra):
    arn = name if name.startswith("arn:") else call.arn("ssm", f"document/{name}")
    tags = None
    if not name.startswith("arn:"):
        # moto keeps document tags by name; a document without tags has none (or no entry).
        tags = dict(ssm_backends[call.account][call.region]._resource_tags.get("Document", {}).get(name, {}))  # pylint: disable=protected-access
    return need(call, action, arn, **merged(resource_tags(tags), *extra))


def on_document(action, parameter="Name", extra=None):
    def builder(call):
        return [document_requirement(call, action, call.required(parameter), *(extra(call) if extra else ()))]

    return builder


def on_tagged_resource(action, extra):
    def builder(call):
        resource_type = call.required("ResourceType")
        if resource_type != "Document":
            raise Unsupported(SERVICE, action.split(":", 1)[1], f"ResourceType {resource_type}: the emulator derives documents only")
        return [document_requirement(call, action, call.required("ResourceId"), *extra(call))]

    return builder


def on_execution(action):
    def builder(call):
        return [need(call, action, call.arn("ssm", f"automation-execution/{call.required('AutomationExecutionId')}"))]

    return builder


DOCUMENT_ACTIONS = (
    "DescribeDocument", "GetDocument", "UpdateDocument", "UpdateDocumentDefaultVersion", "DeleteDocument", "DescribeDocumentPermission",
    "ModifyDocumentPermission",
)

OPERATIONS = {name: on_document(f"ssm:{name}") for name in DOCUMENT_ACTIONS}
OPERATIONS.update({
    "CreateDocument": on_document("ssm:CreateDocument", extra=lambda call: [request_tags(call.params.get("Tags"))]),
    "ListTagsForResource": on_tagged_resource("ssm:ListTagsForResource", lambda call: []),
    "AddTagsToResource": on_tagged_resource("ssm:AddTagsToResource", lambda call: [request_tags(call.params.get("Tags"))]),
    "RemoveTagsFromResource": on_tagged_resource("ssm:RemoveTagsFromResource", lambda call: [removed_tag_keys(call.params.get("TagKeys"))]),
    "DescribeAutomationExecutions": anywhere("ssm:DescribeAutomationExecutions"),
    "GetAutomationExecution": on_execution("ssm:GetAutomationExecution"),
    "DescribeAutomationStepExecutions": on_execution("ssm:DescribeAutomationStepExecutions"),
    "ListDocuments": anywhere("ssm:ListDocuments"),
})
