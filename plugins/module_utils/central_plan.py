# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The plan of the central account: check it, read its topic, key and reports bucket, and name the ones that differ.

The topic is compared by the sns_topic module's own functions (module_utils/sns_topic.py, in check
mode); the key by the checks amazon.aws.kms_key makes (kms.key_differs); the optional reports bucket by
those of amazon.aws.s3_bucket (s3.bucket_differences). Run by module_utils/plans.py for the
central_account_plan module and its action plugin.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import account_checks
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import kms
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import plans
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import preflight
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import s3
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import sns_topic
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import OWNERSHIP_ARGUMENT_SPEC
from ansible_collections.cloudsec.aged_keys.plugins.module_utils.ownership import Ownership

# The services a plan reads, in the order it first calls them.
SERVICES = ("sts", "kms", "sns", "s3")
KEY = "kms_key"
TOPIC = "sns_topic"
BUCKET = "s3_bucket"
# The reports bucket's options, as amazon.aws.s3_bucket is given them (with tags, purge_tags=false and no key id).
BUCKET_OPTIONS = dict(
    name=dict(type="str", required=True),
    versioning=dict(type="bool", default=True),
    encryption=dict(type="str", choices=["AES256", "aws:kms"], default="aws:kms"),
    public_access=dict(type="dict", required=True, options=dict(
        (setting, dict(type="bool", default=False))
        for setting in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))),
    object_ownership=dict(type="str", choices=["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"], required=True),
    policy=dict(type="dict", required=True),
)
# The topic options the plan does not take: it plans the topic present, with the account's ownership options.
_NOT_TOPIC_OPTIONS = ("state",) + tuple(OWNERSHIP_ARGUMENT_SPEC)


def topic_argument_spec():
    return dict((name, spec) for name, spec in sns_topic.argument_spec().items() if name not in _NOT_TOPIC_OPTIONS)


def argument_spec():
    return dict(
        account_id=dict(type="str", required=True),
        assume_role=plans.ASSUME_ROLE_SPEC,
        # A KMS key's options, not key material.
        key=dict(type="dict", required=True, no_log=False, options=dict(
            alias=dict(type="str", required=True), description=dict(type="str", required=True),
            policy=dict(type="dict", required=True), enable_key_rotation=dict(type="bool", default=True))),
        # Checked against sns_topic's own options by param_problems, so they are documented once, there.
        topic=dict(type="dict", required=True),
        # The reports bucket: left out, the plan reads no bucket.
        bucket=dict(type="dict", options=BUCKET_OPTIONS),
        adopt=OWNERSHIP_ARGUMENT_SPEC["adopt"],
        deployment_id=OWNERSHIP_ARGUMENT_SPEC["deployment_id"],
    )


def param_problems(params, region):
    """Every problem of the options, and the topic's options as the sns_topic module takes them (None when invalid)."""
    validation = ArgumentSpecValidator(topic_argument_spec()).validate(params["topic"])
    problems = ["topic: {0}".format(message) for message in validation.error_messages]
    topic = None
    if not problems:
        topic = dict(validation.validated_parameters, state="present", adopt=params["adopt"], deployment_id=params["deployment_id"])
        # With the deployment id, which the key shares.
        problems.extend(sns_topic.validate_params(topic))
    problems.append(account_checks.account_id_problem(params["account_id"]))
    if not params["key"]["alias"].strip():
        problems.append("key.alias must not be empty.")
    if params.get("bucket") and not s3.BUCKET_NAME_PATTERN.match(params["bucket"]["name"]):
        problems.append("bucket.name '{0}' is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-', "
                        "beginning and ending with a letter or digit).".format(params["bucket"]["name"]))
    if not region:
        problems.append("No AWS region: set the region option (or AWS_REGION) to the region of the topic.")
    return [problem for problem in problems if problem], topic


def secret_endpoints(params):
    """The topic's HTTP/S endpoints given in the options: a module must not show them in its invocation."""
    subscriptions = (params["topic"] or {}).get("subscriptions") or []
    return [subscription.get("endpoint") for subscription in subscriptions
            if isinstance(subscription, dict) and sns.endpoint_is_secret(subscription.get("protocol"))]


def describe(reader, topic_arn, names, problems):
    """The aliased key, the topic and the bucket when there is one (None when missing), or False when one could not
    be read (a problem says why)."""
    readers = [
        ("kms_alias", "kms", names["kms_alias"], lambda: kms.describe_aliased_key(reader.client("kms"), names["kms_alias"])),
        ("sns_topic", "sns", names["sns_topic"], lambda: sns_topic.describe_topic(reader.client("sns"), topic_arn)),
    ]
    if BUCKET in names:
        readers.append((BUCKET, "s3", names[BUCKET], lambda: s3.describe_bucket(reader.client("s3"), names[BUCKET])))
    return account_checks.describe_each(problems, readers)


def found_of(kind, resource):
    """A described resource in the form account_checks expects of a look-up."""
    if kind == "kms_alias":
        key = resource["key"]
        return preflight.kms_alias_found(resource["alias"], key["tags"] if key else {})
    if kind == BUCKET:
        return preflight.bucket_found(resource)
    return preflight.topic_found(resource["arn"], resource["tags"])


def tags_to_set(resource, ownership):
    """The tags a task of amazon.aws sets (purge_tags=false): the ownership tags, and the adopted mark on a resource
    that was not ours."""
    return ownership.tags_of_new_resource(None) if resource is None else ownership.wanted_tags(resource["tags"], {})


def plan_changes(reader, key, topic, topic_arn, params, topic_params, tags_of_key):
    wanted = params["key"]
    changes = [KEY] if kms.key_differs(key, wanted["description"], wanted["policy"], wanted["enable_key_rotation"], tags_of_key) else []
    # In check mode the module's functions only compare: no call is made.
    topic_changed = sns_topic.ensure_present(reader.client("sns"), topic, topic_arn, topic_params, True)[0]
    return changes + ([TOPIC] if topic_changed else [])


def plan(reader, params, region, topic_params, warn):
    """Check the central account and plan its topic, key and bucket; returns the result, or raises PlanFailure with every problem."""
    problems = []
    result = dict(changed=False, changes=[], resources=[], problems=problems, key_arn=None, key_tags={}, topic_arn=None,
                  bucket_tags={}, bucket_differences={})
    result["account_id"] = account_checks.check_account(reader, params["account_id"], problems)
    if problems:
        # Everything else would describe the wrong account.
        raise plans.PlanFailure(account_checks.failure_message(region, problems), result)

    identity = reader.identity()
    result["topic_arn"] = sns.topic_arn(identity["partition"], region, identity["account"], params["topic"]["name"])
    ownership = Ownership.from_params(params)
    names = {"kms_alias": kms.qualified_alias_name(params["key"]["alias"]), "sns_topic": params["topic"]["name"]}
    if params.get("bucket"):
        names[BUCKET] = params["bucket"]["name"]
    described = describe(reader, result["topic_arn"], names, problems)
    result["resources"] = account_checks.check_described(described, names, found_of, ownership, problems)
    if problems:
        raise plans.PlanFailure(account_checks.failure_message(region, problems), result)

    # An alias without a key of its own (or no alias) plans a new key.
    key = (described["kms_alias"] or {}).get("key")
    result["key_arn"] = key["arn"] if key else None
    result["key_tags"] = tags_to_set(key, ownership)
    result["changes"] = plan_changes(reader, key, described["sns_topic"], result["topic_arn"], params, topic_params, result["key_tags"])
    if BUCKET in names:
        result["bucket_tags"] = tags_to_set(described[BUCKET], ownership)
        result["bucket_differences"] = s3.bucket_differences(described[BUCKET], params["bucket"], result["bucket_tags"])
        result["changes"] += [BUCKET] if result["bucket_differences"] else []
    return result
