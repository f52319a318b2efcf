# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin of a plan module: the plan runs in the controller's worker process when it can.

A plan is the one task a converged account runs, so its cost is the cost of a drift check at scale.
As a module it starts an interpreter and loads boto3 for every account; here it reads AWS with the
models the controller loaded once (controller_clients.py). The plan is the same either way
(module_utils/plans.py runs it). The module runs instead wherever its own environment could differ
from the controller's: a connection other than local, privilege escalation, a task environment, or
a controller without a boto3 that amazon.aws supports.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.action import ActionBase

from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import plans
from ansible_collections.cloudsec.aged_keys.plugins.plugin_utils import controller_clients


class PlanAction(ActionBase):
    """Subclasses set `plan` to the plan's module_utils module."""

    plan = None
    _supports_check_mode = True
    _supports_async = False

    def runs_in_controller(self):
        """True when the module would run on the controller with the controller's own identity and environment."""
        return (controller_clients.SDK_USABLE and self._connection.transport == "local"
                and not self._play_context.become and not any(self._task.environment or ()))

    def run(self, tmp=None, task_vars=None):
        result = super(PlanAction, self).run(tmp, task_vars)
        if not self.runs_in_controller():
            result.update(self._execute_module(task_vars=task_vars))
            return result

        spec = dict(aws_argument_spec(), **self.plan.argument_spec())
        # A module's arguments travel as JSON: the same here makes them plain str, dict and list, as
        # the shared code expects (values templated by Ansible 2.19 are subclasses that compare differently).
        validation = ArgumentSpecValidator(spec).validate(json.loads(json.dumps(self._task.args)))
        if validation.error_messages:
            return dict(result, failed=True, msg=" ".join(validation.error_messages))
        params = validation.validated_parameters
        try:
            clients = controller_clients.ClientFactory(params)
        except controller_clients.ConnectionOptionsError as error:
            return dict(result, failed=True, msg=to_native(error))
        problems, prepared = self.plan.param_problems(params, clients.region)
        if problems:
            return dict(result, failed=True, msg=" ".join(problems))

        warnings = []
        try:
            result.update(plans.run(self.plan, clients, params, prepared, warnings.append))
        except plans.PlanFailure as failure:
            msg = failure.msg if failure.error is None else "{0}: {1}".format(failure.msg, to_native(failure.error))
            result.update(failure.result, failed=True, msg=msg)
        if warnings:
            result["warnings"] = result.get("warnings", []) + warnings
        return result
