# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.plugin_utils import organizations
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error

ROOT = {"Id": "r-abcd", "Name": "Root"}
# parent id -> OUs below it, as ListOrganizationalUnitsForParent returns them (unsorted)
CHILDREN = {
    "r-abcd": [{"Id": "ou-abcd-00000002", "Name": "Workloads"}, {"Id": "ou-abcd-00000001", "Name": "Security"}],
    "ou-abcd-00000002": [{"Id": "ou-abcd-00000003", "Name": "Prod"}],
    "ou-abcd-00000003": [{"Id": "ou-abcd-00000004", "Name": "Payments"}],
}


def tree_client():
    """A client whose list_organizational_units_for_parent paginator answers from CHILDREN."""
    client = MagicMock()

    def paginate(ParentId):
        pages = MagicMock()
        pages.build_full_result.return_value = {"OrganizationalUnits": CHILDREN.get(ParentId, [])}
        return pages

    client.get_paginator.return_value.paginate.side_effect = paginate
    return client


def test_the_walk_gives_every_unit_its_path_breadth_first_by_name():
    client = tree_client()
    units = organizations.walk_organizational_units(client, ROOT)
    assert [(unit["Path"], unit["ParentId"]) for unit in units] == [
        ("Root", None),
        ("Root/Security", "r-abcd"),
        ("Root/Workloads", "r-abcd"),
        ("Root/Workloads/Prod", "ou-abcd-00000002"),
        ("Root/Workloads/Prod/Payments", "ou-abcd-00000003"),
    ]
    # One paginated call per unit, through the paginator of the right operation.
    assert client.get_paginator.call_args_list[0].args == ("list_organizational_units_for_parent",)
    assert client.get_paginator.return_value.paginate.call_count == 5


def test_descendants_include_the_units_themselves_and_everything_below():
    units = organizations.walk_organizational_units(tree_client(), ROOT)
    assert organizations.descendants(units, ["ou-abcd-00000002"]) == {"ou-abcd-00000002", "ou-abcd-00000003", "ou-abcd-00000004"}
    assert organizations.descendants(units, ["ou-abcd-00000001"]) == {"ou-abcd-00000001"}
    assert len(organizations.descendants(units, ["r-abcd"])) == 5


@pytest.mark.parametrize("account, state", [
    ({"State": "PENDING_CLOSURE", "Status": "PENDING_CLOSURE"}, "PENDING_CLOSURE"),
    ({"State": "CLOSED", "Status": "SUSPENDED"}, "CLOSED"),
    ({"Status": "SUSPENDED"}, "SUSPENDED"),
    ({}, ""),
])
def test_account_state_prefers_state_over_the_deprecated_status(account, state):
    assert organizations.account_state(account) == state


def test_tags_become_a_dict():
    client = MagicMock()
    client.get_paginator.return_value.paginate.return_value.build_full_result.return_value = {"Tags": [{"Key": "env", "Value": "prod"}]}
    assert organizations.list_tags(client, "111122223333") == {"env": "prod"}
    client.get_paginator.assert_called_with("list_tags_for_resource")
    client.get_paginator.return_value.paginate.assert_called_with(ResourceId="111122223333")


@pytest.mark.parametrize("code, fragment", [
    ("AccessDeniedException", "delegated administrator"),
    ("AWSOrganizationsNotInUseException", "not a member of an organization"),
    ("TooManyRequestsException", "cache"),
    ("ParentNotFoundException", ""),
])
def test_advice_for_common_errors(code, fragment):
    error = client_error(code)
    assert organizations.error_code(error) == code
    assert fragment in organizations.advice(error)
    assert bool(organizations.advice(error)) is bool(fragment)


def test_the_retry_configuration_is_a_valid_botocore_config():
    from botocore.config import Config

    config = Config(**organizations.RETRY_CONFIG)
    assert config.retries == {"mode": "standard", "total_max_attempts": 10}
