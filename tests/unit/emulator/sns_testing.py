# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers of the SNS tests: topics with SQS subscribers, and what the queues received."""

import json


def queue_subscriber(sns, sqs, topic_arn, name, **attributes):
    """A queue that admits the topic, subscribed to it with `attributes` (FilterPolicy as data); returns (queue URL, subscription ARN)."""
    queue_url, queue_arn = queue_for_topic(sqs, name, topic_arn)
    attributes = {key: json.dumps(value) if key == "FilterPolicy" else value for key, value in attributes.items()}
    subscription_arn = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes)["SubscriptionArn"]
    return queue_url, subscription_arn


def queue_for_topic(sqs, name, topic_arn, **queue_attributes):
    """A queue whose policy lets SNS send the topic's messages to it; returns (queue URL, queue ARN)."""
    queue_url = sqs.create_queue(QueueName=name, Attributes=queue_attributes)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"Policy": json.dumps(queue_policy(queue_arn, topic_arn))})
    return queue_url, queue_arn


def queue_policy(queue_arn, topic_arn):
    """Amazon SNS Developer Guide, "Fanout to Amazon SQS queues": the topic may send to the queue."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "TopicSends", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
        "Resource": queue_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic_arn}},
    }]}


def received(sqs, queue_url):
    """Every message waiting in the queue (bodies and SQS message attributes), removed from it."""
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"], WaitTimeSeconds=0).get("Messages", [])
    for message in messages:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return messages


def notifications(sqs, queue_url):
    """The SNS notifications (JSON envelopes) waiting in the queue."""
    return [json.loads(message["Body"]) for message in received(sqs, queue_url)]


def string_attributes(**values):
    return {name: {"DataType": "String", "StringValue": value} for name, value in values.items()}
