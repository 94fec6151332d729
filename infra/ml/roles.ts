import * as pulumi from "@pulumi/pulumi";
import { arn, modelGroupArns, type AwsContext } from "../shared/aws-context";
import { kmsUseVia, stateMachineKeyUse, type Statement } from "../shared/iam";
import { readRollbackAlarms, sageMakerJobTelemetry } from "../shared/sagemaker-access";

/**
 * Permission sets of the ML pipeline's roles, scoped to this project's name prefixes and objects;
 * the state machine's, the largest, are in state-machine-role.ts.
 */

export interface MlNames {
  ctx: AwsContext;
  keyArn: pulumi.Input<string>;
  bucketArn: pulumi.Input<string>;
  glueJobName: string;
  /** Lower-case prefix of every training job, model and transform job a run creates. */
  runPrefix: string;
  /** Lower-case prefix of every tuning job and of the training jobs tuning starts. */
  tuningPrefix: string;
  endpointName: string;
  modelPackageGroupName: string;
  experimentName: string;
  controllerArn: pulumi.Input<string>;
  stateMachineArn: pulumi.Input<string>;
  stateMachineName: string;
}

export const sageMakerArn = (names: MlNames, resource: string) => arn(names.ctx, "sagemaker", resource);
const objects = (names: MlNames, ...prefixes: string[]) =>
  prefixes.map((p) => pulumi.interpolate`${names.bucketArn}/${p}*`);

function listUnder(names: MlNames, prefixes: string[]): Statement {
  return {
    Sid: "ListOwnPrefixes",
    Action: "s3:ListBucket",
    Resource: names.bucketArn,
    Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
  };
}

export function sageMakerStatements(names: MlNames, endpointNames: string[]): Statement[] {
  return [
    // Runs hold training data and baselines; capture/ and monitoring/ feed Model Monitor.
    {
      Sid: "ReadRunData",
      Action: "s3:GetObject",
      Resource: objects(names, "runs/", "capture/", "monitoring/"),
    },
    {
      Sid: "WriteModelsAndCapture",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
      Resource: objects(names, "runs/", "capture/", "monitoring/"),
    },
    listUnder(names, ["runs/", "capture/", "monitoring/"]),
    kmsUseVia(names.keyArn, ["s3", "sagemaker"], names.ctx),
    {
      Sid: "EncryptVolumes",
      Action: "kms:CreateGrant",
      Resource: names.keyArn,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    // No ECR statements: SageMaker pulls its built-in images with its own credentials (see
    // infra/shared/prebuilt-images.ts), so the role needs no registry access at all.
    ...sageMakerJobTelemetry(names.ctx),
    // One account: this role also serves production, updated blue/green with rollback alarms.
    readRollbackAlarms(names.ctx, endpointNames),
    {
      Sid: "DescribeOwnEndpoints",
      Action: "sagemaker:DescribeEndpoint",
      Resource: endpointNames.map((e) => sageMakerArn(names, `endpoint/${e.toLowerCase()}`)),
    },
  ];
}

export function glueStatements(names: MlNames): Statement[] {
  return [
    {
      Sid: "ReadInputsAndScripts",
      Action: "s3:GetObject",
      Resource: objects(names, "datasets/", "config/", "etl/", "runs/", "glue-temp/"),
    },
    {
      Sid: "WriteRunData",
      Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: objects(names, "runs/", "glue-temp/"),
    },
    listUnder(names, ["datasets/", "runs/", "glue-temp/"]),
    kmsUseVia(names.keyArn, ["s3"], names.ctx),
    {
      Sid: "WriteEncryptedJobLogs",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
      Resource: [
        arn(names.ctx, "logs", "log-group:/aws-glue/*"),
        arn(names.ctx, "logs", "log-group:/aws-glue/*:log-stream:*"),
      ],
    },
    {
      Sid: "PublishJobMetrics",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": "Glue" } },
    },
  ];
}

export function controllerStatements(names: MlNames): Statement[] {
  return [
    { Sid: "ReadReportsAndPredictions", Action: "s3:GetObject", Resource: objects(names, "runs/") },
    { Sid: "WriteEvaluations", Action: "s3:PutObject", Resource: objects(names, "runs/") },
    listUnder(names, ["runs/"]),
    kmsUseVia(names.keyArn, ["s3"], names.ctx),
    {
      Sid: "TrackExperiments",
      Action: ["sagemaker:CreateExperiment", "sagemaker:CreateTrial", "sagemaker:AddTags"],
      Resource: [
        sageMakerArn(names, `experiment/${names.experimentName.toLowerCase()}`),
        sageMakerArn(names, "experiment-trial/*"),
      ],
    },
    {
      Sid: "CheckTestEndpoint",
      Action: "sagemaker:DescribeEndpoint",
      Resource: sageMakerArn(names, `endpoint/${names.endpointName.toLowerCase()}`),
    },
    {
      Sid: "ReadProductionModel",
      Action: "sagemaker:DescribeModelPackage",
      Resource: modelGroupArns(names.ctx, names.modelPackageGroupName).packages,
    },
    // ListModelPackages has no resource-level permissions; the group is named in the request.
    { Sid: "FindProductionModel", Action: "sagemaker:ListModelPackages", Resource: "*" },
  ];
}

export function runnerStatements(names: MlNames, configKey: string): Statement[] {
  return [
    { Sid: "StartRuns", Action: "states:StartExecution", Resource: names.stateMachineArn },
    {
      Sid: "FollowRuns",
      Action: "states:DescribeExecution",
      Resource: arn(names.ctx, "states", `execution:${names.stateMachineName}:*`),
    },
    {
      Sid: "ReadPublishedConfig",
      Action: "s3:GetObject",
      Resource: pulumi.interpolate`${names.bucketArn}/${configKey}`,
    },
    kmsUseVia(names.keyArn, ["s3"], names.ctx),
    stateMachineKeyUse(names.keyArn, names.stateMachineArn),
    // CodePipeline job results have no resource-level permissions.
    {
      Sid: "ReportJobResults",
      Action: ["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"],
      Resource: "*",
    },
  ];
}
