import * as pulumi from "@pulumi/pulumi";
import { arn, modelGroupArns, type AwsContext } from "../shared/aws-context";
import { kmsUseVia, passRole, stateMachineKeyUse, type Statement } from "../shared/iam";
import { readRollbackAlarms, sageMakerJobTelemetry } from "../shared/sagemaker-access";

/** Permission sets of the ML pipeline's roles, scoped to this project's name prefixes and objects. */

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

const sm = (names: MlNames, resource: string) => arn(names.ctx, "sagemaker", resource);
const objects = (names: MlNames, ...prefixes: string[]) =>
  prefixes.map((p) => pulumi.interpolate`${names.bucketArn}/${p}*`);

/** The model group and its packages, by its name as written and lowercased (see modelGroupArns). */
function modelGroupResources(names: MlNames) {
  const { group, packages } = modelGroupArns(names.ctx, names.modelPackageGroupName);
  return pulumi.all([packages, group]).apply(([versions, groups]) => [...versions, ...groups]);
}

function listUnder(names: MlNames, prefixes: string[]): Statement {
  return {
    Sid: "ListOwnPrefixes",
    Action: "s3:ListBucket",
    Resource: names.bucketArn,
    Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
  };
}

export function stateMachineStatements(names: MlNames, sageMakerRoleArn: pulumi.Input<string>): Statement[] {
  const lower = names.endpointName.toLowerCase();
  return [
    {
      Sid: "RunDataPrep",
      Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
      Resource: arn(names.ctx, "glue", `job/${names.glueJobName}`),
    },
    {
      Sid: "TrainAndScore",
      Action: [
        "sagemaker:CreateTrainingJob",
        "sagemaker:DescribeTrainingJob",
        "sagemaker:StopTrainingJob",
        "sagemaker:CreateTransformJob",
        "sagemaker:DescribeTransformJob",
        "sagemaker:StopTransformJob",
        "sagemaker:CreateModel",
        "sagemaker:AddTags",
      ],
      Resource: [
        sm(names, `training-job/${names.runPrefix}*`),
        sm(names, `transform-job/${names.runPrefix}*`),
        sm(names, `model/${names.runPrefix}*`),
        sm(names, `experiment-trial/*`),
        sm(names, `experiment-trial-component/*`),
      ],
    },
    {
      // Step Functions' IAM page for SageMaker lists these for createHyperParameterTuningJob.sync;
      // DescribeBestTrainingJob reads the winner, which the tuning job named.
      // https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html
      Sid: "TuneHyperparameters",
      Action: [
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:DescribeHyperParameterTuningJob",
        "sagemaker:StopHyperParameterTuningJob",
        "sagemaker:ListTags",
        "sagemaker:AddTags",
        "sagemaker:DescribeTrainingJob",
      ],
      Resource: [
        sm(names, `hyper-parameter-tuning-job/${names.tuningPrefix}-*`),
        sm(names, `training-job/${names.tuningPrefix}-*`),
      ],
    },
    {
      Sid: "RegisterModels",
      Action: ["sagemaker:CreateModelPackage", "sagemaker:AddTags"],
      Resource: modelGroupResources(names),
    },
    {
      Sid: "DeployTestEndpoint",
      Action: [
        "sagemaker:CreateEndpointConfig",
        "sagemaker:CreateEndpoint",
        "sagemaker:UpdateEndpoint",
        // A Failed test endpoint can only be deleted; the workflow recreates it.
        "sagemaker:DeleteEndpoint",
        "sagemaker:AddTags",
      ],
      Resource: [sm(names, `endpoint/${lower}`), sm(names, `endpoint-config/${lower}*`)],
    },
    {
      Sid: "FollowSageMakerJobs",
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: [
        arn(names.ctx, "events", "rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"),
        arn(names.ctx, "events", "rule/StepFunctionsGetEventsForSageMakerTransformJobsRule"),
        arn(names.ctx, "events", "rule/StepFunctionsGetEventsForSageMakerTuningJobsRule"),
      ],
    },
    passRole(sageMakerRoleArn, "sagemaker.amazonaws.com"),
    {
      Sid: "CallController",
      Action: "lambda:InvokeFunction",
      Resource: [names.controllerArn, pulumi.interpolate`${names.controllerArn}:*`],
    },
    kmsUseVia(names.keyArn, ["sagemaker", "states"], names.ctx),
    stateMachineKeyUse(names.keyArn, names.stateMachineArn),
    {
      Sid: "EncryptExecutionLogs",
      // With a customer-managed key, the state machine's role generates the data key for its log
      // delivery; the context names the account's logs, as the Step Functions guide shows.
      // https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
      Action: "kms:GenerateDataKey",
      Resource: names.keyArn,
      Condition: { StringEquals: { "kms:EncryptionContext:SourceArn": arn(names.ctx, "logs", "*") } },
    },
    {
      Sid: "LetSageMakerEncryptVolumes",
      Action: "kms:CreateGrant",
      Resource: names.keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `sagemaker.${names.ctx.region}.amazonaws.com` },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    },
    {
      Sid: "DeliverExecutionLogs",
      // CloudWatch Logs delivery for Step Functions has no resource-level permissions.
      Action: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      Resource: "*",
    },
    {
      Sid: "WriteTraces",
      Action: [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
      ],
      Resource: "*",
    },
  ];
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
      Resource: endpointNames.map((e) => sm(names, `endpoint/${e.toLowerCase()}`)),
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
        sm(names, `experiment/${names.experimentName.toLowerCase()}`),
        sm(names, "experiment-trial/*"),
      ],
    },
    {
      Sid: "CheckTestEndpoint",
      Action: "sagemaker:DescribeEndpoint",
      Resource: sm(names, `endpoint/${names.endpointName.toLowerCase()}`),
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
