import type { SageMakerHosting } from "../aws/sagemaker-hosting";
import { ServiceError } from "../aws/service-error";
import { parseResource } from "../aws/step-functions";
import { serviceFailure } from "../aws/task-calls";
import type { TaskHandler, TaskInput } from "./types";

/**
 * Models, endpoint configurations and endpoints, through SageMaker's local control plane: a service
 * error reaches the state machine under the name Step Functions gives it for each integration.
 */
export function sageMakerHostingAdapters(sageMaker: SageMakerHosting): Record<string, TaskHandler> {
  const task =
    (resource: string, call: (input: TaskInput) => unknown): TaskHandler =>
    async (input) => {
      try {
        return await call(input);
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        const integration = parseResource(resource);
        if ("problem" in integration) throw error;
        throw serviceFailure(integration, error.code, error.message, error.status);
      }
    };
  const adapters: Record<string, (input: TaskInput) => unknown> = {
    "arn:aws:states:::sagemaker:createModel": (input) => sageMaker.createModel(input),
    "arn:aws:states:::sagemaker:createEndpointConfig": (input) => sageMaker.createEndpointConfig(input),
    "arn:aws:states:::sagemaker:createEndpoint": (input) => sageMaker.createEndpoint(input),
    "arn:aws:states:::sagemaker:updateEndpoint": (input) => sageMaker.updateEndpoint(input),
    "arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint": (input) => sageMaker.deleteEndpoint(input),
  };
  return Object.fromEntries(
    Object.entries(adapters).map(([resource, call]) => [resource, task(resource, call)]),
  );
}
