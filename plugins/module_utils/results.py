# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The result every resource module of the collection returns."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def build_result(changed, resource_key, before, after, with_diff):
    """Module result with the resource and, when asked for, its before/after diff ({} for an absent resource)."""
    result = {"changed": changed, resource_key: after or {}}
    if with_diff:
        result["diff"] = {"before": before or {}, "after": after or {}}
    return result
