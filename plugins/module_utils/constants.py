# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Values that the modules and the roles share, defined once.

Modules import them; roles read them with the lookup plugin cloudsec.aged_keys.constants, for
example ``lookup('cloudsec.aged_keys.constants', 'EVALUATION_FREQUENCIES')``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# The least-privilege identities of the rollout (roles/execution_roles, playbooks/bootstrap.yml):
# the deployer runs site.yml and cleanup, the read-only auditor site.yml --check and the report.
DEPLOYER_ROLE_NAME = "cloudsec-aged-keys-deployer"
AUDITOR_ROLE_NAME = "cloudsec-aged-keys-auditor"

# Every resource the collection creates carries this tag (module_utils/ownership.py), with the
# deployment it belongs to, so that two deployments in one account never manage or remove each
# other's resources; a resource taken over with adopt also carries ADOPTED_TAG_KEY.
OWNER_TAG_KEY = "ManagedBy"
OWNER_TAG_VALUE = "cloudsec.aged_keys"
DEPLOYMENT_TAG_KEY = "cloudsec.aged_keys:deployment"
ADOPTED_TAG_KEY = "cloudsec.aged_keys:adopted"
ADOPTED_TAG_VALUE = "true"
# A deployment id is a tag value: letters, digits, spaces and _.:/=+-@ (1 to 128 here). The
# default names the central account, the topic's region and its name.
DEPLOYMENT_ID_FORMAT = "{account_id}:{region}:{topic_name}"

# Days after which an active access key is aged: the rule's maxAccessKeyAge unless
# aged_keys_max_access_key_age says otherwise (the report's age chart starts there too).
MAX_ACCESS_KEY_AGE_DEFAULT = 90

# AWS Config API Reference, ConfigRule.MaximumExecutionFrequency.
EVALUATION_FREQUENCIES = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")

# AWS Config API Reference, RemediationConfiguration: (minimum, maximum).
REMEDIATION_MAX_ATTEMPTS_RANGE = (1, 25)
REMEDIATION_RETRY_SECONDS_RANGE = (1, 2678000)

# AWS Config Developer Guide, "Recording global resource types": IAM users are recorded only in
# the regions where AWS Config existed before February 2022.
IAM_RECORDING_REGIONS = (
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1",
    "ap-southeast-2", "ca-central-1", "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-north-1", "eu-south-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-gov-east-1",
    "us-gov-west-1", "us-west-1", "us-west-2",
)

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")

# Largest resource policies, in bytes of JSON: Amazon SNS Developer Guide, "Amazon SNS quotas"
# (topic policy 30 KB); AWS KMS Developer Guide, "Quotas" (key policy document 32 KB). `reserved`
# is what the rest of each policy may take besides the list of publisher accounts.
POLICY_SIZE_LIMITS = {"sns_topic": 30720, "kms_key": 32768, "reserved": 2048}

# SSM reserves document names that start with these, in any case.
DOCUMENT_RESERVED_PREFIXES = ("aws", "amazon", "amzn")

# Names the rollout creates, as the services accept them (regular expressions for whole names).
NAME_PATTERNS = {
    # CreateTopic: letters, digits, '-' and '_', 1 to 256 (FIFO topics are not supported).
    "topic_name": r"^[A-Za-z0-9_-]{1,256}$",
    # CreateAlias: 1 to 256 with 'alias/', letters, digits, '/', '_' and '-'; 'aws/' is reserved.
    "kms_alias": r"^(?!aws/)[A-Za-z0-9/_-]{1,250}$",
    # CreateDocument: letters, digits, '_', '-' and '.', 3 to 128 (see DOCUMENT_RESERVED_PREFIXES).
    "document_name": r"^[A-Za-z0-9_.-]{3,128}$",
    # PutConfigRule: 1 to 128; the runbook's ConfigRuleName parameter takes these characters.
    "config_rule_name": r"^[A-Za-z0-9_.-]{1,128}$",
    # CreateRole: letters, digits and +=,.@_-; the role is '<prefix>-<region>', at most 64 characters.
    "role_name_prefix": r"^[A-Za-z0-9+=,.@_-]{1,48}$",
    # A tag value, see DEPLOYMENT_ID_FORMAT.
    "deployment_id": r"^[A-Za-z0-9_.:/=+@ -]{1,128}$",
    # Amazon S3 User Guide, "General purpose bucket naming rules": 3 to 63 lowercase letters, digits, '.' and '-',
    # beginning and ending with a letter or digit.
    "s3_bucket_name": r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
}

# The reports bucket (optional, central account) is the user's to name, since bucket names are global; the
# shipped deployer and auditor policies (roles/execution_roles/files) grant S3 on names that begin with this.
REPORTS_BUCKET_PREFIX = "cloudsec-aged-keys-reports-"

# One retry policy for every AWS call of the rollout, the collection's modules and amazon.aws's:
# botocore's standard retry mode (exponential backoff with jitter, throttling and 5xx of every
# service) with this many attempts in all (module_utils/retries.py; the roles pass the same to
# amazon.aws's modules as aws_config through module_defaults).
AWS_RETRIES = {"mode": "standard", "total_max_attempts": 10}
