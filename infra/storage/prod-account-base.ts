import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import { PROD_SAGEMAKER_ROLE_NAME, SHARED_RUN_PREFIXES } from "../shared/cross-account";
import { kmsUseVia, serviceRole, type Statement } from "../shared/iam";
import { kmsKey } from "../shared/kms";
import { SecureBucket } from "../shared/secure-bucket";
import type { VpcPlacement } from "../shared/lambda";
import { readRollbackAlarms, sageMakerJobTelemetry, sageMakerVpcAccess } from "../shared/sagemaker-access";

export interface ProdAccountBaseArgs {
  /** The production account's context (the stack's provider assumes a role there). */
  readonly ctx: AwsContext;
  /** What the pipeline account shares: its staging bucket and the key that encrypts it. */
  readonly pipeline: { readonly bucketName: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> };
  /** VPC mode: models and monitoring jobs run in these subnets and security groups. */
  readonly vpc?: VpcPlacement;
  /** Name prefix of production's EventBridge rules, whose undelivered events the key may encrypt. */
  readonly ruleNamePrefix: string;
  /** Production's endpoint, whose blue/green updates the SageMaker role reads the rollback alarms of. */
  readonly endpointName: string;
}

/**
 * What production owns in its own account: a key, a bucket for data capture and monitoring reports,
 * and the SageMaker execution role that serves the approved model and runs the monitor. The role
 * reads the model and its baseline from the pipeline account, which grants it by name.
 */
export class ProdAccountBase extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly dataBucket: SecureBucket;
  readonly accessLogBucket: SecureBucket;
  readonly sageMakerRole: aws.iam.Role;

  constructor(name: string, args: ProdAccountBaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:ProdAccountBase", name, {}, opts);
    const { ctx } = args;
    const stack = pulumi.getStack();
    this.key = kmsKey(
      `${name}-key`,
      {
        description: `Encrypts production's captured data, reports, logs and messages (${stack})`,
        alias: `${name}-${stack}`,
        ctx,
        logGroupNamePrefixes: ["/mlops/", "/aws/sagemaker/"],
        alarmTopics: true,
        // The drift alarm's forwarding rule dead-letters to a queue under this key.
        eventRuleNamePrefixes: [args.ruleNamePrefix],
      },
      this,
    ).key;
    this.accessLogBucket = new SecureBucket(
      `${name}-access-logs`,
      { expireAfterDays: 365, policyStatements: (bucketArn) => [accessLogDelivery(bucketArn, ctx)] },
      { parent: this },
    );
    this.dataBucket = new SecureBucket(
      `${name}-data`,
      { kmsKeyArn: this.key.arn, accessLogs: { bucket: this.accessLogBucket.name, prefix: "data/" } },
      { parent: this },
    );
    this.sageMakerRole = serviceRole(
      `${name}-sagemaker-role`,
      {
        roleName: PROD_SAGEMAKER_ROLE_NAME,
        service: "sagemaker.amazonaws.com",
        description: "Serves the approved model and monitors it, in the production account",
        statements: prodSageMakerStatements(ctx, args, this.dataBucket.arn, this.key.arn),
        ctx,
      },
      this,
    );
    this.registerOutputs({ keyArn: this.key.arn, dataBucket: this.dataBucket.name });
  }
}

function accessLogDelivery(bucketArn: pulumi.Output<string>, ctx: AwsContext): Statement {
  return {
    Sid: "S3ServerAccessLogsFromThisAccount",
    Principal: { Service: "logging.s3.amazonaws.com" },
    Action: "s3:PutObject",
    Resource: pulumi.interpolate`${bucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
  };
}

/** Read the shared model and baseline; write capture and reports in this account; logs and metrics. */
function prodSageMakerStatements(
  ctx: AwsContext,
  args: ProdAccountBaseArgs,
  dataBucketArn: pulumi.Output<string>,
  keyArn: pulumi.Output<string>,
): Statement[] {
  const shared = pulumi.interpolate`arn:${ctx.partition}:s3:::${args.pipeline.bucketName}`;
  const own = (...prefixes: string[]) => prefixes.map((p) => pulumi.interpolate`${dataBucketArn}/${p}*`);
  return [
    {
      Sid: "ReadApprovedModelsAndBaselines",
      Action: "s3:GetObject",
      Resource: SHARED_RUN_PREFIXES.map((prefix) => pulumi.interpolate`${shared}/${prefix}*`),
    },
    {
      Sid: "DecryptSharedObjects",
      Action: "kms:Decrypt",
      Resource: args.pipeline.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `s3.${ctx.region}.amazonaws.com` } },
    },
    { Sid: "ReadCapture", Action: "s3:GetObject", Resource: own("capture/", "monitoring/") },
    {
      Sid: "WriteCaptureAndReports",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
      Resource: own("capture/", "monitoring/"),
    },
    {
      Sid: "ListCaptureAndReports",
      Action: "s3:ListBucket",
      Resource: dataBucketArn,
      Condition: { StringLike: { "s3:prefix": ["capture/*", "monitoring/*"] } },
    },
    kmsUseVia(keyArn, ["s3", "sagemaker"], ctx),
    {
      Sid: "EncryptVolumes",
      Action: "kms:CreateGrant",
      Resource: keyArn,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    ...sageMakerJobTelemetry(ctx),
    readRollbackAlarms(ctx, [args.endpointName]),
    ...(args.vpc ? sageMakerVpcAccess(ctx, args.vpc) : []),
  ];
}
