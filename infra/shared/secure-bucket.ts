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
  readonly accessLogs?: { readonly bucket: pulumi.Input<string>; readonly prefix: string };
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

    const guards = this.blockPublicAccess(name, bucket);
    this.versionAndEncrypt(name, bucket, args.kmsKeyArn);
    this.requireTls(name, bucket, args.policyStatements, guards);
    if (args.accessLogs) {
      new aws.s3.BucketLogging(
        `${name}-logging`,
        { bucket, targetBucket: args.accessLogs.bucket, targetPrefix: args.accessLogs.prefix },
        parent,
      );
    }
    this.expireOldVersions(name, bucket, args);
    if (args.eventBridge) {
      new aws.s3.BucketNotification(`${name}-events`, { bucket, eventbridge: true }, parent);
    }
    this.registerOutputs({ name: this.name, arn: this.arn });
  }

  /** Objects owned by the bucket owner (ACLs off) and every kind of public access blocked. */
  private blockPublicAccess(name: string, bucket: pulumi.Output<string>): pulumi.Resource[] {
    const parent = { parent: this };
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
    return [publicAccess, ownership];
  }

  /** Versioning on; SSE-KMS with a bucket key, or SSE-S3 for the access-log bucket. */
  private versionAndEncrypt(name: string, bucket: pulumi.Output<string>, kmsKeyArn?: pulumi.Input<string>) {
    const parent = { parent: this };
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
          kmsKeyArn
            ? {
                applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      parent,
    );
  }

  /** The bucket policy: TLS only, plus the caller's statements. */
  private requireTls(
    name: string,
    bucket: pulumi.Output<string>,
    statements: SecureBucketArgs["policyStatements"],
    guards: pulumi.Resource[],
  ) {
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
          ...(statements?.(this.arn) ?? []),
        ]),
      },
      // A policy applied before the public access block could be judged public and rejected.
      { parent: this, dependsOn: guards },
    );
  }

  /** Old versions and abandoned uploads removed; current objects too, for disposable content. */
  private expireOldVersions(name: string, bucket: pulumi.Output<string>, args: SecureBucketArgs) {
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
      { parent: this },
    );
  }
}
