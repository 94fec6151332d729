import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RetrainingConfig } from "../../config/retraining";
import { handler as driftTriggerHandler } from "../../functions/drift-trigger";
import { arn, type AwsContext } from "../shared/aws-context";
import { driftForwarderRoleArn, grantToProdRoles, type ProdAccount } from "../shared/cross-account";
import { kmsUseVia, policyDocument } from "../shared/iam";
import { alarmInAlarmPattern, eventDeadLetters } from "../shared/event-dead-letters";
import { handlerFunction } from "../shared/lambda";
import { driftAlarmName } from "./monitoring";

export interface DriftRetrainingArgs {
  /** Account, region and partition of the stack. */
  readonly ctx: AwsContext;
  /** The data-quality alarm whose change to ALARM starts a run. */
  readonly alarm: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
  /** The alarm's account when it is not this one: production's events, forwarded to this bus. */
  readonly alarmAccount?: string;
  /** The release pipeline a drift run goes through, like any other run. */
  readonly pipelineName: pulumi.Input<string>;
  /** The staging bucket: data sets under `dataPrefix` and the ledger of drift runs. */
  readonly stagingBucketName: pulumi.Input<string>;
  /** Key prefix of data sets; the newest one under it is what a drift run trains on. */
  readonly dataPrefix: string;
  /** File-name glob of this model's data sets under the prefix (config/data-sets.ts). */
  readonly dataFilePattern: string;
  /** The project key: the function's environment, logs and failed events. */
  readonly keyArn: pulumi.Input<string>;
  /** Cooldown and daily cap (retraining in the ML config). */
  readonly settings: RetrainingConfig;
  /** Where an alarm says a drift event could not be handled. */
  readonly alarmTopicArn: pulumi.Input<string>;
  /** Days the trigger's logs are kept. */
  readonly logRetentionDays: number;
}

/** Where drift runs are recorded in the staging bucket (the cooldown and the cap read it). */
export const DRIFT_LEDGER_KEY = "drift/ledger.json";

/**
 * Closes the loop: production's data-quality alarm starts a retraining run through the release
 * pipeline, at most once per cooldown and a few times a day. An EventBridge rule on the alarm's state
 * change invokes the drift trigger; events it could not deliver or handle land in a dead-letter queue
 * with an alarm on it.
 */
export class DriftRetraining extends pulumi.ComponentResource {
  readonly rule: aws.cloudwatch.EventRule;
  readonly function: aws.lambda.Function;
  readonly deadLetterQueue: aws.sqs.Queue;

  constructor(name: string, args: DriftRetrainingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:environments:DriftRetraining", name, {}, opts);
    const parent = { parent: this };
    // Named under the project's prefix: the key lets EventBridge dead-letter for those rules only.
    this.rule = new aws.cloudwatch.EventRule(
      `${name}-on-alarm`,
      {
        name: `${name}-${pulumi.getStack()}`,
        description: "Production's data drifted (data-quality alarm in ALARM): retrain",
        eventPattern: pulumi.jsonStringify(alarmInAlarmPattern(args.alarm.arn, args.alarmAccount)),
      },
      parent,
    );
    this.deadLetterQueue = eventDeadLetters(
      name,
      {
        keyArn: args.keyArn,
        ruleArns: [this.rule.arn],
        alarmTopicArn: args.alarmTopicArn,
        description: "A drift alarm could not start a retraining run; see the drift dead-letter queue",
      },
      this,
    );
    this.function = this.trigger(name, args).fn;
    this.invokeTriggerOnAlarm(name);
    this.registerOutputs({ ruleArn: this.rule.arn, functionName: this.function.name });
  }

  private trigger(name: string, args: DriftRetrainingArgs) {
    const { ctx, keyArn } = args;
    const bucketArn = pulumi.interpolate`arn:${ctx.partition}:s3:::${args.stagingBucketName}`;
    return handlerFunction(
      `${name}-trigger`,
      {
        callback: driftTriggerHandler,
        packages: [
          "@aws-lambda-powertools/logger",
          "@aws-sdk/client-codepipeline",
          "@aws-sdk/client-s3",
          "zod",
        ],
        description: "Starts a retraining run when production's data drifts",
        // One at a time: the ledger of drift runs has one writer.
        reservedConcurrency: 1,
        kmsKeyArn: keyArn,
        logRetentionDays: args.logRetentionDays,
        failureQueue: { arn: this.deadLetterQueue.arn, keyArn },
        environment: {
          PIPELINE_NAME: args.pipelineName,
          STAGING_BUCKET: args.stagingBucketName,
          DATA_PREFIX: args.dataPrefix,
          DATA_FILE_PATTERN: args.dataFilePattern,
          ALARM_NAME: args.alarm.name,
          LEDGER_KEY: DRIFT_LEDGER_KEY,
          COOLDOWN_HOURS: String(args.settings.cooldownHours),
          MAX_RUNS_PER_DAY: String(args.settings.maxRunsPerDay),
        },
        statements: [
          {
            Sid: "StartPipeline",
            Action: "codepipeline:StartPipelineExecution",
            Resource: arn(ctx, "codepipeline", args.pipelineName),
          },
          {
            Sid: "FindDataSets",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            Condition: { StringLike: { "s3:prefix": [`${args.dataPrefix}*`] } },
          },
          // The trigger lists the ledger's key before reading it: S3 answers a missing key 403, not
          // 404, to a caller that may not list (functions/drift-trigger.ts, readLedger).
          {
            Sid: "FindLedger",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            Condition: { StringEquals: { "s3:prefix": DRIFT_LEDGER_KEY } },
          },
          {
            Sid: "ReadLedger",
            Action: "s3:GetObject",
            Resource: pulumi.interpolate`${bucketArn}/${DRIFT_LEDGER_KEY}`,
          },
          {
            Sid: "WriteLedger",
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/${DRIFT_LEDGER_KEY}`,
          },
          kmsUseVia(keyArn, ["s3"], ctx),
        ],
        ctx,
      },
      this,
    );
  }

  /** The rule invokes the function; what fails for good is kept in the dead-letter queue. */
  private invokeTriggerOnAlarm(name: string) {
    const parent = { parent: this };
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: this.function.name,
        principal: "events.amazonaws.com",
        sourceArn: this.rule.arn,
      },
      parent,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-target`,
      {
        rule: this.rule.name,
        arn: this.function.arn,
        retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
      parent,
    );
  }
}

export interface DriftFromProdAccountArgs extends Omit<DriftRetrainingArgs, "alarm" | "alarmAccount"> {
  /** Production's account and its deployment role. */
  readonly prodAccount: ProdAccount;
  /** Production's endpoint; its drift alarm's name derives from it. */
  readonly prodEndpointName: string;
}

/**
 * Production in its own account: its forwarded drift alarm arrives on this account's default event
 * bus, which accepts it from production's forwarding role only, and the drift trigger runs here, next
 * to the pipeline and the data.
 */
export function driftFromProdAccount(
  name: string,
  args: DriftFromProdAccountArgs,
  opts: { provider?: pulumi.ProviderResource } = {},
) {
  const { prodAccount, ctx } = args;
  const prodCtx = { ...ctx, accountId: pulumi.output(prodAccount.accountId) };
  const alarmName = driftAlarmName(args.prodEndpointName);
  const busPolicy = new aws.cloudwatch.EventBusPolicy(
    `${name}-bus-policy`,
    {
      eventBusName: "default",
      policy: policyDocument([
        grantToProdRoles(
          "ProdAccountForwardsDriftAlarm",
          prodAccount,
          ctx.partition,
          [driftForwarderRoleArn(prodAccount, ctx.partition)],
          {
            Action: "events:PutEvents",
            Resource: arn(ctx, "events", "event-bus/default"),
          },
        ),
      ]),
    },
    opts,
  );
  return new DriftRetraining(
    name,
    {
      ...args,
      alarm: { name: alarmName, arn: arn(prodCtx, "cloudwatch", `alarm:${alarmName}`) },
      alarmAccount: prodAccount.accountId,
    },
    { providers: opts.provider && [opts.provider], dependsOn: [busPolicy] },
  );
}
