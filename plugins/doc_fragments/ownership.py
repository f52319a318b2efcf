# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Ownership tag and adoption, shared by every module that creates resources.
    DOCUMENTATION = r"""
options:
  adopt:
    description:
      - Take over a same-named resource that exists without the ownership tag
        C(ManagedBy=cloudsec.aged_keys).
      - When V(false), such a resource is reported and left unchanged; O(state=present) fails
        with a message naming the resource, and O(state=absent) leaves it in place with a warning.
      - Adopting adds the ownership tag, so later runs and cleanup treat the resource as owned.
    type: bool
    default: false
notes:
  - Everything the module creates carries the tag C(ManagedBy=cloudsec.aged_keys). The tag is
    added to O(tags) and is never purged.
"""
