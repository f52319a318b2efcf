# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS clients made in the controller, for an action plugin that reads AWS there instead of in a module.

A module run starts a Python interpreter, imports boto3 and parses botocore's service models: about
0.6 CPU-seconds, most of what a converged account costs. The strategy loads an action plugin in the
controller's main process before it forks a worker per host, so what ``warm_up`` loads when the plugin
is imported (boto3 and the services' models, in one shared botocore loader) is inherited by every
worker: an account then costs its API calls.

The connection options are amazon.aws's, read by amazon.aws's own helper, and the clients retry as the
modules' do (module_utils/retries.py), so a task behaves the same whichever way it runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

try:
    import boto3
    import botocore.exceptions
    import botocore.loaders
    import botocore.session

    HAS_BOTO3 = True
except ImportError:
    HAS_BOTO3 = False

from ansible.errors import AnsibleError

from ansible_collections.amazon.aws.plugins.module_utils.botocore import check_sdk_version_supported
from ansible_collections.amazon.aws.plugins.plugin_utils.botocore import get_aws_connection_info

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import botocore_config
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import single_attempt

# boto3 and botocore at the versions amazon.aws supports, in the controller's Python: else the module runs.
SDK_USABLE = HAS_BOTO3 and check_sdk_version_supported()
# One loader for the process: botocore caches each model it parses in it.
_LOADER = botocore.loaders.create_loader() if HAS_BOTO3 else None
# Stands in for credentials while warming up: creating a client sends nothing.
_NO_CREDENTIALS = dict(aws_access_key_id="warm-up", aws_secret_access_key="warm-up")


def _botocore_session():
    session = botocore.session.Session()
    session.register_component("data_loader", _LOADER)
    return session


def warm_up(services):
    """Load the models of `services` once, in the process that forks the workers (best effort)."""
    if not SDK_USABLE:
        return
    session = boto3.session.Session(botocore_session=_botocore_session())
    for service in services:
        try:
            session.client(service, region_name="us-east-1", **_NO_CREDENTIALS)
        except botocore.exceptions.BotoCoreError:
            # An old botocore without this service: the worker will say so.
            pass


class ConnectionOptionsError(AnsibleError):
    """The task's AWS connection options cannot be used (for example a profile and keys together)."""


class _ConnectionOptions(object):
    """What amazon.aws's get_aws_connection_info asks of a plugin."""

    def __init__(self, params):
        self._params = params

    def get_options(self):
        return self._params

    def fail_aws(self, message, exception=None):
        raise ConnectionOptionsError(message)


class ClientFactory(object):
    """Clients for the task's AWS connection options (validated with amazon.aws's aws_argument_spec).

    Every client of a factory shares one boto3 session, and so one credentials resolution.
    """

    def __init__(self, params):
        self.region, self._endpoint_url, connection = get_aws_connection_info(_ConnectionOptions(params))
        profile = connection.pop("profile_name", None)
        # Merged in the order amazon.aws merges them: the task's aws_config wins.
        aws_config = connection.pop("aws_config", None)
        self._config = botocore_config() if aws_config is None else botocore_config().merge(aws_config)
        self._connection = connection
        self._session = boto3.session.Session(botocore_session=_botocore_session(), profile_name=profile)
        self.region = self.region or self._session.region_name

    def client(self, service):
        client = self._session.client(service, region_name=self.region, endpoint_url=self._endpoint_url, config=self._config,
                                      **self._connection)
        return single_attempt(client)

    def with_credentials(self, credentials):
        """A factory whose clients act with `credentials` (an STS Credentials structure), in the same session."""
        assumed = copy.copy(self)
        assumed._connection = dict(self._connection, aws_access_key_id=credentials["AccessKeyId"],
                                   aws_secret_access_key=credentials["SecretAccessKey"], aws_session_token=credentials["SessionToken"])
        return assumed
