# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Config compliance report: a rule's evaluation results, remediation statuses and exceptions,
and the names AWS Config recorded for the IAM users they are about.

Functions take a boto3 ``config`` client and plain arguments, never the module, so a stubbed
client is enough to test them. Errors are handled as in module_utils.config (a missing rule or
remediation configuration gives the function's empty result, other AWS errors become
AnsibleConfigError), except that an access-denied error names the IAM action the caller lacks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import AnsibleConfigError
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import ConfigErrorHandler
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import IAM_USER_RESOURCE_TYPE

# ListDiscoveredResources takes at most 20 resourceIds; the other listings at most 100 per page
# (AWS Config API Reference, ListDiscoveredResources, GetComplianceDetailsByConfigRule,
# DescribeRemediationExecutionStatus and DescribeRemediationExceptions).
DISCOVERED_RESOURCE_IDS_PER_CALL = 20
REPORT_PAGE_SIZE = 100
REPORTED_COMPLIANCE_TYPES = ("COMPLIANT", "NON_COMPLIANT")


class ConfigReportErrorHandler(ConfigErrorHandler):
    """Like ConfigErrorHandler; an access-denied error names the IAM action the caller lacks."""

    @classmethod
    def permission_error_handler(cls, action, default_value=None):
        def wrapper(func):
            @functools.wraps(func)
            @cls.list_error_handler("call {0}".format(action), default_value)
            def handler(*args, **kwargs):
                try:
                    return func(*args, **kwargs)
                except is_boto3_error_code(["AccessDenied", "AccessDeniedException"]) as e:
                    raise AnsibleConfigError(
                        message="Access denied: the caller needs the IAM permission {0} in this account and region.".format(action),
                        exception=e,
                    ) from e

            return handler

        return wrapper


@ConfigReportErrorHandler.permission_error_handler("config:GetComplianceDetailsByConfigRule")
def list_compliance_results(client, rule_name, compliance_types=REPORTED_COMPLIANCE_TYPES):
    """The rule's raw EvaluationResults of these compliance types, or None when the rule does not exist."""
    paginator = client.get_paginator("get_compliance_details_by_config_rule")
    pages = paginator.paginate(ConfigRuleName=rule_name, ComplianceTypes=list(compliance_types), Limit=REPORT_PAGE_SIZE)
    return pages.build_full_result().get("EvaluationResults", [])


@ConfigReportErrorHandler.permission_error_handler("config:DescribeRemediationExecutionStatus", {})
def list_remediation_statuses(client, rule_name):
    """{resource id: raw RemediationExecutionStatus} of the rule; {} when it has no remediation configuration."""
    paginator = client.get_paginator("describe_remediation_execution_status")
    pages = paginator.paginate(ConfigRuleName=rule_name, Limit=REPORT_PAGE_SIZE).build_full_result()
    return dict((status["ResourceKey"]["resourceId"], status) for status in pages.get("RemediationExecutionStatuses", []))


@ConfigReportErrorHandler.permission_error_handler("config:DescribeRemediationExceptions", {})
def list_remediation_exceptions(client, rule_name):
    """{resource id: raw RemediationException} of the rule (botocore has no paginator for this call)."""
    request = {"ConfigRuleName": rule_name, "Limit": REPORT_PAGE_SIZE}
    exceptions = {}
    while True:
        page = client.describe_remediation_exceptions(**request)
        for exception in page.get("RemediationExceptions", []):
            exceptions[exception["ResourceId"]] = exception
        if not page.get("NextToken"):
            return exceptions
        request["NextToken"] = page["NextToken"]


@ConfigReportErrorHandler.permission_error_handler("config:ListDiscoveredResources", {})
def resolve_iam_user_names(client, user_ids):
    """{resource id: user name} of IAM users as AWS Config recorded them, the way the notification
    document resolves them: no IAM permission needed. Users Config does not list are left out."""
    user_ids = sorted(set(user_ids))
    names = {}
    paginator = client.get_paginator("list_discovered_resources")
    for start in range(0, len(user_ids), DISCOVERED_RESOURCE_IDS_PER_CALL):
        batch = user_ids[start:start + DISCOVERED_RESOURCE_IDS_PER_CALL]
        found = paginator.paginate(resourceType=IAM_USER_RESOURCE_TYPE, resourceIds=batch).build_full_result()
        for identifier in found.get("resourceIdentifiers", []):
            names[identifier["resourceId"]] = identifier.get("resourceName")
    return names
