# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs cloudsec.aged_keys.central_account_plan in the controller's worker process when it can
(plugin_utils/controller_plan.py says when and why)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import central_plan
from ansible_collections.cloudsec.aged_keys.plugins.plugin_utils import controller_clients
from ansible_collections.cloudsec.aged_keys.plugins.plugin_utils.controller_plan import PlanAction

# Loaded here, in the controller's main process, for every worker it forks.
controller_clients.warm_up(central_plan.SERVICES)


class ActionModule(PlanAction):

    plan = central_plan
