# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS KMS (Service Authorization Reference, "Actions, resources, and condition keys for AWS Key Management Service").

Resource types: key arn:PARTITION:kms:REGION:ACCOUNT:key/KEY_ID, alias .../alias/NAME. A key's
policy is always required ("Key policies in AWS KMS"; a statement naming the account delegates
to IAM policies). A KeyId may be a key id, key ARN, alias name or alias ARN; aliases resolve
in the request's account and region. Every KMS action has kms:CallerAccount; direct calls have
no kms:ViaService (known to be absent).

- CreateKey: "*"; with Tags also kms:TagResource, in an IAM policy that covers every key of
  the account and region ("Controlling access to tags": "To add tags while creating a KMS key,
  the principal must have permission in an IAM policy that isn't restricted to particular KMS
  keys"): the resource is arn:...:key/*.
- CreateAlias, DeleteAlias: the alias (IAM policy) and its key (key policy); UpdateAlias: the
  alias, the current key and the new key (AWS KMS API Reference, these actions, "Required permissions").
- A key that does not exist cannot be authorized against: KMS answers NotFoundException.
"""

from moto.kms.models import kms_backends

from ...automation.access import find_key
from .common import ServiceAnswers, merged, need, removed_tag_keys, request_tags, resource_tags

SERVICE = "kms"
CALLER = ("kms:calleraccount", "kms:viaservice")


def caller_keys(call):
    return {"kms:CallerAccount": call.account}, CALLER


def key_requirement(call, action, key_reference, *extra):
    key, key_arn = find_key(key_reference, call.account, call.region)
    if key is None:
        raise ServiceAnswers(f"KMS key {key_reference} does not exist")
    tags = kms_backends[key.account_id][key.region].tagger.get_tag_dict_for_resource(key.id)
    return need(call, action, key_arn, owner=key.account_id, resource_policy=key.policy, policy_required=True,
                **merged(caller_keys(call), resource_tags(tags), *extra))


def on_key(action, extra=None):
    def builder(call):
        return [key_requirement(call, action, call.required("KeyId"), *(extra(call) if extra else ()))]

    return builder


def alias_arn(call, alias_name):
    return alias_name if alias_name.startswith("arn:") else call.arn("kms", alias_name)


def create_key(call):
    params = call.params
    keys = {
        "kms:KeySpec": params.get("KeySpec") or params.get("CustomerMasterKeySpec") or "SYMMETRIC_DEFAULT",
        "kms:KeyUsage": params.get("KeyUsage") or "ENCRYPT_DECRYPT",
        "kms:KeyOrigin": params.get("Origin") or "AWS_KMS",
        "kms:MultiRegion": "true" if params.get("MultiRegion") else "false",
        "kms:BypassPolicyLockoutSafetyCheck": "true" if params.get("BypassPolicyLockoutSafetyCheck") else "false",
    }
    known = tuple(key.lower() for key in keys)
    tags = request_tags(params.get("Tags"))
    requirements = [need(call, "kms:CreateKey", "*", **merged(caller_keys(call), (keys, known), tags))]
    if params.get("Tags"):
        requirements.append(need(call, "kms:TagResource", call.arn("kms", "key/*"), **merged(caller_keys(call), tags)))
    return requirements


def create_alias(call):
    alias = call.required("AliasName")
    return [need(call, "kms:CreateAlias", alias_arn(call, alias), **merged(caller_keys(call))),
            key_requirement(call, "kms:CreateAlias", call.required("TargetKeyId"))]


def current_target(call, alias):
    name = alias.split(":", 5)[-1] if alias.startswith("arn:") else alias
    for key in list(kms_backends[call.account][call.region].keys.values()):
        if name in key.aliases:
            return key.id
    raise ServiceAnswers(f"alias {alias} does not exist")


def update_alias(call):
    alias = call.required("AliasName")
    return [need(call, "kms:UpdateAlias", alias_arn(call, alias), **merged(caller_keys(call))),
            key_requirement(call, "kms:UpdateAlias", current_target(call, alias)),
            key_requirement(call, "kms:UpdateAlias", call.required("TargetKeyId"))]


def delete_alias(call):
    alias = call.required("AliasName")
    return [need(call, "kms:DeleteAlias", alias_arn(call, alias), **merged(caller_keys(call))),
            key_requirement(call, "kms:DeleteAlias", current_target(call, alias))]


def anywhere_with_caller(action):
    def builder(call):
        return [need(call, action, "*", **merged(caller_keys(call)))]

    return builder


def bypass_key(call):
    return [({"kms:BypassPolicyLockoutSafetyCheck": "true" if call.params.get("BypassPolicyLockoutSafetyCheck") else "false"},
             ("kms:bypasspolicylockoutsafetycheck",))]


def pending_window_key(call):
    days = call.params.get("PendingWindowInDays") or 30
    return [({"kms:ScheduleKeyDeletionPendingWindowInDays": str(days)}, ("kms:schedulekeydeletionpendingwindowindays",))]


KEY_ACTIONS = (
    "DescribeKey", "GetKeyPolicy", "ListKeyPolicies", "GetKeyRotationStatus", "EnableKeyRotation", "DisableKeyRotation",
    "ListResourceTags", "UpdateKeyDescription", "EnableKey", "DisableKey", "CancelKeyDeletion", "ListGrants",
)

OPERATIONS = {name: on_key(f"kms:{name}") for name in KEY_ACTIONS}
OPERATIONS.update({
    "CreateKey": create_key,
    "PutKeyPolicy": on_key("kms:PutKeyPolicy", bypass_key),
    "ScheduleKeyDeletion": on_key("kms:ScheduleKeyDeletion", pending_window_key),
    "TagResource": on_key("kms:TagResource", lambda call: [request_tags(call.params.get("Tags"))]),
    "UntagResource": on_key("kms:UntagResource", lambda call: [removed_tag_keys(call.params.get("TagKeys"))]),
    "ListAliases": anywhere_with_caller("kms:ListAliases"),
    "ListKeys": anywhere_with_caller("kms:ListKeys"),
    "CreateAlias": create_alias,
    "UpdateAlias": update_alias,
    "DeleteAlias": delete_alias,
})
