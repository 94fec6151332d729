import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** A Lambda function a pipeline stage invokes (provided by the ML pipeline and environment components). */
export interface StageFunction {
  /** The function's name, as CodePipeline's Lambda invoke action wants it. */
  functionName: pulumi.Input<string>;
  /** The function's ARN, for the pipeline role's invoke permission. */
  functionArn: pulumi.Input<string>;
  /** Text handed to the function as the action's `UserParameters`. */
  userParameters?: pulumi.Input<string>;
}

/** The pipeline's source action; the push filter pins runs to a commit through it. */
export const SOURCE_ACTION = "Source";

type Stage = aws.types.input.codepipeline.PipelineStage;

/** What the stages call: the repository, the builds, the approval topic and the stage functions. */
export interface StageInputs {
  /** The Source action's provider and configuration (CodeCommit or a connection). */
  readonly sourceAction: { provider: string; configuration: Record<string, pulumi.Input<string>> };
  readonly buildProject: pulumi.Input<string>;
  readonly deployProject: pulumi.Input<string>;
  readonly approvalTopicArn: pulumi.Input<string>;
  readonly trainFunction?: StageFunction;
  readonly testFunction?: StageFunction;
}

/** The release stages in order; Train and Test appear when their functions are given. */
export function pipelineStages(inputs: StageInputs): Stage[] {
  return [
    sourceStage(inputs),
    { name: "Build", actions: [codeBuildAction("Build", inputs.buildProject)] },
    ...(inputs.trainFunction ? [lambdaStage("Train", inputs.trainFunction)] : []),
    ...(inputs.testFunction ? [lambdaStage("Test", inputs.testFunction)] : []),
    approvalStage(inputs.approvalTopicArn),
    deployStage(inputs),
  ];
}

function sourceStage(inputs: StageInputs): Stage {
  return {
    name: "Source",
    actions: [
      {
        name: SOURCE_ACTION,
        category: "Source",
        owner: "AWS",
        provider: inputs.sourceAction.provider,
        version: "1",
        namespace: "SourceVariables",
        outputArtifacts: ["SourceOutput"],
        configuration: inputs.sourceAction.configuration,
      },
    ],
  };
}

/** A CodeBuild action on the source, with its output variables in `<name>Variables`. */
function codeBuildAction(
  actionName: string,
  projectName: pulumi.Input<string>,
  variables?: Record<string, string>,
) {
  return {
    name: actionName,
    category: "Build",
    owner: "AWS",
    provider: "CodeBuild",
    version: "1",
    namespace: `${actionName}Variables`,
    inputArtifacts: ["SourceOutput"],
    outputArtifacts: [`${actionName}Output`],
    configuration: {
      ProjectName: projectName,
      ...(variables
        ? {
            EnvironmentVariables: JSON.stringify(
              Object.entries(variables).map(([name, value]) => ({ name, value, type: "PLAINTEXT" })),
            ),
          }
        : {}),
    },
  };
}

function lambdaStage(stageName: string, fn: StageFunction): Stage {
  return {
    name: stageName,
    actions: [
      {
        name: stageName,
        category: "Invoke",
        owner: "AWS",
        provider: "Lambda",
        version: "1",
        namespace: `${stageName}Variables`,
        inputArtifacts: ["SourceOutput"],
        configuration: {
          FunctionName: fn.functionName,
          ...(fn.userParameters ? { UserParameters: fn.userParameters } : {}),
        },
      },
    ],
  };
}

function approvalStage(topicArn: pulumi.Input<string>): Stage {
  return {
    name: "Approve",
    actions: [
      {
        name: "Approve",
        category: "Approval",
        owner: "AWS",
        provider: "Manual",
        version: "1",
        configuration: {
          NotificationArn: topicArn,
          CustomData:
            "Review the run's metrics and test results, then approve the release to production (commit #{SourceVariables.CommitId}).",
        },
      },
    ],
  };
}

/** The model this run registered and the run itself become prod's approved model and baseline. */
function deployStage(inputs: StageInputs): Stage {
  const release = inputs.trainFunction
    ? {
        APPROVED_MODEL_PACKAGE_ARN: "#{TrainVariables.modelPackageArn}",
        APPROVED_RUN_ID: "#{TrainVariables.runId}",
      }
    : undefined;
  return { name: "Deploy", actions: [codeBuildAction("Deploy", inputs.deployProject, release)] };
}
