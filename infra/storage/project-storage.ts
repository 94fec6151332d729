import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext, type AwsContext } from "../shared/aws-context";
import { kmsKey } from "../shared/kms";
import { SecureBucket } from "../shared/secure-bucket";
import { componentTags } from "../shared/tags";

export interface ProjectStorageArgs {
  /** AWS region of the stack (from `aws:region`). */
  region: string;
  /** Extra tags on every resource, besides project, stack and component. */
  tags?: Record<string, string>;
}

/**
 * The project's key and buckets, shared by the CI/CD backbone and the ML pipeline: a customer-managed
 * KMS key, the staging bucket (data, run outputs, published config; events to EventBridge), the
 * pipeline's artifact bucket and the bucket their access logs go to. It stands apart because the
 * backbone needs the ML pipeline's function and the ML pipeline needs these buckets.
 */
export class ProjectStorage extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly stagingBucket: SecureBucket;
  readonly artifactBucket: SecureBucket;
  readonly accessLogBucket: SecureBucket;
  readonly ctx: AwsContext;

  constructor(name: string, args: ProjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:ProjectStorage", name, {}, opts);
    const parent = { parent: this };
    const tags = componentTags("storage", args.tags);
    const stack = pulumi.getStack();
    this.ctx = awsContext(args.region, this);
    const ctx = this.ctx;

    this.key = kmsKey(
      `${name}-key`,
      {
        description: `Encrypts the ${name} project's source, data, models, artifacts, logs and messages (${stack})`,
        alias: `${name}-${stack}`,
        ctx,
        tags,
        // Every stack's own log groups (prod uses this key too), and those Glue and SageMaker jobs write to.
        logGroupNamePrefixes: ["/mlops/", "/aws-glue/", "/aws/sagemaker/"],
        servicePrincipals: ["events.amazonaws.com"],
      },
      this,
    ).key;

    this.accessLogBucket = new SecureBucket(
      `${name}-access-logs`,
      {
        expireAfterDays: 365,
        tags,
        policyStatements: (bucketArn) => [
          {
            Sid: "S3ServerAccessLogsFromThisAccount",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/*`,
            Condition: { StringEquals: { "aws:SourceAccount": ctx.accountId } },
          },
        ],
      },
      parent,
    );
    this.stagingBucket = new SecureBucket(
      `${name}-staging`,
      {
        kmsKeyArn: this.key.arn,
        accessLogs: { bucket: this.accessLogBucket.name, prefix: "staging/" },
        eventBridge: true,
        tags,
      },
      parent,
    );
    this.artifactBucket = new SecureBucket(
      `${name}-artifacts`,
      {
        kmsKeyArn: this.key.arn,
        accessLogs: { bucket: this.accessLogBucket.name, prefix: "artifacts/" },
        tags,
      },
      parent,
    );
    this.registerOutputs({
      kmsKeyArn: this.key.arn,
      stagingBucketName: this.stagingBucket.name,
      artifactBucketName: this.artifactBucket.name,
    });
  }
}
