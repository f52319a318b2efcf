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
MINE = "111111111111:eu-west-1:topic"
DEPLOYMENT_TAGS = dict(OWNER_TAGS, **{ownership.DEPLOYMENT_TAG_KEY: MINE})
OTHER_DEPLOYMENT_TAGS = dict(OWNER_TAGS, **{ownership.DEPLOYMENT_TAG_KEY: "222222222222:eu-west-1:topic"})
ADOPTED = {ownership.ADOPTED_TAG_KEY: ownership.ADOPTED_TAG_VALUE}
ANY_DEPLOYMENT = ownership.Ownership()
THIS_DEPLOYMENT = ownership.Ownership(MINE)


def test_without_a_deployment_id_the_owner_tag_alone_marks_ours():
    assert ANY_DEPLOYMENT.owns(dict(OWNER_TAGS, team="x")) is True
    assert ANY_DEPLOYMENT.owns(OTHER_DEPLOYMENT_TAGS) is True
    assert ANY_DEPLOYMENT.owns({ownership.OWNER_TAG_KEY: "someone-else"}) is False
    assert ANY_DEPLOYMENT.owns(None) is False


def test_with_a_deployment_id_only_its_resources_and_those_from_before_deployment_ids_are_ours():
    assert THIS_DEPLOYMENT.owns(DEPLOYMENT_TAGS) is True
    assert THIS_DEPLOYMENT.owns(OWNER_TAGS) is True
    assert THIS_DEPLOYMENT.owns(OTHER_DEPLOYMENT_TAGS) is False
    assert THIS_DEPLOYMENT.owns({ownership.DEPLOYMENT_TAG_KEY: MINE}) is False


def test_tags_of_new_resource_copies_and_stringifies():
    tags = {"count": 1}
    assert ANY_DEPLOYMENT.tags_of_new_resource(tags) == dict(OWNER_TAGS, count="1")
    assert tags == {"count": 1}
    assert ANY_DEPLOYMENT.tags_of_new_resource(None) == OWNER_TAGS
    assert THIS_DEPLOYMENT.tags_of_new_resource(None) == DEPLOYMENT_TAGS


@pytest.mark.parametrize(
    "current_tags, tags, purge_tags, expected_final, expected_set, expected_unset",
    [
        # A new resource (no current tags) gets the ownership tag; unmanaged tags (None) only add it.
        (None, None, True, OWNER_TAGS, OWNER_TAGS, []),
        (dict(OWNER_TAGS, Old="x"), None, True, dict(OWNER_TAGS, Old="x"), {}, []),
        # Purging never removes the ownership tag, nor tags reserved by AWS.
        (dict(OWNER_TAGS, Old="x"), {}, True, OWNER_TAGS, {}, ["Old"]),
        (dict(OWNER_TAGS, Old="x"), {"Team": "sec"}, True, dict(OWNER_TAGS, Team="sec"), {"Team": "sec"}, ["Old"]),
        (dict(OWNER_TAGS, Old="x"), {"Team": "sec"}, False, dict(OWNER_TAGS, Old="x", Team="sec"), {"Team": "sec"}, []),
        (dict(OWNER_TAGS, **{"aws:managed": "y"}), {}, True, dict(OWNER_TAGS, **{"aws:managed": "y"}), {}, []),
        # Values are compared and predicted as the strings AWS stores.
        (dict(OWNER_TAGS, other="x"), {"new": 1}, False, dict(OWNER_TAGS, other="x", new="1"), {"new": "1"}, []),
        (dict(OWNER_TAGS, new="1"), {"new": 1}, True, dict(OWNER_TAGS, new="1"), {}, []),
        # An existing resource without the ownership tag is being adopted: it gets the adopted mark too.
        ({}, None, True, dict(OWNER_TAGS, **ADOPTED), dict(OWNER_TAGS, **ADOPTED), []),
        ({"Old": "x"}, None, True, dict(OWNER_TAGS, Old="x", **ADOPTED), dict(OWNER_TAGS, **ADOPTED), []),
        # The adopted mark, once there, is never purged.
        (dict(OWNER_TAGS, Old="x", **ADOPTED), {}, True, dict(OWNER_TAGS, **ADOPTED), {}, ["Old"]),
    ],
)
def test_plan_tags(current_tags, tags, purge_tags, expected_final, expected_set, expected_unset):
    final, to_set, to_unset = ANY_DEPLOYMENT.plan_tags(current_tags, tags, purge_tags)
    assert final == expected_final
    assert to_set == expected_set
    assert to_unset == expected_unset


def test_plan_tags_of_a_deployment():
    # A resource from before deployment ids gets the deployment tag, and is not marked adopted.
    assert THIS_DEPLOYMENT.plan_tags(OWNER_TAGS, None, True)[1] == {ownership.DEPLOYMENT_TAG_KEY: MINE}
    assert THIS_DEPLOYMENT.plan_tags(DEPLOYMENT_TAGS, {}, True)[1:] == ({}, [])
    # Another deployment's resource, adopted, becomes this deployment's, marked adopted.
    final, to_set, _unset = THIS_DEPLOYMENT.plan_tags(OTHER_DEPLOYMENT_TAGS, None, True)
    assert final == dict(DEPLOYMENT_TAGS, **ADOPTED)
    assert to_set == dict({ownership.DEPLOYMENT_TAG_KEY: MINE}, **ADOPTED)


def test_ensure_tags_unchanged_makes_no_call():
    resource = {"name": "r", "tags": dict(OWNER_TAGS)}
    update_tags = MagicMock()
    assert ANY_DEPLOYMENT.ensure_tags(resource, None, True, update_tags, check_mode=False) == (False, resource)
    update_tags.assert_not_called()


@pytest.mark.parametrize("check_mode", [True, False])
def test_ensure_tags_predicts_and_applies_outside_check_mode(check_mode):
    resource = {"name": "r", "tags": dict(OWNER_TAGS, Old="x")}
    update_tags = MagicMock()
    changed, updated = THIS_DEPLOYMENT.ensure_tags(resource, {"New": "y"}, True, update_tags, check_mode)
    assert changed is True
    assert updated == {"name": "r", "tags": dict(DEPLOYMENT_TAGS, New="y")}
    assert resource["tags"] == dict(OWNER_TAGS, Old="x")
    if check_mode:
        update_tags.assert_not_called()
    else:
        update_tags.assert_called_once_with(dict({ownership.DEPLOYMENT_TAG_KEY: MINE}, New="y"), ["Old"])


def test_problem():
    assert THIS_DEPLOYMENT.problem("SNS topic", None) is None
    assert THIS_DEPLOYMENT.problem("SNS topic", {"name": "t", "tags": DEPLOYMENT_TAGS}) is None
    unowned = {"name": "t", "tags": {}}
    assert ownership.Ownership(MINE, adopt=True).problem("SNS topic", unowned) is None
    assert THIS_DEPLOYMENT.problem("SNS topic", unowned) == THIS_DEPLOYMENT.not_owned_message("SNS topic", "t", {})
    other = {"name": "t", "tags": OTHER_DEPLOYMENT_TAGS}
    assert ownership.Ownership(MINE, adopt=True).problem("SNS topic", other) is None
    assert "222222222222:eu-west-1:topic" in THIS_DEPLOYMENT.problem("SNS topic", other)


def test_not_owned_message_says_whose_it_is_and_how_to_adopt():
    message = THIS_DEPLOYMENT.not_owned_message("SNS topic", "t", {})
    assert "SNS topic 't'" in message and "lacks the tag ManagedBy=cloudsec.aged_keys" in message
    assert "aged_keys_adopt: true" in message and "adopt=true" in message
    message = THIS_DEPLOYMENT.not_owned_message("SNS topic", "t", OTHER_DEPLOYMENT_TAGS)
    assert "another cloudsec.aged_keys deployment" in message and MINE in message and "aged_keys_adopt: true" in message


def test_deployment_id_problem():
    assert ownership.deployment_id_problem(None) is None
    assert ownership.deployment_id_problem(MINE) is None
    assert "deployment_id 'a{b}' is not valid" in ownership.deployment_id_problem("a{b}")
    assert ownership.deployment_id_problem("x" * 129) is not None
    assert ownership.is_adopted(ADOPTED) is True and ownership.is_adopted(None) is False


def test_leave_alone_fails_present_warns_absent_and_passes_no_problem():
    present = module_mock({"state": "present"})
    with pytest.raises(FailJson):
        ownership.leave_alone(present, "not ours")
    assert present.fail_json.call_args.kwargs["msg"] == "not ours"

    absent = module_mock({"state": "absent"})
    assert ownership.leave_alone(absent, "not ours") is True
    absent.warn.assert_called_once_with("not ours")

    assert ownership.leave_alone(module_mock({"state": "present"}), None) is False
