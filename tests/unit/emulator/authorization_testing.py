# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers of the authorization tests: the switch, roles with policies, and their sessions' clients."""

import json

import pytest
from aged_keys_emulator import control

from emulator_testing import DEFAULT_ACCOUNT

ROLE_NAME = "deployer"
SESSION_NAME = "run"


@pytest.fixture
def enforced(emulator):
    """The emulator with the authorization of assumed-role sessions switched on (off again afterwards)."""
    control.enforce_role_policies(emulator.url, True)
    try:
        yield emulator
    finally:
        control.enforce_role_policies(emulator.url, False)


def statement(actions, resources="*", effect="Allow", **extra):
    return dict({"Effect": effect, "Action": actions, "Resource": resources}, **extra)


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def setup_client(emulator, service, account=DEFAULT_ACCOUNT):
    """A client that may set up `account` whatever the switch says: the ambient identity, or a session of a role that does not exist."""
    if account == DEFAULT_ACCOUNT:
        return emulator.client(service)
    return emulator.client(service, credentials=emulator.assume_account(account))


def create_role(emulator, *statements, account=DEFAULT_ACCOUNT, name=ROLE_NAME, boundary=None, managed=None):
    """A role of `account` that `account` may assume, with an inline policy of `statements`."""
    iam = setup_client(emulator, "iam", account)
    trust = document({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}, "Action": "sts:AssumeRole"})
    extra = {"PermissionsBoundary": boundary} if boundary else {}
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **extra)["Role"]
    if statements:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=document(*statements))
    if managed:
        policy_arn = iam.create_policy(PolicyName=f"{name}-managed", PolicyDocument=document(*managed))["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    return role["Arn"]


def session(emulator, role_arn, session_name=SESSION_NAME, **extra):
    """Credentials of an sts:AssumeRole session of `role_arn` (assumed with the ambient identity)."""
    return emulator.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=session_name, **extra)["Credentials"]


def session_client(emulator, role_arn, service, region=None):
    credentials = session(emulator, role_arn)
    return emulator.client(service, credentials=credentials, **({"region": region} if region else {}))


def session_arn(role_arn, session_name=SESSION_NAME):
    account, name = role_arn.split(":")[4], role_arn.rsplit("/", 1)[-1]
    return f"arn:aws:sts::{account}:assumed-role/{name}/{session_name}"


def not_allowed(role_arn, action, resource, reason="no identity-based policy", quoted=False):
    """AWS's wording of an implicit denial."""
    shown = f'"{resource}"' if quoted else resource
    return f"User: {session_arn(role_arn)} is not authorized to perform: {action} on resource: {shown} because {reason} allows the {action} action"


def message_of(denied):
    """The denial's message without the emulator's note on what it did not evaluate (moto's default topic policy has AWS:SourceOwner)."""
    return denied.value.response["Error"]["Message"].split(" (not evaluated by the emulator:", 1)[0]
