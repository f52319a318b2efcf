# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ownership tags shared by every resource the collection creates.

A resource belongs to a deployment when it carries OWNER_TAG_KEY=OWNER_TAG_VALUE and
DEPLOYMENT_TAG_KEY=<its deployment id>. A resource with the owner tag and no deployment tag was
created before deployment ids existed: it is taken as the deployment's own, and its next
converge adds the deployment tag. Modules refuse to change or delete anything else (a
same-named resource someone made by hand, or another deployment's) unless the caller adopts
it; an adopted resource also carries ADOPTED_TAG_KEY, so cleanup can leave it in place.
Tag planning lives here too, because every tagged resource must keep these tags; the tagging
calls themselves stay in the service helpers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from copy import deepcopy

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import ADOPTED_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import ADOPTED_TAG_VALUE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import DEPLOYMENT_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import NAME_PATTERNS
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import OWNER_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import OWNER_TAG_VALUE

# The options of every module that manages owned resources (doc fragment cloudsec.aged_keys.ownership).
OWNERSHIP_ARGUMENT_SPEC = dict(
    adopt=dict(type="bool", default=False),
    deployment_id=dict(type="str"),
    keep_adopted=dict(type="bool", default=False),
)


def deployment_id_problem(deployment_id):
    """Why a deployment id cannot be a tag value, or None."""
    if deployment_id is None or re.match(NAME_PATTERNS["deployment_id"], deployment_id):
        return None
    return (
        "deployment_id '{0}' is not valid: use 1 to 128 letters, digits, spaces and the characters _.:/=+-@ "
        "(it is stored as the value of the tag {1})."
    ).format(deployment_id, DEPLOYMENT_TAG_KEY)


def is_adopted(tags):
    """True when a tag dict marks a resource that was taken over with adopt."""
    return (tags or {}).get(ADOPTED_TAG_KEY) == ADOPTED_TAG_VALUE


class Ownership(object):
    """Which resources a module may manage, and the tags that mark them.

    deployment_id None manages the resources of any deployment (the owner tag alone); adopt
    takes over resources that are not the deployment's own; keep_adopted leaves adopted resources
    in place when asked to remove them.
    """

    def __init__(self, deployment_id=None, adopt=False, keep_adopted=False):
        self.deployment_id = deployment_id
        self.adopt = adopt
        self.keep_adopted = keep_adopted

    @classmethod
    def from_params(cls, params):
        return cls(params.get("deployment_id"), params.get("adopt", False), params.get("keep_adopted", False))

    def owns(self, tags):
        """True when a tag dict marks a resource of this deployment (or of none, from before deployment ids)."""
        tags = tags or {}
        if tags.get(OWNER_TAG_KEY) != OWNER_TAG_VALUE:
            return False
        deployment = tags.get(DEPLOYMENT_TAG_KEY)
        return self.deployment_id is None or deployment is None or deployment == self.deployment_id

    def tags_of_new_resource(self, tags):
        """A copy of a tag dict (None meaning no tags) with the ownership tags added.

        Values become strings, as AWS stores and reports them, so predicted tags match described ones.
        """
        result = dict((key, to_text(value)) for key, value in (tags or {}).items())
        result[OWNER_TAG_KEY] = OWNER_TAG_VALUE
        if self.deployment_id is not None:
            result[DEPLOYMENT_TAG_KEY] = self.deployment_id
        return result

    def wanted_tags(self, current_tags, tags):
        """The ownership tags (and `tags`) an existing resource must carry: adopted ones keep, or get, the adopted mark."""
        wanted = self.tags_of_new_resource(tags)
        if is_adopted(current_tags) or not self.owns(current_tags):
            wanted[ADOPTED_TAG_KEY] = ADOPTED_TAG_VALUE
        return wanted

    def not_owned_message(self, kind, name, tags):
        """Message for a same-named resource that this deployment did not create."""
        other_deployment = (tags or {}).get(OWNER_TAG_KEY) == OWNER_TAG_VALUE and (tags or {}).get(DEPLOYMENT_TAG_KEY)
        if other_deployment:
            whose = "belongs to another cloudsec.aged_keys deployment ({key}={value}; this one is '{mine}')".format(
                key=DEPLOYMENT_TAG_KEY, value=other_deployment, mine=self.deployment_id)
        else:
            whose = "is not managed by cloudsec.aged_keys (it lacks the tag {key}={value})".format(key=OWNER_TAG_KEY, value=OWNER_TAG_VALUE)
        return (
            "{kind} '{name}' already exists but {whose}. It was left unchanged. Choose another name, "
            "or take it over: set aged_keys_adopt: true for this account in the inventory "
            "(the module option adopt=true)."
        ).format(kind=kind, name=name, whose=whose)

    def problem(self, kind, resource, state="present"):
        """Why a normalised resource (with "name" and "tags") must be left alone in `state`, else None.

        None when there is no resource, or when it is this deployment's (not adopted and kept) or
        the caller adopts it.
        """
        if resource is None:
            return None
        if state == "absent" and self.keep_adopted and is_adopted(resource["tags"]) and self.owns(resource["tags"]):
            return (
                "{kind} '{name}' was taken over with adopt rather than created by cloudsec.aged_keys: it was left in place. "
                "Set aged_keys_cleanup_adopted: true to remove it too (the module option keep_adopted=false)."
            ).format(kind=kind, name=resource["name"])
        if self.adopt or self.owns(resource["tags"]):
            return None
        return self.not_owned_message(kind, resource["name"], resource["tags"])

    def plan_tags(self, current_tags, tags, purge_tags):
        """(final tags, tags to set, tag keys to unset) to give a resource the wanted tags plus the ownership tags.

        current_tags None means the resource does not exist yet. tags=None means the other tags are
        not managed: only the ownership tags are added. Ownership tags are never purged.
        """
        wanted = self.tags_of_new_resource(tags) if current_tags is None else self.wanted_tags(current_tags, tags)
        current_tags = current_tags or {}
        tags_to_set, tag_keys_to_unset = compare_aws_tags(current_tags, wanted, purge_tags and tags is not None)
        final_tags = dict((key, value) for key, value in current_tags.items() if key not in tag_keys_to_unset)
        final_tags.update(tags_to_set)
        return final_tags, tags_to_set, tag_keys_to_unset

    def ensure_tags(self, resource, tags, purge_tags, update_tags, check_mode):
        """Bring a normalised resource's "tags" to what plan_tags wants; returns (changed, resource as it will be).

        update_tags(tags_to_set, tag_keys_to_unset) makes the service's tagging calls; check mode skips it.
        """
        final_tags, tags_to_set, tag_keys_to_unset = self.plan_tags(resource["tags"] or {}, tags, purge_tags)
        if not tags_to_set and not tag_keys_to_unset:
            return False, resource
        if not check_mode:
            update_tags(tags_to_set, tag_keys_to_unset)
        updated = deepcopy(resource)
        updated["tags"] = final_tags
        return True, updated


def leave_alone(module, problem):
    """Act on an ownership problem (a message, or None when there is none).

    state=present fails with it; state=absent warns and returns True, so the caller leaves the
    resource as it is. Returns False when there is no problem.
    """
    if problem is None:
        return False
    if module.params["state"] == "present":
        module.fail_json(msg=problem)
    module.warn(problem)
    return True
