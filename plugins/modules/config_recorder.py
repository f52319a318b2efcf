#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: config_recorder
version_added: 0.1.0
short_description: Create AWS Config recording in a region that has none, never touching an existing recorder
description:
  - Creates the AWS Config configuration recorder, its delivery channel, and starts recording, in a
    region where the account has no configuration recorder yet. By default only C(AWS::IAM::User) is
    recorded, which is what the C(ACCESS_KEYS_ROTATED) rule needs and keeps the recording cost low.
  - A region holds one configuration recorder (not counting service-linked recorders of other AWS
    services, which are ignored) and one delivery channel. A recorder that already exists is never
    modified; when it is not ours (another name), the module returns it unchanged with a warning.
  - When the recorder named O(name) exists but its delivery channel is missing or it is not recording
    (an earlier run stopped half way), the module creates the channel and starts the recorder. When a
    call of a run fails, the recorder and delivery channel that run created are deleted again, so no
    half-made recording is left.
  - Whether recording is created or completed is decided as M(cloudsec.aged_keys.target_account_plan) decides it
    (C(rollout_action) of its C(config_recording)); the role C(cloudsec.aged_keys.target_account) runs this module
    where that plan found recording to create or complete.
  - This module exists because M(community.aws.config_recorder) has no check mode, reports a change on
    every run (it compares its request with a description that has more fields), never starts
    recording, and updates or deletes a same-named recorder whoever created it; the delivery channel is
    a separate module (M(community.aws.config_delivery_channel)). Neither can express "create only where
    none exists, never modify".
  - Without O(role_arn), the recorder uses AWS Config's service-linked role C(AWSServiceRoleForConfig),
    which is created with C(iam:CreateServiceLinkedRole) when the account does not have it. The role is
    never deleted (AWS Config of other regions may use it).
author:
  - cloudsec.aged_keys maintainers (@cloudsec)
options:
  name:
    description:
      - Name of the configuration recorder and of its delivery channel (1 to 256 characters).
      - Together with the ownership tag, the name marks the recorder as created by this collection.
    type: str
    default: cloudsec-aged-keys
  state:
    description:
      - V(present) creates recording where the region has no recorder, and completes a recorder named
        O(name) that has no delivery channel or is stopped.
      - V(absent) stops and deletes the recorder named O(name) and the delivery channel of that name.
        Any other recorder or delivery channel is left in place with a warning.
    type: str
    choices: [present, absent]
    default: present
  role_arn:
    description:
      - ARN of the IAM role AWS Config uses to read the recorded resources.
      - When not set, AWS Config's service-linked role
        C(arn:PARTITION:iam::ACCOUNT:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig)
        is used and created if missing.
      - Only used when the recorder is created.
    type: str
  resource_types:
    description:
      - Resource types to record, for example V(AWS::IAM::User).
      - Global IAM types can only be recorded in regions where AWS Config existed before February 2022.
      - Only used when the recorder is created.
    type: list
    elements: str
    default: [AWS::IAM::User]
  s3_bucket_name:
    description:
      - S3 bucket the delivery channel delivers configuration snapshots and history to. Its bucket policy
        must let C(config.amazonaws.com) call C(s3:GetBucketAcl), C(s3:ListBucket) and C(s3:PutObject).
      - Required when O(state=present). Only used when the delivery channel is created.
    type: str
  s3_key_prefix:
    description:
      - Key prefix for the delivered objects. When not set, objects are delivered under C(AWSLogs/).
      - Only used when the delivery channel is created.
    type: str
  delivery_frequency:
    description:
      - How often AWS Config delivers configuration snapshots. When not set, AWS Config's default applies.
      - Only used when the delivery channel is created.
    type: str
    choices: [One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours]
  tags:
    description:
      - Tags given to the recorder when it is created, in addition to the ownership tags.
      - An existing recorder's tags are never changed (except that O(adopt=true) adds the ownership tags and the
        adopted mark).
    type: dict
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - The recorder is created with the ownership tag C(ManagedBy=cloudsec.aged_keys). Where AWS Config
    returns no ARN for a recorder, it has no tags either (older API endpoints, some emulators); the name
    O(name) alone then marks the recorder as ours.
  - A recorder named O(name) without the ownership tag (or of another deployment) makes O(state=present) fail and
    O(state=absent) warn, unless O(adopt=true), which adds the tags.
  - Delivery channels cannot be tagged; the delivery channel named O(name) counts as ours.
  - When the region has a delivery channel of another name but no recorder, O(state=present) fails without
    changing anything, because the region cannot hold a second delivery channel and the existing one is not
    ours. A delivery channel named O(name) without a recorder (left by an earlier run) is used as it is.
  - Changed options are not applied to an existing recorder or delivery channel, not even one this
    module created; the module warns about them instead. Delete with O(state=absent) and create again to
    apply them.
  - "IAM permissions: C(config:DescribeConfigurationRecorders), C(config:DescribeConfigurationRecorderStatus),
    C(config:DescribeDeliveryChannels), C(config:ListTagsForResource), C(config:PutConfigurationRecorder),
    C(config:TagResource), C(config:PutDeliveryChannel), C(config:StartConfigurationRecorder),
    C(config:StopConfigurationRecorder), C(config:DeleteDeliveryChannel), C(config:DeleteConfigurationRecorder);
    C(iam:ListRoles) and C(iam:CreateServiceLinkedRole) when O(role_arn) is not set; C(iam:PassRole) on the
    recorder's role; C(sts:GetCallerIdentity)."
extends_documentation_fragment:
  - cloudsec.aged_keys.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
  - cloudsec.aged_keys.ownership
"""

EXAMPLES = r"""
- name: Record IAM users where the region has no AWS Config recording yet
  cloudsec.aged_keys.config_recorder:
    region: eu-west-1
    s3_bucket_name: cloudsec-aged-keys-config-123456789012-eu-west-1
  register: recording

- name: Record IAM users and groups with a role of your own, delivering daily snapshots under a prefix
  cloudsec.aged_keys.config_recorder:
    name: iam-recording
    role_arn: arn:aws:iam::123456789012:role/config-recorder
    resource_types:
      - AWS::IAM::User
      - AWS::IAM::Group
    s3_bucket_name: central-config-bucket
    s3_key_prefix: eu-west-1
    delivery_frequency: TwentyFour_Hours

- name: Remove the recording this collection created (any other recorder stays)
  cloudsec.aged_keys.config_recorder:
    state: absent
"""

RETURN = r"""
config_recorder:
  description:
    - The region's configuration recorder after the change (predicted in check mode), whoever owns it.
    - V({}) when the region has no recorder; only RV(config_recorder.delivery_channel) when it has just a delivery channel.
  returned: always
  type: dict
  contains:
    name:
      description: Name of the recorder.
      type: str
      returned: when a recorder exists
      sample: cloudsec-aged-keys
    arn:
      description: ARN of the recorder. V(null) in check mode when it would be created, and where AWS Config returns none.
      type: str
      returned: when a recorder exists
      sample: arn:aws:config:eu-west-1:123456789012:configuration-recorder/cloudsec-aged-keys/abcdef
    role_arn:
      description: IAM role AWS Config uses for the recorder.
      type: str
      returned: when a recorder exists
      sample: arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig
    recording_group:
      description: What the recorder records.
      type: dict
      returned: when a recorder exists
      contains:
        all_supported:
          description: Whether all supported resource types are recorded.
          type: bool
          sample: false
        include_global_resource_types:
          description: Whether global IAM types are recorded along with all supported types (only with RV(config_recorder.recording_group.all_supported)).
          type: bool
          sample: false
        resource_types:
          description: Resource types recorded by inclusion.
          type: list
          elements: str
          sample: [AWS::IAM::User]
        excluded_resource_types:
          description: Resource types excluded from recording.
          type: list
          elements: str
          sample: []
        recording_strategy:
          description: C(ALL_SUPPORTED_RESOURCE_TYPES), C(INCLUSION_BY_RESOURCE_TYPES) or C(EXCLUSION_BY_RESOURCE_TYPES).
          type: str
          sample: INCLUSION_BY_RESOURCE_TYPES
    records_iam_users:
      description: Whether the recorder records C(AWS::IAM::User).
      type: bool
      returned: when a recorder exists
      sample: true
    recording:
      description: Whether the recorder is running.
      type: bool
      returned: when a recorder exists
      sample: true
    owned:
      description: Whether the recorder was created by this deployment of the collection (or adopted).
      type: bool
      returned: when a recorder exists
      sample: true
    tags:
      description: Tags of the recorder. Only read for a recorder named O(name); V({}) for others.
      type: dict
      returned: when a recorder exists
      sample: {"ManagedBy": "cloudsec.aged_keys"}
    delivery_channel:
      description: The region's delivery channel, V(null) when there is none.
      type: dict
      returned: when a recorder or a delivery channel exists
      contains:
        name:
          description: Name of the delivery channel.
          type: str
          sample: cloudsec-aged-keys
        s3_bucket_name:
          description: Bucket the channel delivers to.
          type: str
          sample: cloudsec-aged-keys-config-123456789012-eu-west-1
        s3_key_prefix:
          description: Key prefix of the delivered objects.
          type: str
          sample: null
        s3_kms_key_arn:
          description: KMS key that encrypts the delivered objects.
          type: str
          sample: null
        sns_topic_arn:
          description: SNS topic the channel notifies.
          type: str
          sample: null
        delivery_frequency:
          description: How often configuration snapshots are delivered.
          type: str
          sample: TwentyFour_Hours
"""

import re
from copy import deepcopy

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.iam import get_aws_account_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import length_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import list_config_resource_tags
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config import tag_config_resource
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import COMPLETE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import CREATE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import IAM_USER_TYPE
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import INCLUSION_BY_RESOURCE_TYPES
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import NOTHING
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import config_service_linked_role_arn
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import create_config_service_linked_role
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import customer_managed_recorder
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import delete_configuration_recorder
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import delete_delivery_channel
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import find_config_service_linked_role_arn
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import list_configuration_recorder_statuses
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import list_configuration_recorders
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import list_delivery_channels
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import normalize_configuration_recorder
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import normalize_delivery_channel
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import put_configuration_recorder
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import put_delivery_channel
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import recorder_status
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import recording_group_covers
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import start_configuration_recorder
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import stop_configuration_recorder
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.config_recording import summarize_config_recording
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import deployment_id_problem
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.results import build_result
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.retries import aws_client

RECORDER_KIND = "AWS Config configuration recorder"
DELIVERY_FREQUENCIES = ["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"]
RESOURCE_TYPE_PATTERN = re.compile(r"^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$")
ROLE_ARN_PATTERN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/\S+$")

# How a recorder relates to this collection.
OURS = "ours"
UNTAGGED = "untagged"  # our name, but its readable tags lack the ownership tags of this deployment
FOREIGN = "foreign"  # another name: someone else's recorder


# ---------------------------------------------------------------- validate


def resource_type_problems(resource_types):
    if not resource_types:
        return ["resource_types must list at least one resource type, for example AWS::IAM::User."]
    malformed = [value for value in resource_types if not RESOURCE_TYPE_PATTERN.match(value or "")]
    if malformed:
        return ["resource_types entries look like AWS::Service::Type (for example AWS::IAM::User); got: {0}.".format(", ".join(map(str, malformed)))]
    return []


def validate_options(params):
    """Every problem with the options, as messages saying how to fix them."""
    problems = [length_problem("name", params["name"], 1, 256), deployment_id_problem(params.get("deployment_id"))]
    if not params["name"].strip():
        problems.append("name must contain a non-blank character.")
    if params["state"] == "present":
        problems.extend(resource_type_problems(params["resource_types"]))
        problems.append(length_problem("s3_bucket_name", params.get("s3_bucket_name"), 3, 63))
        if params.get("role_arn") is not None and not ROLE_ARN_PATTERN.match(params["role_arn"]):
            problems.append(
                "role_arn must be an IAM role ARN such as arn:aws:iam::123456789012:role/config-recorder, got '{0}'.".format(params["role_arn"])
            )
        if params.get("s3_key_prefix") == "":
            problems.append("s3_key_prefix must not be empty; leave it unset to deliver without a prefix.")
    return [problem for problem in problems if problem]


def option_warnings(params):
    if params["state"] == "present" and IAM_USER_TYPE not in (params["resource_types"] or []):
        return ["resource_types does not include {0}: rules about IAM users, such as ACCESS_KEYS_ROTATED, get nothing to evaluate.".format(IAM_USER_TYPE)]
    return []


# ---------------------------------------------------------------- describe


def recorder_ownership(recorder, name, ownership):
    """OURS, UNTAGGED or FOREIGN (see their definitions) for an Ownership."""
    if recorder["name"] != name:
        return FOREIGN
    if not recorder.get("arn"):
        # Without an ARN AWS Config has no tags for the recorder: the name is the only mark.
        return OURS
    return OURS if ownership.owns(recorder["tags"]) else UNTAGGED


def describe_recorder(client, recorder, status, name, ownership):
    """A raw customer-managed recorder, normalised with its status, tags and coverage of IAM users."""
    # Only a recorder of our name can be ours, so only its tags matter.
    read_tags = recorder.get("name") == name and recorder.get("arn")
    tags = list_config_resource_tags(client, recorder["arn"]) if read_tags else {}
    result = normalize_configuration_recorder(recorder, status, tags)
    result["records_iam_users"] = recording_group_covers(recorder.get("recordingGroup"))
    result["owned"] = recorder_ownership(result, name, ownership) == OURS
    return result


def describe_recording(client, name, ownership):
    """(state, summary) of the region's recording.

    state holds its recorder (service-linked ones belong to other services and are skipped) and its
    delivery channel, normalised. summary is config_recording's, whose rollout_action says what
    state=present does: the decision the plan of a target account makes too.
    """
    recorders = list_configuration_recorders(client)
    statuses = list_configuration_recorder_statuses(client)
    channels = list_delivery_channels(client)
    recorder = customer_managed_recorder(recorders)
    state = {
        "recorder": describe_recorder(client, recorder, recorder_status(statuses, recorder["name"]), name, ownership) if recorder else None,
        "channel": normalize_delivery_channel(channels[0] if channels else None),
    }
    return state, summarize_config_recording(recorders, statuses, channels, name, create_allowed=True)


def recording_view(state):
    """The config_recorder return value for a described or predicted state."""
    if state["recorder"] is None:
        return {"delivery_channel": state["channel"]} if state["channel"] else {}
    view = dict(state["recorder"])
    view["delivery_channel"] = state["channel"]
    return view


# ---------------------------------------------------------------- compare


def desired_channel(params):
    return {
        "name": params["name"],
        "s3_bucket_name": params["s3_bucket_name"],
        "s3_key_prefix": params.get("s3_key_prefix"),
        "s3_kms_key_arn": None,
        "sns_topic_arn": None,
        "delivery_frequency": params.get("delivery_frequency"),
    }


def new_recorder_tags(params):
    return Ownership.from_params(params).tags_of_new_resource(params.get("tags"))


def new_recorder(params, role_arn):
    """The normalised recorder the module creates (as check mode predicts it)."""
    resource_types = sorted(set(params["resource_types"]))
    return {
        "name": params["name"],
        "arn": None,
        "role_arn": role_arn,
        "recording_group": {
            "all_supported": False,
            "include_global_resource_types": False,
            "resource_types": resource_types,
            "excluded_resource_types": [],
            "recording_strategy": INCLUSION_BY_RESOURCE_TYPES,
        },
        "recording": True,
        "tags": new_recorder_tags(params),
        "records_iam_users": IAM_USER_TYPE in resource_types,
        "owned": True,
    }


def adoption_tags(recorder, params):
    """Tags that take over a recorder of our name that is not this deployment's: the ownership tags and the adopted mark."""
    if recorder is None or recorder["owned"]:
        return {}
    return Ownership.from_params(params).wanted_tags(recorder["tags"], {})


def foreign_channel_message(channel, region):
    return (
        "AWS Config in region {region} has the delivery channel '{channel}' but no configuration recorder. A region holds "
        "one delivery channel and cloudsec.aged_keys does not take over one it did not create, so nothing was changed. "
        "Create a recorder that records {type} yourself, or delete that delivery channel if nobody uses it."
    ).format(region=region, channel=channel["name"], type=IAM_USER_TYPE)


def foreign_recorder_message(recorder, region, state):
    if state == "absent":
        action = "state=absent only deletes the recorder that cloudsec.aged_keys created"
    elif recorder["records_iam_users"]:
        action = "it records {0}".format(IAM_USER_TYPE)
    else:
        action = "it does NOT record {0}, so rules about IAM users get nothing to evaluate; add it to that recorder".format(IAM_USER_TYPE)
    return (
        "AWS Config in region {region} already has the configuration recorder '{name}', which cloudsec.aged_keys did not create. "
        "It was left unchanged; {action}."
    ).format(region=region, name=recorder["name"], action=action)


def unapplied_options(recorder, channel, params):
    """Options that differ from an existing recorder (and channel) of ours, which the module never modifies."""
    differences = []
    if params.get("role_arn") and params["role_arn"] != recorder["role_arn"]:
        differences.append("role_arn")
    group = recorder["recording_group"]
    if group["all_supported"] or group["resource_types"] != sorted(set(params["resource_types"])):
        differences.append("resource_types")
    if channel and channel["name"] == params["name"]:
        if channel["s3_bucket_name"] != params["s3_bucket_name"]:
            differences.append("s3_bucket_name")
        if (channel["s3_key_prefix"] or None) != (params.get("s3_key_prefix") or None):
            differences.append("s3_key_prefix")
        if params.get("delivery_frequency") and channel["delivery_frequency"] != params["delivery_frequency"]:
            differences.append("delivery_frequency")
    return differences


def unapplied_options_message(name, differences):
    return (
        "The AWS Config recorder '{name}' already exists and is never modified, so these options were not applied: {options}. "
        "To apply them, delete it with state=absent and run again."
    ).format(name=name, options=", ".join(differences))


def present_changes(current, action, role_missing, params):
    """What state=present changes, for a recorder of ours or none, given the rollout_action of the region.

    CREATE makes the recorder, its delivery channel unless one of our name was left by an earlier run
    (it is used as it is), and starts it; COMPLETE gives our recorder its missing channel and starts it.
    Adopting (adopt=true) tags a recorder of our name that is not this deployment's, whatever the action.
    """
    recorder, channel = current["recorder"], current["channel"]
    return {
        "create_role": action == CREATE and role_missing,
        "create_recorder": action == CREATE,
        "tags_to_add": adoption_tags(recorder, params),
        "create_channel": action in (CREATE, COMPLETE) and channel is None,
        "start_recorder": action == CREATE or (action == COMPLETE and not recorder["recording"]),
    }


def predict_present(current, changes, params, role_arn):
    """The state after present_changes (what check mode returns)."""
    recorder = new_recorder(params, role_arn) if changes["create_recorder"] else deepcopy(current["recorder"])
    if changes["tags_to_add"]:
        recorder["tags"] = dict(recorder["tags"], **changes["tags_to_add"])
        recorder["owned"] = True
    if changes["start_recorder"]:
        recorder["recording"] = True
    return {"recorder": recorder, "channel": desired_channel(params) if changes["create_channel"] else current["channel"]}


def absent_changes(current, name):
    """What state=absent changes: our recorder and the delivery channel of our name go."""
    recorder, channel = current["recorder"], current["channel"]
    return {
        # AWS Config refuses to delete the delivery channel of a running recorder.
        "stop_recorder": bool(recorder and recorder["recording"]),
        "delete_channel": channel is not None and channel["name"] == name,
        "delete_recorder": recorder is not None,
    }


def predict_absent(current, changes):
    return {"recorder": None, "channel": None if changes["delete_channel"] else current["channel"]}


# ---------------------------------------------------------------- apply


def roll_back(client, name, rollback, error):
    """Undo, latest first, what a failed run created, so that no half-made recording is left.

    Best effort: the error that made the run fail is what the user needs to see; it tells what was undone.
    """
    undone = []
    for description, undo in reversed(rollback):
        try:
            undo(client, name)
            undone.append(description)
        except AnsibleAWSError:
            pass
    if undone:
        error.message = "{0} (so as not to leave half-made recording, this run went on to {1})".format(error.message, ", then ".join(undone))


def apply_present(clients, params, changes, current, role_arn):
    """Make present_changes in order: role, recorder, ownership tags, delivery channel, start.

    When a call fails, the recorder and delivery channel this run created are deleted again. The service-linked
    role and the ownership tags stay: both are harmless, and the role may serve other regions.
    """
    client, name = clients["config"], params["name"]
    rollback = []  # (what undoing means, how), in the order things were created
    try:
        if changes["create_role"]:
            role_arn = create_config_service_linked_role(clients["iam"])
        if changes["create_recorder"]:
            put_configuration_recorder(client, name, role_arn, params["resource_types"], new_recorder_tags(params))
            rollback.append(("delete the configuration recorder", delete_configuration_recorder))
        if changes["tags_to_add"]:
            tag_config_resource(client, current["recorder"]["arn"], changes["tags_to_add"])
        if changes["create_channel"]:
            put_delivery_channel(client, desired_channel(params))
            rollback.append(("delete the delivery channel", delete_delivery_channel))
        # Last, so a recorder this run started never needs stopping again.
        if changes["start_recorder"]:
            start_configuration_recorder(client, name)
    except AnsibleAWSError as error:
        roll_back(client, name, rollback, error)
        raise


def apply_absent(client, name, changes):
    if changes["stop_recorder"]:
        stop_configuration_recorder(client, name)
    if changes["delete_channel"]:
        delete_delivery_channel(client, name)
    if changes["delete_recorder"]:
        delete_configuration_recorder(client, name)


# ---------------------------------------------------------------- ensure


def resolve_role(module, clients):
    """(role ARN, whether the service-linked role must be created) for a new recorder."""
    if module.params.get("role_arn"):
        return module.params["role_arn"], False
    clients["iam"] = aws_client(module, "iam")
    found = find_config_service_linked_role_arn(clients["iam"])
    if found:
        return found, False
    account_id, partition = get_aws_account_info(module)
    return config_service_linked_role_arn(partition, account_id), True


def leave_unowned_recorder(module, current):
    """True when the region's recorder must be left alone, after warning about it.

    That is a recorder of another name, or one of our name that is not this deployment's (state=present
    fails on it unless adopting) or that was adopted and is to be kept.
    """
    params = module.params
    recorder = current["recorder"]
    if recorder is None:
        return False
    ownership = Ownership.from_params(params)
    standing = recorder_ownership(recorder, params["name"], ownership)
    if standing == FOREIGN:
        module.warn(foreign_recorder_message(recorder, module.region, params["state"]))
        return True
    if standing == OURS and not recorder.get("arn"):
        return False
    problem = ownership.problem(RECORDER_KIND, recorder, params["state"])
    if problem and params["state"] == "present":
        module.fail_json(msg=problem, config_recorder=recording_view(current))
    if problem:
        module.warn(problem)
    return bool(problem)


def ensure_present(module, clients, current, action):
    """Create or finish recording as action (the region's rollout_action) says; returns (changed, predicted state)."""
    params = module.params
    recorder, channel = current["recorder"], current["channel"]
    if leave_unowned_recorder(module, current):
        return False, current
    if recorder is None and action == NOTHING:
        # Without a recorder, the rollout leaves nothing alone but a delivery channel of another name.
        module.fail_json(msg=foreign_channel_message(channel, module.region), config_recorder=recording_view(current))
    if recorder is not None:
        differences = unapplied_options(recorder, channel, params)
        if differences:
            module.warn(unapplied_options_message(params["name"], differences))

    role_arn, role_missing = resolve_role(module, clients) if action == CREATE else (None, False)
    changes = present_changes(current, action, role_missing, params)
    if not any(changes.values()):
        return False, current
    if module.check_mode:
        return True, predict_present(current, changes, params, role_arn)
    apply_present(clients, params, changes, current, role_arn)
    return True, describe_recording(clients["config"], params["name"], Ownership.from_params(params))[0]


def ensure_absent(module, clients, current):
    """Delete our recording; returns (changed, predicted state)."""
    params = module.params
    recorder, channel = current["recorder"], current["channel"]
    if leave_unowned_recorder(module, current):
        return False, current
    if recorder and channel and channel["name"] != params["name"]:
        module.warn("The delivery channel '{0}' was not created by cloudsec.aged_keys and was left in place.".format(channel["name"]))

    changes = absent_changes(current, params["name"])
    if any(changes.values()) and not module.check_mode:
        apply_absent(clients["config"], params["name"], changes)
    return any(changes.values()), predict_absent(current, changes)


def main():
    argument_spec = dict(
        name=dict(type="str", default="cloudsec-aged-keys"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        role_arn=dict(type="str"),
        resource_types=dict(type="list", elements="str", default=[IAM_USER_TYPE]),
        s3_bucket_name=dict(type="str"),
        s3_key_prefix=dict(type="str", no_log=False),
        delivery_frequency=dict(type="str", choices=DELIVERY_FREQUENCIES),
        tags=dict(type="dict"),
        **OWNERSHIP_ARGUMENT_SPEC
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        required_if=[("state", "present", ["s3_bucket_name"])],
        supports_check_mode=True,
    )
    problems = validate_options(module.params)
    if problems:
        module.fail_json(msg=" ".join(problems))
    for warning in option_warnings(module.params):
        module.warn(warning)

    clients = {"config": aws_client(module, "config")}
    try:
        current, summary = describe_recording(clients["config"], module.params["name"], Ownership.from_params(module.params))
        if module.params["state"] == "present":
            changed, after = ensure_present(module, clients, current, summary["rollout_action"])
        else:
            changed, after = ensure_absent(module, clients, current)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    module.exit_json(**build_result(changed, "config_recorder", recording_view(current), recording_view(after), module._diff))


if __name__ == "__main__":
    main()
