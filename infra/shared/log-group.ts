import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LogGroupArgs {
  /** The log group's name; services that log by convention (Lambda, CodeBuild) need a known one. */
  readonly logGroupName: pulumi.Input<string>;
  /** Days log events are kept. */
  readonly retentionInDays: number;
  /** Encrypts what this creates. */
  readonly kmsKeyArn: pulumi.Input<string>;
}

/** Every log group is encrypted and expires; nothing is kept forever by accident. */
export function logGroup(name: string, args: LogGroupArgs, parent: pulumi.Resource): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    name,
    {
      name: args.logGroupName,
      retentionInDays: args.retentionInDays,
      kmsKeyId: args.kmsKeyArn,
    },
    { parent },
  );
}
