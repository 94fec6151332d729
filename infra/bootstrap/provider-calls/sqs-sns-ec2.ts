import {
  arnIn,
  self,
  tagged,
  text,
  unscoped,
  type DeployedResource,
  type ProviderCall,
  type StackPlace,
} from "./types";

/** The queue a queue policy is of, from its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`). */
const queueOf = (resource: DeployedResource, place: StackPlace) => [
  arnIn(place, "sqs", text(resource.inputs.queueUrl).split("/").pop() ?? ""),
];
/** The topic a subscription is to. */
const topicOf = (resource: DeployedResource) => [text(resource.inputs.topic)];

/** An interface endpoint's own ARN, its VPC, subnets and security groups (CreateVpcEndpoint is authorized on each). */
const endpointAndNetwork = (resource: DeployedResource, place: StackPlace) => [
  ...self(resource),
  arnIn(place, "ec2", `vpc/${text(resource.inputs.vpcId)}`),
  ...((resource.inputs.subnetIds ?? []) as string[]).map((subnet) => arnIn(place, "ec2", `subnet/${subnet}`)),
  ...((resource.inputs.securityGroupIds ?? []) as string[]).map((group) =>
    arnIn(place, "ec2", `security-group/${group}`),
  ),
];

const queue = (fn: string) => `internal/service/sqs/queue.go#${fn}`;
const topic = (fn: string) => `internal/service/sns/topic.go#${fn}`;
const endpoint = (fn: string) => `internal/service/ec2/vpc_endpoint.go#${fn}`;

export const SQS_SNS_EC2: Record<string, ProviderCall[]> = {
  "aws:sqs/queue:Queue": [
    { action: "sqs:CreateQueue", on: self, phases: ["create"], source: queue("resourceQueueCreate") },
    {
      action: "sqs:TagQueue",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source: `${queue("resourceQueueCreate")} (tags in CreateQueue); tags_gen.go#updateTags`,
    },
    {
      action: "sqs:UntagQueue",
      on: self,
      phases: ["tags"],
      source: "internal/service/sqs/tags_gen.go#updateTags",
    },
    {
      action: "sqs:GetQueueAttributes",
      on: self,
      phases: ["create", "read", "update", "delete"],
      source: queue("resourceQueueRead, waitQueueAttributesPropagated, waitQueueDeleted"),
    },
    {
      action: "sqs:ListQueueTags",
      on: self,
      phases: ["read"],
      source: "internal/service/sqs/tags_gen.go#listTags",
    },
    { action: "sqs:SetQueueAttributes", on: self, phases: ["update"], source: queue("resourceQueueUpdate") },
    { action: "sqs:DeleteQueue", on: self, phases: ["delete"], source: queue("resourceQueueDelete") },
  ],
  "aws:sqs/queuePolicy:QueuePolicy": [
    {
      action: "sqs:SetQueueAttributes",
      on: queueOf,
      phases: ["create", "update", "delete"],
      source: "internal/service/sqs/attribute_funcs.go#queueAttributeHandler.Upsert, Delete",
    },
    {
      action: "sqs:GetQueueAttributes",
      on: queueOf,
      phases: ["create", "read"],
      source: "internal/service/sqs/attribute_funcs.go#queueAttributeHandler.Read",
    },
  ],
  "aws:sns/topic:Topic": [
    { action: "sns:CreateTopic", on: self, phases: ["create"], source: topic("resourceTopicCreate") },
    {
      action: "sns:TagResource",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source: `${topic("resourceTopicCreate")} (tags in CreateTopic); tags_gen.go#updateTags`,
    },
    {
      action: "sns:UntagResource",
      on: self,
      phases: ["tags"],
      source: "internal/service/sns/tags_gen.go#updateTags",
    },
    // Every attribute (the key among them) is set after CreateTopic, one SetTopicAttributes each.
    {
      action: "sns:SetTopicAttributes",
      on: self,
      phases: ["create", "update"],
      source: topic("putTopicAttributes"),
    },
    {
      action: "sns:GetTopicAttributes",
      on: self,
      phases: ["create", "read"],
      source: topic("resourceTopicRead"),
    },
    {
      action: "sns:ListTagsForResource",
      on: self,
      phases: ["read"],
      source: "internal/service/sns/tags_gen.go#listTags",
    },
    { action: "sns:DeleteTopic", on: self, phases: ["delete"], source: topic("resourceTopicDelete") },
  ],
  "aws:sns/topicSubscription:TopicSubscription": [
    {
      action: "sns:Subscribe",
      on: topicOf,
      phases: ["create"],
      source: "internal/service/sns/topic_subscription.go#resourceTopicSubscriptionCreate",
    },
    {
      action: "sns:GetSubscriptionAttributes",
      on: topicOf,
      phases: ["create", "read", "delete"],
      source: "internal/service/sns/topic_subscription.go#resourceTopicSubscriptionRead",
    },
    {
      action: "sns:SetSubscriptionAttributes",
      on: topicOf,
      phases: ["update"],
      source: "internal/service/sns/topic_subscription.go#resourceTopicSubscriptionUpdate",
    },
    {
      action: "sns:Unsubscribe",
      on: topicOf,
      phases: ["delete"],
      source: "internal/service/sns/topic_subscription.go#resourceTopicSubscriptionDelete",
    },
  ],
  "aws:ec2/vpcEndpoint:VpcEndpoint": [
    {
      action: "ec2:CreateVpcEndpoint",
      on: endpointAndNetwork,
      phases: ["create"],
      source: endpoint("resourceVPCEndpointCreate"),
    },
    {
      action: "ec2:CreateTags",
      on: self,
      phases: ["create", "tags"],
      when: tagged,
      source: `${endpoint("resourceVPCEndpointCreate")} (TagSpecifications); tags_gen.go#updateTags`,
    },
    {
      action: "ec2:DeleteTags",
      on: self,
      phases: ["tags"],
      source: "internal/service/ec2/tags_gen.go#updateTags",
    },
    ...["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists", "ec2:DescribeNetworkInterfaces"].map(
      (action): ProviderCall => ({
        action,
        on: unscoped,
        phases: ["create", "read", "update", "delete"],
        source: endpoint("resourceVPCEndpointRead, waitVPCEndpointAvailable, waitVPCEndpointDeleted"),
      }),
    ),
    {
      action: "ec2:ModifyVpcEndpoint",
      on: endpointAndNetwork,
      phases: ["update"],
      source: endpoint("resourceVPCEndpointUpdate"),
    },
    {
      action: "ec2:DeleteVpcEndpoints",
      on: self,
      phases: ["delete"],
      source: endpoint("resourceVPCEndpointDelete"),
    },
  ],
};
