# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Decide one request of an assumed-role session, with automation/access.py's evaluation.

Each Requirement of the operation (resources/) is checked in order, as the service checks
them; the first denial answers the request, worded as AWS words it: "User: <session ARN> is not
authorized to perform: <action> on resource: <ARN> because no identity-based policy allows
the <action> action" (IAM User Guide, "Troubleshoot access denied error messages").

The session's role is read from IAM in the account the session acts in: inline and attached
managed policies, and its permissions boundary. Sessions of roles that do not exist are not
checked, as for Automation (automation/identity.py): moto lets any role be assumed, and that
is how tests and the emulator's callers reach other accounts to set them up; such requests are
recorded as "Unchecked". Session policies (the Policy of AssumeRole) are not emulated: such a
session's requests are refused.

Every request also has aws:RequestedRegion (us-east-1 for IAM and Organizations, whose
endpoints are there) besides the keys access.py always supplies (aws:PrincipalArn,
aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalType, aws:SecureTransport).
"""

import dataclasses

from botocore.exceptions import ClientError

from ..automation import access
from ..automation.identity import caller_identity
from . import resources, switch
from .resources.common import Call, ServiceAnswers, Unsupported

GLOBAL_SERVICE_REGIONS = {"iam": "us-east-1", "organizations": "us-east-1"}
UNSUPPORTED = "UnsupportedOperation"


@dataclasses.dataclass
class Outcome:
    """allowed, or the error (code, message) that answers the request; `log` for the request log."""

    allowed: bool
    code: str = None
    message: str = None
    log: dict = dataclasses.field(default_factory=dict)


def authorize(signature, assumed, service, operation, params):
    """The Outcome of `operation` of `service` (IAM prefix) with `params`, for the session `assumed`."""
    identity = caller_identity(signature.access_key, None, signature.account, signature.region)
    role_arn = assumed.role_arn
    log = {"principal": identity.principal.arn, "checked": []}
    if identity.role is None:
        switch.record(role_arn, "Unchecked", f"{service}:{operation}", "", "the role does not exist in IAM")
        return Outcome(True, log=dict(log, decision="unchecked"))
    if assumed.policy:
        message = f"The session {identity.principal.arn} has a session policy, which the emulator does not evaluate, so it refuses its requests."
        switch.record(role_arn, "Unsupported", f"{service}:{operation}", "", message)
        return Outcome(False, UNSUPPORTED, message, dict(log, decision="unsupported"))
    call = Call(service=service, operation=operation, params=params, account=signature.account, region=signature.region, identity=identity)
    try:
        requirements = resources.requirements_of(call)
    except Unsupported as error:
        switch.record(role_arn, "Unsupported", error.action, "", str(error))
        return Outcome(False, UNSUPPORTED, str(error), dict(log, decision="unsupported"))
    except ServiceAnswers as answer:
        return Outcome(True, log=dict(log, decision="service-answers", detail=str(answer)))
    except ClientError as error:
        return Outcome(False, error.response["Error"]["Code"], error.response["Error"]["Message"], dict(log, decision="failed"))
    return check_all(call, role_arn, requirements, log)


def check_all(call, role_arn, requirements, log):
    requested_region = GLOBAL_SERVICE_REGIONS.get(call.service, call.region)
    for requirement in requirements:
        if requirement.failure:
            code, message = requirement.failure
            return Outcome(False, code, message, dict(log, decision="failed"))
        context = dict(requirement.context, **{"aws:RequestedRegion": requested_region})
        denial = access.check(call.identity, requirement.action, requirement.resource, requirement.owner, requirement.resource_policy, context,
                              key_policy=requirement.policy_required, known_keys=requirement.known_keys + ("aws:requestedregion",))
        log["checked"].append({"action": requirement.action, "resource": requirement.resource, "allowed": denial is None})
        if denial is None:
            switch.record(role_arn, "Allowed", requirement.action, requirement.resource)
            continue
        switch.record(role_arn, "Denied", requirement.action, requirement.resource, denial[0])
        prefix = requirement.action.split(":", 1)[0]
        message = access.denial_message(call.identity, prefix, requirement.action, requirement.resource, denial)
        code = requirement.error_code or access.ERROR_CODES.get(call.service, access.DEFAULT_ERROR_CODE)
        return Outcome(False, code, message + requirement.message_suffix, dict(log, decision="denied"))
    return Outcome(True, log=dict(log, decision="allowed"))
