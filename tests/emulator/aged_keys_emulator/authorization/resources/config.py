# -*- coding: utf-8 -*-
# Copyright: cloudsec.aged_keys contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWS Config (Service Authorization Reference, "Actions, resources, and condition keys for AWS Config").

Resource types and what the emulator can name of them:

- ConfigRule arn:PARTITION:config:REGION:ACCOUNT:config-rule/RULE_ID: the id AWS Config gave
  the rule; a rule that does not exist yet stands in with its name, as for Automation's calls
  (automation/access.py config_rule_resource).
- RemediationConfiguration .../remediation-configuration/ID: the configuration's Arn; for a
  rule without one, .../remediation-configuration/RULE/* (the id is made when it is created).
- ConfigurationRecorder .../configuration-recorder/NAME/ID: moto keeps no recorder id, so the
  resource is .../configuration-recorder/NAME/* (a policy must allow every id of the name).
  Without names, Describe* act on every recorder: .../configuration-recorder/*.
- Tag operations act on the ResourceArn given.
- "*": the actions the reference lists without a resource type (DescribeConfigRules,
  delivery channels, ListDiscoveredResources, DescribeComplianceByConfigRule, remediation
  exceptions, StartRemediationExecution).

AWS Config has no resource-based policies ("How AWS Config works with IAM").
"""

from moto.config.models import config_backends

from ...automation.access import config_rule_resource
from ...config_remediation import remediation_store
from .common import anywhere, merged, need, removed_tag_keys, request_tags

SERVICE = "config"


def rule_requirement(call, action, name, *extra):
    resource, _owner = config_rule_resource({"ConfigRuleName": name}, call.identity, call.region)
    return need(call, action, resource, **merged(*extra))


def on_rule(action):
    def builder(call):
        return [rule_requirement(call, action, call.required("ConfigRuleName"))]

    return builder


def on_rules(action):
    def builder(call):
        return [rule_requirement(call, action, name) for name in call.required("ConfigRuleNames")]

    return builder


def put_config_rule(call):
    rule = call.required("ConfigRule")
    return [rule_requirement(call, "config:PutConfigRule", rule.get("ConfigRuleName", ""), request_tags(call.params.get("Tags")))]


def remediation_requirement(call, action, rule_name):
    stored = remediation_store(config_backends[call.account][call.region]).get(rule_name)
    resource = stored["Arn"] if stored else call.arn("config", f"remediation-configuration/{rule_name}/*")
    return need(call, action, resource)


def on_remediation(action):
    def builder(call):
        return [remediation_requirement(call, action, call.required("ConfigRuleName"))]

    return builder


def put_remediation_configurations(call):
    configurations = call.required("RemediationConfigurations")
    return [remediation_requirement(call, "config:PutRemediationConfigurations", item.get("ConfigRuleName", "")) for item in configurations]


def describe_remediation_configurations(call):
    return [remediation_requirement(call, "config:DescribeRemediationConfigurations", name) for name in call.required("ConfigRuleNames")]


def recorder_arn(call, name):
    return call.arn("config", f"configuration-recorder/{name}/*")


def on_recorder(action):
    def builder(call):
        return [need(call, action, recorder_arn(call, call.required("ConfigurationRecorderName")))]

    return builder


def put_configuration_recorder(call):
    recorder = call.required("ConfigurationRecorder")
    return [need(call, "config:PutConfigurationRecorder", recorder_arn(call, recorder.get("name", "default")),
                 **merged(request_tags(call.params.get("Tags"))))]


def describe_recorders(action):
    def builder(call):
        if call.params.get("Arn"):
            return [need(call, action, call.params["Arn"])]
        names = call.params.get("ConfigurationRecorderNames") or []
        if not names:
            return [need(call, action, call.arn("config", "configuration-recorder/*"))]
        return [need(call, action, recorder_arn(call, name)) for name in names]

    return builder


def on_tagged_resource(action, extra):
    def builder(call):
        return [need(call, action, call.required("ResourceArn"), **merged(*extra(call)))]

    return builder


OPERATIONS = {
    "DescribeConfigRules": anywhere("config:DescribeConfigRules"),
    "PutConfigRule": put_config_rule,
    "DeleteConfigRule": on_rule("config:DeleteConfigRule"),
    "GetComplianceDetailsByConfigRule": on_rule("config:GetComplianceDetailsByConfigRule"),
    "StartConfigRulesEvaluation": on_rules("config:StartConfigRulesEvaluation"),
    "DescribeComplianceByConfigRule": anywhere("config:DescribeComplianceByConfigRule"),
    "ListDiscoveredResources": anywhere("config:ListDiscoveredResources"),
    "PutRemediationConfigurations": put_remediation_configurations,
    "DescribeRemediationConfigurations": describe_remediation_configurations,
    "DeleteRemediationConfiguration": on_remediation("config:DeleteRemediationConfiguration"),
    "DescribeRemediationExecutionStatus": on_remediation("config:DescribeRemediationExecutionStatus"),
    "DescribeRemediationExceptions": anywhere("config:DescribeRemediationExceptions"),
    "DeleteRemediationExceptions": anywhere("config:DeleteRemediationExceptions"),
    "StartRemediationExecution": anywhere("config:StartRemediationExecution"),
    "DescribeConfigurationRecorders": describe_recorders("config:DescribeConfigurationRecorders"),
    "DescribeConfigurationRecorderStatus": describe_recorders("config:DescribeConfigurationRecorderStatus"),
    "PutConfigurationRecorder": put_configuration_recorder,
    "StartConfigurationRecorder": on_recorder("config:StartConfigurationRecorder"),
    "StopConfigurationRecorder": on_recorder("config:StopConfigurationRecorder"),
    "DeleteConfigurationRecorder": on_recorder("config:DeleteConfigurationRecorder"),
    "DescribeDeliveryChannels": anywhere("config:DescribeDeliveryChannels"),
    "PutDeliveryChannel": anywhere("config:PutDeliveryChannel"),
    "DeleteDeliveryChannel": anywhere("config:DeleteDeliveryChannel"),
    "ListTagsForResource": on_tagged_resource("config:ListTagsForResource", lambda call: []),
    "TagResource": on_tagged_resource("config:TagResource", lambda call: [request_tags(call.params.get("Tags"))]),
    "UntagResource": on_tagged_resource("config:UntagResource", lambda call: [removed_tag_keys(call.params.get("TagKeys"))]),
}
