# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import ownership
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import FailJson, module_mock

OWNER_TAGS = {ownership.OWNER_TAG_KEY: ownership.OWNER_TAG_VALUE}


def test_is_owned():
    assert ownership.is_owned(dict(OWNER_TAGS, team="x")) is True
    assert ownership.is_owned({ownership.OWNER_TAG_KEY: "someone-else"}) is False
    assert ownership.is_owned(None) is False


def test_with_owner_tag_copies_and_stringifies():
    tags = {"count": 1}
    assert ownership.with_owner_tag(tags) == dict(OWNER_TAGS, count="1")
    assert tags == {"count": 1}
    assert ownership.with_owner_tag(None) == OWNER_TAGS


@pytest.mark.parametrize(
    "current_tags, tags, purge_tags, expected_final, expected_set, expected_unset",
    [
        # Unmanaged tags (None) only add the ownership tag, whatever purge_tags says.
        ({}, None, True, OWNER_TAGS, OWNER_TAGS, []),
        (None, None, True, OWNER_TAGS, OWNER_TAGS, []),
        ({"Old": "x"}, None, True, dict(OWNER_TAGS, Old="x"), OWNER_TAGS, []),
        (dict(OWNER_TAGS, Old="x"), None, True, dict(OWNER_TAGS, Old="x"), {}, []),
        # Purging never removes the ownership tag, nor tags reserved by AWS.
        (dict(OWNER_TAGS, Old="x"), {}, True, OWNER_TAGS, {}, ["Old"]),
        (dict(OWNER_TAGS, Old="x"), {"Team": "sec"}, True, dict(OWNER_TAGS, Team="sec"), {"Team": "sec"}, ["Old"]),
        (dict(OWNER_TAGS, Old="x"), {"Team": "sec"}, False, dict(OWNER_TAGS, Old="x", Team="sec"), {"Team": "sec"}, []),
        (dict(OWNER_TAGS, **{"aws:managed": "y"}), {}, True, dict(OWNER_TAGS, **{"aws:managed": "y"}), {}, []),
        # Values are compared and predicted as the strings AWS stores.
        (dict(OWNER_TAGS, other="x"), {"new": 1}, False, dict(OWNER_TAGS, other="x", new="1"), {"new": "1"}, []),
        (dict(OWNER_TAGS, new="1"), {"new": 1}, True, dict(OWNER_TAGS, new="1"), {}, []),
    ],
)
def test_plan_owned_tags(current_tags, tags, purge_tags, expected_final, expected_set, expected_unset):
    final, to_set, to_unset = ownership.plan_owned_tags(current_tags, tags, purge_tags)
    assert final == expected_final
    assert to_set == expected_set
    assert to_unset == expected_unset


def test_ensure_owned_tags_unchanged_makes_no_call():
    resource = {"name": "r", "tags": dict(OWNER_TAGS)}
    update_tags = MagicMock()
    assert ownership.ensure_owned_tags(resource, None, True, update_tags, check_mode=False) == (False, resource)
    update_tags.assert_not_called()


@pytest.mark.parametrize("check_mode", [True, False])
def test_ensure_owned_tags_predicts_and_applies_outside_check_mode(check_mode):
    resource = {"name": "r", "tags": {"Old": "x"}}
    update_tags = MagicMock()
    changed, updated = ownership.ensure_owned_tags(resource, {"New": "y"}, True, update_tags, check_mode)
    assert changed is True
    assert updated == {"name": "r", "tags": dict(OWNER_TAGS, New="y")}
    assert resource["tags"] == {"Old": "x"}
    if check_mode:
        update_tags.assert_not_called()
    else:
        update_tags.assert_called_once_with(dict(OWNER_TAGS, New="y"), ["Old"])


def test_ownership_problem():
    resource = {"name": "t", "tags": dict(OWNER_TAGS)}
    assert ownership.ownership_problem("SNS topic", None, adopt=False) is None
    assert ownership.ownership_problem("SNS topic", resource, adopt=False) is None
    unowned = {"name": "t", "tags": {}}
    assert ownership.ownership_problem("SNS topic", unowned, adopt=True) is None
    assert ownership.ownership_problem("SNS topic", unowned, adopt=False) == ownership.not_owned_message("SNS topic", "t")


def test_not_owned_message_says_how_to_adopt():
    message = ownership.not_owned_message("SNS topic", "t")
    assert "SNS topic 't'" in message and "aged_keys_adopt: true" in message and "adopt=true" in message


def test_leave_alone_fails_present_warns_absent_and_passes_no_problem():
    present = module_mock({"state": "present"})
    with pytest.raises(FailJson):
        ownership.leave_alone(present, "not ours")
    assert present.fail_json.call_args.kwargs["msg"] == "not ours"

    absent = module_mock({"state": "absent"})
    assert ownership.leave_alone(absent, "not ours") is True
    absent.warn.assert_called_once_with("not ours")

    assert ownership.leave_alone(module_mock({"state": "present"}), None) is False
