# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM user ids shaped like AWS's, and the account of an access key found without cost.

IAM User Guide, "IAM identifiers", Unique identifiers: a user's unique id starts
with AIDA (21 characters in all). moto 5.2.5 gives users 20 random lowercase
characters; AWS Config reports a user by this id (ListDiscoveredResources
resourceId), so the emulator needs the real shape.

moto finds the account of every request's access key by looking into the IAM backend of each
partition (nine) of each account, creating the backends it has not made yet; each new backend
loads AWS's 1,500 managed policies (about 0.3 CPU-seconds). A backend not yet made holds no
keys, so looking only into those that exist gives the same answer for a ninth of the work.
"""

import moto.iam.models
from moto.core import DEFAULT_ACCOUNT_ID
from moto.iam.models import User
from moto.iam.models import iam_backends
from moto.iam.utils import generate_access_key_id_from_account_id

from .patching import wrap_attribute

USER_ID_PREFIX = "AIDA"
USER_ID_LENGTH = 21


def apply():
    wrap_attribute(User, "__init__", give_user_an_aws_shaped_id)
    wrap_attribute(moto.iam.models, "get_account_id_from", look_only_into_existing_backends)


def look_only_into_existing_backends(original):  # pylint: disable=unused-argument
    def get_account_id_from(access_key):
        # list(): requests are served by several threads (moto's own precaution, issue #5881).
        for account_id, account in list(iam_backends.items()):
            if any(access_key in backend.access_keys for backend in list(account.values())):
                return account_id
        return DEFAULT_ACCOUNT_ID

    return get_account_id_from


def give_user_an_aws_shaped_id(original):
    def __init__(self, account_id, region_name, name, path=None):
        original(self, account_id, region_name, name, path)
        # moto encodes the account in the id, as it does for role ids (AROA...).
        self.id = generate_access_key_id_from_account_id(account_id, prefix=USER_ID_PREFIX, total_length=USER_ID_LENGTH)

    return __init__
