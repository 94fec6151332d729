import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withAlias } from "./aliases";
import { policyDocument, type Statement } from "./iam";

export interface SecureBucketArgs {
  /**
   * KMS key for default encryption. Omit only for a bucket that receives S3 server access logs: S3
   * delivers those with SSE-S3 and cannot write to a bucket whose default is SSE-KMS.
   */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Where S3 server access logs for this bucket go; required unless this is the log bucket itself. */
  readonly accessLogs?: { bucket: pulumi.Input<string>; prefix: string };
  /** Send object events to EventBridge (for rules that start pipelines on new data). */
  readonly eventBridge?: boolean;
  /** Days before old object versions are removed. */
  readonly noncurrentVersionDays?: number;
  /** Days before current objects expire; for buckets whose content is disposable (logs). */
  readonly expireAfterDays?: number;
  /** Extra bucket policy statements, e.g. letting the S3 logging service write. */
  readonly policyStatements?: (bucketArn: pulumi.Output<string>) => Statement[];
}

/**
 * An S3 bucket with the defaults every bucket here needs: owner-enforced objects, all public access
 * blocked, versioning, default encryption, a TLS-only policy, access logging and lifecycle rules.
 */
export class SecureBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  /** The bucket's name. */
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    // Named for its folder; the alias keeps the URNs of buckets declared under the old token.
    super("mlops:shared:SecureBucket", name, {}, withAlias(opts, "mlops:storage:SecureBucket"));
    if (!args.kmsKeyArn && args.accessLogs) {
      throw new pulumi.ResourceError(
        `SecureBucket ${name}: give kmsKeyArn. Only the access-log bucket (no accessLogs of its own) may use SSE-S3.`,
        this,
      );
    }
    const parent = { parent: this };
    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: false }, parent);
    const bucket = this.bucket.id;
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;

    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      parent,
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      parent,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [
          args.kmsKeyArn
            ? {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: args.kmsKeyArn,
                },
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      parent,
    );
    new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket,
        policy: policyDocument([
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.arn, pulumi.interpolate`${this.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          ...(args.policyStatements?.(this.arn) ?? []),
        ]),
      },
      // A policy applied before the public access block could be judged public and rejected.
      { parent: this, dependsOn: [publicAccess, ownership] },
    );
    if (args.accessLogs) {
      new aws.s3.BucketLogging(
        `${name}-logging`,
        { bucket, targetBucket: args.accessLogs.bucket, targetPrefix: args.accessLogs.prefix },
        parent,
      );
    }
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: "tidy-versions-and-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays ?? 90 },
            ...(args.expireAfterDays ? { expiration: { days: args.expireAfterDays } } : {}),
          },
        ],
      },
      parent,
    );
    if (args.eventBridge) {
      new aws.s3.BucketNotification(`${name}-events`, { bucket, eventbridge: true }, parent);
    }
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
