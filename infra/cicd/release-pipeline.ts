import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { PIPELINE_VARIABLES } from "../../functions/data-trigger";
import type { AwsContext } from "../shared/aws-context";
import { serviceRole } from "../shared/iam";
import { pipelineStatements } from "./roles";
import type { PipelineSource } from "./source";
import { pipelineStages, type StageFunction } from "./stages";

/** What the release pipeline runs, stores and notifies. */
export interface ReleasePipelineArgs {
  /** Account, region and partition of the stack; ARNs are built for them. */
  readonly ctx: AwsContext;
  /** The pipeline's name. */
  readonly pipelineName: string;
  /** Encrypts everything this creates. */
  readonly key: aws.kms.Key;
  /** The pipeline's artifact store. */
  readonly artifactBucket: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
  /** The repository runs start from: its Source action, what fetching it takes, its trigger. */
  readonly source: PipelineSource;
  /** The branch whose pushes run the pipeline. */
  readonly branch: string;
  /** The Build and Deploy stages' CodeBuild projects. */
  readonly builds: { readonly build: aws.codebuild.Project; readonly deploy: aws.codebuild.Project };
  /** Where approval requests go. */
  readonly approvalTopic: aws.sns.Topic;
  /** The Train stage's function; without it the stage is left out. */
  readonly trainFunction?: StageFunction;
  /** The Test stage's function; without it the stage is left out. */
  readonly testFunction?: StageFunction;
  /** Key of the data set a run trains on unless new data started it. */
  readonly defaultDataKey: string;
}

/** What started a run and which data set it trains on; the data trigger sets both, pushes neither. */
export function pipelineVariables(defaultDataKey: string) {
  return [
    {
      name: PIPELINE_VARIABLES.source,
      defaultValue: "manual",
      description: "What started the run: push (the push filter), data (a new data set), drift or manual",
    },
    {
      name: PIPELINE_VARIABLES.alarm,
      defaultValue: "none",
      description: "The alarm that started a drift run",
    },
    {
      name: PIPELINE_VARIABLES.dataKey,
      defaultValue: defaultDataKey,
      description: "Staging-bucket key of the data set the run trains on",
    },
  ];
}

/** The Train stage hands the run's trigger and data set to the pipeline-runner. */
export const TRAIN_PARAMETERS = JSON.stringify({
  source: `#{variables.${PIPELINE_VARIABLES.source}}`,
  dataKey: `#{variables.${PIPELINE_VARIABLES.dataKey}}`,
  alarm: `#{variables.${PIPELINE_VARIABLES.alarm}}`,
});

/**
 * The V2 pipeline Source → Build → Train → Test → Approve → Deploy, queued so no push is dropped, and
 * the role it runs as.
 */
export function releasePipeline(name: string, args: ReleasePipelineArgs, component: pulumi.Resource) {
  const { ctx, key } = args;
  const stageFunctions = [args.trainFunction, args.testFunction].filter(
    (f): f is StageFunction => f !== undefined,
  );
  const role = serviceRole(
    `${name}-pipeline-role`,
    {
      service: "codepipeline.amazonaws.com",
      description: "Runs the release pipeline",
      statements: pipelineStatements({
        ctx,
        keyArn: key.arn,
        artifactBucketArn: args.artifactBucket.arn,
        source: { statements: args.source.pipelineStatements, keyServices: args.source.keyServices },
        buildProjectArns: [args.builds.build.arn, args.builds.deploy.arn],
        functionArns: stageFunctions.map((f) => f.functionArn),
        approvalTopicArn: args.approvalTopic.arn,
      }),
      ctx,
    },
    component,
  );
  const stages = pipelineStages({
    sourceAction: args.source.action,
    buildProject: args.builds.build.name,
    deployProject: args.builds.deploy.name,
    approvalTopicArn: args.approvalTopic.arn,
    trainFunction: args.trainFunction && { ...args.trainFunction, userParameters: TRAIN_PARAMETERS },
    testFunction: args.testFunction,
  });
  const pipeline = new aws.codepipeline.Pipeline(
    `${name}-pipeline`,
    {
      name: args.pipelineName,
      pipelineType: "V2",
      // Pushes that arrive during a run wait their turn; SUPERSEDED would drop the older one.
      executionMode: "QUEUED",
      variables: pipelineVariables(args.defaultDataKey),
      triggers: args.source.triggers,
      roleArn: role.arn,
      artifactStores: [
        { location: args.artifactBucket.name, type: "S3", encryptionKey: { id: key.arn, type: "KMS" } },
      ],
      stages,
    },
    { parent: component, dependsOn: [role] },
  );
  return { pipeline, stageNames: stages.map((stage) => stage.name as string) };
}
