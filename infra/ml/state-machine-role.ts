import * as pulumi from "@pulumi/pulumi";
import { arn, modelGroupArns } from "../shared/aws-context";
import { kmsUseVia, passRole, stateMachineKeyUse, type Statement } from "../shared/iam";
import { sageMakerArn, type MlNames } from "./roles";

/** What the ML pipeline's state machine may do: one builder per service it drives or purpose it serves. */
export function stateMachineStatements(names: MlNames, sageMakerRoleArn: pulumi.Input<string>): Statement[] {
  return [
    runDataPrep(names),
    ...trainAndTune(names),
    registerModels(names),
    deployTestEndpoint(names),
    followSageMakerJobs(names),
    passRole(sageMakerRoleArn, "sagemaker.amazonaws.com"),
    callController(names),
    ...keyUse(names),
    ...executionLogsAndTraces(),
  ];
}

function runDataPrep(names: MlNames): Statement {
  return {
    Sid: "RunDataPrep",
    Action: ["glue:StartJobRun", "glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"],
    Resource: arn(names.ctx, "glue", `job/${names.glueJobName}`),
  };
}

function trainAndTune(names: MlNames): Statement[] {
  return [
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
        sageMakerArn(names, `training-job/${names.runPrefix}*`),
        sageMakerArn(names, `transform-job/${names.runPrefix}*`),
        sageMakerArn(names, `model/${names.runPrefix}*`),
        sageMakerArn(names, `experiment-trial/*`),
        sageMakerArn(names, `experiment-trial-component/*`),
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
        sageMakerArn(names, `hyper-parameter-tuning-job/${names.tuningPrefix}-*`),
        sageMakerArn(names, `training-job/${names.tuningPrefix}-*`),
      ],
    },
  ];
}

/** The model group and its packages, by its name as written and lowercased (see modelGroupArns). */
function registerModels(names: MlNames): Statement {
  const { group, packages } = modelGroupArns(names.ctx, names.modelPackageGroupName);
  return {
    Sid: "RegisterModels",
    Action: ["sagemaker:CreateModelPackage", "sagemaker:AddTags"],
    Resource: pulumi.all([packages, group]).apply(([versions, groups]) => [...versions, ...groups]),
  };
}

function deployTestEndpoint(names: MlNames): Statement {
  const lower = names.endpointName.toLowerCase();
  return {
    Sid: "DeployTestEndpoint",
    Action: [
      "sagemaker:CreateEndpointConfig",
      "sagemaker:CreateEndpoint",
      "sagemaker:UpdateEndpoint",
      // A Failed test endpoint can only be deleted; the workflow recreates it.
      "sagemaker:DeleteEndpoint",
      "sagemaker:AddTags",
    ],
    Resource: [sageMakerArn(names, `endpoint/${lower}`), sageMakerArn(names, `endpoint-config/${lower}*`)],
  };
}

/** The `.sync` integrations learn of job changes through these managed EventBridge rules. */
function followSageMakerJobs(names: MlNames): Statement {
  return {
    Sid: "FollowSageMakerJobs",
    Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
    Resource: [
      arn(names.ctx, "events", "rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"),
      arn(names.ctx, "events", "rule/StepFunctionsGetEventsForSageMakerTransformJobsRule"),
      arn(names.ctx, "events", "rule/StepFunctionsGetEventsForSageMakerTuningJobsRule"),
    ],
  };
}

function callController(names: MlNames): Statement {
  return {
    Sid: "CallController",
    Action: "lambda:InvokeFunction",
    Resource: [names.controllerArn, pulumi.interpolate`${names.controllerArn}:*`],
  };
}

function keyUse(names: MlNames): Statement[] {
  return [
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
  ];
}

function executionLogsAndTraces(): Statement[] {
  return [
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
