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

/** The release stages in order; Train and Test appear when their functions are given. */
export function pipelineStages(s: {
  repositoryName: pulumi.Input<string>;
  branch: string;
  buildProject: pulumi.Input<string>;
  deployProject: pulumi.Input<string>;
  approvalTopicArn: pulumi.Input<string>;
  trainFunction?: StageFunction;
  testFunction?: StageFunction;
}): Stage[] {
  const lambdaStage = (stageName: string, fn: StageFunction): Stage => ({
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
  });
  const codeBuild = (
    actionName: string,
    projectName: pulumi.Input<string>,
    variables?: Record<string, string>,
  ) => ({
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
  });
  return [
    {
      name: "Source",
      actions: [
        {
          name: SOURCE_ACTION,
          category: "Source",
          owner: "AWS",
          provider: "CodeCommit",
          version: "1",
          namespace: "SourceVariables",
          outputArtifacts: ["SourceOutput"],
          configuration: {
            RepositoryName: s.repositoryName,
            BranchName: s.branch,
            // Runs start from the push filter and the data rule, never from polling.
            PollForSourceChanges: "false",
            OutputArtifactFormat: "CODE_ZIP",
          },
        },
      ],
    },
    { name: "Build", actions: [codeBuild("Build", s.buildProject)] },
    ...(s.trainFunction ? [lambdaStage("Train", s.trainFunction)] : []),
    ...(s.testFunction ? [lambdaStage("Test", s.testFunction)] : []),
    {
      name: "Approve",
      actions: [
        {
          name: "Approve",
          category: "Approval",
          owner: "AWS",
          provider: "Manual",
          version: "1",
          configuration: {
            NotificationArn: s.approvalTopicArn,
            CustomData:
              "Review the run's metrics and test results, then approve the release to production (commit #{SourceVariables.CommitId}).",
          },
        },
      ],
    },
    {
      name: "Deploy",
      actions: [
        // The model this run registered and the run itself become prod's approved model and baseline.
        codeBuild(
          "Deploy",
          s.deployProject,
          s.trainFunction
            ? {
                APPROVED_MODEL_PACKAGE_ARN: "#{TrainVariables.modelPackageArn}",
                APPROVED_RUN_ID: "#{TrainVariables.runId}",
              }
            : undefined,
        ),
      ],
    },
  ];
}
