# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
from ansible.errors import AnsibleLookupError

from ansible_collections.cloudsec.aged_keys.plugins.lookup import constants as lookup
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import constants


def test_values_come_back_as_plain_lists_and_dicts():
    assert lookup.value_of("EVALUATION_FREQUENCIES") == list(constants.EVALUATION_FREQUENCIES)
    assert lookup.value_of("OWNER_TAG_KEY") == "ManagedBy"
    assert lookup.value_of("NAME_PATTERNS")["topic_name"] == constants.NAME_PATTERNS["topic_name"]


@pytest.mark.parametrize("name", ["NOPE", "re", "__name__", "owner_tag_key"])
def test_unknown_names_are_refused_naming_the_known_ones(name):
    known = "ADOPTED_TAG_KEY, ADOPTED_TAG_VALUE, AUDITOR_ROLE_NAME, AWS_RETRIES, DEPLOYER_ROLE_NAME, DEPLOYMENT_ID_FORMAT"
    with pytest.raises(AnsibleLookupError, match="has no value .*; known: " + known):
        lookup.value_of(name)


@pytest.mark.parametrize("kind, good, bad", [
    ("topic_name", ["cloudsec-aged-keys-notifications", "a_b"], ["", "aged.keys", "x.fifo", "a" * 257]),
    ("kms_alias", ["cloudsec-aged-keys", "team/aged-keys"], ["aws/aged-keys", "alias name"]),
    ("document_name", ["cloudsec-aged-keys-notify", "abc"], ["ab", "a b", "x" * 129]),
    ("config_rule_name", ["cloudsec-aged-keys-access-keys-rotated"], ["aged keys", ""]),
    ("role_name_prefix", ["cloudsec-aged-keys-remediation", "a+b=c,d.e@f"], ["x" * 49, "a/b"]),
])
def test_name_patterns(kind, good, bad):
    pattern = re.compile(constants.NAME_PATTERNS[kind])
    assert all(pattern.match(name) for name in good)
    assert not any(pattern.match(name) for name in bad)
