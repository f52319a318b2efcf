# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every plan of an account shares: the role it assumes, how it runs and how it fails.

A plan is a module_utils module (account_plan for a target account, central_plan for the central
one) with SERVICES, argument_spec(), param_problems(params, region) and plan(reader, params, region,
prepared, warn). It runs as a module (run_module) or in the controller's worker through an action
plugin (plugin_utils/controller_plan.py): both hand run() a client factory, so the sequence below is
written once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import botocore.exceptions

    AWS_ERRORS = (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)
except ImportError:
    AWS_ERRORS = ()  # AnsibleAWSModule (or the action plugin's SDK check) reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_checks
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client

READ_FAILURE = "Failed to read the account's state"
ASSUME_ROLE_FAILURE = (
    "Cannot assume role {0}. Check that the role exists and trusts the controller's identity (playbooks/bootstrap.yml "
    "creates the deployer and auditor roles), set aged_keys_execution_role_name to the right role, or set "
    "aged_keys_assume_role: false for an account whose credentials are already in the environment")
ASSUME_ROLE_SPEC = dict(type="dict", options=dict(
    role_arn=dict(type="str", required=True), session_name=dict(type="str", required=True),
    duration_seconds=dict(type="int", default=900)))


class PlanFailure(Exception):
    """The account cannot be planned: msg says why, result holds what was found, error is the AWS error if any."""

    def __init__(self, msg, result=None, error=None):
        super(PlanFailure, self).__init__(msg)
        self.msg = msg
        self.result = result or {}
        self.error = error


def assume_role(sts_client, options):
    """Assume the role of the assume_role option with sts_client's credentials.

    Returns the role's credentials and the account id and partition of its session, so no
    sts:GetCallerIdentity is needed.
    """
    response = sts_client.assume_role(
        RoleArn=options["role_arn"], RoleSessionName=options["session_name"], DurationSeconds=options["duration_seconds"], aws_retry=True)
    session = parse_aws_arn(response["AssumedRoleUser"]["Arn"])
    return response["Credentials"], {"account": session["account_id"], "partition": session["partition"]}


def run(plan, clients, params, prepared, warn):
    """Assume the role when asked, then plan the account with `clients` (a factory with region, client(service)
    and with_credentials(credentials)). Returns the plan's result; raises PlanFailure.
    """
    identity = None
    if params["assume_role"]:
        try:
            credentials, identity = assume_role(clients.client("sts"), params["assume_role"])
        except AWS_ERRORS + (AnsibleAWSError,) as error:
            raise PlanFailure(ASSUME_ROLE_FAILURE.format(params["assume_role"]["role_arn"]), error=error)
        clients = clients.with_credentials(credentials)
    try:
        return plan.plan(account_checks.AwsReader(clients.client, identity), params, clients.region, prepared, warn)
    except AWS_ERRORS + (AnsibleAWSError,) as error:
        raise PlanFailure(READ_FAILURE, error=error)


class ModuleClients(object):
    """A module's clients as run() asks for them; assumed credentials replace the module's own options."""

    def __init__(self, module):
        self._module = module
        self.region = module.region

    def client(self, service):
        return aws_client(self._module, service)

    def with_credentials(self, credentials):
        self._module.no_log_values.update([credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]])
        # As if they had been given as options.
        self._module.params.update(access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                                   session_token=credentials["SessionToken"], profile=None)
        return self


def run_module(module, plan):
    """The main of a plan's module (an AnsibleAWSModule made with plan.argument_spec())."""
    problems, prepared = plan.param_problems(module.params, module.region)
    if problems:
        module.fail_json(msg=" ".join(problems))
    try:
        result = run(plan, ModuleClients(module), module.params, prepared, module.warn)
    except PlanFailure as failure:
        if isinstance(failure.error, AnsibleAWSError):
            module.fail_json_aws_error(failure.error)
        if failure.error is not None:
            module.fail_json_aws(failure.error, msg=failure.msg)
        module.fail_json(msg=failure.msg, **failure.result)
    module.exit_json(**result)
