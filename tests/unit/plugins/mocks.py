# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers for unit tests that replace boto3 clients and the Ansible module with MagicMock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

from botocore.exceptions import ClientError


def client_error(code, operation="Operation", message=None):
    """A real ClientError, as boto3 raises it for an AWS error code."""
    return ClientError({"Error": {"Code": code, "Message": message or code}}, operation)


def _set_result(paginator, result):
    if isinstance(result, Exception):
        paginator.paginate.return_value.build_full_result.side_effect = result
    else:
        paginator.paginate.return_value.build_full_result.return_value = result


def paginated(client, result):
    """Make every paginator of a mocked client return result (or raise it, when it is an exception)."""
    _set_result(client.get_paginator.return_value, result)
    return client


def paginated_by_operation(client, results):
    """Make client.get_paginator(operation) return results[operation] (or raise it, when it is an exception)."""
    def get_paginator(operation):
        paginator = MagicMock()
        _set_result(paginator, results[operation])
        return paginator

    client.get_paginator.side_effect = get_paginator
    return client


class FailJson(Exception):
    """Raised by a module_mock's fail_json, which must not return."""


def module_mock(params, check_mode=False):
    """A mocked AnsibleAWSModule with these params; fail_json raises FailJson."""
    module = MagicMock(check_mode=check_mode, params=params)
    module.fail_json.side_effect = FailJson
    return module
