import * as pulumi from "@pulumi/pulumi";
import { arn, type AwsContext } from "../shared/aws-context";
import { kmsUseVia, passRole, stateMachineKeyUse, type Statement } from "../shared/iam";

/** Permission sets of the ML pipeline's roles, scoped to this project's name prefixes and objects. */

export interface MlNames {
  ctx: AwsContext;
  keyArn: pulumi.Input<string>;
  bucketArn: pulumi.Input<string>;
  glueJobName: string;
  /** Lower-case prefix of every training job, model and transform job a run creates. */
  runPrefix: string;
  endpointName: string;
  modelPackageGroupName: string;
  experimentName: string;
  controllerArn: pulumi.Input<string>;
  stateMachineArn: pulumi.Input<string>;
  stateMachineName: string;
  /** The registry account of SageMaker's XGBoost image in this region. */
  imageRegistryAccount: string;
}

const sm = (n: MlNames, resource: string) => arn(n.ctx, "sagemaker", resource);
const objects = (n: MlNames, ...prefixes: string[]) =>
  prefixes.map((p) => pulumi.interpolate`${n.bucketArn}/${p}*`);

function listUnder(n: MlNames, prefixes: string[]): Statement {
  return {
    Sid: "ListOwnPrefixes",
    Action: "s3:ListBucket",
    Resource: n.bucketArn,
    Condition: { StringLike: { "s3:prefix": prefixes.map((p) => `${p}*`) } },
  };
}

export function stateMachineStatements(n: MlNames, sageMakerRoleArn: pulumi.Input<string>): Statement[] {
  const lower = n.endpointName.toLowerCase();
  return [
    {
      Sid: "RunDataPrep",
      Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
      Resource: arn(n.ctx, "glue", `job/${n.glueJobName}`),
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
        sm(n, `training-job/${n.runPrefix}*`),
        sm(n, `transform-job/${n.runPrefix}*`),
        sm(n, `model/${n.runPrefix}*`),
        sm(n, `experiment-trial/*`),
        sm(n, `experiment-trial-component/*`),
      ],
    },
    {
      Sid: "RegisterModels",
      Action: ["sagemaker:CreateModelPackage", "sagemaker:AddTags"],
      Resource: [
        sm(n, `model-package/${n.modelPackageGroupName.toLowerCase()}/*`),
        sm(n, `model-package-group/${n.modelPackageGroupName.toLowerCase()}`),
      ],
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
      Resource: [sm(n, `endpoint/${lower}`), sm(n, `endpoint-config/${lower}*`)],
    },
    {
      Sid: "FollowSageMakerJobs",
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: [
        arn(n.ctx, "events", "rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"),
        arn(n.ctx, "events", "rule/StepFunctionsGetEventsForSageMakerTransformJobsRule"),
      ],
    },
    passRole(sageMakerRoleArn, "sagemaker.amazonaws.com"),
    {
      Sid: "CallController",
      Action: "lambda:InvokeFunction",
      Resource: [n.controllerArn, pulumi.interpolate`${n.controllerArn}:*`],
    },
    kmsUseVia(n.keyArn, ["sagemaker", "states"], n.ctx),
    stateMachineKeyUse(n.keyArn, n.stateMachineArn),
    {
      Sid: "EncryptExecutionLogs",
      // With a customer-managed key, the state machine's role generates the data key for its log
      // delivery; the context names the account's logs, as the Step Functions guide shows.
      // https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
      Action: "kms:GenerateDataKey",
      Resource: n.keyArn,
      Condition: { StringEquals: { "kms:EncryptionContext:SourceArn": arn(n.ctx, "logs", "*") } },
    },
    {
      Sid: "LetSageMakerEncryptVolumes",
      Action: "kms:CreateGrant",
      Resource: n.keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `sagemaker.${n.ctx.region}.amazonaws.com` },
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

export function sageMakerStatements(n: MlNames, endpointNames: string[]): Statement[] {
  return [
    // Runs hold training data and baselines; capture/ and monitoring/ feed Model Monitor.
    { Sid: "ReadRunData", Action: "s3:GetObject", Resource: objects(n, "runs/", "capture/", "monitoring/") },
    {
      Sid: "WriteModelsAndCapture",
      Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
      Resource: objects(n, "runs/", "capture/", "monitoring/"),
    },
    listUnder(n, ["runs/", "capture/", "monitoring/"]),
    kmsUseVia(n.keyArn, ["s3", "sagemaker"], n.ctx),
    {
      Sid: "EncryptVolumes",
      Action: "kms:CreateGrant",
      Resource: n.keyArn,
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
    {
      Sid: "PullXgboostImage",
      Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      Resource: `arn:${n.ctx.partition}:ecr:${n.ctx.region}:${n.imageRegistryAccount}:repository/sagemaker-xgboost`,
    },
    // ECR hands out registry tokens account-wide; there is no resource to scope to.
    { Sid: "AuthenticateToEcr", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    {
      Sid: "WriteJobLogs",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [
        arn(n.ctx, "logs", "log-group:/aws/sagemaker/*"),
        arn(n.ctx, "logs", "log-group:/aws/sagemaker/*:log-stream:*"),
      ],
    },
    {
      Sid: "PublishJobMetrics",
      Action: "cloudwatch:PutMetricData",
      Resource: "*",
      Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] } },
    },
    {
      Sid: "DescribeOwnEndpoints",
      Action: "sagemaker:DescribeEndpoint",
      Resource: endpointNames.map((e) => sm(n, `endpoint/${e.toLowerCase()}`)),
    },
  ];
}

export function glueStatements(n: MlNames): Statement[] {
  return [
    {
      Sid: "ReadInputsAndScripts",
      Action: "s3:GetObject",
      Resource: objects(n, "datasets/", "config/", "etl/", "runs/", "glue-temp/"),
    },
    {
      Sid: "WriteRunData",
      Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: objects(n, "runs/", "glue-temp/"),
    },
    listUnder(n, ["datasets/", "runs/", "glue-temp/"]),
    kmsUseVia(n.keyArn, ["s3"], n.ctx),
    {
      Sid: "WriteEncryptedJobLogs",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
      Resource: [
        arn(n.ctx, "logs", "log-group:/aws-glue/*"),
        arn(n.ctx, "logs", "log-group:/aws-glue/*:log-stream:*"),
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

export function controllerStatements(n: MlNames): Statement[] {
  return [
    { Sid: "ReadReportsAndPredictions", Action: "s3:GetObject", Resource: objects(n, "runs/") },
    { Sid: "WriteEvaluations", Action: "s3:PutObject", Resource: objects(n, "runs/") },
    listUnder(n, ["runs/"]),
    kmsUseVia(n.keyArn, ["s3"], n.ctx),
    {
      Sid: "TrackExperiments",
      Action: ["sagemaker:CreateExperiment", "sagemaker:CreateTrial", "sagemaker:AddTags"],
      Resource: [sm(n, `experiment/${n.experimentName.toLowerCase()}`), sm(n, "experiment-trial/*")],
    },
    {
      Sid: "CheckTestEndpoint",
      Action: "sagemaker:DescribeEndpoint",
      Resource: sm(n, `endpoint/${n.endpointName.toLowerCase()}`),
    },
    {
      Sid: "ReadProductionModel",
      Action: "sagemaker:DescribeModelPackage",
      Resource: sm(n, `model-package/${n.modelPackageGroupName.toLowerCase()}/*`),
    },
    // ListModelPackages has no resource-level permissions; the group is named in the request.
    { Sid: "FindProductionModel", Action: "sagemaker:ListModelPackages", Resource: "*" },
  ];
}

export function runnerStatements(n: MlNames, configKey: string): Statement[] {
  return [
    { Sid: "StartRuns", Action: "states:StartExecution", Resource: n.stateMachineArn },
    {
      Sid: "FollowRuns",
      Action: "states:DescribeExecution",
      Resource: arn(n.ctx, "states", `execution:${n.stateMachineName}:*`),
    },
    {
      Sid: "ReadPublishedConfig",
      Action: "s3:GetObject",
      Resource: pulumi.interpolate`${n.bucketArn}/${configKey}`,
    },
    kmsUseVia(n.keyArn, ["s3"], n.ctx),
    stateMachineKeyUse(n.keyArn, n.stateMachineArn),
    // CodePipeline job results have no resource-level permissions.
    {
      Sid: "ReportJobResults",
      Action: ["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"],
      Resource: "*",
    },
  ];
}
