# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bucket policies' conditions in moto's own check of object requests, evaluated as AWS does.

Before moto serves an object request (PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects)
it asks the bucket policy whether it denies the action to everyone (FakeBucket.get_permission, "A bucket
can deny all actions, regardless of who makes the request"). moto 5.2.5 evaluates StringEquals alone and
takes every other condition as met, so the TLS-only statement of the Amazon S3 User Guide ("Deny" s3:*
when aws:SecureTransport is "false") denied every request. The statements for everyone ("*") are
evaluated here with the emulator's policy evaluation and request context (automation/policy.py):
aws:SecureTransport is "true" as for every request to the emulator, and a condition it cannot evaluate
never grants and always denies. Statements for named principals stay moto's: not evaluated here.
"""

from moto.iam.access_control import PermissionResult
from moto.s3.models import FakeBucket

from .automation import policy
from .patching import wrap_attribute

EVERYONE = policy.Principal(arn="*", account="", principal_arn="*")
EVERYONE_ELEMENTS = ("*", {"AWS": "*"})


def apply():
    wrap_attribute(FakeBucket, "get_permission", evaluating_conditions)


def evaluating_conditions(original):  # pylint: disable=unused-argument  # replaced: moto's evaluation ignores conditions
    def get_permission(self, action, resource):
        if self.policy is None:
            return PermissionResult.NEUTRAL
        request = policy.Request(action=action, resource=resource, principal=EVERYONE, context={"aws:SecureTransport": "true"})
        statements = [statement for statement in policy.as_list(policy.load(self.policy.decode("utf-8")).get("Statement", []))
                      if statement.get("Principal") in EVERYONE_ELEMENTS]
        decision = policy.evaluate({"Statement": statements}, request, resource_policy=True)
        if decision.deny:
            return PermissionResult.DENIED
        return PermissionResult.PERMITTED if decision.allow else PermissionResult.NEUTRAL

    return get_permission
