# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM access-key calls: paging and account scope for any client, least privilege from automation scripts."""

import pytest
from moto.iam.models import iam_backends

from aged_keys_emulator.control import set_access_key_last_used
from automation_testing import create_role, payload_of, run_steps, step
from emulator_testing import DEFAULT_ACCOUNT, raises_aws_error

OTHER_ACCOUNT = "210987654321"


@pytest.fixture
def ssm(emulator):
    return emulator.client("ssm")


def user_with_keys(iam, name="alice", path="/", tags=None):
    iam.create_user(UserName=name, Path=path, Tags=tags or [])
    return [iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"] for _number in range(2)]


# --- Any client -------------------------------------------------------------------------------------

def test_list_access_keys_and_user_tags_page_with_max_items_and_marker(iam):
    keys = user_with_keys(iam, tags=[{"Key": f"k{number}", "Value": "v"} for number in range(3)])
    first = iam.list_access_keys(UserName="alice", MaxItems=1)
    assert first["IsTruncated"] and len(first["AccessKeyMetadata"]) == 1
    second = iam.list_access_keys(UserName="alice", MaxItems=1, Marker=first["Marker"])
    assert not second["IsTruncated"] and "Marker" not in second
    assert [key["AccessKeyId"] for key in first["AccessKeyMetadata"] + second["AccessKeyMetadata"]] == keys
    pages = list(iam.get_paginator("list_user_tags").paginate(UserName="alice", PaginationConfig={"PageSize": 2}))
    assert [[tag["Key"] for tag in page["Tags"]] for page in pages] == [["k0", "k1"], ["k2"]]
    assert not iam.list_access_keys(UserName="alice")["IsTruncated"]


@pytest.mark.parametrize("request_parameters, message", [
    ({"MaxItems": 0}, "Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1"),
    ({"MaxItems": 1001}, "Member must have value less than or equal to 1000"),
    ({"Marker": "bm90LWEtbWFya2Vy"}, "was not returned by this listing"),
])
def test_paging_parameters_are_validated(emulator, iam, request_parameters, message):
    user_with_keys(iam)
    with raises_aws_error("ValidationError", message):
        emulator.client("iam", validate=False).list_access_keys(UserName="alice", **request_parameters)


def test_an_access_key_acts_in_its_account_and_finding_it_makes_no_backend_of_another_partition(emulator):
    """Every request's access key is looked up in the existing IAM backends only: before, moto made
    the backend of every partition of every account, each loading AWS's managed policies."""
    credentials = emulator.assume_account("444455556666")
    identity = emulator.client("sts", credentials=credentials).get_caller_identity()
    assert identity["Account"] == "444455556666"
    emulator.client("iam", credentials=credentials).create_user(UserName="bob")
    assert "bob" in iam_backends["444455556666"]["global"].users
    assert all(sorted(account) == ["aws"] for account in iam_backends.values())


def test_get_access_key_last_used_answers_for_own_keys_only(emulator, iam):
    [own, _second] = user_with_keys(iam)
    answer = iam.get_access_key_last_used(AccessKeyId=own)
    assert answer["UserName"] == "alice"
    assert answer["AccessKeyLastUsed"] == {"ServiceName": "N/A", "Region": "N/A"}
    other_iam = emulator.client("iam", credentials=emulator.assume_account(OTHER_ACCOUNT))
    with raises_aws_error("AccessDenied", f"is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key {own}"):
        other_iam.get_access_key_last_used(AccessKeyId=own)


# --- From automation scripts -------------------------------------------------------------------------

KEY_SCRIPT = """
import boto3

def handler(events, context):
    iam = boto3.client("iam")
    user = events["user"]
    keys = [key for page in iam.get_paginator("list_access_keys").paginate(UserName=user, PaginationConfig={"PageSize": 1})
            for key in page["AccessKeyMetadata"]]
    last_used = {key["AccessKeyId"]: iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"] for key in keys}
    tags = [tag for page in iam.get_paginator("list_user_tags").paginate(UserName=user) for tag in page["Tags"]]
    iam.update_access_key(UserName=user, AccessKeyId=keys[0]["AccessKeyId"], Status="Inactive")
    return {"keys": [key["AccessKeyId"] for key in keys], "last_used": last_used, "tags": tags,
            "user": iam.get_user(UserName=user)["User"]["Arn"]}
"""
USER_ACTIONS = ("iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:ListUserTags", "iam:UpdateAccessKey", "iam:GetUser")


def run_key_script(emulator, ssm, actions, user="alice", resource=None, script=KEY_SCRIPT):
    resource = resource or f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/{user}"
    statements = [{"Effect": "Allow", "Action": action, "Resource": resource} for action in actions]
    role_arn = create_role(emulator.client("iam"), f"keys-{len(actions)}", statements)
    inputs = {"Runtime": "python3.11", "Handler": "handler", "Script": script, "InputPayload": {"user": user}}
    return run_steps(ssm, step("keys", "aws:executeScript", inputs), parameters={"Role": {"type": "String"}},
                     values={"Role": [role_arn]}, assumeRole="{{ Role }}", name=f"keys-{len(actions)}")


def test_script_manages_keys_with_exactly_the_statements_it_needs(emulator, iam, ssm):
    keys = user_with_keys(iam, tags=[{"Key": "owner", "Value": "team-a"}])
    execution = run_key_script(emulator, ssm, USER_ACTIONS)
    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    result = payload_of(execution, "keys")
    assert result["keys"] == keys and result["tags"] == [{"Key": "owner", "Value": "team-a"}]
    assert result["last_used"] == {key: {"ServiceName": "N/A", "Region": "N/A"} for key in keys}
    assert [key["Status"] for key in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == ["Inactive", "Active"]


@pytest.mark.parametrize("missing", USER_ACTIONS)
def test_each_call_is_denied_without_its_statement(emulator, iam, ssm, missing):
    user_with_keys(iam)
    execution = run_key_script(emulator, ssm, [action for action in USER_ACTIONS if action != missing])
    assert execution["AutomationExecutionStatus"] == "Failed"
    session = f"arn:aws:sts::{DEFAULT_ACCOUNT}:assumed-role/keys-4/{execution['AutomationExecutionId']}"
    expected = (f"An error occurred (AccessDenied) when calling the {missing.split(':')[1]} operation: User: {session} is not authorized to perform: "
                f"{missing} on resource: arn:aws:iam::{DEFAULT_ACCOUNT}:user/alice because no identity-based policy allows the {missing} action")
    assert expected in execution["FailureMessage"]
    # GetUser comes last: only without it has the key already been deactivated.
    expected_statuses = ["Inactive", "Active"] if missing == "iam:GetUser" else ["Active", "Active"]
    assert [key["Status"] for key in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == expected_statuses


def test_the_user_resource_carries_the_users_path(emulator, iam, ssm):
    user_with_keys(iam, path="/staff/")
    denied = run_key_script(emulator, ssm, USER_ACTIONS)
    assert f"on resource: arn:aws:iam::{DEFAULT_ACCOUNT}:user/staff/alice" in denied["FailureMessage"]
    allowed = run_key_script(emulator, ssm, USER_ACTIONS + ("iam:TagUser",), resource=f"arn:aws:iam::{DEFAULT_ACCOUNT}:user/staff/*")
    assert allowed["AutomationExecutionStatus"] == "Success", allowed.get("FailureMessage")


def test_script_cannot_read_keys_of_another_account(emulator, ssm):
    other_iam = emulator.client("iam", credentials=emulator.assume_account(OTHER_ACCOUNT))
    other_iam.create_user(UserName="mallory")
    foreign = other_iam.create_access_key(UserName="mallory")["AccessKey"]["AccessKeyId"]
    script = f"import boto3\n\ndef handler(events, context):\n    return boto3.client('iam').get_access_key_last_used(AccessKeyId='{foreign}')\n"
    execution = run_key_script(emulator, ssm, USER_ACTIONS, resource="*", script=script)
    assert execution["AutomationExecutionStatus"] == "Failed"
    assert f"is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key {foreign}" in execution["FailureMessage"]


def test_role_sessions_must_name_the_user(emulator, iam, ssm):
    user_with_keys(iam)
    script = "import boto3\n\ndef handler(events, context):\n    return boto3.client('iam').list_access_keys()\n"
    execution = run_key_script(emulator, ssm, USER_ACTIONS, resource="*", script=script)
    expected = "ValidationError) when calling the ListAccessKeys operation: Must specify userName when calling with non-User credentials"
    assert expected in execution["FailureMessage"]


@pytest.mark.parametrize("call", [
    "iam.list_access_keys(UserName='ghost')",
    "iam.list_user_tags(UserName='ghost')",
    "iam.update_access_key(UserName='ghost', AccessKeyId='AKIAGHOST00000000000', Status='Inactive')",
])
def test_a_missing_user_is_no_such_entity_once_authorized(emulator, ssm, call):
    script = f"import boto3\n\ndef handler(events, context):\n    iam = boto3.client('iam')\n    return {call}\n"
    execution = run_key_script(emulator, ssm, USER_ACTIONS, user="ghost", script=script)
    assert "An error occurred (NoSuchEntity)" in execution["FailureMessage"]
    assert "The user with name ghost cannot be found." in execution["FailureMessage"]


LAST_USED_SCRIPT = """
import datetime
import boto3

def handler(events, context):
    iam = boto3.client("iam")
    described = []
    for key in iam.list_access_keys(UserName=events["user"])["AccessKeyMetadata"]:
        used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])["AccessKeyLastUsed"]
        if "LastUsedDate" not in used:
            described.append("never used")
            continue
        days = (datetime.datetime.now(datetime.timezone.utc) - used["LastUsedDate"]).days
        described.append(f"last used {days} days ago in {used['ServiceName']} {used['Region']}")
    return {"described": described}
"""


def test_scripts_read_the_last_use_the_control_set(emulator, iam, ssm):
    used, unused = user_with_keys(iam)
    set_access_key_last_used(emulator.url, DEFAULT_ACCOUNT, "alice", used, days_ago=3.01, service="s3", region="eu-west-1")
    set_access_key_last_used(emulator.url, DEFAULT_ACCOUNT, "alice", unused, never_used=True)

    execution = run_key_script(emulator, ssm, USER_ACTIONS, script=LAST_USED_SCRIPT)

    assert execution["AutomationExecutionStatus"] == "Success", execution.get("FailureMessage")
    assert payload_of(execution, "keys") == {"described": ["last used 3 days ago in s3 eu-west-1", "never used"]}
