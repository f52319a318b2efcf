# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM access keys and user tags served as AWS serves them, where moto 5.2.5 differs.

- ListAccessKeys and ListUserTags page (IAM API Reference, these actions): `MaxItems`
  1-1000 ("If you do not include this parameter, the number of items defaults to 100"),
  `Marker`, and `IsTruncated` with the next `Marker`. moto answered everything at once
  and ignored both, so botocore's paginators never saw a second page.
- GetAccessKeyLastUsed answers only for keys of the caller's account. moto searched every
  account. The API reference lists no NoSuchEntity for this action: a key IAM cannot
  attribute to a user of the caller's account is an AccessDenied "User: <arn> is not
  authorized to perform: iam:GetAccessKeyLastUsed on resource: access key <id>".
"""

import base64
import binascii

from moto.iam.exceptions import IAMException, ValidationError
from moto.iam.responses import IamResponse
from moto.sts.models import sts_backends

from .patching import wrap_attribute

MAX_ITEMS_RANGE = (1, 1000)
DEFAULT_MAX_ITEMS = 100


class AccessDenied(IAMException):
    code = "AccessDenied"


def apply():
    wrap_attribute(IamResponse, "list_access_keys", lambda original: paginated(original, "AccessKeyMetadata"))
    wrap_attribute(IamResponse, "list_user_tags", lambda original: paginated(original, "Tags"))
    wrap_attribute(IamResponse, "get_access_key_last_used", only_own_account_keys)


# --- Paging ------------------------------------------------------------------------------

def paginated(original, member):
    def action(self):
        max_items = requested_max_items(self._get_param("MaxItems"))  # pylint: disable=protected-access
        start = marker_position(self._get_param("Marker"), member)  # pylint: disable=protected-access
        answer = original(self)
        items = list(answer.result[member])
        page, rest = items[start:start + max_items], items[start + max_items:]
        answer.result[member] = page
        answer.result["IsTruncated"] = bool(rest)
        if rest:
            answer.result["Marker"] = marker_text(member, start + max_items)
        else:
            answer.result.pop("Marker", None)
        return answer

    return action


def requested_max_items(value):
    if value is None:
        return DEFAULT_MAX_ITEMS
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"1 validation error detected: Value '{value}' at 'maxItems' failed to satisfy constraint: Member must be an integer") from error
    low, high = MAX_ITEMS_RANGE
    if number < low:
        raise ValidationError(
            f"1 validation error detected: Value '{number}' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to {low}")
    if number > high:
        raise ValidationError(
            f"1 validation error detected: Value '{number}' at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to {high}")
    return number


def marker_text(member, position):
    """An opaque Marker: the position of the next item of this listing."""
    return base64.urlsafe_b64encode(f"{member}:{position}".encode()).decode()


def marker_position(marker, member):
    """The position a Marker of this listing points at; AWS does not document a bad marker's error, this is the emulator's."""
    if marker is None:
        return 0
    try:
        name, _colon, position = base64.urlsafe_b64decode(marker.encode()).decode().partition(":")
        if name == member and position.isdigit():
            return int(position)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise ValidationError(f"The Marker '{marker}' was not returned by this listing.")


# --- GetAccessKeyLastUsed ------------------------------------------------------------------

def access_key_owner(iam_backend, access_key_id):
    """The IAM user of this account and partition that owns the access key, or None."""
    for user in list(iam_backend.users.values()):
        if any(key.access_key_id == access_key_id for key in user.access_keys):
            return user
    return None


def key_not_attributable(caller_arn, access_key_id):
    return AccessDenied(f"User: {caller_arn} is not authorized to perform: iam:GetAccessKeyLastUsed on resource: access key {access_key_id}")


def only_own_account_keys(original):
    def action(self):
        access_key_id = self._get_param("AccessKeyId")  # pylint: disable=protected-access
        if access_key_owner(self.backend, access_key_id) is None:
            sts = sts_backends[self.current_account][self.partition]
            _user_id, caller_arn, _account = sts.get_caller_identity(self.get_access_key(), self.region)
            raise key_not_attributable(caller_arn, access_key_id)
        return original(self)

    return action
