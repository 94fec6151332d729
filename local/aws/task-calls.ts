import { randomUUID } from "node:crypto";
import { operationErrors } from "./api-model";
import type { LocalAccount } from "./account";
import { AccessDenied } from "./iam/denial";
import { taskRequests } from "./iam/task-requests";
import type { Session } from "./identity";
import { errorName, parseResource, type Integration } from "./step-functions";
import { validateInput, validationMessage } from "./validate";

/**
 * A state machine's Task calls, made as AWS makes them: Step Functions calls the service as the
 * state machine's role, so the call is validated against the API model and authorized by IAM
 * before the service does anything, and a refusal reaches the state machine under the error name
 * Step Functions gives it, with the service's message as its cause.
 */

type Params = Record<string, unknown>;

/** An error as a Task sees it: `error.name` is what Retry and Catch match. */
export function taskFailure(name: string, cause: string): Error {
  return Object.assign(new Error(cause), { name });
}

/**
 * A service's error under the name Step Functions gives it: modelled errors of the operation as
 * `<Service>.<Name>Exception`, anything else under the integration's base name
 * (`SageMaker.AmazonSageMakerException` for optimized integrations, `SageMaker.SageMakerException`
 * for SDK ones; https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html and
 * supported-services-awssdk.html). The cause ends as the AWS SDK for Java writes it (observed:
 * "(Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException; Request ID: …)").
 */
export function serviceFailure(integration: Integration, code: string, message: string, status = 400): Error {
  const modelled = operationErrors(integration.service, integration.operation).includes(code);
  const name = modelled ? errorName(integration.errorPrefix, code) : integration.baseError;
  const service =
    integration.kind === "optimized"
      ? integration.baseError.split(".")[1].replace(/Exception$/, "")
      : integration.errorPrefix;
  return taskFailure(
    name,
    `${message} (Service: ${service}; Status Code: ${status}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`,
  );
}

/** The request as the service's API sees it: a Lambda payload is a JSON document in a blob. */
function apiInput(integration: Integration, params: Params): Params {
  return integration.service === "lambda" && params.Payload !== undefined
    ? { ...params, Payload: JSON.stringify(params.Payload) }
    : params;
}

export interface TaskCaller {
  account: LocalAccount;
  /** The state machine's role session, for the execution. */
  session: Session;
  /** The key of an endpoint configuration (CreateEndpoint and UpdateEndpoint use it as the caller). */
  endpointConfigKey(name: string): string | undefined;
}

/** Validates and authorizes one Task call; throws the Task's error if AWS would refuse it. */
export function checkTaskCall(resource: string, params: Params, caller: TaskCaller): void {
  const integration = parseResource(resource);
  if ("problem" in integration) throw taskFailure("States.Runtime", integration.problem);
  const violations = validateInput(integration.service, integration.operation, apiInput(integration, params));
  if (violations.length > 0)
    throw serviceFailure(integration, "ValidationException", validationMessage(violations));
  const endpointConfigKey =
    typeof params.EndpointConfigName === "string"
      ? caller.endpointConfigKey(params.EndpointConfigName)
      : undefined;
  try {
    caller.account.authorize(
      caller.session,
      taskRequests(resource, params, caller.account.iam, { endpointConfigKey }),
    );
  } catch (error) {
    if (error instanceof AccessDenied)
      throw serviceFailure(integration, "AccessDeniedException", error.message);
    throw error;
  }
}
