# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # What the plans of an account share (module_utils/plans.py, plugin_utils/controller_plan.py).
    DOCUMENTATION = r"""
options:
  account_id:
    description: The 12-digit account the credentials must act in; the module fails before reading anything else otherwise.
    type: str
    required: true
  assume_role:
    description:
      - Assume this role with the module's own credentials and read the account with the role's, so no separate
        credentials task is needed. The credentials are never returned.
      - Unset, the module's own credentials are used.
    type: dict
    suboptions:
      role_arn:
        description: ARN of the role.
        type: str
        required: true
      session_name:
        description: Role session name, visible in CloudTrail.
        type: str
        required: true
      duration_seconds:
        description: Lifetime of the credentials.
        type: int
        default: 900
notes:
  - It changes nothing, in check mode or not; the tasks it names show their own differences with C(--diff).
  - >-
    An action plugin of the same name runs the plan in the controller's own process, with the botocore models the
    controller loaded once, instead of starting a module (about 0.6 CPU-seconds less per account). It does so when the
    task's connection is C(local) without C(become) or a task C(environment) and the controller's Python has boto3;
    otherwise the module runs as usual. The result is the same either way, except that only a module's result carries
    C(invocation).
"""
