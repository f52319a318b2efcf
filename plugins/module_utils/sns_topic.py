# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An SNS topic as the sns_topic module manages it: its options, validation, description, comparison
and changes. The central account's plan asks the same functions, in check mode, whether the module
would change the topic.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from copy import deepcopy
from functools import partial

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import deployment_id_problem

# Protocols whose endpoint must confirm before the subscription gets an ARN.
CONFIRMED_BY_ENDPOINT = ("email", "email-json", "http", "https")
PROTOCOLS = ["application", "email", "email-json", "firehose", "http", "https", "lambda", "sms", "sqs"]


# ---------------------------------------------------------------- validate


def subscription_problems(subscriptions):
    problems = []
    seen = set()
    for subscription in subscriptions or []:
        key = sns.subscription_key(subscription["protocol"], subscription["endpoint"])
        shown = (key[0], sns.shown_endpoint(*key))
        if key in seen:
            problems.append("subscriptions lists {0} {1} more than once: keep one entry.".format(*shown))
        seen.add(key)
        attributes = subscription.get("attributes") or {}
        if subscription["protocol"] == "firehose" and not attributes.get("subscription_role_arn"):
            problems.append("The firehose subscription to {1} needs attributes.subscription_role_arn.".format(*shown))
        if attributes.get("filter_policy_scope") and attributes.get("filter_policy") is None:
            problems.append("The subscription {0} {1} sets filter_policy_scope without filter_policy: set both.".format(*shown))
    return problems


def validate_params(params):
    """Problems with the options, found before any API call."""
    problems = [sns.topic_name_problem(params["name"]), deployment_id_problem(params.get("deployment_id"))]
    if params["state"] == "present":
        problems.extend(subscription_problems(params["subscriptions"]))
    return [problem for problem in problems if problem]


# ---------------------------------------------------------------- describe


def describe_topic(client, arn):
    """The topic as a normalised dict with its subscriptions and tags, or None when it does not exist."""
    attributes = sns.get_topic_attributes(client, arn)
    if attributes is None:
        return None
    topic = {"arn": arn, "name": parse_aws_arn(arn)["resource"]}
    topic.update(sns.topic_attributes_from_aws(attributes))
    topic["subscriptions"] = sns.describe_subscriptions(client, arn)
    topic["tags"] = sns.list_topic_tags(client, arn)
    return topic


# ---------------------------------------------------------------- compare


def desired_topic_attributes(params):
    return dict((option, params[option]) for option, _aws_name, _kind in sns.TOPIC_ATTRIBUTES)


def topic_attribute_changes(topic, params):
    """SNS attribute name -> new value for the managed topic attributes that differ."""
    return sns.attribute_changes(topic, desired_topic_attributes(params), sns.TOPIC_ATTRIBUTES)


def desired_subscriptions(subscriptions):
    """Requested subscriptions keyed by (protocol, endpoint), in request order."""
    desired = {}
    for subscription in subscriptions:
        key = sns.subscription_key(subscription["protocol"], subscription["endpoint"])
        desired[key] = {"protocol": key[0], "endpoint": key[1], "attributes": subscription.get("attributes")}
    return desired


def pending_message(subscription, what):
    return (
        "SNS subscription {protocol} {endpoint} is pending confirmation, so SNS cannot {what} it yet. "
        "It was left as it is; confirm it from the endpoint (or let it expire after three days) and re-run."
    ).format(what=what, protocol=subscription["protocol"], endpoint=sns.shown_endpoint(subscription["protocol"], subscription["endpoint"]))


def plan_subscriptions(current, requested, purge):
    """What to do with subscriptions: dict(add, remove, update=[(subscription, changes)], warnings)."""
    plan = {"add": [], "remove": [], "update": [], "warnings": []}
    desired = desired_subscriptions(requested)
    existing = dict((sns.subscription_key_of(subscription), subscription) for subscription in current)
    for key, subscription in existing.items():
        if key in desired:
            plan_existing_subscription(plan, subscription, desired[key]["attributes"])
        elif purge and subscription["pending_confirmation"]:
            plan["warnings"].append(pending_message(subscription, "remove"))
        elif purge:
            plan["remove"].append(subscription)
    plan["add"] = [subscription for key, subscription in desired.items() if key not in existing]
    return plan


def plan_existing_subscription(plan, subscription, attributes):
    if not attributes:
        return
    if subscription["pending_confirmation"]:
        plan["warnings"].append(pending_message(subscription, "show or change the attributes of"))
        return
    changes = sns.attribute_changes(subscription["attributes"], attributes, sns.SUBSCRIPTION_ATTRIBUTES)
    if changes:
        plan["update"].append((subscription, changes))


# ---------------------------------------------------------------- apply


def predicted_subscription(subscription, arn=None):
    return {
        "arn": arn,
        "protocol": subscription["protocol"],
        "endpoint": subscription["endpoint"],
        "pending_confirmation": subscription["protocol"] in CONFIRMED_BY_ENDPOINT,
        "attributes": dict((key, value) for key, value in (subscription["attributes"] or {}).items() if value is not None),
    }


def create_topic(client, arn, params, check_mode):
    """Create the topic with its attributes and tags; returns (True, predicted topic without subscriptions)."""
    attributes = dict((name, value) for name, value in topic_attribute_changes({}, params).items() if value)
    tags = Ownership.from_params(params).tags_of_new_resource(params["tags"])
    if not check_mode:
        arn = sns.create_topic(client, params["name"], attributes, tags)
    topic = {"arn": arn, "name": params["name"], "subscriptions": [], "tags": tags}
    topic.update(sns.topic_attributes_from_aws(attributes))
    return True, topic


def ensure_topic_attributes(client, topic, params, check_mode):
    changes = topic_attribute_changes(topic, params)
    if not changes:
        return False, topic
    if not check_mode:
        for name, value in changes.items():
            sns.set_topic_attribute(client, topic["arn"], name, value)
    updated = deepcopy(topic)
    updated.update(dict((option, params[option]) for option, aws_name, _kind in sns.TOPIC_ATTRIBUTES if aws_name in changes))
    updated["delivery_policy"] = updated["delivery_policy"] or None
    return True, updated


def apply_subscription_plan(client, topic_arn, plan, check_mode):
    """Carry out a plan; returns the subscriptions it added, as predicted."""
    added = []
    for subscription in plan["remove"]:
        if not check_mode:
            sns.unsubscribe(client, subscription["arn"])
    for subscription, changes in plan["update"]:
        if not check_mode:
            for name, value in changes.items():
                sns.set_subscription_attribute(client, subscription["arn"], name, value)
    for subscription in plan["add"]:
        arn = None
        if not check_mode:
            # An empty value removes an attribute, which a new subscription does not have anyway.
            attributes = dict((name, value) for name, value in sns.subscription_attributes_to_aws(subscription["attributes"]).items() if value != "")
            arn = sns.subscribe(client, topic_arn, subscription["protocol"], subscription["endpoint"], attributes)
        added.append(predicted_subscription(subscription, arn))
    return added


def subscriptions_after(current, plan, added, requested):
    """The subscriptions once a plan is carried out."""
    removed = set(sns.subscription_key_of(subscription) for subscription in plan["remove"])
    updated = set(sns.subscription_key_of(subscription) for subscription, _changes in plan["update"])
    wanted = desired_subscriptions(requested)
    result = []
    for subscription in current:
        key = sns.subscription_key_of(subscription)
        if key in removed:
            continue
        subscription = deepcopy(subscription)
        if key in updated:
            subscription["attributes"].update((option, value) for option, value in wanted[key]["attributes"].items() if value is not None)
        result.append(subscription)
    return result + added


def ensure_subscriptions(client, topic, params, check_mode):
    """Returns (changed, topic, plan); plan is None when subscriptions are not managed."""
    if params["subscriptions"] is None:
        return False, topic, None
    plan = plan_subscriptions(topic["subscriptions"], params["subscriptions"], params["purge_subscriptions"])
    if not (plan["add"] or plan["remove"] or plan["update"]):
        return False, topic, plan
    added = apply_subscription_plan(client, topic["arn"], plan, check_mode)
    updated = deepcopy(topic)
    updated["subscriptions"] = subscriptions_after(topic["subscriptions"], plan, added, params["subscriptions"])
    return True, updated, plan


def subscription_changes(plan):
    """What a subscription plan adds, removes and updates, as (protocol, shown endpoint) entries."""
    def entries(subscriptions):
        return [{"protocol": s["protocol"], "endpoint": sns.shown_endpoint(s["protocol"], s["endpoint"])} for s in subscriptions]

    if plan is None:
        return {"added": [], "removed": [], "updated": []}
    return {
        "added": entries(plan["add"]),
        "removed": entries(plan["remove"]),
        "updated": entries(subscription for subscription, _changes in plan["update"]),
    }


def ensure_tags(client, topic, params, check_mode):
    update_tags = partial(sns.update_topic_tags, client, topic["arn"])
    return Ownership.from_params(params).ensure_tags(topic, params["tags"], params["purge_tags"], update_tags, check_mode)


def ensure_present(client, topic, arn, params, check_mode):
    """Returns (changed, topic after the change, subscription plan or None)."""
    if topic is None:
        changed, topic = create_topic(client, arn, params, check_mode)
    else:
        attributes_changed, topic = ensure_topic_attributes(client, topic, params, check_mode)
        tags_changed, topic = ensure_tags(client, topic, params, check_mode)
        changed = attributes_changed or tags_changed
    subscriptions_changed, topic, plan = ensure_subscriptions(client, topic, params, check_mode)
    return changed or subscriptions_changed, topic, plan


def ensure_absent(client, topic, check_mode):
    """Delete the topic (SNS deletes its subscriptions with it); returns changed."""
    if topic is None:
        return False
    if not check_mode:
        sns.delete_topic(client, topic["arn"])
    return True


# ---------------------------------------------------------------- options


def argument_spec():
    subscription_attributes = dict(
        raw_message_delivery=dict(type="bool"),
        filter_policy=dict(type="dict"),
        filter_policy_scope=dict(type="str", choices=["MessageAttributes", "MessageBody"]),
        redrive_policy=dict(type="dict"),
        delivery_policy=dict(type="dict"),
        subscription_role_arn=dict(type="str"),
    )
    subscription = dict(
        protocol=dict(type="str", required=True, choices=PROTOCOLS),
        endpoint=dict(type="str", required=True),
        attributes=dict(type="dict", options=subscription_attributes),
    )
    return dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        display_name=dict(type="str"),
        kms_master_key_id=dict(type="str", no_log=False),
        policy=dict(type="dict"),
        delivery_policy=dict(type="dict"),
        subscriptions=dict(type="list", elements="dict", options=subscription),
        purge_subscriptions=dict(type="bool", default=True),
        tags=dict(type="dict"),
        purge_tags=dict(type="bool", default=True),
        **OWNERSHIP_ARGUMENT_SPEC
    )
