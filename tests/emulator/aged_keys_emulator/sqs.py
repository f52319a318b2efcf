# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""SetQueueAttributes changes only the attributes it names, as AWS does.

Amazon SQS API Reference, SetQueueAttributes: "Sets the value of one or more queue
attributes". moto 5.2.5 also resets the queue policy to none whenever Policy is not among
them (for example when KmsMasterKeyId is set afterwards), and SNS then could no longer
deliver to the queue (sns_sqs_delivery.py). An empty Policy still removes the policy.
"""

from moto.sqs.models import SQSBackend

from .patching import wrap_attribute


def apply():
    wrap_attribute(SQSBackend, "set_queue_attributes", keep_unnamed_policy)


def keep_unnamed_policy(original):
    def set_queue_attributes(self, queue_name, attributes):
        if "Policy" not in attributes:
            attributes = dict(attributes, Policy=self.get_queue(queue_name).policy)
        return original(self, queue_name, attributes)

    return set_queue_attributes
