import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import {
  grantToProdRoles,
  prodSageMakerRoleArn,
  SHARED_RUN_PREFIXES,
  type ProdAccount,
} from "../shared/cross-account";
import type { Statement } from "../shared/iam";
import { kmsKey } from "../shared/kms";
import { SecureBucket } from "../shared/secure-bucket";
import { notificationTopic } from "../shared/topic";

export interface ProjectStorageArgs {
  /** Account, region and partition of the stack. */
  readonly ctx: AwsContext;
  /** Email subscribed to operational alarms (events that could not be delivered). */
  readonly alarmEmail?: string;
  /** Production in its own account: its SageMaker role reads approved models and their baselines. */
  readonly prodAccount?: ProdAccount;
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
  /**
   * Where deliveries that failed for good wait to be looked at: EventBridge targets and asynchronous
   * Lambda invocations (pushes, new data, CodePipeline jobs) land here instead of being dropped.
   */
  readonly deadLetterQueue: aws.sqs.Queue;
  /** Operational alarms (a dead-lettered delivery) notify here. */
  readonly alarmTopic: aws.sns.Topic;
  readonly ctx: AwsContext;

  constructor(name: string, args: ProjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:storage:ProjectStorage", name, {}, opts);
    const parent = { parent: this };
    const stack = pulumi.getStack();
    this.ctx = args.ctx;
    const prodReader = args.prodAccount && {
      prod: args.prodAccount,
      roleArn: prodSageMakerRoleArn(args.prodAccount, this.ctx.partition),
    };

    this.key = this.projectKey(name, prodReader);
    this.accessLogBucket = this.accessLogsBucket(name);
    this.stagingBucket = new SecureBucket(
      `${name}-staging`,
      {
        kmsKeyArn: this.key.arn,
        accessLogs: { bucket: this.accessLogBucket.name, prefix: "staging/" },
        eventBridge: true,
        ...(prodReader && {
          policyStatements: (bucketArn) => [prodReadsSharedRuns(prodReader, bucketArn, this.ctx.partition)],
        }),
      },
      parent,
    );
    this.artifactBucket = new SecureBucket(
      `${name}-artifacts`,
      {
        kmsKeyArn: this.key.arn,
        accessLogs: { bucket: this.accessLogBucket.name, prefix: "artifacts/" },
      },
      parent,
    );
    this.deadLetterQueue = new aws.sqs.Queue(
      `${name}-dead-letters`,
      { kmsMasterKeyId: this.key.arn, messageRetentionSeconds: 14 * 24 * 3600 },
      parent,
    );
    this.alarmTopic = notificationTopic(
      `${name}-alarms`,
      {
        displayName: `${name} operational alarms (${stack})`,
        kmsKeyArn: this.key.arn,
        email: args.alarmEmail,
      },
      this,
    );
    this.alarmOnDeadLetters(name);
    this.registerOutputs({
      kmsKeyArn: this.key.arn,
      deadLetterQueueUrl: this.deadLetterQueue.url,
      alarmTopicArn: this.alarmTopic.arn,
      stagingBucketName: this.stagingBucket.name,
      artifactBucketName: this.artifactBucket.name,
    });
  }

  /** The customer-managed key of the project, usable by every service that writes its data. */
  private projectKey(name: string, prodReader?: ProdReader): aws.kms.Key {
    const stack = pulumi.getStack();
    const ctx = this.ctx;
    return kmsKey(
      `${name}-key`,
      {
        description: `Encrypts the ${name} project's source, data, models, artifacts, logs and messages (${stack})`,
        alias: `${name}-${stack}`,
        ctx,
        // Every stack's own log groups (prod uses this key too), and those Glue and SageMaker jobs write to.
        logGroupNamePrefixes: ["/mlops/", "/aws-glue/", "/aws/sagemaker/"],
        // The operational and drift alarm topics (prod's too).
        alarmTopics: true,
        eventRuleNamePrefixes: [`${name}-`],
        logDelivery: true,
        sharedWith: prodReader && { prod: prodReader.prod, roleArns: [prodReader.roleArn] },
      },
      this,
    ).key;
  }

  /** Where S3 delivers the other buckets' server access logs (SSE-S3: S3 cannot write SSE-KMS logs). */
  private accessLogsBucket(name: string): SecureBucket {
    const ctx = this.ctx;
    return new SecureBucket(
      `${name}-access-logs`,
      {
        expireAfterDays: 365,
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
      { parent: this },
    );
  }

  /** Anything in the dead-letter queue is an alarm at once. */
  private alarmOnDeadLetters(name: string): void {
    new aws.cloudwatch.MetricAlarm(
      `${name}-dead-letters-alarm`,
      {
        alarmDescription:
          "A push, a new data set or a pipeline job could not be delivered; see the dead-letter queue",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: this.deadLetterQueue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [this.alarmTopic.arn],
      },
      { parent: this },
    );
  }
}

/** Production's SageMaker role, when production has an account of its own. */
type ProdReader = { prod: ProdAccount; roleArn: string };

/** The prod account's SageMaker role reads models and baselines under the runs, nothing else. */
function prodReadsSharedRuns(
  reader: ProdReader,
  bucketArn: pulumi.Output<string>,
  partition: string,
): Statement {
  return grantToProdRoles("ProdAccountReadsApprovedModels", reader.prod, partition, [reader.roleArn], {
    Action: "s3:GetObject",
    Resource: SHARED_RUN_PREFIXES.map((prefix) => pulumi.interpolate`${bucketArn}/${prefix}*`),
  });
}
