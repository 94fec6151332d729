import {
  arnIn,
  passRole,
  self,
  tagged,
  text,
  unscoped,
  type DeployedResource,
  type ProviderCall,
  type StackPlace,
} from "./types";

/** The rule a target belongs to. */
const ruleOf = (resource: DeployedResource, place: StackPlace) => [
  arnIn(place, "events", `rule/${text(resource.inputs.rule)}`),
];

export const EVENTS_AND_LOGS: Record<string, ProviderCall[]> = {
  "aws:cloudwatch/eventRule:EventRule": [
    {
      action: "events:PutRule",
      on: self,
      phases: ["create", "update"],
      source: "internal/service/events/rule.go#resourceRuleCreate (retryPutRule)",
    },
    {
      action: "events:TagResource",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source: "internal/service/events/rule.go#resourceRuleCreate (tags in PutRule); tags_gen.go#updateTags",
    },
    {
      action: "events:UntagResource",
      on: self,
      phases: ["tags"],
      source: "internal/service/events/tags_gen.go#updateTags",
    },
    {
      action: "events:DescribeRule",
      on: self,
      phases: ["create", "read"],
      source: "internal/service/events/rule.go#resourceRuleRead (findRuleByTwoPartKey)",
    },
    {
      action: "events:ListTagsForResource",
      on: self,
      phases: ["read"],
      source: "internal/service/events/tags_gen.go#listTags",
    },
    {
      action: "events:DeleteRule",
      on: self,
      phases: ["delete"],
      source: "internal/service/events/rule.go#resourceRuleDelete",
    },
    passRole("roleArn", "events.amazonaws.com", "internal/service/events/rule.go#resourceRuleCreate"),
  ],
  "aws:cloudwatch/eventTarget:EventTarget": [
    {
      action: "events:PutTargets",
      on: ruleOf,
      phases: ["create", "update"],
      source: "internal/service/events/target.go#resourceTargetCreate",
    },
    {
      action: "events:ListTargetsByRule",
      on: ruleOf,
      phases: ["create", "read"],
      source: "internal/service/events/target.go#resourceTargetRead",
    },
    {
      action: "events:RemoveTargets",
      on: ruleOf,
      phases: ["delete"],
      source: "internal/service/events/target.go#resourceTargetDelete",
    },
    // EventBridge checks iam:PassRole for a target's role (a bus of another account is sent to with it).
    passRole(
      "roleArn",
      "events.amazonaws.com",
      "internal/service/events/target.go#resourceTargetCreate (PutTargets RoleArn)",
    ),
  ],
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": [
    {
      action: "events:PutPermission",
      on: unscoped,
      phases: ["create", "update"],
      source: "internal/service/events/bus_policy.go#resourceBusPolicyPut",
    },
    {
      action: "events:DescribeEventBus",
      on: (_r, place) => [arnIn(place, "events", "event-bus/default")],
      phases: ["create", "read"],
      source: "internal/service/events/bus_policy.go#resourceBusPolicyRead",
    },
    {
      action: "events:RemovePermission",
      on: unscoped,
      phases: ["delete"],
      source: "internal/service/events/bus_policy.go#resourceBusPolicyDelete",
    },
  ],
  "aws:cloudwatch/logGroup:LogGroup": [
    {
      action: "logs:CreateLogGroup",
      on: self,
      phases: ["create"],
      source: "internal/service/logs/group.go#resourceGroupCreate",
    },
    {
      action: "logs:TagResource",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source:
        "internal/service/logs/group.go#resourceGroupCreate (tags in CreateLogGroup); tags_gen.go#updateTags",
    },
    {
      action: "logs:UntagResource",
      on: self,
      phases: ["tags"],
      source: "internal/service/logs/tags_gen.go#updateTags",
    },
    {
      action: "logs:PutRetentionPolicy",
      on: self,
      phases: ["create", "update"],
      source: "internal/service/logs/group.go#resourceGroupCreate",
    },
    {
      action: "logs:DescribeLogGroups",
      on: unscoped,
      phases: ["create", "read"],
      source: "internal/service/logs/group.go#resourceGroupRead (findLogGroupByName)",
    },
    {
      action: "logs:ListTagsForResource",
      on: self,
      phases: ["read"],
      source: "internal/service/logs/tags_gen.go#listTags",
    },
    {
      action: "logs:AssociateKmsKey",
      on: self,
      phases: ["update"],
      source: "internal/service/logs/group.go#resourceGroupUpdate",
    },
    {
      action: "logs:DisassociateKmsKey",
      on: self,
      phases: ["update"],
      source: "internal/service/logs/group.go#resourceGroupUpdate",
    },
    {
      action: "logs:DeleteLogGroup",
      on: self,
      phases: ["delete"],
      source: "internal/service/logs/group.go#resourceGroupDelete",
    },
  ],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [
    {
      action: "cloudwatch:PutMetricAlarm",
      on: self,
      phases: ["create", "update"],
      source: "internal/service/cloudwatch/metric_alarm.go#resourceMetricAlarmCreate",
    },
    {
      action: "cloudwatch:TagResource",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source:
        "internal/service/cloudwatch/metric_alarm.go#resourceMetricAlarmCreate (tags in PutMetricAlarm); tags_gen.go#updateTags",
    },
    {
      action: "cloudwatch:UntagResource",
      on: self,
      phases: ["tags"],
      source: "internal/service/cloudwatch/tags_gen.go#updateTags",
    },
    {
      action: "cloudwatch:DescribeAlarms",
      on: self,
      phases: ["create", "read"],
      source: "internal/service/cloudwatch/metric_alarm.go#resourceMetricAlarmRead",
    },
    {
      action: "cloudwatch:ListTagsForResource",
      on: self,
      phases: ["read"],
      source: "internal/service/cloudwatch/tags_gen.go#listTags",
    },
    {
      action: "cloudwatch:DeleteAlarms",
      on: self,
      phases: ["delete"],
      source: "internal/service/cloudwatch/metric_alarm.go#resourceMetricAlarmDelete",
    },
  ],
};
