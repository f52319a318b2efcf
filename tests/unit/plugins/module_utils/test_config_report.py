# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The report's listings directly; tests/unit/plugins/modules/test_config_rule_compliance_info.py
covers them through the module with a stubbed client (requests, pages, errors)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from unittest.mock import MagicMock

import pytest

from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config
from ansible_collections.cloudsec.aged_keys.plugins.module_utils import config_report
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import client_error
from ansible_collections.cloudsec.aged_keys.tests.unit.plugins.mocks import paginated


def test_page_sizes_are_the_api_limits():
    assert config_report.DISCOVERED_RESOURCE_IDS_PER_CALL == 20
    assert config_report.REPORT_PAGE_SIZE == 100
    assert config_report.REPORTED_COMPLIANCE_TYPES == ("COMPLIANT", "NON_COMPLIANT")


def test_missing_rule_or_remediation_gives_empty_results():
    client = paginated(MagicMock(), client_error("NoSuchConfigRuleException"))
    assert config_report.list_compliance_results(client, "r") is None
    client = paginated(MagicMock(), client_error("NoSuchRemediationConfigurationException"))
    assert config_report.list_remediation_statuses(client, "r") == {}


def test_errors_are_config_errors_and_access_denied_names_the_permission():
    client = MagicMock()
    client.describe_remediation_exceptions.side_effect = client_error("AccessDeniedException")
    with pytest.raises(config.AnsibleConfigError, match="^Access denied: .*config:DescribeRemediationExceptions"):
        config_report.list_remediation_exceptions(client, "r")
    client.describe_remediation_exceptions.side_effect = client_error("InvalidParameterValueException")
    with pytest.raises(config.AnsibleConfigError) as raised:
        config_report.list_remediation_exceptions(client, "r")
    assert raised.value.message == "Failed to call config:DescribeRemediationExceptions"


def test_no_user_ids_make_no_call():
    client = MagicMock()
    assert config_report.resolve_iam_user_names(client, []) == {}
    client.get_paginator.return_value.paginate.assert_not_called()
