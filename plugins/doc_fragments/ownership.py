# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Ownership tag and adoption, shared by every module that creates resources.
    DOCUMENTATION = r"""
options:
  deployment_id:
    description:
      - The deployment the resource belongs to, stored in the tag C(cloudsec.aged_keys:deployment) next to
        C(ManagedBy=cloudsec.aged_keys), so that two deployments in one account never change or remove each
        other's resources (1 to 128 letters, digits, spaces and C(_.:/=+-@)).
      - A resource with C(ManagedBy=cloudsec.aged_keys) and no deployment tag was created before deployment
        ids existed; it is treated as this deployment's and gets the tag at its next change.
      - Unset, the module manages the resources of any deployment and adds no deployment tag.
    type: str
  adopt:
    description:
      - Take over a same-named resource that is not this deployment's (it lacks C(ManagedBy=cloudsec.aged_keys),
        or its deployment tag names another deployment).
      - When V(false), such a resource is reported and left unchanged; O(state=present) fails
        with a message naming the resource, and O(state=absent) leaves it in place with a warning.
      - Adopting adds the ownership tags and the mark C(cloudsec.aged_keys:adopted=true), so later runs treat
        the resource as owned and cleanup can tell it from what the collection created.
    type: bool
    default: false
  keep_adopted:
    description:
      - With O(state=absent), leave a resource marked C(cloudsec.aged_keys:adopted=true) in place (with a warning),
        because it existed before the collection took it over.
    type: bool
    default: false
notes:
  - Everything the module creates carries the tag C(ManagedBy=cloudsec.aged_keys) (and C(cloudsec.aged_keys:deployment)
    with O(deployment_id)). These tags are added to O(tags) and are never purged.
"""
