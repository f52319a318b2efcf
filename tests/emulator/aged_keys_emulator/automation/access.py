# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Least privilege for the AWS calls of a step: identity policies, resource policies, KMS.

IAM User Guide, "Policy evaluation logic" and "Cross-account policy evaluation logic":
an explicit deny anywhere wins; within one account an Allow in the identity-based OR the
resource-based policy is enough; across accounts both must allow. KMS key policies are
always required ("Key policies in AWS KMS": a key policy statement naming the account
delegates to IAM policies). SNS encrypts with the topic's key on the publisher's behalf
(Amazon SNS Developer Guide, "Encryption at rest": publishers need kms:GenerateDataKey*
and kms:Decrypt, and the call comes with kms:ViaService sns.<region>.amazonaws.com).

Each request is checked before it is sent. A call whose resource the emulator cannot
derive is refused with a message listing what is supported: it is never waved through.
Denials are the error each service returns (SNS AuthorizationError, AWS Config
AccessDeniedException, ...), worded as AWS words them: "User: <arn> is not authorized to
perform: <action> on resource: <arn> because no identity-based policy allows the
<action> action".
"""

import functools

from botocore.exceptions import ClientError
from moto.config.models import config_backends
from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.organizations.models import organizations_backends
from moto.sns.models import sns_backends
from moto.utilities.utils import get_partition

from .. import iam_access_keys
from ..organizations import management_backend
from . import policy

ERROR_CODES = {"sns": "AuthorizationError", "sts": "AccessDenied", "iam": "AccessDenied", "sqs": "AccessDenied", "s3": "AccessDenied"}
DEFAULT_ERROR_CODE = "AccessDeniedException"
# How the service prints its action in the message (SNS prints the prefix in capitals).
ACTION_PREFIXES = {"sns": "SNS"}
# Amazon S3 User Guide, "Troubleshoot access denied (403 Forbidden) errors": S3 quotes the resource ARN.
QUOTED_RESOURCE_SERVICES = {"s3"}
# STS API Reference, GetCallerIdentity: "No permissions are required to perform this operation."
NO_PERMISSION_NEEDED = {("sts", "GetCallerIdentity")}
SNS_ENCRYPTION_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


class UnsupportedAuthorization(ClientError):
    """A call the emulator cannot authorize (its resource is not derived): refused, not allowed."""

    def __init__(self, service, api):
        supported = ", ".join(f"{svc}:{name}" for svc, name in sorted(RESOURCE_BUILDERS))
        message = f"The emulator cannot derive the resource of {service}:{api}, so it cannot check permissions for it. Supported: {supported}."
        super().__init__({"Error": {"Code": "UnsupportedOperation", "Message": message}}, api)


def authorize(identity, service, api, params, region):
    """Raise a ClientError like the service's when `identity` may not make this call."""
    if (service, api) in NO_PERMISSION_NEEDED:
        return
    builder = RESOURCE_BUILDERS.get((service, api))
    if builder is None:
        raise UnsupportedAuthorization(service, api)
    resource, owner = builder(params, identity, region)
    action = f"{service}:{api}"
    resource_policy = SERVICE_RESOURCE_POLICIES.get(service, lambda *_: None)(resource, region)
    denial = check(identity, action, resource, owner, resource_policy)
    if denial:
        message = denial_message(identity, service, action, resource, denial)
        raise ClientError({"Error": {"Code": ERROR_CODES.get(service, DEFAULT_ERROR_CODE), "Message": message}}, api)
    if (service, api) == ("sns", "Publish"):
        authorize_topic_encryption(identity, resource, api)


def check(identity, action, resource, owner, resource_policy=None, extra_context=None, key_policy=False, known_keys=()):
    """None when allowed, else (reason, notes) as AWS words the reason.

    `key_policy`: the resource policy is always required (KMS key policies, role trust policies).
    `known_keys`: condition keys the caller supplied in `extra_context`, or knows to be absent.
    """
    context = request_context(identity, extra_context)
    request = policy.Request(action=action, resource=resource, principal=identity.principal, context=context, known_keys=tuple(known_keys))
    policies, boundary = identity_based_decisions(identity, request)
    resource_decision = policy.evaluate(resource_policy, request, resource_policy=True) if resource_policy else None
    notes = policies.notes + (boundary.notes if boundary else []) + (resource_decision.notes if resource_decision else [])
    if policies.deny:
        return "with an explicit deny in an identity-based policy", notes
    if boundary and boundary.deny:
        return "with an explicit deny in a permissions boundary", notes
    if resource_decision and resource_decision.deny:
        return "with an explicit deny in a resource-based policy", notes
    identity_denial = identity_denial_reason(action, policies, boundary)
    same_account = identity.account == owner
    if key_policy or (resource_decision and not same_account):
        if not (resource_decision and resource_decision.allow):
            return f"because no resource-based policy allows the {action} action", notes
        if same_account and not resource_decision.account_only:
            return None
        return None if identity_denial is None else (identity_denial, notes)
    if identity_denial is None or (resource_decision and resource_decision.allow and not resource_decision.account_only):
        return None
    return identity_denial, notes


def identity_denial_reason(action, policies, boundary):
    """None when the identity side allows (IAM User Guide, "Permissions boundaries": both must allow)."""
    if not policies.allow:
        return f"because no identity-based policy allows the {action} action"
    if boundary is not None and not boundary.allow:
        return f"because no permissions boundary allows the {action} action"
    return None


def identity_based_decisions(identity, request):
    """(identity policies combined, permissions boundary or None); unrestricted principals allow."""
    if identity.role is None:
        return policy.Decision(allow=True), None
    combined = policy.Decision()
    for document in identity.identity_policies():
        decision = policy.evaluate(document, request)
        combined.allow = combined.allow or decision.allow
        combined.deny = combined.deny or decision.deny
        combined.notes.extend(decision.notes)
    boundary = identity.permissions_boundary()
    return combined, (policy.evaluate(boundary, request) if boundary is not None else None)


def request_context(identity, extra_context):
    """The global condition keys of a request made by Automation (always over TLS)."""
    principal = identity.principal
    context = {
        "aws:PrincipalArn": principal.principal_arn,
        "aws:PrincipalAccount": principal.account,
        "aws:SecureTransport": "true",
        "aws:PrincipalType": "AssumedRole" if ":assumed-role/" in principal.arn else "Account",
    }
    org_id = organization_id(principal.account)
    if org_id:
        context["aws:PrincipalOrgID"] = org_id
    context.update(extra_context or {})
    return context


def organization_id(account):
    """The AWS Organizations id of `account` in moto's Organizations backends, if any."""
    # A management account is not in moto's member map: its own backend holds the organization.
    backend = management_backend(account) or organizations_backends[account]["aws"]
    return backend.org.id if backend.org else None


def denial_message(identity, service, action, resource, denial):
    reason, notes = denial
    prefix, name = action.split(":", 1)
    shown = f"{ACTION_PREFIXES.get(service, prefix)}:{name}"
    reason = reason.replace(action, shown)
    shown_resource = f'"{resource}"' if service in QUOTED_RESOURCE_SERVICES else resource
    on_resource = "" if resource == "*" else f" on resource: {shown_resource}"
    detail = f" (not evaluated by the emulator: {'; '.join(notes)})" if notes else ""
    return f"User: {identity.principal.arn} is not authorized to perform: {shown}{on_resource} {reason}{detail}"


# --- Resources of the supported calls ----------------------------------------------------------

def any_resource(_params, identity, _region):
    # Service Authorization Reference: these actions have no resource-level permissions.
    return "*", identity.account


def topic_resource(params, _identity, _region):
    topic_arn = params.get("TopicArn") or params.get("TargetArn")
    if not topic_arn:
        raise UnsupportedAuthorization("sns", "Publish (to a phone number)")
    return topic_arn, arn_account(topic_arn)


def user_resource(params, identity, region, api="GetUser"):
    """The user ARN with the user's path (Service Authorization Reference, IAM: user resource type).

    A user that does not exist has no path: AWS authorizes user/NAME, then answers NoSuchEntity.
    """
    if "UserName" not in params:
        if ":assumed-role/" in identity.principal.arn:
            # Without UserName IAM takes the caller's own user, which a role session is not.
            raise ClientError({"Error": {"Code": "ValidationError", "Message": "Must specify userName when calling with non-User credentials"}}, api)
        raise UnsupportedAuthorization("iam", f"{api} (without UserName)")
    user = iam_backend(identity, region).users.get(params["UserName"])
    path = user.path if user else "/"
    return f"arn:{get_partition(region)}:iam::{identity.account}:user{path}{params['UserName']}", identity.account


def access_key_owner_resource(params, identity, region):
    """Service Authorization Reference, IAM: GetAccessKeyLastUsed acts on the user that owns the key."""
    owner = iam_access_keys.access_key_owner(iam_backend(identity, region), params.get("AccessKeyId"))
    if owner is None:
        message = iam_access_keys.key_not_attributable(identity.principal.arn, params.get("AccessKeyId")).message
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": message}}, "GetAccessKeyLastUsed")
    return user_resource({"UserName": owner.name}, identity, region)


def iam_backend(identity, region):
    return iam_backends[identity.account][get_partition(region)]


def automation_definition_resource(params, identity, region):
    # Service Authorization Reference, Systems Manager: automation-definition/<name>:<version>.
    version = params.get("DocumentVersion") or "$DEFAULT"
    return f"arn:{get_partition(region)}:ssm:{region}:{identity.account}:automation-definition/{params.get('DocumentName')}:{version}", identity.account


def config_rule_resource(params, identity, region):
    """Service Authorization Reference, AWS Config: PutRemediationExceptions acts on the ConfigRule
    resource, arn:<partition>:config:<region>:<account>:config-rule/<rule id> (an id, not the name).

    A rule that does not exist has no id: the name stands in, and AWS Config then answers
    NoSuchConfigRuleException to a caller allowed on every rule.
    """
    name = params.get("ConfigRuleName")
    rule = config_backends[identity.account][region].config_rules.get(name)
    rule_id = rule.config_rule_id if rule else name
    return f"arn:{get_partition(region)}:config:{region}:{identity.account}:config-rule/{rule_id}", identity.account


RESOURCE_BUILDERS = {
    ("config", "ListDiscoveredResources"): any_resource,
    ("sns", "Publish"): topic_resource,
    ("sns", "GetTopicAttributes"): topic_resource,
    ("sns", "ListTopics"): any_resource,
    ("iam", "ListUsers"): any_resource,
    ("iam", "GetUser"): user_resource,
    ("iam", "ListAccessKeys"): functools.partial(user_resource, api="ListAccessKeys"),
    ("iam", "ListUserTags"): functools.partial(user_resource, api="ListUserTags"),
    ("iam", "UpdateAccessKey"): functools.partial(user_resource, api="UpdateAccessKey"),
    ("iam", "GetAccessKeyLastUsed"): access_key_owner_resource,
    ("ssm", "StartAutomationExecution"): automation_definition_resource,
    ("config", "PutRemediationExceptions"): config_rule_resource,
}


def arn_account(arn):
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 else ""


def arn_region(arn):
    parts = arn.split(":")
    return parts[3] if len(parts) > 5 else ""


# --- SNS topics and their keys -------------------------------------------------------------------

def find_topic(topic_arn):
    if not arn_account(topic_arn):
        return None
    return sns_backends[arn_account(topic_arn)][arn_region(topic_arn)].topics.get(topic_arn)


def topic_policy(resource, _region):
    topic = find_topic(resource) if resource != "*" else None
    return topic.policy if topic else None


SERVICE_RESOURCE_POLICIES = {"sns": topic_policy}


def authorize_topic_encryption(identity, topic_arn, api):
    """The KMS calls SNS makes for the publisher on an encrypted topic."""
    topic = find_topic(topic_arn)
    if topic is None or not topic.kms_master_key_id:
        return
    key, key_arn = find_key(topic.kms_master_key_id, arn_account(topic_arn), arn_region(topic_arn))
    if key is None:
        raise ClientError({"Error": {"Code": "KMSNotFound", "Message": f"Invalid keyId {topic.kms_master_key_id}"}}, api)
    if key.key_state != "Enabled":
        raise ClientError({"Error": {"Code": "KMSDisabled", "Message": f"{key_arn} is {key.key_state.lower()}."}}, api)
    via_service = {"kms:ViaService": f"sns.{arn_region(topic_arn)}.amazonaws.com", "kms:CallerAccount": identity.account}
    for action in SNS_ENCRYPTION_ACTIONS:
        denial = check(identity, action, key_arn, arn_account(key_arn), key.policy, via_service, key_policy=True)
        if denial:
            message = denial_message(identity, "kms", action, key_arn, denial)
            # SNS wraps KMS's answer (SNS API Reference, Publish, KMSAccessDenied).
            message += " (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)"
            raise ClientError({"Error": {"Code": "KMSAccessDenied", "Message": message}}, api)


def find_key(key_reference, account, region):
    """(Key, key ARN) for a key id, key ARN, alias name or alias ARN, or (None, reference)."""
    if key_reference.startswith("arn:"):
        account, region = arn_account(key_reference), arn_region(key_reference)
    backend = kms_backends[account][region]
    try:
        key_id = backend.any_id_to_key_id(key_reference)
    except (KeyError, AttributeError, TypeError):
        return None, key_reference
    key = backend.keys.get(key_id)
    return (key, key.arn) if key else (None, key_reference)
