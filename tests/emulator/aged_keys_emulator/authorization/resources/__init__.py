# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The actions and resources of each supported operation, one module per service.

Each service module has OPERATIONS: {operation name: builder(call) -> [Requirement, ...]},
following the Service Authorization Reference ("Actions, resources, and condition keys
for <service>") for the action, its resource types (the ARN formats) and condition keys.
"""

from . import config, iam, kms, organizations, s3, sns, sqs, ssm, sts
from .common import Unsupported

SERVICES = {module.SERVICE: module.OPERATIONS for module in (config, iam, kms, organizations, s3, sns, sqs, ssm, sts)}


def requirements_of(call):
    """What `call` needs, in the order the service checks it; Unsupported when the emulator cannot tell."""
    builder = SERVICES.get(call.service, {}).get(call.operation)
    if builder is None:
        raise Unsupported(call.service, call.operation)
    return builder(call)


def supported_operations():
    """[(service, operation)] of every operation the authorization serves, sorted."""
    return sorted((service, operation) for service, operations in SERVICES.items() for operation in operations)
