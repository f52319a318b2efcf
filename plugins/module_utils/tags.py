# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tagging calls, the same for every service the collection tags.

A service helper passes its client's call (and how that call names the resource) and wraps
the result in its own error handler, so each service keeps its error messages:

    @SNSErrorHandler.common_error_handler("tag SNS topic")
    def tag_topic(client, arn, tags):
        return set_tags(client.tag_resource, tags, ResourceArn=arn)

Which tags to set and which to remove is planned by module_utils.ownership.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list


def set_tags(tag_call, tags, **resource):
    """tag_call(Tags=<boto3 tag list>, **resource), unless there are no tags; returns whether it called."""
    if not tags:
        return False
    tag_call(Tags=ansible_dict_to_boto3_tag_list(tags), aws_retry=True, **resource)
    return True


def unset_tags(untag_call, tag_keys, **resource):
    """untag_call(TagKeys=[...], **resource), unless there are no keys; returns whether it called."""
    if not tag_keys:
        return False
    untag_call(TagKeys=list(tag_keys), aws_retry=True, **resource)
    return True


def update_tags(tag, untag, tags_to_set, tag_keys_to_unset):
    """Remove, then set tags (removing first keeps the resource within its tag limit).

    tag(tags) and untag(tag_keys) are the service's two tagging helpers for one resource; they
    skip empty changes.
    """
    untag(tag_keys_to_unset)
    tag(tags_to_set)
