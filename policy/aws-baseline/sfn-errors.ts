/**
 * The error names a Step Functions Task can see, per integration. A Retry or Catch on a name the
 * service never raises never fires, and nothing says so until the failure it was meant for.
 * tests/contracts/policy-error-tables.test.ts holds these tables to botocore's API models.
 */

/** The language's own errors: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html */
export const STATES_ERRORS = [
  "States.ALL",
  "States.BranchFailed",
  "States.DataLimitExceeded",
  "States.ExceedToleratedFailureThreshold",
  "States.HeartbeatTimeout",
  "States.Http.Socket",
  "States.IntrinsicFailure",
  "States.ItemReaderFailed",
  "States.NoChoiceMatched",
  "States.ParameterPathFailure",
  "States.Permissions",
  "States.QueryEvaluationError",
  "States.ResultPathMatchFailure",
  "States.ResultWriterFailed",
  "States.Runtime",
  "States.TaskFailed",
  "States.Timeout",
];

/**
 * Optimized SageMaker integrations report service errors as `SageMaker.AmazonSageMakerException`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html), SDK integrations as
 * `SageMaker.SageMakerException` (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html);
 * modelled errors as `SageMaker.<Shape>[Exception]`. SageMaker raises no names of your own.
 */
export const SAGEMAKER_ERRORS = [
  "SageMaker.AmazonSageMakerException",
  "SageMaker.SageMakerException",
  "SageMaker.ResourceInUseException",
  "SageMaker.ResourceLimitExceededException",
  "SageMaker.ResourceNotFoundException",
];

/**
 * `lambda:invoke` raises Invoke's modelled errors as `Lambda.<Shape>` and the transient ones
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html lists; a
 * function's own errors reach Retry/Catch under the function's errorType, so any name without the
 * `Lambda.` prefix may be one.
 */
export const LAMBDA_ERRORS = [
  "Lambda.AWSLambdaException",
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.SdkClientException",
  "Lambda.Unknown",
  "Lambda.DurableExecutionAlreadyStartedException",
  "Lambda.EC2AccessDeniedException",
  "Lambda.EC2ThrottledException",
  "Lambda.EC2UnexpectedException",
  "Lambda.EFSIOException",
  "Lambda.EFSMountConnectivityException",
  "Lambda.EFSMountFailureException",
  "Lambda.EFSMountTimeoutException",
  "Lambda.ENILimitReachedException",
  "Lambda.InvalidParameterValueException",
  "Lambda.InvalidRequestContentException",
  "Lambda.InvalidRuntimeException",
  "Lambda.InvalidSecurityGroupIDException",
  "Lambda.InvalidSubnetIDException",
  "Lambda.InvalidZipFileException",
  "Lambda.KMSAccessDeniedException",
  "Lambda.KMSDisabledException",
  "Lambda.KMSInvalidStateException",
  "Lambda.KMSNotFoundException",
  "Lambda.NoPublishedVersionException",
  "Lambda.RecursiveInvocationException",
  "Lambda.RequestTooLargeException",
  "Lambda.ResourceConflictException",
  "Lambda.ResourceNotFoundException",
  "Lambda.ResourceNotReadyException",
  "Lambda.S3FilesMountConnectivityException",
  "Lambda.S3FilesMountFailureException",
  "Lambda.S3FilesMountTimeoutException",
  "Lambda.SerializedRequestEntityTooLargeException",
  "Lambda.ServiceException",
  "Lambda.SnapStartException",
  "Lambda.SnapStartNotReadyException",
  "Lambda.SnapStartTimeoutException",
  "Lambda.SubnetIPAddressLimitReachedException",
  "Lambda.TooManyRequestsException",
  "Lambda.UnsupportedMediaTypeException",
];

export type Integration = "sagemaker" | "lambda";

/** The integration a Task's Resource names, if it is one these tables cover. */
export function integrationOf(resource: unknown): Integration | undefined {
  const text = String(resource ?? "");
  if (/^arn:aws[a-z-]*:states:::(aws-sdk:)?sagemaker:/.test(text)) return "sagemaker";
  if (/^arn:aws[a-z-]*:states:::lambda:invoke/.test(text) || /^arn:aws[a-z-]*:lambda:/.test(text))
    return "lambda";
  return undefined;
}

/** Why a Task of this integration never sees the error name, or undefined if it may. */
export function neverRaised(integration: Integration, error: string): string | undefined {
  if (error.startsWith("States.")) return STATES_ERRORS.includes(error) ? undefined : "is not a States error";
  if (integration === "lambda")
    return !error.startsWith("Lambda.") || LAMBDA_ERRORS.includes(error)
      ? undefined
      : "is not an error lambda:invoke raises";
  return SAGEMAKER_ERRORS.includes(error) ? undefined : "is not an error SageMaker integrations raise";
}
