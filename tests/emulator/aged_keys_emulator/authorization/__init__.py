# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Authorization of the callers' own requests: IAM policies enforced on assumed-role sessions.

Off by default. When switched on (POST /_emulator/authorization, or server.py
--enforce-role-policies), every AWS API request signed with sts:AssumeRole session
credentials is evaluated before moto serves it, as AWS evaluates it (IAM User Guide,
"Policy evaluation logic"): the role's identity-based policies and permissions boundary,
the resource's policy where the service has one (SNS topic policies, KMS key policies,
S3 bucket policies, SQS queue policies, role trust policies), with the request's
condition keys. Evaluation is automation/access.py's and automation/policy.py's, the
same that holds SSM Automation steps to least privilege.

- requests.py: what a request asks (service, operation, parameters, caller)
- resources/: per service, the actions and resources each operation needs (Service
  Authorization Reference); an operation without an entry is refused
- enforcement.py: the evaluation, the denial, and the record of decisions
- responses.py: denials in each service's error format
- middleware.py: the WSGI layer in front of moto; switch.py: the switch and the record

Unrestricted, as before: moto's default credentials and IAM users' keys (the "ambient"
identity), and the emulator's own calls (endpoint.client: Automation steps, which
access.py checks where they are made, and AWS Config's remediation).
"""


def apply():
    from . import switch  # pylint: disable=import-outside-toplevel

    switch.apply()
