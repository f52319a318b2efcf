# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One retry policy for every AWS call: botocore's own, configured once (constants.AWS_RETRIES).

botocore's standard retry mode retries throttling (ThrottlingException, Throttled, Throttling,
TooManyRequestsException, SlowDown, ...) and 5xx answers of every service with backoff; amazon.aws's
AWSRetry decorators know only some of those codes, and stacked on botocore's retries they multiply the
attempts (a decorated helper on a retrying client made 100 attempts). So the clients of the
collection's modules make botocore do all the retrying, and the wrapper that accepts the
``aws_retry=True`` keyword of amazon.aws's style makes a single attempt.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import botocore.config
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import AWS_RETRIES

# retries=1: the call is made once; a failure is raised as it is.
SINGLE_ATTEMPT = AWSRetry.jittered_backoff(retries=1)


def botocore_config():
    """The botocore configuration of every client; a task's aws_config (merged after it) still wins."""
    return botocore.config.Config(retries=dict(AWS_RETRIES))


def aws_client(module, service, **params):
    """A client of `service` for an AnsibleAWSModule, retried by botocore alone."""
    return module.client(service, retry_decorator=SINGLE_ATTEMPT, config=botocore_config(), **params)


def single_attempt(client):
    """A boto3 client made elsewhere (the controller's), accepting aws_retry=True as a module's client does."""
    return RetryingBotoClientWrapper(client, SINGLE_ATTEMPT)


class _OnlyTheseCodes(AWSRetry):
    """AWSRetry that retries only the error codes it is given: throttling and 5xx are botocore's."""

    @staticmethod
    def found(response_code, catch_extra_error_codes=None):
        return response_code in (catch_extra_error_codes or ())


def until_consistent(*error_codes, **kwargs):
    """Retry a call while AWS answers one of `error_codes`, which mean "not yet" (eventual consistency,
    work in progress) and which botocore does not retry; nothing else."""
    return _OnlyTheseCodes.jittered_backoff(retries=kwargs.get("retries", 10), catch_extra_error_codes=list(error_codes))
