# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The control endpoint that ages access keys and sets their last use, read back through IAM's own APIs."""

import datetime
import json
import urllib.error
import urllib.request

import pytest

from aged_keys_emulator.control import ACCESS_KEY_AGE_PATH, ACCESS_KEY_LAST_USED_PATH, ControlError, post_control, set_access_key_age, set_access_key_last_used
from emulator_testing import DEFAULT_ACCOUNT

OTHER_ACCOUNT = "210987654321"


@pytest.fixture
def access_key(iam):
    iam.create_user(UserName="alice")
    return iam.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]


def days_ago(moment):
    return (datetime.datetime.now(datetime.timezone.utc) - moment).total_seconds() / 86400


def test_age_days_moves_the_create_date_that_list_access_keys_reports(emulator, iam, access_key):
    answer = set_access_key_age(emulator.url, DEFAULT_ACCOUNT, "alice", access_key, age_days=400)

    [metadata] = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert 399.99 < days_ago(metadata["CreateDate"]) < 400.01
    assert answer["AccessKeyId"] == access_key and answer["UserName"] == "alice" and answer["Status"] == "Active"
    # ListAccessKeys drops the fraction of a second.
    assert abs((datetime.datetime.fromisoformat(answer["CreateDate"]) - metadata["CreateDate"]).total_seconds()) < 1


def test_create_date_and_last_used_are_read_back_by_iam(emulator, iam, access_key):
    created = datetime.datetime(2024, 1, 31, 12, 0, tzinfo=datetime.timezone.utc)
    used = datetime.datetime(2024, 6, 1, 8, 30, tzinfo=datetime.timezone.utc)

    answer = set_access_key_age(emulator.url, DEFAULT_ACCOUNT, "alice", access_key, create_date=created,
                                last_used={"date": used, "service": "s3", "region": "eu-west-1"})

    [metadata] = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert metadata["CreateDate"] == created
    last_used = emulator.client("iam").get_access_key_last_used(AccessKeyId=access_key)["AccessKeyLastUsed"]
    assert (last_used["LastUsedDate"], last_used["ServiceName"], last_used["Region"]) == (used, "s3", "eu-west-1")
    assert answer["CreateDate"] == "2024-01-31T12:00:00+00:00"
    assert answer["LastUsed"] == {"Date": "2024-06-01T08:30:00+00:00", "ServiceName": "s3", "Region": "eu-west-1"}


def test_keys_of_another_account_are_aged_in_that_account(emulator):
    iam = emulator.client("iam", credentials=emulator.assume_account(OTHER_ACCOUNT))
    iam.create_user(UserName="bob")
    key_id = iam.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]

    set_access_key_age(emulator.url, OTHER_ACCOUNT, "bob", key_id, age_days=91)

    [metadata] = iam.list_access_keys(UserName="bob")["AccessKeyMetadata"]
    assert 90.99 < days_ago(metadata["CreateDate"]) < 91.01


@pytest.mark.parametrize("changes, status, error", [
    ({"user_name": None}, 400, "MissingField"),
    ({"age_days": None}, 400, "MissingField"),
    ({"create_date": "2024-01-01T00:00:00Z"}, 400, "InvalidRequest"),
    ({"age_days": -1}, 400, "InvalidRequest"),
    ({"age_days": "400"}, 400, "InvalidRequest"),
    ({"account_id": "1234"}, 400, "InvalidRequest"),
    ({"colour": "blue"}, 400, "InvalidRequest"),
    ({"last_used": {"date": "2024-01-01", "service": "s3"}}, 400, "MissingField"),
    ({"last_used": {"date": "yesterday", "service": "s3", "region": "eu-west-1"}}, 400, "InvalidRequest"),
    ({"user_name": "nobody"}, 404, "NoSuchUser"),
    ({"access_key_id": "AKIAUNKNOWN000000000"}, 404, "NoSuchAccessKey"),
])
def test_invalid_requests_are_refused_with_a_json_error(emulator, access_key, changes, status, error):
    request = {"account_id": DEFAULT_ACCOUNT, "user_name": "alice", "access_key_id": access_key, "age_days": 400}
    assert refusal(emulator, ACCESS_KEY_AGE_PATH, request, changes) == (status, error)


def refusal(emulator, path, request, changes):
    """(status, error) of the control endpoint's answer to `request` changed by `changes` (None removes a field)."""
    request = {name: value for name, value in dict(request, **changes).items() if value is not None}
    with pytest.raises(ControlError) as refused:
        post_control(emulator.url, path, request, timeout=10)
    return refused.value.status, refused.value.error


# --- last use -------------------------------------------------------------------------------------

def last_used_of(emulator, access_key):
    return emulator.client("iam").get_access_key_last_used(AccessKeyId=access_key)["AccessKeyLastUsed"]


def test_last_used_days_ago_with_service_and_region(emulator, access_key):
    answer = set_access_key_last_used(emulator.url, DEFAULT_ACCOUNT, "alice", access_key, days_ago=3, service="s3", region="eu-west-1")

    last_used = last_used_of(emulator, access_key)
    assert 2.99 < days_ago(last_used["LastUsedDate"]) < 3.01
    assert (last_used["ServiceName"], last_used["Region"]) == ("s3", "eu-west-1")
    assert answer["LastUsed"]["ServiceName"] == "s3" and answer["AccessKeyId"] == access_key


def test_never_used_and_an_exact_date(emulator, access_key):
    used = datetime.datetime(2024, 6, 1, 8, 30, tzinfo=datetime.timezone.utc)
    set_access_key_last_used(emulator.url, DEFAULT_ACCOUNT, "alice", access_key, date=used, service="iam", region="us-east-1")
    assert last_used_of(emulator, access_key)["LastUsedDate"] == used

    answer = set_access_key_last_used(emulator.url, DEFAULT_ACCOUNT, "alice", access_key, never_used=True)

    assert answer["LastUsed"] is None
    assert last_used_of(emulator, access_key) == {"ServiceName": "N/A", "Region": "N/A"}


def test_a_request_signed_by_the_key_overwrites_the_last_use(emulator, iam, access_key):
    iam.delete_access_key(UserName="alice", AccessKeyId=access_key)
    created = iam.create_access_key(UserName="alice")["AccessKey"]
    key_id, secret = created["AccessKeyId"], created["SecretAccessKey"]
    set_access_key_last_used(emulator.url, DEFAULT_ACCOUNT, "alice", key_id, days_ago=30, service="s3", region="eu-west-1")

    emulator.client("sts", region="us-west-2", credentials={"AccessKeyId": key_id, "SecretAccessKey": secret, "SessionToken": None}).get_caller_identity()

    last_used = last_used_of(emulator, key_id)
    assert days_ago(last_used["LastUsedDate"]) < 0.01
    assert (last_used["ServiceName"], last_used["Region"]) == ("sts", "us-west-2")


@pytest.mark.parametrize("changes, status, error", [
    ({"days_ago": None}, 400, "MissingField"),
    ({"date": "2024-01-01T00:00:00Z"}, 400, "InvalidRequest"),
    ({"days_ago": -2}, 400, "InvalidRequest"),
    ({"service": None}, 400, "MissingField"),
    ({"region": ""}, 400, "InvalidRequest"),
    ({"never_used": True}, 400, "InvalidRequest"),
    ({"never_used": "yes"}, 400, "InvalidRequest"),
    ({"last_used": {}}, 400, "InvalidRequest"),
    ({"access_key_id": "AKIAUNKNOWN000000000"}, 404, "NoSuchAccessKey"),
])
def test_invalid_last_use_requests_are_refused(emulator, access_key, changes, status, error):
    request = {"account_id": DEFAULT_ACCOUNT, "user_name": "alice", "access_key_id": access_key, "days_ago": 3, "service": "s3", "region": "eu-west-1"}
    assert refusal(emulator, ACCESS_KEY_LAST_USED_PATH, request, changes) == (status, error)


def raw_request(emulator, path, body, method="POST"):
    request = urllib.request.Request(emulator.url + path, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize("path, body, method, status, error", [
    (ACCESS_KEY_AGE_PATH, b"not json", "POST", 400, "InvalidJson"),
    (ACCESS_KEY_AGE_PATH, b"[1]", "POST", 400, "InvalidRequest"),
    (ACCESS_KEY_AGE_PATH, None, "GET", 405, "MethodNotAllowed"),
    ("/_emulator/iam/users", b"{}", "POST", 404, "UnknownPath"),
])
def test_malformed_requests_get_json_errors(emulator, path, body, method, status, error):
    assert raw_request(emulator, path, body, method)[0] == status
    assert raw_request(emulator, path, body, method)[1]["error"] == error


def test_other_paths_still_reach_moto(emulator, iam):
    iam.create_user(UserName="carol")

    assert [user["UserName"] for user in iam.list_users()["Users"]] == ["carol"]
