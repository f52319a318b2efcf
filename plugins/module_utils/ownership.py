# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ownership tag shared by every resource the collection creates.

A resource is ours when it carries OWNER_TAG_KEY=OWNER_TAG_VALUE. Modules refuse
to change or delete a same-named resource without it unless the caller adopts it.
Tag planning lives here too, because every tagged resource must keep that tag; the
tagging calls themselves stay in the service helpers.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from copy import deepcopy

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import OWNER_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import OWNER_TAG_VALUE


def is_owned(tags):
    """True when a tag dict carries the ownership tag."""
    return (tags or {}).get(OWNER_TAG_KEY) == OWNER_TAG_VALUE


def with_owner_tag(tags):
    """Return a copy of a tag dict (None meaning no tags) with the ownership tag added.

    Values become strings, as AWS stores and reports them, so predicted tags match described ones.
    """
    result = dict((key, to_text(value)) for key, value in (tags or {}).items())
    result[OWNER_TAG_KEY] = OWNER_TAG_VALUE
    return result


def not_owned_message(kind, name):
    """Message for a same-named resource that someone else created."""
    return (
        "{kind} '{name}' already exists but is not managed by cloudsec.aged_keys "
        "(it lacks the tag {key}={value}). It was left unchanged. Choose another name, "
        "or take it over: set aged_keys_adopt: true for this account in the inventory "
        "(the module option adopt=true)."
    ).format(kind=kind, name=name, key=OWNER_TAG_KEY, value=OWNER_TAG_VALUE)


def ownership_problem(kind, resource, adopt):
    """not_owned_message for a normalised resource (with "name" and "tags") that must be left alone, else None.

    None when there is no resource, when it carries the ownership tag, or when the caller adopts it.
    """
    if resource is None or adopt or is_owned(resource["tags"]):
        return None
    return not_owned_message(kind, resource["name"])


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


def plan_owned_tags(current_tags, tags, purge_tags):
    """(final tags, tags to set, tag keys to unset) to give a resource the wanted tags plus the ownership tag.

    tags=None means the other tags are not managed: only the ownership tag is added. The
    ownership tag is always wanted, so it is never purged.
    """
    current_tags = current_tags or {}
    tags_to_set, tag_keys_to_unset = compare_aws_tags(current_tags, with_owner_tag(tags), purge_tags and tags is not None)
    final_tags = dict((key, value) for key, value in current_tags.items() if key not in tag_keys_to_unset)
    final_tags.update(tags_to_set)
    return final_tags, tags_to_set, tag_keys_to_unset


def ensure_owned_tags(resource, tags, purge_tags, update_tags, check_mode):
    """Bring a normalised resource's "tags" to what plan_owned_tags wants; returns (changed, resource as it will be).

    update_tags(tags_to_set, tag_keys_to_unset) makes the service's tagging calls; check mode skips it.
    """
    final_tags, tags_to_set, tag_keys_to_unset = plan_owned_tags(resource["tags"], tags, purge_tags)
    if not tags_to_set and not tag_keys_to_unset:
        return False, resource
    if not check_mode:
        update_tags(tags_to_set, tag_keys_to_unset)
    updated = deepcopy(resource)
    updated["tags"] = final_tags
    return True, updated
