import { parseResource } from "../step-functions";
import type { IamRequest } from "./evaluator";
import type { StackIam } from "./stack-iam";

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

/** What a Task's builder is given: its parameters, the stack and the call's own facts. */
interface Call {
  params: Params;
  stack: StackIam;
  context: TaskContext;
  /** `.sync`: Step Functions follows the job (describe, stop, a managed EventBridge rule). */
  sync: boolean;
  /** The ARN of a SageMaker resource by type and name (SageMaker lowercases names in ARNs). */
  sm(type: string, name: unknown): string;
}

const passRole = (role: unknown): Request => ({
  action: "iam:PassRole",
  resource: String(role),
  context: { "iam:PassedToService": "sagemaker.amazonaws.com" },
});

const followJob = (call: Call, rule: string): Request[] =>
  call.sync
    ? ["events:PutTargets", "events:PutRule", "events:DescribeRule"].map((action) => ({
        action,
        resource: `arn:aws:events:${call.stack.region}:${call.stack.account}:rule/${rule}`,
      }))
    : [];

/** Tags on create are authorized as sagemaker:AddTags on the new resource. */
const tags = (call: Call, arn: string): Request[] =>
  call.params.Tags ? [{ action: "sagemaker:AddTags", resource: arn }] : [];

/** Volumes and outputs under a customer key: SageMaker takes a grant as the caller. */
const volumeKey = (call: Call, key: unknown): Request[] =>
  key
    ? [
        {
          action: "kms:CreateGrant",
          resource: String(key),
          context: {
            "kms:ViaService": `sagemaker.${call.stack.region}.amazonaws.com`,
            "kms:GrantIsForAWSResource": "true",
            "kms:CallerAccount": call.stack.account,
          },
        },
      ]
    : [];

/** A SageMaker job: its API call, the `.sync` describe and stop, tags and the role it is handed. */
function sageMakerJob(
  call: Call,
  job: { type: string; name: unknown; api: string; follow: string[]; role?: unknown; rule: string },
): Request[] {
  const arn = call.sm(job.type, job.name);
  const actions = [`sagemaker:${job.api}`, ...(call.sync ? job.follow.map((a) => `sagemaker:${a}`) : [])];
  return [
    ...actions.map((action) => ({ action, resource: arn })),
    ...tags(call, arn),
    ...(job.role ? [passRole(job.role)] : []),
    ...followJob(call, job.rule),
  ];
}

/** Each integration's needs, by `<kind>:<service>:<api>`. */
const NEEDS: Record<string, (call: Call) => Request[]> = {
  "optimized:lambda:invoke": ({ params }) => [
    { action: "lambda:InvokeFunction", resource: String(params.FunctionName) },
  ],
  "optimized:glue:startJobRun": ({ params, stack, sync }) => {
    const job = `arn:aws:glue:${stack.region}:${stack.account}:job/${String(params.JobName)}`;
    const actions = [
      "glue:StartJobRun",
      ...(sync ? ["glue:GetJobRun", "glue:GetJobRuns", "glue:BatchStopJobRun"] : []),
    ];
    return actions.map((action) => ({ action, resource: job }));
  },
  "optimized:sagemaker:createTrainingJob": (call) =>
    sageMakerJob(call, {
      type: "training-job",
      name: call.params.TrainingJobName,
      api: "CreateTrainingJob",
      follow: ["DescribeTrainingJob", "StopTrainingJob"],
      role: call.params.RoleArn,
      rule: SYNC_RULES.createTrainingJob,
    }),
  "optimized:sagemaker:createHyperParameterTuningJob": (call) =>
    sageMakerJob(call, {
      type: "hyper-parameter-tuning-job",
      name: call.params.HyperParameterTuningJobName,
      api: "CreateHyperParameterTuningJob",
      follow: ["DescribeHyperParameterTuningJob", "StopHyperParameterTuningJob", "ListTags"],
      role: (call.params.TrainingJobDefinition as Params).RoleArn,
      rule: SYNC_RULES.createHyperParameterTuningJob,
    }),
  "optimized:sagemaker:createTransformJob": (call) =>
    sageMakerJob(call, {
      type: "transform-job",
      name: call.params.TransformJobName,
      api: "CreateTransformJob",
      follow: ["DescribeTransformJob", "StopTransformJob"],
      rule: SYNC_RULES.createTransformJob,
    }),
  "optimized:sagemaker:createModel": (call) => [
    { action: "sagemaker:CreateModel", resource: call.sm("model", call.params.ModelName) },
    ...tags(call, call.sm("model", call.params.ModelName)),
    passRole(call.params.ExecutionRoleArn),
  ],
  "optimized:sagemaker:createEndpointConfig": (call) => [
    {
      action: "sagemaker:CreateEndpointConfig",
      resource: call.sm("endpoint-config", call.params.EndpointConfigName),
    },
    ...tags(call, call.sm("endpoint-config", call.params.EndpointConfigName)),
  ],
  "optimized:sagemaker:createEndpoint": (call) => endpointDeployment(call, "sagemaker:CreateEndpoint"),
  "optimized:sagemaker:updateEndpoint": (call) => endpointDeployment(call, "sagemaker:UpdateEndpoint"),
  "aws-sdk:sagemaker:createModelPackage": (call) => {
    const arn = call.sm("model-package", `${String(call.params.ModelPackageGroupName)}/1`);
    return [{ action: "sagemaker:CreateModelPackage", resource: arn }, ...tags(call, arn)];
  },
  // The name is the tuning job's best trial: `<tuning job>-<trial>-<hash>`.
  "aws-sdk:sagemaker:describeTrainingJob": (call) => [
    {
      action: "sagemaker:DescribeTrainingJob",
      resource: call.sm("training-job", call.params.TrainingJobName),
    },
  ],
  "aws-sdk:sagemaker:deleteEndpoint": (call) => [
    { action: "sagemaker:DeleteEndpoint", resource: call.sm("endpoint", call.params.EndpointName) },
  ],
};

/**
 * CreateEndpoint and UpdateEndpoint are authorized on the endpoint and its configuration, and use
 * the configuration's key: "The KMS key policy must grant permission to the IAM role that you
 * specify in your CreateEndpoint, UpdateEndpoint requests" (CreateEndpointConfig KmsKeyId).
 */
function endpointDeployment(call: Call, action: string): Request[] {
  return [
    { action, resource: call.sm("endpoint", call.params.EndpointName) },
    { action, resource: call.sm("endpoint-config", call.params.EndpointConfigName) },
    ...volumeKey(call, call.context.endpointConfigKey),
  ];
}

/** What the state machine's role must be allowed for one Task with these (resolved) parameters. */
export function taskRequests(
  resource: string,
  params: Params,
  stack: StackIam,
  context: TaskContext = {},
): Request[] {
  const integration = parseResource(resource);
  if ("problem" in integration) throw new Error(integration.problem);
  const api = resource
    .split(":")
    .slice(-1)[0]
    .replace(/\.sync.*$/, "");
  const needs = NEEDS[`${integration.kind}:${integration.service}:${api}`];
  if (!needs)
    throw new Error(
      `${resource} has no IAM mapping in local/aws/iam/task-requests.ts; add what its IAM page in the Step Functions guide lists`,
    );
  const sm = (type: string, name: unknown) =>
    `arn:aws:sagemaker:${stack.region}:${stack.account}:${type}/${lower(name)}`;
  return needs({ params, stack, context, sync: integration.pattern === "sync", sm });
}
