import { dataSetsUnder, isDataSetKey } from "../../config/data-sets";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "../shared/aws-context";
import type { SecureBucket } from "../shared/secure-bucket";
import { notificationTopic } from "../shared/topic";
import { backboneBuilds, type PulumiDeploymentArgs } from "./builds";
import { releasePipeline } from "./release-pipeline";
import type { StageFunction } from "./stages";
import { codeCommitSource, connectionSource, type SourceConnection } from "./source";
import type { SourceSettings } from "./source-settings";
import { releaseTriggers } from "./triggers";

export type { PulumiDeploymentArgs } from "./builds";
export type { StageFunction } from "./stages";

/** The key and buckets the backbone encrypts with and stores in (see ProjectStorage). */
export interface BackboneStorage {
  /** Encrypts the repository, builds, artifacts and messages. */
  readonly key: aws.kms.Key;
  /** Data, run outputs and the published ML config; its new objects can start runs. */
  readonly stagingBucket: SecureBucket;
  /** The pipeline's artifact store. */
  readonly artifactBucket: SecureBucket;
  /** Where triggers and pipeline jobs that could not be delivered end up (an alarm watches it). */
  readonly deadLetterQueue: aws.sqs.Queue;
}

export interface CicdBackboneArgs {
  /** Where the backbone keeps data and artifacts, and the key it encrypts everything with. */
  readonly storage: BackboneStorage;
  /** Name of the CodeCommit repository that holds this project (the CodeCommit source). */
  readonly repositoryName: string;
  /** Where the code lives: the CodeCommit repository (default) or one reached through a connection. */
  readonly source?: SourceSettings;
  /** The branch whose pushes run the pipeline and which pull requests target. */
  readonly branch: string;
  /** Globs (minimatch, dot files included) of paths whose change starts a run; other pushes are skipped. */
  readonly triggerPaths: string[];
  /** Key prefix in the staging bucket under which a new object starts a run (new training data). */
  readonly dataPrefix: string;
  /** File-name glob of this model's data sets under `dataPrefix` (config/data-sets.ts). */
  readonly dataFilePattern: string;
  /** Key of the data set a run trains on unless new data started it (under `dataPrefix`). */
  readonly defaultDataKey: string;
  /** How the builds reach the Pulumi backend and which roles they deploy with. */
  readonly pulumi: PulumiDeploymentArgs;
  /** CodeBuild image and compute type for every build. */
  readonly build: { readonly image: string; readonly computeType: string };
  /** Retention of every log group the backbone creates, in days. */
  readonly logRetentionDays: number;
  /** Email subscribed to approval requests; without it, subscribe to the `approvalTopicArn` output yourself. */
  readonly approvalEmail?: string;
  /** The Train stage's function (starts the ML pipeline). Without it the stage is left out. */
  readonly trainFunction?: StageFunction;
  /** The Test stage's function (runs the test suite). Without it the stage is left out. */
  readonly testFunction?: StageFunction;
  /** The model registry group whose packages the Deploy stage marks Approved or Rejected. */
  readonly modelPackageGroupName?: pulumi.Input<string>;
  /** Account, region and partition of the stack; ARNs in policies are built for them. */
  readonly ctx: AwsContext;
}

/**
 * The CI/CD backbone: the repository, the release pipeline (Source → Build → Train → Test → Approve →
 * Deploy, queued so no push is dropped), its builds and its triggers.
 */
export class CicdBackbone extends pulumi.ComponentResource {
  /** The CodeCommit repository, with the CodeCommit source. */
  readonly repository?: aws.codecommit.Repository;
  /** The connection, with a CodeConnections source. */
  readonly connection?: SourceConnection;
  readonly key: aws.kms.Key;
  readonly stagingBucket: SecureBucket;
  readonly artifactBucket: SecureBucket;
  readonly pipeline: aws.codepipeline.Pipeline;
  readonly approvalTopic: aws.sns.Topic;
  /** Stage names in order, as declared. */
  readonly stageNames: string[];

  constructor(name: string, args: CicdBackboneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cicd:CicdBackbone", name, {}, opts);
    validate(name, args, this);
    const { ctx } = args;
    const { key, stagingBucket, artifactBucket, deadLetterQueue } = args.storage;
    const pipelineName = `${name}-${pulumi.getStack()}`;
    this.key = key;
    this.stagingBucket = stagingBucket;
    this.artifactBucket = artifactBucket;
    const source =
      args.source?.kind === "codeconnections"
        ? connectionSource(name, { ...args, source: args.source }, this)
        : codeCommitSource(name, { ...args, key }, this);
    this.repository = source.repository;
    this.connection = source.connection;
    this.approvalTopic = notificationTopic(
      `${name}-approvals`,
      {
        displayName: `Approve ${name} releases to production`,
        kmsKeyArn: key.arn,
        email: args.approvalEmail,
      },
      this,
    );
    const builds = backboneBuilds(
      name,
      {
        ...{
          ctx,
          key,
          pulumi: args.pulumi,
          environment: args.build,
          logRetentionDays: args.logRetentionDays,
        },
        ...{ source, branch: args.branch, artifactBucketArn: artifactBucket.arn },
        modelPackageGroupName: args.modelPackageGroupName,
      },
      this,
    );
    const release = releasePipeline(
      name,
      {
        ...{ ctx, pipelineName, key, artifactBucket, source, branch: args.branch },
        ...{ builds, approvalTopic: this.approvalTopic, defaultDataKey: args.defaultDataKey },
        ...{ trainFunction: args.trainFunction, testFunction: args.testFunction },
      },
      this,
    );
    this.pipeline = release.pipeline;
    this.stageNames = release.stageNames;
    warnAboutMissingStages(args, this);
    releaseTriggers(
      name,
      {
        ...{ ctx, keyArn: key.arn, deadLetterQueue, repositoryArn: this.repository?.arn },
        ...{ branch: args.branch, triggerPaths: args.triggerPaths },
        ...{ dataPrefix: args.dataPrefix, dataFilePattern: args.dataFilePattern },
        ...{
          stagingBucketName: stagingBucket.name,
          pipelineName,
          pipelineArn: arn(ctx, "codepipeline", pipelineName),
        },
        ...{ prCheckProject: builds.prCheck, logRetentionDays: args.logRetentionDays },
        pullRequestEvents: source.pullRequestEvents,
      },
      this,
    );
    this.registerOutputs({
      repositoryCloneUrlHttp: this.repository?.cloneUrlHttp,
      connectionArn: this.connection?.arn,
      stagingBucketName: this.stagingBucket.name,
      artifactBucketName: this.artifactBucket.name,
      kmsKeyArn: key.arn,
      pipelineName: this.pipeline.name,
      approvalTopicArn: this.approvalTopic.arn,
      deadLetterQueueUrl: deadLetterQueue.url,
    });
  }
}

function warnAboutMissingStages(args: CicdBackboneArgs, component: pulumi.Resource): void {
  const missing = [!args.trainFunction && "Train", !args.testFunction && "Test"].filter(Boolean);
  if (missing.length > 0)
    void pulumi.log.warn(
      `The pipeline has no ${missing.join(" or ")} stage: no function was given for it.`,
      component,
    );
}

function validate(name: string, args: CicdBackboneArgs, component: pulumi.Resource): void {
  const problems: string[] = [];
  if (args.triggerPaths.length === 0)
    problems.push('triggerPaths is empty: give at least one glob ("**" for every push)');
  if (!/^([^/]+\/)+$/.test(args.dataPrefix))
    problems.push(`dataPrefix "${args.dataPrefix}" must be a key prefix ending in '/'`);
  else if (!args.defaultDataKey.startsWith(args.dataPrefix))
    problems.push(`defaultDataKey "${args.defaultDataKey}" must be under dataPrefix "${args.dataPrefix}"`);
  else if (!isDataSetKey(args.defaultDataKey, dataSetsUnder(args.dataPrefix, args.dataFilePattern)))
    problems.push(
      `defaultDataKey "${args.defaultDataKey}" must match dataFilePattern "${args.dataFilePattern}", or no push would find its data`,
    );
  if (!args.branch) problems.push("branch is empty: name the branch that releases (e.g. main)");
  if (problems.length > 0)
    throw new pulumi.ResourceError(`CicdBackbone "${name}": ${problems.join("; ")}`, component);
}
