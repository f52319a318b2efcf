# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Errors of the SSM Automation actions, and the failure of one step.

Codes are the ones the AWS Systems Manager API Reference lists under "Errors" for
StartAutomationExecution, GetAutomationExecution, DescribeAutomationExecutions and
DescribeAutomationStepExecutions.
"""

from moto.core.exceptions import JsonRESTError

# Suffix of every step failure message ("Running automations", troubleshooting:
# "Step fails when it is ... Please refer to Automation Service Troubleshooting Guide ...").
TROUBLESHOOTING_SUFFIX = "Please refer to Automation Service Troubleshooting Guide for more diagnosis details."


class AutomationApiError(JsonRESTError):
    """An SSM error whose code is the class name."""

    code = 400

    def __init__(self, message):
        super().__init__(type(self).__name__, message)


class InvalidAutomationExecutionParametersException(AutomationApiError):
    """StartAutomationExecution: the parameters do not match the runbook (or cannot be used)."""


class AutomationDefinitionNotFoundException(AutomationApiError):
    """StartAutomationExecution: no Automation runbook of that name."""


class AutomationDefinitionVersionNotFoundException(AutomationApiError):
    """StartAutomationExecution: the runbook has no such version."""


class AutomationExecutionNotFoundException(AutomationApiError):
    """GetAutomationExecution, DescribeAutomationStepExecutions: unknown execution id."""


class IdempotentParameterMismatch(AutomationApiError):
    """StartAutomationExecution: the ClientToken was used with other parameters."""


class InvalidFilterKey(AutomationApiError):
    """Describe*Executions: a filter key that is not valid (or not emulated)."""


class InvalidFilterValue(AutomationApiError):
    """Describe*Executions: a filter value that is not valid."""


class InvalidNextToken(AutomationApiError):
    """Describe*Executions: a NextToken this API did not return."""


class StepFailure(Exception):
    """A step that failed: message as FailureMessage, plus the FailureDetails of StepExecution."""

    def __init__(self, message, stage="Invocation", failure_type="Unknown", status="Failed"):
        super().__init__(message)
        self.message = message
        self.stage = stage
        self.failure_type = failure_type
        self.status = status


def step_failure(phase, detail, **kwargs):
    """A StepFailure worded like AWS: "Step fails when it is <phase>. <detail>. Please refer to ..."."""
    detail = detail.rstrip()
    if not detail.endswith("."):
        detail += "."
    return StepFailure(f"Step fails when it is {phase}. {detail} {TROUBLESHOOTING_SUFFIX}", **kwargs)
