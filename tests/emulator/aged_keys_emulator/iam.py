# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""IAM user ids shaped like AWS's.

IAM User Guide, "IAM identifiers", Unique identifiers: a user's unique id starts
with AIDA (21 characters in all). moto 5.2.5 gives users 20 random lowercase
characters; AWS Config reports a user by this id (ListDiscoveredResources
resourceId), so the emulator needs the real shape.
"""

from moto.iam.models import User
from moto.iam.utils import generate_access_key_id_from_account_id

from .patching import wrap_attribute

USER_ID_PREFIX = "AIDA"
USER_ID_LENGTH = 21


def apply():
    wrap_attribute(User, "__init__", give_user_an_aws_shaped_id)


def give_user_an_aws_shaped_id(original):
    def __init__(self, account_id, region_name, name, path=None):
        original(self, account_id, region_name, name, path)
        # moto encodes the account in the id, as it does for role ids (AROA...).
        self.id = generate_access_key_id_from_account_id(account_id, prefix=USER_ID_PREFIX, total_length=USER_ID_LENGTH)

    return __init__
