# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Who an execution's steps act as: the runbook's assumeRole, or the caller.

AWS Systems Manager User Guide, "Setting up Automation" and "Troubleshooting Systems
Manager Automation": with an assume role, Automation assumes it through STS; the role
must exist and trust ssm.amazonaws.com, or StartAutomationExecution fails with
InvalidAutomationExecutionParametersException "The defined assume role is unable to be
assumed." A malformed ARN is "The format of the supplied assume role ARN is invalid."
Without one, the automation runs "by using the context of the user who invoked the
execution".
"""

import dataclasses
import re

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends
from moto.utilities.utils import get_partition

from .. import endpoint
from . import policy
from .errors import InvalidAutomationExecutionParametersException

ROLE_ARN = re.compile(r"arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):role/(?:[\w+=,.@-]+/)*(?P<name>[\w+=,.@-]+)")
SSM_SERVICE_PRINCIPAL = "ssm.amazonaws.com"


@dataclasses.dataclass
class Identity:
    """Credentials for the emulator's endpoint, the principal, and its IAM role when IAM governs it.

    `role` is None for principals the emulator cannot read policies of (moto's default
    credentials, IAM users, sessions of roles that do not exist): their identity-based
    permissions are not checked, resource policies still are.
    """

    principal: policy.Principal
    credentials: dict
    role: object = None

    @property
    def account(self):
        return self.principal.account

    def identity_policies(self):
        """Inline and attached managed policy documents of the role."""
        if self.role is None:
            return []
        documents = list(self.role.policies.values())
        documents += [default_version(managed) for managed in self.role.managed_policies.values()]
        return documents

    def permissions_boundary(self):
        if self.role is None or not self.role.permissions_boundary_arn:
            return None
        backend = iam_backends[self.account][partition_of(self.principal.principal_arn)]
        managed = backend.managed_policies.get(self.role.permissions_boundary_arn) or backend.aws_managed_policies.get(self.role.permissions_boundary_arn)
        return default_version(managed) if managed else '{"Statement": []}'


def default_version(managed_policy):
    return next(version.document for version in managed_policy.versions if version.is_default)


def partition_of(arn):
    return policy.partition_of(arn)


def assume_automation_role(role_arn, execution_id, account, region):
    """STS AssumeRole into the runbook's role, after the checks SSM makes before it starts."""
    match = ROLE_ARN.fullmatch(role_arn or "")
    if not match:
        raise InvalidAutomationExecutionParametersException("The format of the supplied assume role ARN is invalid.")
    role = find_role(match.group("account"), match.group("partition"), role_arn)
    if role is None or match.group("account") != account:
        raise InvalidAutomationExecutionParametersException("The defined assume role is unable to be assumed.")
    check_trust(role, execution_id, account, region)
    # The session is named after the execution, so the assumed-role ARN names it.
    credentials = endpoint.assume_role(role.arn, execution_id, region)
    principal = policy.Principal(
        arn=f"arn:{match.group('partition')}:sts::{account}:assumed-role/{role.name}/{execution_id}",
        account=account,
        principal_arn=role.arn,
    )
    return Identity(principal=principal, credentials=credentials, role=role)


def find_role(account, partition, role_arn):
    backend = iam_backends[account][partition]
    return next((role for role in backend.roles.values() if role.arn == role_arn), None)


def check_trust(role, execution_id, account, region):
    """The role's trust policy must let SSM Automation of this account assume it."""
    partition = get_partition(region)
    request = policy.Request(
        action="sts:AssumeRole",
        resource=role.arn,
        principal=policy.Principal(arn=SSM_SERVICE_PRINCIPAL, account=account, principal_arn=SSM_SERVICE_PRINCIPAL, service=SSM_SERVICE_PRINCIPAL),
        # Confused-deputy keys SSM sets when it assumes a role for an automation.
        context={"aws:SourceAccount": account, "aws:SourceArn": f"arn:{partition}:ssm:{region}:{account}:automation-execution/{execution_id}"},
    )
    decision = policy.evaluate(role.assume_role_policy_document, request, resource_policy=True)
    if decision.deny or not decision.allow:
        detail = f" ({'; '.join(decision.notes)})" if decision.notes else ""
        raise InvalidAutomationExecutionParametersException(f"The defined assume role is unable to be assumed.{detail}")


def caller_identity(access_key_id, session_token, account, region):
    """The identity of the StartAutomationExecution caller, as moto's STS knows it."""
    partition = get_partition(region)
    assumed = sts_backends[account][partition].get_assumed_role_from_access_key(access_key_id)
    credentials = {"AccessKeyId": access_key_id, "SecretAccessKey": "testing", "SessionToken": session_token}
    if assumed is None:
        _user_id, arn, _account = sts_backends[account][partition].get_caller_identity(access_key_id, region)
        return Identity(principal=policy.Principal(arn=arn, account=account, principal_arn=arn), credentials=credentials)
    credentials["SecretAccessKey"] = assumed.secret_access_key
    role_match = ROLE_ARN.fullmatch(assumed.role_arn)
    role = find_role(account, partition, assumed.role_arn) if role_match else None
    role_name = role_match.group("name") if role_match else assumed.role_arn.rsplit("/", 1)[-1]
    principal = policy.Principal(
        arn=f"arn:{partition}:sts::{account}:assumed-role/{role_name}/{assumed.session_name}",
        account=account,
        principal_arn=assumed.role_arn,
    )
    return Identity(principal=principal, credentials=credentials, role=role)
