import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { arn, awsContext } from "../shared/aws-context";
import { kmsUseVia, serviceRole } from "../shared/iam";
import { logGroup } from "../shared/log-group";
import { SecureBucket } from "../shared/secure-bucket";
import { componentTags } from "../shared/tags";
import { notificationTopic } from "../shared/topic";
import { PIPELINE_VARIABLES } from "../../functions/data-trigger";
import { buildSpec, PULUMI_ENV, type BuildKind } from "./buildspecs";
import { artifactAccess, buildStatements, pipelineStatements, recordReleases } from "./roles";
import { pipelineStages, type StageFunction } from "./stages";
import { releaseTriggers } from "./triggers";

export type { StageFunction } from "./stages";

/** How the build steps reach the Pulumi state backend and which roles they deploy with. */
export interface PulumiDeploymentArgs {
  /** Pulumi CLI version the builds install. */
  version: string;
  /** State backend URL for `pulumi login` (s3://, https://, azblob://, gs://). */
  backendUrl: string;
  /** Secrets provider for new stacks (`default` or `awskms://...`). */
  secretsProvider: string;
  /** SSM SecureString parameter with a Pulumi access token; needed for Pulumi Cloud backends. */
  accessTokenParameter?: string;
  /** Role `pulumi up` assumes; it holds the permissions to create the stacks' resources. */
  deployRoleArn: string;
  /** Role pull-request previews assume; read-only is enough. Defaults to `deployRoleArn`. */
  previewRoleArn?: string;
}

/** The key and buckets the backbone encrypts with and stores in (see ProjectStorage). */
export interface BackboneStorage {
  key: aws.kms.Key;
  /** Data, run outputs and the published ML config; its new objects can start runs. */
  stagingBucket: SecureBucket;
  /** The pipeline's artifact store. */
  artifactBucket: SecureBucket;
  /** Where triggers and pipeline jobs that could not be delivered end up (an alarm watches it). */
  deadLetterQueue: aws.sqs.Queue;
}

export interface CicdBackboneArgs {
  /** Where the backbone keeps data and artifacts, and the key it encrypts everything with. */
  storage: BackboneStorage;
  /** Name of the CodeCommit repository that holds this project. */
  repositoryName: string;
  /** The branch whose pushes run the pipeline and which pull requests target. */
  branch: string;
  /** Globs (minimatch, dot files included) of paths whose change starts a run; other pushes are skipped. */
  triggerPaths: string[];
  /** Key prefix in the staging bucket under which a new object starts a run (new training data). */
  dataPrefix: string;
  /** Key of the data set a run trains on unless new data started it (under `dataPrefix`). */
  defaultDataKey: string;
  pulumi: PulumiDeploymentArgs;
  /** CodeBuild image and compute type for every build. */
  build: { image: string; computeType: string };
  /** Retention of every log group the backbone creates, in days. */
  logRetentionDays: number;
  /** Email subscribed to approval requests; without it, subscribe to the `approvalTopicArn` output yourself. */
  approvalEmail?: string;
  /** The Train stage's function (starts the ML pipeline). Without it the stage is left out. */
  trainFunction?: StageFunction;
  /** The Test stage's function (runs the test suite). Without it the stage is left out. */
  testFunction?: StageFunction;
  /** The model registry group whose packages the Deploy stage marks Approved or Rejected. */
  modelPackageGroupName?: pulumi.Input<string>;
  /** AWS region of the stack (from `aws:region`); ARNs in policies are built for it. */
  region: string;
  /** Extra tags on every resource, besides project, stack and component. */
  tags?: Record<string, string>;
}

/**
 * The CI/CD backbone: the repository, encrypted buckets, the release pipeline (Source → Build → Train →
 * Test → Approve → Deploy, queued so no push is dropped), its builds and its triggers.
 */
export class CicdBackbone extends pulumi.ComponentResource {
  readonly repository: aws.codecommit.Repository;
  readonly key: aws.kms.Key;
  readonly stagingBucket: SecureBucket;
  readonly artifactBucket: SecureBucket;
  readonly pipeline: aws.codepipeline.Pipeline;
  readonly approvalTopic: aws.sns.Topic;
  /** Stage names in order, as declared. */
  readonly stageNames: string[];

  constructor(name: string, args: CicdBackboneArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cicd:CicdBackbone", name, {}, opts);
    validate(name, args);
    const parent = { parent: this };
    const tags = componentTags("cicd", args.tags);
    const ctx = awsContext(args.region, this);
    const stack = pulumi.getStack();
    const pipelineName = `${name}-${stack}`;
    const pipelineArn = arn(ctx, "codepipeline", pipelineName);
    const logPrefix = `/mlops/${stack}/`;

    const key = args.storage.key;
    this.key = key;
    this.stagingBucket = args.storage.stagingBucket;
    this.artifactBucket = args.storage.artifactBucket;

    this.repository = new aws.codecommit.Repository(
      `${name}-repo`,
      {
        repositoryName: args.repositoryName,
        description: "Code, configuration and pipeline definition of the continuous ML pipeline",
        defaultBranch: args.branch,
        kmsKeyId: key.arn,
        tags,
      },
      parent,
    );

    this.approvalTopic = notificationTopic(
      `${name}-approvals`,
      {
        displayName: `Approve ${name} releases to production`,
        kmsKeyArn: key.arn,
        email: args.approvalEmail,
        tags,
      },
      this,
    );

    const deployAccess = { ctx, keyArn: key.arn, accessTokenParameter: args.pulumi.accessTokenParameter };
    const project = (kind: BuildKind, description: string, pulumiRoleArn: string, pullRequest: boolean) => {
      const projectName = `${name}-${kind}-${stack}`;
      const logs = logGroup(
        `${name}-${kind}-logs`,
        {
          logGroupName: `${logPrefix}codebuild/${kind}`,
          retentionInDays: args.logRetentionDays,
          kmsKeyArn: key.arn,
          tags,
        },
        this,
      );
      const extra = pullRequest
        ? [
            { Sid: "CloneSource", Action: "codecommit:GitPull", Resource: this.repository.arn },
            {
              Sid: "CommentOnPullRequest",
              Action: "codecommit:PostCommentForPullRequest",
              Resource: this.repository.arn,
            },
            kmsUseVia(key.arn, ["codecommit"], ctx),
          ]
        : [
            artifactAccess(this.artifactBucket.arn, true),
            kmsUseVia(key.arn, ["s3"], ctx),
            ...(kind === "deploy-prod" && args.modelPackageGroupName
              ? [recordReleases(ctx, args.modelPackageGroupName)]
              : []),
          ];
      const role = serviceRole(
        `${name}-${kind}-role`,
        {
          service: "codebuild.amazonaws.com",
          description: description,
          statements: buildStatements({ ...deployAccess, logGroupArn: logs.arn, pulumiRoleArn }, extra),
          ctx,
          tags,
        },
        this,
      );
      const variables = [
        { name: PULUMI_ENV.version, value: args.pulumi.version, type: "PLAINTEXT" },
        { name: PULUMI_ENV.backend, value: args.pulumi.backendUrl, type: "PLAINTEXT" },
        { name: PULUMI_ENV.secretsProvider, value: args.pulumi.secretsProvider, type: "PLAINTEXT" },
        { name: PULUMI_ENV.roleArn, value: pulumiRoleArn, type: "PLAINTEXT" },
        ...(args.pulumi.accessTokenParameter
          ? [
              {
                name: PULUMI_ENV.accessToken,
                value: args.pulumi.accessTokenParameter,
                type: "PARAMETER_STORE",
              },
            ]
          : []),
      ];
      return new aws.codebuild.Project(
        `${name}-${kind}`,
        {
          name: projectName,
          description,
          serviceRole: role.arn,
          encryptionKey: key.arn,
          buildTimeout: 60,
          queuedTimeout: 480,
          source: pullRequest
            ? {
                type: "CODECOMMIT",
                location: this.repository.cloneUrlHttp,
                gitCloneDepth: 1,
                buildspec: buildSpec(kind),
              }
            : { type: "CODEPIPELINE", buildspec: buildSpec(kind) },
          sourceVersion: pullRequest ? `refs/heads/${args.branch}` : undefined,
          artifacts: { type: pullRequest ? "NO_ARTIFACTS" : "CODEPIPELINE" },
          environment: {
            type: "LINUX_CONTAINER",
            image: args.build.image,
            computeType: args.build.computeType,
            privilegedMode: false,
            imagePullCredentialsType: "CODEBUILD",
            environmentVariables: variables,
          },
          logsConfig: {
            cloudwatchLogs: { status: "ENABLED", groupName: logs.name },
            s3Logs: { status: "DISABLED" },
          },
          tags,
        },
        { parent: this, dependsOn: [role] },
      );
    };
    const previewRole = args.pulumi.previewRoleArn ?? args.pulumi.deployRoleArn;
    const buildProject = project(
      "deploy-test",
      "Tests, previews with policies, and deploys the test stack",
      args.pulumi.deployRoleArn,
      false,
    );
    const deployProject = project(
      "deploy-prod",
      "Previews with policies and deploys the prod stack",
      args.pulumi.deployRoleArn,
      false,
    );
    const prCheckProject = project(
      "pr-check",
      "Checks a pull request: tests and policy previews of both stacks",
      previewRole,
      true,
    );

    const stageFunctions = [args.trainFunction, args.testFunction].filter(
      (f): f is StageFunction => f !== undefined,
    );
    const pipelineRole = serviceRole(
      `${name}-pipeline-role`,
      {
        service: "codepipeline.amazonaws.com",
        description: "Runs the release pipeline",
        statements: pipelineStatements({
          ctx,
          keyArn: key.arn,
          artifactBucketArn: this.artifactBucket.arn,
          repositoryArn: this.repository.arn,
          buildProjectArns: [buildProject.arn, deployProject.arn],
          functionArns: stageFunctions.map((f) => f.functionArn),
          approvalTopicArn: this.approvalTopic.arn,
        }),
        ctx,
        tags,
      },
      this,
    );

    const stages = pipelineStages({
      repositoryName: this.repository.repositoryName,
      branch: args.branch,
      buildProject: buildProject.name,
      deployProject: deployProject.name,
      approvalTopicArn: this.approvalTopic.arn,
      trainFunction: args.trainFunction && { ...args.trainFunction, userParameters: TRAIN_PARAMETERS },
      testFunction: args.testFunction,
    });
    this.stageNames = stages.map((stage) => stage.name as string);
    if (!args.trainFunction || !args.testFunction) {
      pulumi.log.warn(
        `The pipeline has no ${[!args.trainFunction && "Train", !args.testFunction && "Test"].filter(Boolean).join(" or ")} stage: no function was given for it.`,
        this,
      );
    }
    this.pipeline = new aws.codepipeline.Pipeline(
      `${name}-pipeline`,
      {
        name: pipelineName,
        pipelineType: "V2",
        // Pushes that arrive during a run wait their turn; SUPERSEDED would drop the older one.
        executionMode: "QUEUED",
        variables: pipelineVariables(args.defaultDataKey),
        roleArn: pipelineRole.arn,
        artifactStores: [
          { location: this.artifactBucket.name, type: "S3", encryptionKey: { id: key.arn, type: "KMS" } },
        ],
        stages,
        tags,
      },
      { parent: this, dependsOn: [pipelineRole] },
    );

    const triggers = releaseTriggers(
      name,
      {
        ctx,
        tags,
        keyArn: key.arn,
        repositoryArn: this.repository.arn,
        stagingBucketName: this.stagingBucket.name,
        pipelineName,
        pipelineArn,
        args,
        prCheckProject,
        deadLetterQueue: args.storage.deadLetterQueue,
      },
      this,
    );

    this.registerOutputs({
      repositoryCloneUrlHttp: this.repository.cloneUrlHttp,
      stagingBucketName: this.stagingBucket.name,
      artifactBucketName: this.artifactBucket.name,
      kmsKeyArn: key.arn,
      pipelineName: this.pipeline.name,
      approvalTopicArn: this.approvalTopic.arn,
      deadLetterQueueUrl: triggers.deadLetterQueue.url,
    });
  }
}

/** What started a run and which data set it trains on; the data trigger sets both, pushes neither. */
function pipelineVariables(defaultDataKey: string) {
  return [
    {
      name: PIPELINE_VARIABLES.source,
      defaultValue: "manual",
      description: "What started the run: push (the push filter), data (a new data set) or manual",
    },
    {
      name: PIPELINE_VARIABLES.dataKey,
      defaultValue: defaultDataKey,
      description: "Staging-bucket key of the data set the run trains on",
    },
  ];
}

/** The Train stage hands the run's trigger and data set to the pipeline-runner. */
const TRAIN_PARAMETERS = JSON.stringify({
  source: `#{variables.${PIPELINE_VARIABLES.source}}`,
  dataKey: `#{variables.${PIPELINE_VARIABLES.dataKey}}`,
});

function validate(name: string, args: CicdBackboneArgs): void {
  const problems: string[] = [];
  if (!args.defaultDataKey.startsWith(args.dataPrefix))
    problems.push(`defaultDataKey "${args.defaultDataKey}" must be under dataPrefix "${args.dataPrefix}"`);
  if (args.triggerPaths.length === 0)
    problems.push('triggerPaths is empty: give at least one glob ("**" for every push)');
  if (!/^([^/]+\/)+$/.test(args.dataPrefix))
    problems.push(`dataPrefix "${args.dataPrefix}" must be a key prefix ending in '/'`);
  if (!args.branch) problems.push("branch is empty: name the branch that releases (e.g. main)");
  if (problems.length > 0) throw new Error(`CicdBackbone "${name}": ${problems.join("; ")}`);
}
