#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: config_rule_compliance_info
version_added: 0.1.0
short_description: Report the IAM users an AWS Config rule found non-compliant, with their remediation and exception
description:
  - Reads the latest evaluation results of an AWS Config rule such as the collection's C(ACCESS_KEYS_ROTATED)
    rule, and for each IAM user the state of its automatic remediation (the notification) and its
    remediation exception, if any.
  - User names are resolved from AWS Config's own inventory (C(ListDiscoveredResources)), the way the
    notification document does it, so no IAM permission is needed.
  - A rule that does not exist is not an error (the account may not be rolled out yet); the module
    warns and returns O(name) with RV(rule.exists=false) and no resources.
  - Makes at most three listing calls plus one C(ListDiscoveredResources) call per 20 listed users,
    and only the first one when no user is listed.
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  name:
    description:
      - Name of the AWS Config rule.
    type: str
    required: true
  include_compliant:
    description:
      - Also list the compliant users. By default only non-compliant users are listed; RV(counts)
        always covers both.
    type: bool
    default: false
  resolve_names:
    description:
      - Resolve each user's name with AWS Config C(ListDiscoveredResources) (one call per 20 users).
      - When V(false), RV(resources[].user_name) is V(null).
    type: bool
    default: true
  document_name:
    description:
      - The collection's notification runbook (the remediation's SSM document). When set, each listed user gets
        RV(resources[].notification) - what the runbook's latest run about the user did (message event, exemption by
        tag, aged keys and their ages, planned and deactivated keys, next reminder) - read from the outputs of its SSM
        Automation executions.
      - One paginated C(ssm:DescribeAutomationExecutions) call for the account, only when a user is listed.
    type: str
    version_added: 0.1.0
  notification_window_days:
    description:
      - How far back, in days, to look for the runbook's executions with O(document_name). Cover the reminder interval,
        since a paused user's runbook does not run again before its pause ends.
    type: int
    default: 8
    version_added: 0.1.0
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
notes:
  - "IAM permissions: C(config:GetComplianceDetailsByConfigRule), C(config:DescribeRemediationExecutionStatus),
    C(config:DescribeRemediationExceptions), C(config:ListDiscoveredResources) with O(resolve_names=true), and
    C(ssm:DescribeAutomationExecutions) with O(document_name)."
  - The results are AWS Config's latest evaluation; they change when the rule is evaluated again.
extends_documentation_fragment:
  - cloudsec.aged_keys.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Users with aged access keys, their notification and exception
  cloudsec.aged_keys.config_rule_compliance_info:
    name: cloudsec-aged-keys-access-keys-rotated
  register: compliance

- name: Every evaluated user, without resolving names
  cloudsec.aged_keys.config_rule_compliance_info:
    name: cloudsec-aged-keys-access-keys-rotated
    include_compliant: true
    resolve_names: false
  register: compliance

- name: Fail when a non-compliant user is not exempt
  ansible.builtin.assert:
    that:
      - compliance.resources | selectattr('compliance', 'eq', 'NON_COMPLIANT') | rejectattr('exempt') | list | length == 0
"""

RETURN = r"""
rule:
  description: The rule that was read.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the rule.
      type: str
      sample: cloudsec-aged-keys-access-keys-rotated
    exists:
      description: Whether the rule exists. V(false) means nothing was evaluated (the account is not rolled out).
      type: bool
      sample: true
counts:
  description: Number of users per compliance type in the rule's latest evaluation, whatever O(include_compliant) is.
  returned: always
  type: dict
  contains:
    compliant:
      description: Compliant users.
      type: int
      sample: 12
    non_compliant:
      description: Non-compliant users.
      type: int
      sample: 2
resources:
  description:
    - The non-compliant users (and with O(include_compliant=true) the compliant ones), non-compliant first,
      then by user name.
  returned: always
  type: list
  elements: dict
  contains:
    resource_id:
      description: AWS Config's resource id of the user (the IAM unique id).
      type: str
      sample: AIDAEXAMPLE0123456789
    user_name:
      description: Name of the user as AWS Config recorded it; V(null) when not resolved or not recorded (for example deleted).
      type: str
      sample: build-bot
    compliance:
      description: C(COMPLIANT) or C(NON_COMPLIANT).
      type: str
      sample: NON_COMPLIANT
    result_recorded_time:
      description: When AWS Config recorded the result (ISO 8601).
      type: str
      sample: "2026-11-29T06:00:12.345000+00:00"
    annotation:
      description: AWS Config's explanation of the result, if any.
      type: str
    remediation:
      description: The latest remediation execution about the user; V(null) when none ran.
      type: dict
      contains:
        state:
          description: C(QUEUED), C(IN_PROGRESS), C(SUCCEEDED) (the notification was published) or C(FAILED).
          type: str
          sample: SUCCEEDED
        last_updated:
          description: When the state last changed (ISO 8601).
          type: str
        error_message:
          description: Error message of the last failed step; V(null) when no step failed.
          type: str
          sample: "User: ... is not authorized to perform: SNS:Publish"
    exception:
      description: The user's remediation exception; V(null) when it has none.
      type: dict
      contains:
        message:
          description: Why the user is exempted.
          type: str
          sample: Break-glass user, rotated by hand
        expiration_time:
          description: When the exception expires (ISO 8601); V(null) when it does not.
          type: str
        reminder_pause:
          description:
            - Whether it is the notification runbook's own pause between reminders (its message starts with
              C(cloudsec.aged_keys reminder)), not an exemption.
          type: bool
    exempt:
      description:
        - Whether the user is exempt - by a remediation exception other than a reminder pause, or by its exemption tag
          as the runbook's latest run found it (RV(resources[].notification.event=exempt)).
      type: bool
    notification:
      description:
        - With O(document_name), what the runbook's latest run about the user did (within O(notification_window_days));
          V(null) when it did not run, or failed before deciding.
      type: dict
      contains:
        event:
          description:
            - C(aged-access-key), C(access-key-deactivation-planned) or C(access-key-deactivated) (a message was published),
              C(exempt) (exempt by tag, no message) or C(rotated) (no aged key left).
          type: str
        time:
          description: When that run started (ISO 8601).
          type: str
        execution_id:
          description: The SSM Automation execution id.
          type: str
        aged_keys:
          description: The active keys older than the limit, by access key id.
          type: list
          elements: str
        aged_key_ages:
          description:
            - Each key of RV(resources[].notification.aged_keys), in that order, with its creation time and age.
            - The runbook's output C(AgedKeyCreateDates) gives the creation times; a run of an earlier version of the
              runbook, without that output, leaves them unknown.
          type: list
          elements: dict
          contains:
            access_key_id:
              description: The access key id.
              type: str
              sample: AKIAEXAMPLE0123456789
            created:
              description: When the key was created (ISO 8601); V(null) when unknown.
              type: str
              sample: "2026-05-01T09:30:00Z"
            age_days:
              description:
                - Age of the key in whole days when this module read the account (the report's time, not the run's);
                  V(null) when unknown.
              type: int
              sample: 212
        deactivated_keys:
          description: The keys that run deactivated.
          type: list
          elements: str
        deactivation_date:
          description: The earliest date an aged key still active is (or in a dry run would be) deactivated (ISO 8601), V(null) when none.
          type: str
        exempt_until:
          description: The date the user's exemption tag ends, for C(exempt).
          type: str
        next_reminder:
          description: No new message about the user before this time (ISO 8601); V(null) without a pause.
          type: str
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_report import list_compliance_results
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_report import list_remediation_exceptions
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_report import list_remediation_statuses
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_report import resolve_iam_user_names
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.notification import is_reminder_pause
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.notification import outcome_from_outputs
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ssm import list_automation_executions

NON_COMPLIANT = "NON_COMPLIANT"


# ---------------------------------------------------------------- shapes


def iso_time(value):
    """boto3 datetimes as ISO 8601 text, so that the result is plain JSON."""
    return value.isoformat() if value is not None and hasattr(value, "isoformat") else value


def result_resource_id(result):
    return result["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"]


def normalize_remediation(status):
    """A RemediationExecutionStatus as {state, last_updated, error_message}, or None."""
    if not status:
        return None
    failed_steps = [step for step in status.get("StepDetails") or [] if step.get("State") == "FAILED"]
    return {
        "state": status.get("State"),
        "last_updated": iso_time(status.get("LastUpdatedTime")),
        "error_message": failed_steps[-1].get("ErrorMessage") if failed_steps else None,
    }


def normalize_exception(exception):
    """A RemediationException as {message, expiration_time}, or None."""
    if not exception:
        return None
    return {"message": exception.get("Message"), "expiration_time": iso_time(exception.get("ExpirationTime")),
            "reminder_pause": is_reminder_pause(exception.get("Message"))}


def latest_notifications(executions, now):
    """{resource id: what the newest run about that user did} from runbook executions, newest first; key ages at `now`."""
    notifications = {}
    for execution in executions:
        outcome = outcome_from_outputs(execution.get("Outputs") or {}, now)
        if outcome is None or outcome["resource_id"] in notifications:
            continue
        outcome.update(time=iso_time(execution.get("ExecutionStartTime")), execution_id=execution.get("AutomationExecutionId"))
        notifications[outcome.pop("resource_id")] = outcome
    return notifications


def report_entry(result, names, statuses, exceptions, notifications=None):
    resource_id = result_resource_id(result)
    entry = {
        "resource_id": resource_id,
        "user_name": names.get(resource_id),
        "compliance": result["ComplianceType"],
        "result_recorded_time": iso_time(result.get("ResultRecordedTime")),
        "annotation": result.get("Annotation"),
        "remediation": normalize_remediation(statuses.get(resource_id)),
        "exception": normalize_exception(exceptions.get(resource_id)),
    }
    if notifications is not None:
        entry["notification"] = notifications.get(resource_id)
    entry["exempt"] = is_exempt(entry)
    return entry


def is_exempt(entry):
    """Excepted by a remediation exception (not a reminder pause), or exempt by tag as the runbook last found."""
    exception, notification = entry["exception"], entry.get("notification")
    return bool(exception and not exception["reminder_pause"]) or bool(notification and notification["event"] == "exempt")


def count_compliance(results):
    types = [result["ComplianceType"] for result in results]
    return {"compliant": types.count("COMPLIANT"), "non_compliant": types.count(NON_COMPLIANT)}


def report_order(entry):
    return (entry["compliance"] != NON_COMPLIANT, entry["user_name"] or "", entry["resource_id"])


# ---------------------------------------------------------------- describe


def missing_rule_report(name):
    return {"rule": {"name": name, "exists": False}, "counts": count_compliance([]), "resources": []}


def read_notifications(ssm_client, document_name, window_days):
    """What the runbook's latest run about each user did, or None when not asked for."""
    if not document_name:
        return None
    now = datetime.datetime.now(datetime.timezone.utc)
    since = now - datetime.timedelta(days=window_days)
    return latest_notifications(list_automation_executions(ssm_client, document_name, since), now)


def build_report(client, name, include_compliant, resolve_names, read_notifications_of=None):
    """The report of one rule; the remediation, name and notification look-ups only run when a user is listed.

    read_notifications_of() returns {resource id: notification} or None (not asked for).
    """
    results = list_compliance_results(client, name)
    if results is None:
        return missing_rule_report(name)
    listed = [result for result in results if include_compliant or result["ComplianceType"] == NON_COMPLIANT]
    statuses, exceptions, names, notifications = {}, {}, {}, None
    if listed:
        statuses = list_remediation_statuses(client, name)
        exceptions = list_remediation_exceptions(client, name)
        if resolve_names:
            names = resolve_iam_user_names(client, [result_resource_id(result) for result in listed])
        notifications = read_notifications_of() if read_notifications_of else None
    resources = sorted((report_entry(result, names, statuses, exceptions, notifications) for result in listed), key=report_order)
    return {"rule": {"name": name, "exists": True}, "counts": count_compliance(results), "resources": resources}


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        include_compliant=dict(type="bool", default=False),
        resolve_names=dict(type="bool", default=True),
        document_name=dict(type="str"),
        notification_window_days=dict(type="int", default=8),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    if params["notification_window_days"] < 1:
        module.fail_json(msg="notification_window_days must be at least 1, got {0}.".format(params["notification_window_days"]))

    client = aws_client(module, "config")
    ssm_client = aws_client(module, "ssm") if params["document_name"] else None
    try:
        report = build_report(client, params["name"], params["include_compliant"], params["resolve_names"],
                              lambda: read_notifications(ssm_client, params["document_name"], params["notification_window_days"]))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    if not report["rule"]["exists"]:
        module.warn("AWS Config rule '{0}' does not exist in this account and region: nothing is evaluated here yet.".format(params["name"]))
    module.exit_json(changed=False, **report)


if __name__ == "__main__":
    main()
