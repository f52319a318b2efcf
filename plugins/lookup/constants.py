# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: constants
version_added: 0.1.0
short_description: Values the collection's modules and roles share
description:
  - Returns the named values of C(plugins/module_utils/constants.py), the one place that defines what the roles
    validate and the modules enforce - the ownership tag, the AWS Config evaluation frequencies, the remediation
    limits, the regions that record IAM users, the partitions and the name patterns.
  - Lists come back as lists and mappings as dictionaries.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  _terms:
    description: Names of the values, for example C(EVALUATION_FREQUENCIES).
    required: true
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Check a frequency against the ones AWS Config accepts
  ansible.builtin.assert:
    that: frequency in lookup('cloudsec.aged_keys.constants', 'EVALUATION_FREQUENCIES')

- name: The ownership tag of every resource the collection creates
  ansible.builtin.debug:
    msg: "{{ {lookup('cloudsec.aged_keys.constants', 'OWNER_TAG_KEY'): lookup('cloudsec.aged_keys.constants', 'OWNER_TAG_VALUE')} }}"
"""

RETURN = r"""
_raw:
  description: The values, in the order of the names.
  type: list
  elements: raw
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import constants


def value_of(name):
    if name.startswith("_") or name.upper() != name or not hasattr(constants, name):
        known = ", ".join(sorted(key for key in vars(constants) if key.isupper()))
        raise AnsibleLookupError("cloudsec.aged_keys.constants has no value '{0}'; known: {1}".format(name, known))
    value = getattr(constants, name)
    return list(value) if isinstance(value, tuple) else value


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        return [value_of(term) for term in terms]
