import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "../shared/aws-context";
import { DRIFT_FORWARDER_ROLE_NAME } from "../shared/cross-account";
import { serviceRole } from "../shared/iam";
import { alarmInAlarmPattern, eventDeadLetters } from "../shared/event-dead-letters";

export interface DriftForwardingArgs {
  /** The prod account's context. */
  readonly ctx: AwsContext;
  /** The drift alarm whose change to ALARM is forwarded. */
  readonly alarmArn: pulumi.Input<string>;
  /** The pipeline account, whose default event bus receives the event and starts the drift run. */
  readonly pipelineAccountId: string;
  /** Production's key: the forwarding dead-letter queue. */
  readonly keyArn: pulumi.Input<string>;
  /** Where the alarm on an undelivered event notifies. */
  readonly alarmTopicArn: pulumi.Input<string>;
}

/**
 * Production in its own account: its drift alarm's change to ALARM goes to the pipeline account's
 * default event bus (a cross-account EventBridge target, sent with a role of this account), where the
 * drift trigger starts the run. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export function forwardDriftAlarm(name: string, args: DriftForwardingArgs, parent: pulumi.Resource) {
  const opts = { parent };
  const bus = arn(
    { ...args.ctx, accountId: pulumi.output(args.pipelineAccountId) },
    "events",
    "event-bus/default",
  );
  const role = serviceRole(
    `${name}-role`,
    {
      service: "events.amazonaws.com",
      description: "Forwards production's drift alarm to the pipeline account's event bus",
      roleName: DRIFT_FORWARDER_ROLE_NAME,
      statements: [{ Sid: "PutEventsOnPipelineBus", Action: "events:PutEvents", Resource: bus }],
      ctx: args.ctx,
    },
    parent,
  );
  const rule = new aws.cloudwatch.EventRule(
    `${name}-on-alarm`,
    {
      name: `${name}-${pulumi.getStack()}`,
      description: "Production's data drifted: tell the pipeline account, which retrains",
      eventPattern: pulumi.jsonStringify(alarmInAlarmPattern(args.alarmArn)),
    },
    opts,
  );
  const deadLetters = eventDeadLetters(
    name,
    {
      keyArn: args.keyArn,
      ruleArns: [rule.arn],
      alarmTopicArn: args.alarmTopicArn,
      description:
        "The drift alarm could not be forwarded to the pipeline account; see the dead-letter queue",
    },
    parent,
  );
  new aws.cloudwatch.EventTarget(
    `${name}-target`,
    {
      rule: rule.name,
      arn: bus,
      roleArn: role.arn,
      retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
      deadLetterConfig: { arn: deadLetters.arn },
    },
    opts,
  );
  return { rule, role };
}
