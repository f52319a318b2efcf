# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Amazon SQS, for tests (Service Authorization Reference, "Actions, resources, and condition keys for Amazon SQS").

Resource type: queue arn:PARTITION:sqs:REGION:ACCOUNT:NAME, with aws:ResourceTag/KEY; its
resource-based policy is the queue's Policy attribute. A queue URL names its account and
name (.../ACCOUNT/NAME). Batch operations are authorized as their single actions
(SendMessageBatch as sqs:SendMessage, ...), as the reference lists no actions of their own.
"""

from moto.sqs.models import sqs_backends

from .common import anywhere, merged, need, removed_tag_keys, request_tags, resource_tags

SERVICE = "sqs"


def queue_requirement(call, action, account, name, *extra):
    queue = sqs_backends[account][call.region].queues.get(name)
    tags = dict(queue.tags) if queue is not None else None
    return need(call, action, call.arn("sqs", name, account=account), owner=account, resource_policy=getattr(queue, "policy", None) or None,
                **merged(resource_tags(tags), *extra))


def by_url(action, extra=None):
    def builder(call):
        path = call.required("QueueUrl").rstrip("/").split("/")
        account, name = (path[-2], path[-1]) if len(path) >= 2 and path[-2].isdigit() else (call.account, path[-1])
        return [queue_requirement(call, action, account, name, *(extra(call) if extra else ()))]

    return builder


def get_queue_url(call):
    return [queue_requirement(call, "sqs:GetQueueUrl", call.params.get("QueueOwnerAWSAccountId") or call.account, call.required("QueueName"))]


def create_queue(call):
    return [queue_requirement(call, "sqs:CreateQueue", call.account, call.required("QueueName"), request_tags(call.params.get("tags")))]


ACTIONS = {
    "GetQueueAttributes": "GetQueueAttributes", "SetQueueAttributes": "SetQueueAttributes", "ReceiveMessage": "ReceiveMessage",
    "DeleteMessage": "DeleteMessage", "DeleteMessageBatch": "DeleteMessage", "SendMessage": "SendMessage", "SendMessageBatch": "SendMessage",
    "ChangeMessageVisibility": "ChangeMessageVisibility", "DeleteQueue": "DeleteQueue", "PurgeQueue": "PurgeQueue", "ListQueueTags": "ListQueueTags",
}

OPERATIONS = {operation: by_url(f"sqs:{action}") for operation, action in ACTIONS.items()}
OPERATIONS.update({
    "CreateQueue": create_queue,
    "GetQueueUrl": get_queue_url,
    "TagQueue": by_url("sqs:TagQueue", lambda call: [request_tags(call.params.get("Tags"))]),
    "UntagQueue": by_url("sqs:UntagQueue", lambda call: [removed_tag_keys(call.params.get("TagKeys"))]),
    "ListQueues": anywhere("sqs:ListQueues"),
})
