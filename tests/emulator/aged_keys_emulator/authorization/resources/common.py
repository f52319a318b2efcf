# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a request is (Call) and what it needs (Requirement), with the helpers of the service tables."""

import dataclasses

from moto.utilities.utils import get_partition

from ...automation.access import arn_account, arn_region  # noqa: F401  pylint: disable=unused-import  # re-exported for the tables


@dataclasses.dataclass(frozen=True)
class Call:
    """One AWS API request: the service (IAM prefix), operation, parameters (botocore's shapes), caller."""

    service: str
    operation: str
    params: dict
    account: str
    region: str
    identity: object

    @property
    def partition(self):
        return get_partition(self.region)

    def arn(self, service, resource, region=None, account=None):
        """arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, in the call's region and account unless told."""
        region = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{region}:{self.account if account is None else account}:{resource}"

    def required(self, name):
        """A parameter the operation requires; without it the service answers its own validation error."""
        value = self.params.get(name)
        if value in (None, "", []):
            raise ServiceAnswers(f"the request has no {name}")
        return value


@dataclasses.dataclass(frozen=True)
class Requirement:
    """One authorization: `action` on `resource`, owned by account `owner`.

    `resource_policy`: the resource's policy document, if the resource has one.
    `policy_required`: the resource policy must allow even in the owner's account (KMS key
    policies, role trust policies). `context`: the action's condition keys; `known_keys` names
    them, present or absent (lowercase names, or prefixes ending in "/").
    `error_code` and `message_suffix`: how the service words this denial, when it differs from
    its usual one (SNS's KMSAccessDenied). `failure`: the service fails the request here, in
    this order, whatever the policies say (an encrypted topic's key that does not exist).
    """

    action: str
    resource: str
    owner: str
    resource_policy: object = None
    policy_required: bool = False
    context: dict = dataclasses.field(default_factory=dict)
    known_keys: tuple = ()
    error_code: str = None
    message_suffix: str = ""
    failure: Exception = None


class Unsupported(Exception):
    """An operation whose resources the emulator cannot derive: refused, never allowed unchecked."""

    def __init__(self, service, operation, detail=""):
        self.action = f"{service}:{operation}"
        detail = f" ({detail})" if detail else ""
        super().__init__(
            f"The emulator cannot derive the resources of {self.action}{detail}, so it cannot authorize it for an assumed-role session "
            "and refuses it. The supported operations are listed in tests/emulator/README.md, \"Authorization of assumed-role sessions\"."
        )


class ServiceAnswers(Exception):
    """Nothing to authorize: the request is invalid or names nothing that exists, and the service answers with its own error."""


def need(call, action, resource, owner=None, **kwargs):
    """A Requirement in the call's account unless `owner` says otherwise."""
    return Requirement(action=action, resource=resource, owner=call.account if owner is None else owner, **kwargs)


def anywhere(action):
    """A builder for actions without resource-level permissions: the Service Authorization Reference lists no resource type, "*"."""
    def builder(call):
        return [need(call, action, "*")]

    return builder


def tag_dict(tags):
    """Tags as {key: value} from any of the shapes AWS APIs use."""
    if tags is None:
        return {}
    if isinstance(tags, dict):
        return dict(tags)
    result = {}
    for tag in tags:
        key = tag.get("Key", tag.get("TagKey", tag.get("key")))
        result[key] = tag.get("Value", tag.get("TagValue", tag.get("value", "")))
    return result


def request_tags(tags):
    """(context, known keys) of tags sent with the request: aws:RequestTag/<key> and aws:TagKeys (IAM User Guide,
    "Controlling access during AWS requests"). Without tags both are absent, and known to be."""
    tags = tag_dict(tags)
    context = {f"aws:RequestTag/{key}": value for key, value in tags.items()}
    if tags:
        context["aws:TagKeys"] = list(tags)
    return context, ("aws:requesttag/", "aws:tagkeys")


def removed_tag_keys(keys):
    """(context, known keys) of an untag request: aws:TagKeys."""
    return ({"aws:TagKeys": list(keys)} if keys else {}), ("aws:tagkeys",)


def resource_tags(tags, prefixes=("aws:ResourceTag/",)):
    """(context, known keys) of the resource's tags; None when the emulator does not know them (then not emulated)."""
    if tags is None:
        return {}, ()
    tags = tag_dict(tags)
    context = {f"{prefix}{key}": value for prefix in prefixes for key, value in tags.items()}
    return context, tuple(prefix.lower() for prefix in prefixes)


def merged(*parts):
    """One (context, known keys) of several."""
    context, known = {}, ()
    for part_context, part_known in parts:
        context.update(part_context)
        known += tuple(part_known)
    return {"context": context, "known_keys": known}
