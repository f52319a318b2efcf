# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.results import build_result


@pytest.mark.parametrize("with_diff", [True, False])
def test_build_result(with_diff):
    result = build_result(True, "thing", None, {"a": 1}, with_diff)
    assert result["changed"] is True
    assert result["thing"] == {"a": 1}
    assert ("diff" in result) is with_diff
    if with_diff:
        assert result["diff"] == {"before": {}, "after": {"a": 1}}


def test_absent_resource_is_an_empty_dict():
    assert build_result(True, "thing", {"a": 1}, None, True) == {"changed": True, "thing": {}, "diff": {"before": {"a": 1}, "after": {}}}
