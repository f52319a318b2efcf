# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Checks of one account before anything changes in it: the credentials act in the expected
account, AWS Config records IAM users, and the named resources are this deployment's.

Shared by the account_preflight and target_account_plan modules. A denied read becomes a
problem naming the missing permission; every check appends to one list of problems.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

try:
    import botocore
except ImportError:
    pass  # The module reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config_recording
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import preflight
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.constants import DEPLOYMENT_TAG_KEY
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import is_adopted


ACCOUNT_ID_PATTERN = re.compile(r"^[0-9]{12}$")


class AwsReader(object):
    """Creates each client on first use and remembers the caller identity.

    Clients are costly to create at scale, so a service no check needs is never touched.
    """

    def __init__(self, make_client, identity=None):
        # make_client(service) -> a client: the module's or the controller's.
        self._make_client = make_client
        self._clients = {}
        # Known already when the caller assumed a role: {"account": ..., "partition": ...}.
        self._identity = identity

    def client(self, service):
        if service not in self._clients:
            self._clients[service] = self._make_client(service)
        return self._clients[service]

    def identity(self):
        if self._identity is None:
            self._identity = preflight.get_caller_identity(self.client("sts"))
        return self._identity


def call_or_note_denial(problems, service, purpose, func, *args):
    """Run a read; an access-denied error becomes a problem and (False, None), anything else is raised."""
    try:
        return True, func(*args)
    except (botocore.exceptions.ClientError, AnsibleAWSError) as error:
        action = preflight.denied_action(error, service)
        if action is None:
            raise
        problems.append(preflight.permission_problem(action, purpose))
        return False, None


def check_config_recording(reader, region, params, problems):
    """The region's recording summary, with what the rollout does about it (allow_missing_recorder: whether it
    may create recording; own_recorder_name: the recorder it creates); appends what keeps IAM users from being recorded."""
    client = reader.client("config")
    purpose = "check AWS Config recording in region {0}".format(region)
    reads = [
        call_or_note_denial(problems, "config", purpose, func, client)
        for func in (config_recording.list_configuration_recorders, config_recording.list_configuration_recorder_statuses)
    ]
    recorders, statuses = (value or [] for _ok, value in reads)
    recorder = config_recording.customer_managed_recorder(recorders) or {}
    # A recording recorder has a delivery channel (AWS Config records only with one): no need to read it.
    recording = (config_recording.recorder_status(statuses, recorder.get("name")) or {}).get("recording")
    channels = None
    if not recording:
        reads.append(call_or_note_denial(problems, "config", purpose, config_recording.list_delivery_channels, client))
        channels = reads[-1][1]
    if not all(ok for ok, _value in reads):
        return config_recording.unknown_config_recording()
    summary = config_recording.summarize_config_recording(
        recorders, statuses, channels, params["own_recorder_name"], params["allow_missing_recorder"])
    problems.extend(config_recording.config_recording_problems(summary, recorder.get("recordingGroup"), region))
    return summary


def warn_about_failed_recording(warn, summary):
    # A failed attempt may be transient, so it is worth a look but does not block the rollout.
    if (summary.get("last_status") or "").lower() == "failure":
        warn("The AWS Config recorder '{0}' reported a failure: {1} {2}".format(
            summary["recorder_name"], summary.get("last_error_code") or "", summary.get("last_error_message") or ""))


def find_resource(reader, region, kind, name):
    """Look up one named resource; None when it does not exist."""
    if kind == "sns_topic":
        # sts:GetCallerIdentity needs no permission, so a denial here is an SNS one.
        identity = reader.identity()
        topic_arn = sns.topic_arn(identity["partition"], region, identity["account"], name)
        return preflight.find_sns_topic(reader.client("sns"), topic_arn)
    finders = {
        "iam_role": preflight.find_iam_role,
        "ssm_document": preflight.find_ssm_document,
        "config_rule": preflight.find_config_rule,
        "kms_alias": preflight.find_kms_alias,
        "s3_bucket": preflight.find_s3_bucket,
    }
    return finders[kind](reader.client(preflight.RESOURCE_SERVICES[kind]), name)


def resource_result(kind, name, found, ownership, looked_up=True):
    unknown = dict(type=kind, name=name, exists=None, owned=None, adopted=None, deployment_id=None, arn=None)
    if not looked_up:
        return unknown
    if found is None:
        return dict(unknown, exists=False)
    tags = found["tags"] or {}
    result = dict(type=kind, name=name, exists=True, owned=ownership.owns(tags), adopted=is_adopted(tags),
                  deployment_id=tags.get(DEPLOYMENT_TAG_KEY), arn=found["arn"])
    for detail in ("inline_policies", "empty"):
        if found.get(detail) is not None:
            result[detail] = found[detail]
    return result


def resource_problem(kind, name, found, ownership):
    """Why an existing resource blocks the rollout, or None."""
    if found is None:
        return None
    label = preflight.RESOURCE_LABELS[kind]
    if found["reserved_by"]:
        return "{label} '{name}' belongs to {owner} and cannot be managed by cloudsec.aged_keys: choose another name.".format(
            label=label, name=name, owner=found["reserved_by"])
    return ownership.problem(label, dict(found, name=name))


def account_id_problem(account_id):
    if ACCOUNT_ID_PATTERN.match(account_id or ""):
        return None
    return "account_id must be a 12-digit AWS account id, got '{0}'.".format(account_id)


def describe_each(problems, readers):
    """Run each reader, (kind, service, name, read); returns {kind: resource (None when missing), or False when
    it could not be read}, each denied read noted as a problem."""
    described = {}
    for kind, service, name, read in readers:
        looked_up, resource = call_or_note_denial(problems, service, preflight.check_purpose(kind, name), read)
        described[kind] = resource if looked_up else False
    return described


def check_described(described, names, found_of, ownership, problems):
    """The results of described resources ({kind: resource, None when missing, False when not read}); each
    problem they pose is added to problems. found_of(kind, resource) makes a described resource a look-up result."""
    results = []
    for kind, resource in described.items():
        found = found_of(kind, resource) if resource else None
        problem = resource_problem(kind, names[kind], found, ownership)
        if problem:
            problems.append(problem)
        results.append(resource_result(kind, names[kind], found, ownership, resource is not False))
    return results


def check_resource(reader, region, resource, ownership, problems):
    kind, name = resource["type"], resource["name"]
    purpose = preflight.check_purpose(kind, name)
    looked_up, found = call_or_note_denial(problems, preflight.RESOURCE_SERVICES[kind], purpose, find_resource, reader, region, kind, name)
    problem = resource_problem(kind, name, found, ownership)
    if problem:
        problems.append(problem)
    return resource_result(kind, name, found, ownership, looked_up)


def check_account(reader, expected, problems):
    """The credentials must act in the expected account; returns the account they act in."""
    actual = reader.identity()["account"]
    if actual != expected:
        problems.append(
            "The credentials act in AWS account {actual}, not in account {expected} (account_id of this host): nothing was "
            "checked or changed. Check account_id, aged_keys_execution_role_name and aged_keys_assume_role, and the "
            "controller's credentials.".format(actual=actual, expected=expected))
    return actual


def failure_message(region, problems):
    numbered = " ".join("({0}) {1}".format(index, problem) for index, problem in enumerate(problems, 1))
    return "Account preflight in region {region} found {count} problem(s): {problems}".format(
        region=region, count=len(problems), problems=numbered)
