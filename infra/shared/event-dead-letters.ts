import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";

export interface EventDeadLettersArgs {
  /** Encrypts the queue; its policy must let EventBridge use it for these rules. */
  readonly keyArn: pulumi.Input<string>;
  /** The rules whose undeliverable events the queue keeps. */
  readonly ruleArns: pulumi.Input<string>[];
  /** Where the alarm on a kept event notifies. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** What a kept event means, for the alarm. */
  readonly description: string;
}

/**
 * A dead-letter queue for EventBridge rules (and Lambda failure destinations): encrypted, kept two
 * weeks, writable by EventBridge for exactly these rules, with an alarm as soon as anything lands.
 */
export function eventDeadLetters(
  name: string,
  args: EventDeadLettersArgs,
  parent: pulumi.Resource,
): aws.sqs.Queue {
  const opts = { parent };
  const queue = new aws.sqs.Queue(
    `${name}-dead-letters`,
    { kmsMasterKeyId: args.keyArn, messageRetentionSeconds: 14 * 24 * 3600 },
    opts,
  );
  new aws.sqs.QueuePolicy(
    `${name}-dlq-policy`,
    {
      queueUrl: queue.url,
      policy: policyDocument([
        {
          Sid: "EventBridgeDeadLetters",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: queue.arn,
          Condition: { ArnEquals: { "aws:SourceArn": args.ruleArns } },
        },
      ]),
    },
    opts,
  );
  new aws.cloudwatch.MetricAlarm(
    `${name}-dead-letters-alarm`,
    {
      alarmDescription: args.description,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queue.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [args.alarmTopicArn],
    },
    opts,
  );
  return queue;
}

/** What an EventBridge rule matches for a CloudWatch alarm's change to ALARM. */
export function alarmInAlarmPattern(alarmArn: pulumi.Input<string>, account?: string) {
  return {
    source: ["aws.cloudwatch"],
    "detail-type": ["CloudWatch Alarm State Change"],
    ...(account && { account: [account] }),
    resources: [alarmArn],
    detail: { state: { value: ["ALARM"] } },
  };
}
