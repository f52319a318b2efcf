# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ListDiscoveredResources for AWS::IAM::User: listed only where a recorder records IAM users."""

import re

import pytest

from emulator_testing import start_recorder, raises_aws_error

IAM_USER = "AWS::IAM::User"


@pytest.fixture
def users(emulator):
    """Three IAM users of the default account: name -> unique id."""
    iam = emulator.client("iam")
    return {name: iam.create_user(UserName=name)["User"]["UserId"] for name in ("alice", "bob", "carol")}


def listed(config, **filters):
    return config.list_discovered_resources(resourceType=IAM_USER, **filters)["resourceIdentifiers"]


def test_user_ids_have_the_aws_shape(users):
    for user_id in users.values():
        assert re.fullmatch(r"AIDA[A-Z0-9]{17}", user_id)


@pytest.mark.usefixtures("users")
def test_not_listed_without_a_recorder(config):
    assert listed(config) == []


@pytest.mark.usefixtures("users")
def test_not_listed_when_the_recorder_is_stopped(config):
    start_recorder(config)
    config.stop_configuration_recorder(ConfigurationRecorderName="default")

    assert listed(config) == []


@pytest.mark.usefixtures("users")
def test_not_listed_when_global_resources_are_not_recorded(config):
    start_recorder(config, {"allSupported": True, "includeGlobalResourceTypes": False})

    assert listed(config) == []


@pytest.mark.usefixtures("users")
def test_not_listed_when_excluded(config):
    start_recorder(config, {"allSupported": False, "exclusionByResourceTypes": {"resourceTypes": [IAM_USER]},
                            "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}})

    assert listed(config) == []


RECORDING_GROUPS = {
    "all supported with global types": {"allSupported": True, "includeGlobalResourceTypes": True},
    "listed resource type": {"allSupported": False, "resourceTypes": [IAM_USER]},
    "exclusion of other types": {"allSupported": False, "exclusionByResourceTypes": {"resourceTypes": ["AWS::S3::Bucket"]},
                                 "recordingStrategy": {"useOnly": "EXCLUSION_BY_RESOURCE_TYPES"}},
}


@pytest.mark.parametrize("recording_group", RECORDING_GROUPS.values(), ids=RECORDING_GROUPS.keys())
def test_listed_when_recorded(config, users, recording_group):
    start_recorder(config, recording_group)

    expected = [{"resourceType": IAM_USER, "resourceId": user_id, "resourceName": name} for name, user_id in users.items()]
    assert sorted(listed(config), key=lambda item: item["resourceName"]) == expected


def test_only_the_recording_region_lists_users(emulator, config, users):
    start_recorder(config)

    assert len(listed(config)) == len(users)
    assert listed(emulator.client("config", region="us-east-1")) == []


def test_each_account_lists_its_own_users(emulator, config, users):
    start_recorder(config)
    other_account = emulator.assume_account("210987654321")
    other_config = emulator.client("config", credentials=other_account)
    emulator.client("iam", credentials=other_account).create_user(UserName="dave")
    start_recorder(other_config)

    assert [item["resourceName"] for item in listed(other_config)] == ["dave"]
    assert len(listed(config)) == len(users)


def test_filter_by_resource_ids(config, users):
    start_recorder(config)

    assert [item["resourceName"] for item in listed(config, resourceIds=[users["bob"], "AIDANOTAUSER000000000"])] == ["bob"]


def test_filter_by_resource_name(config, users):
    start_recorder(config)

    assert listed(config, resourceName="carol") == [{"resourceType": IAM_USER, "resourceId": users["carol"], "resourceName": "carol"}]
    assert listed(config, resourceName="car") == []


def test_pages_follow_next_token(config, users):
    start_recorder(config)

    first = config.list_discovered_resources(resourceType=IAM_USER, limit=2)
    second = config.list_discovered_resources(resourceType=IAM_USER, limit=2, nextToken=first["nextToken"])

    assert len(first["resourceIdentifiers"]) == 2
    assert "nextToken" not in second
    assert {item["resourceId"] for item in first["resourceIdentifiers"] + second["resourceIdentifiers"]} == set(users.values())


@pytest.mark.usefixtures("users")
def test_invalid_next_token(config):
    start_recorder(config)

    with raises_aws_error("InvalidNextTokenException"):
        config.list_discovered_resources(resourceType=IAM_USER, nextToken="not-a-token")


LISTING_ERRORS = {
    "limit above 100": ({"limit": 101}, "InvalidLimitException"),
    "ids and name": ({"resourceIds": ["AIDAEXAMPLE"], "resourceName": "alice"}, "ValidationException"),
    "more than 20 ids": ({"resourceIds": [f"AIDA{number:017d}" for number in range(21)]}, "ValidationException"),
}


@pytest.mark.parametrize("request_filters, code", LISTING_ERRORS.values(), ids=LISTING_ERRORS.keys())
def test_invalid_listing_requests(config, request_filters, code):
    with raises_aws_error(code):
        config.list_discovered_resources(resourceType=IAM_USER, **request_filters)


def test_other_resource_types_keep_moto_behaviour(emulator, config):
    emulator.client("iam").create_role(RoleName="some-role", AssumeRolePolicyDocument="{}")

    roles = config.list_discovered_resources(resourceType="AWS::IAM::Role")["resourceIdentifiers"]

    assert [item["resourceName"] for item in roles] == ["some-role"]
