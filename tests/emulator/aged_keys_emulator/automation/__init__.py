# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SSM Automation execution, which moto 5.2.5 lacks: runbooks of schemaVersion 0.3 really run.

- api.py: the SSM actions (StartAutomationExecution, GetAutomationExecution,
  DescribeAutomationExecutions, DescribeAutomationStepExecutions)
- engine.py: executions, the run loop, statuses
- documents.py: finding and checking runbooks; the AWS-owned AWS-PublishSNSNotification
- parameters.py, interpolation.py, selectors.py: parameters, {{ }} variables, outputs
- actions.py, scripts.py, calls.py: the step actions and their AWS calls
- identity.py, access.py, policy.py: assumeRole, and least privilege on every call
"""


def apply():
    from . import api  # pylint: disable=import-outside-toplevel

    api.apply()
