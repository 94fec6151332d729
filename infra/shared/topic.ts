import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface NotificationTopicArgs {
  /** Shown to subscribers. */
  readonly displayName: pulumi.Input<string>;
  /** Encrypts the messages; services that publish must be allowed to use it. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Subscribed by email when given (the address confirms the subscription). */
  readonly email?: string;
}

/** An encrypted SNS topic people are notified on, with an optional email subscription. */
export function notificationTopic(
  name: string,
  args: NotificationTopicArgs,
  parent: pulumi.Resource,
): aws.sns.Topic {
  const topic = new aws.sns.Topic(
    name,
    { displayName: args.displayName, kmsMasterKeyId: args.kmsKeyArn },
    { parent },
  );
  if (args.email) {
    new aws.sns.TopicSubscription(
      `${name}-email`,
      { topic: topic.arn, protocol: "email", endpoint: args.email },
      { parent },
    );
  }
  return topic;
}
