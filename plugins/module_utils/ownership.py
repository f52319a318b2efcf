# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ownership tag shared by every resource the collection creates.

A resource is ours when it carries OWNER_TAG_KEY=OWNER_TAG_VALUE. Modules refuse
to change or delete a same-named resource without it unless the caller adopts it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

OWNER_TAG_KEY = "ManagedBy"
OWNER_TAG_VALUE = "cloudsec.aged_keys"


def is_owned(tags):
    """True when a tag dict carries the ownership tag."""
    return (tags or {}).get(OWNER_TAG_KEY) == OWNER_TAG_VALUE


def with_owner_tag(tags):
    """Return a copy of a tag dict (None meaning no tags) with the ownership tag added."""
    result = dict(tags or {})
    result[OWNER_TAG_KEY] = OWNER_TAG_VALUE
    return result


def not_owned_message(kind, name):
    """Message for a same-named resource that someone else created."""
    return (
        "{kind} '{name}' already exists but is not managed by cloudsec.aged_keys "
        "(it lacks the tag {key}={value}). It was left unchanged. Choose another name, "
        "or set adopt=true to take it over."
    ).format(kind=kind, name=name, key=OWNER_TAG_KEY, value=OWNER_TAG_VALUE)
