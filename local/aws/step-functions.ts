/**
 * How Step Functions calls AWS APIs, from its documentation: which Task `Resource` maps to which API
 * operation, which integration patterns each supports, what a `.sync` task returns, and which error
 * names a Task can see. The API operations themselves come from the API models (api-model.ts).
 */

export type Pattern = "request-response" | "sync" | "callback";

export interface Integration {
  resource: string;
  kind: "optimized" | "aws-sdk";
  /** botocore service name. */
  service: string;
  /** API operation the Task calls (botocore's PascalCase name). */
  operation: string;
  pattern: Pattern;
  /** For `.sync`: the operation whose output (or one member of it) the Task returns. */
  result: { operation: string; member?: string };
  /** Prefix of the error names Step Functions gives this service's errors (`SageMaker.`). */
  errorPrefix: string;
  /** The catch-all exception name for this kind of integration (`SageMaker.AmazonSageMakerException`). */
  baseError: string;
}

interface OptimizedService {
  service: string;
  errorPrefix: string;
  /**
   * Optimized integrations report unmodelled service errors under the AWS SDK for Java v1 base class:
   * https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html (SageMaker),
   * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html (Lambda).
   */
  baseException: string;
  /** API name in the Resource → operation, and for `.sync` the describe call that ends the wait. */
  apis: Record<string, { operation: string; sync?: { operation: string; member?: string } }>;
}

/**
 * The optimized integrations this project uses, and the `.sync` support each has:
 * https://docs.aws.amazon.com/step-functions/latest/dg/integrate-optimized.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html (only the job APIs
 * support `.sync`; CreateModel, CreateEndpointConfig, CreateEndpoint and UpdateEndpoint are
 * request-response), https://docs.aws.amazon.com/step-functions/latest/dg/connect-glue.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html (no `.sync`).
 */
const OPTIMIZED: Record<string, OptimizedService> = {
  lambda: {
    service: "lambda",
    errorPrefix: "Lambda",
    baseException: "AWSLambdaException",
    apis: { invoke: { operation: "Invoke" } },
  },
  glue: {
    service: "glue",
    errorPrefix: "Glue",
    baseException: "AWSGlueException",
    apis: { startJobRun: { operation: "StartJobRun", sync: { operation: "GetJobRun", member: "JobRun" } } },
  },
  sagemaker: {
    service: "sagemaker",
    errorPrefix: "SageMaker",
    baseException: "AmazonSageMakerException",
    apis: {
      createTrainingJob: { operation: "CreateTrainingJob", sync: { operation: "DescribeTrainingJob" } },
      createTransformJob: { operation: "CreateTransformJob", sync: { operation: "DescribeTransformJob" } },
      createProcessingJob: { operation: "CreateProcessingJob", sync: { operation: "DescribeProcessingJob" } },
      createHyperParameterTuningJob: {
        operation: "CreateHyperParameterTuningJob",
        sync: { operation: "DescribeHyperParameterTuningJob" },
      },
      createModel: { operation: "CreateModel" },
      createEndpointConfig: { operation: "CreateEndpointConfig" },
      createEndpoint: { operation: "CreateEndpoint" },
      updateEndpoint: { operation: "UpdateEndpoint" },
    },
  },
};

/**
 * SDK integrations (`aws-sdk:<service>:<apiAction>`) call any API action, request-response or
 * callback only, never `.sync`; unmodelled errors surface as `<Service>.<Service>Exception`:
 * https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html.
 */
const SDK_ERROR_PREFIX: Record<string, string> = { sagemaker: "SageMaker", glue: "Glue", lambda: "Lambda" };

/** Error names of the Amazon States Language itself: https://states-language.net/#appendix-a-predefined-error-codes */
export const STATES_ERRORS = new Set([
  "States.ALL",
  "States.HeartbeatTimeout",
  "States.Timeout",
  "States.TaskFailed",
  "States.Permissions",
  "States.ResultPathMatchFailure",
  "States.ParameterPathFailure",
  "States.BranchFailed",
  "States.NoChoiceMatched",
  "States.IntrinsicFailure",
  "States.ExceedToleratedFailureThreshold",
  "States.ItemReaderFailed",
  "States.ResultWriterFailed",
  "States.Runtime",
]);

/**
 * Transient Lambda errors Step Functions documents for `lambda:invoke`:
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
 */
export const LAMBDA_TRANSIENT_ERRORS = [
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
];

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The integration a Task's Resource names, or a reason it names none Step Functions offers. */
export function parseResource(resource: string): Integration | { problem: string } {
  const match =
    /^arn:aws:states:::(aws-sdk:)?([a-z0-9-]+):([A-Za-z0-9]+)(\.sync(?::2)?|\.waitForTaskToken)?$/.exec(
      resource,
    );
  if (!match) return { problem: `Resource ${resource} is not a Step Functions service integration ARN` };
  const [, sdk, service, api, suffix] = match;
  const pattern: Pattern = !suffix ? "request-response" : suffix.startsWith(".sync") ? "sync" : "callback";
  if (sdk) {
    if (pattern === "sync")
      return {
        problem: `${resource}: SDK integrations do not support .sync (request-response or callback only)`,
      };
    const prefix = SDK_ERROR_PREFIX[service] ?? upperFirst(service);
    const operation = upperFirst(api);
    return {
      resource,
      kind: "aws-sdk",
      service,
      operation,
      pattern,
      result: { operation },
      errorPrefix: prefix,
      baseError: `${prefix}.${prefix}Exception`,
    };
  }
  const known = OPTIMIZED[service];
  const entry = known?.apis[api];
  if (!known || !entry)
    return {
      problem: `${resource}: no optimized integration ${service}:${api} is known to local/aws/step-functions.ts`,
    };
  if (pattern === "sync" && !entry.sync)
    return { problem: `${resource}: ${service}:${api} does not support .sync` };
  return {
    resource,
    kind: "optimized",
    service: known.service,
    operation: entry.operation,
    pattern,
    result: pattern === "sync" && entry.sync ? entry.sync : { operation: entry.operation },
    errorPrefix: known.errorPrefix,
    baseError: `${known.errorPrefix}.${known.baseException}`,
  };
}

/** Modelled error shapes become `<Prefix>.<Name>Exception` (the AWS SDK for Java's class names). */
export function errorName(prefix: string, shape: string): string {
  return `${prefix}.${shape.endsWith("Exception") ? shape : `${shape}Exception`}`;
}
