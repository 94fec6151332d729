import { parseResource } from "../step-functions";
import type { IamRequest } from "./evaluator";
import type { PreviewIam } from "./preview";

/**
 * What a state machine's role must be allowed for each Task, from the "IAM policies for integrated
 * services" pages of the Step Functions guide: the API calls, the calls `.sync` makes to follow a job
 * (describe, stop, and the managed EventBridge rule it creates), `iam:PassRole` for roles handed to
 * the service, and key use for encrypted resources the call creates.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html
 */

type Params = Record<string, unknown>;
type Request = Omit<IamRequest, "principal" | "because">;

/**
 * Parameters with `X.$` paths replaced by their values from a sample execution input, and state
 * paths (`$.…`) by the samples given for them.
 */
export function resolveParameters(
  parameters: Params,
  executionInput: Params,
  stateSamples: Record<string, unknown> = {},
): Params {
  const resolved: Params = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith(".$") && typeof value === "string") {
      const path = value.startsWith("$$.Execution.Input.")
        ? value.slice("$$.Execution.Input.".length)
        : undefined;
      resolved[key.slice(0, -2)] = path
        ? path.split(".").reduce<unknown>((at, step) => (at as Params | undefined)?.[step], executionInput)
        : (stateSamples[value] ?? `<${value}>`);
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      resolved[key] = resolveParameters(value as Params, executionInput, stateSamples);
    } else if (Array.isArray(value)) {
      resolved[key] = value.map((v) =>
        v && typeof v === "object" ? resolveParameters(v as Params, executionInput, stateSamples) : v,
      );
    } else resolved[key] = value;
  }
  return resolved;
}

const lower = (v: unknown) => String(v).toLowerCase();

/** The managed rule `.sync` SageMaker jobs use to learn that a job ended. */
const SYNC_RULES: Record<string, string> = {
  createTrainingJob: "StepFunctionsGetEventsForSageMakerTrainingJobsRule",
  createTransformJob: "StepFunctionsGetEventsForSageMakerTransformJobsRule",
  createProcessingJob: "StepFunctionsGetEventsForSageMakerProcessingJobsRule",
  createHyperParameterTuningJob: "StepFunctionsGetEventsForSageMakerTuningJobsRule",
};

/** What else a Task's requests depend on: the key of the endpoint configuration it deploys. */
export interface TaskContext {
  endpointConfigKey?: string;
}

export function taskRequests(
  resource: string,
  p: Params,
  preview: PreviewIam,
  context: TaskContext = {},
): Request[] {
  const integration = parseResource(resource);
  if ("problem" in integration) throw new Error(integration.problem);
  const api = resource
    .split(":")
    .slice(-1)[0]
    .replace(/\.sync.*$/, "");
  const sm = (type: string, name: unknown) =>
    `arn:aws:sagemaker:${preview.region}:${preview.account}:${type}/${lower(name)}`;
  const passRole = (role: unknown): Request => ({
    action: "iam:PassRole",
    resource: String(role),
    context: { "iam:PassedToService": "sagemaker.amazonaws.com" },
  });
  const followJob = (rule: string): Request[] =>
    ["events:PutTargets", "events:PutRule", "events:DescribeRule"].map((action) => ({
      action,
      resource: `arn:aws:events:${preview.region}:${preview.account}:rule/${rule}`,
    }));
  const sync = integration.pattern === "sync";
  const tags = (arn: string): Request[] => (p.Tags ? [{ action: "sagemaker:AddTags", resource: arn }] : []);
  /** Volumes and outputs under a customer key: SageMaker takes a grant as the caller. */
  const volumeKey = (key: unknown): Request[] =>
    key
      ? [
          {
            action: "kms:CreateGrant",
            resource: String(key),
            context: {
              "kms:ViaService": `sagemaker.${preview.region}.amazonaws.com`,
              "kms:GrantIsForAWSResource": "true",
              "kms:CallerAccount": preview.account,
            },
          },
        ]
      : [];

  switch (`${integration.kind}:${integration.service}:${api}`) {
    case "optimized:lambda:invoke":
      return [{ action: "lambda:InvokeFunction", resource: String(p.FunctionName) }];
    case "optimized:glue:startJobRun": {
      const job = `arn:aws:glue:${preview.region}:${preview.account}:job/${String(p.JobName)}`;
      const actions = [
        "glue:StartJobRun",
        ...(sync ? ["glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"] : []),
      ];
      return actions.map((action) => ({ action, resource: job }));
    }
    case "optimized:sagemaker:createTrainingJob": {
      const job = sm("training-job", p.TrainingJobName);
      const actions = [
        "sagemaker:CreateTrainingJob",
        ...(sync ? ["sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"] : []),
      ];
      return [
        ...actions.map((action) => ({ action, resource: job })),
        ...tags(job),
        passRole(p.RoleArn),
        ...(sync ? followJob(SYNC_RULES.createTrainingJob) : []),
      ];
    }
    case "optimized:sagemaker:createHyperParameterTuningJob": {
      const job = sm("hyper-parameter-tuning-job", p.HyperParameterTuningJobName);
      const definition = p.TrainingJobDefinition as Params;
      const actions = [
        "sagemaker:CreateHyperParameterTuningJob",
        ...(sync
          ? [
              "sagemaker:DescribeHyperParameterTuningJob",
              "sagemaker:StopHyperParameterTuningJob",
              "sagemaker:ListTags",
            ]
          : []),
      ];
      return [
        ...actions.map((action) => ({ action, resource: job })),
        ...tags(job),
        passRole(definition.RoleArn),
        ...(sync ? followJob(SYNC_RULES.createHyperParameterTuningJob) : []),
      ];
    }
    case "optimized:sagemaker:createTransformJob": {
      const job = sm("transform-job", p.TransformJobName);
      const actions = [
        "sagemaker:CreateTransformJob",
        ...(sync ? ["sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob"] : []),
      ];
      return [
        ...actions.map((action) => ({ action, resource: job })),
        ...tags(job),
        ...(sync ? followJob(SYNC_RULES.createTransformJob) : []),
      ];
    }
    case "optimized:sagemaker:createModel":
      return [
        { action: "sagemaker:CreateModel", resource: sm("model", p.ModelName) },
        ...tags(sm("model", p.ModelName)),
        passRole(p.ExecutionRoleArn),
      ];
    case "optimized:sagemaker:createEndpointConfig":
      return [
        { action: "sagemaker:CreateEndpointConfig", resource: sm("endpoint-config", p.EndpointConfigName) },
        ...tags(sm("endpoint-config", p.EndpointConfigName)),
      ];
    case "optimized:sagemaker:createEndpoint":
    case "optimized:sagemaker:updateEndpoint": {
      const action = api === "createEndpoint" ? "sagemaker:CreateEndpoint" : "sagemaker:UpdateEndpoint";
      // The configuration's key: "The KMS key policy must grant permission to the IAM role that you
      // specify in your CreateEndpoint, UpdateEndpoint requests" (CreateEndpointConfig KmsKeyId).
      return [
        { action, resource: sm("endpoint", p.EndpointName) },
        { action, resource: sm("endpoint-config", p.EndpointConfigName) },
        ...volumeKey(context.endpointConfigKey),
      ];
    }
    case "aws-sdk:sagemaker:createModelPackage":
      return [
        {
          action: "sagemaker:CreateModelPackage",
          resource: sm("model-package", `${String(p.ModelPackageGroupName)}/1`),
        },
        ...tags(sm("model-package", `${String(p.ModelPackageGroupName)}/1`)),
      ];
    case "aws-sdk:sagemaker:describeTrainingJob":
      // The name is the tuning job's best trial: `<tuning job>-<trial>-<hash>`.
      return [{ action: "sagemaker:DescribeTrainingJob", resource: sm("training-job", p.TrainingJobName) }];
    case "aws-sdk:sagemaker:deleteEndpoint":
      return [{ action: "sagemaker:DeleteEndpoint", resource: sm("endpoint", p.EndpointName) }];
    default:
      throw new Error(
        `${resource} has no IAM mapping in tests/contracts/iam/task-requests.ts; add what its IAM page in the Step Functions guide lists`,
      );
  }
}
