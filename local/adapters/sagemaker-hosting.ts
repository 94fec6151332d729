import type { LocalHosting } from "../hosting";
import { localArn, type LocalWorld } from "../world";
import { taskError, type TaskHandler, type TaskInput } from "./types";

function alreadyExists(kind: string, name: string) {
  return taskError("SageMaker.ValidationException", `Cannot create already existing ${kind} "${name}".`);
}

function endpointConfig(world: LocalWorld, input: TaskInput) {
  const name = String(input.EndpointConfigName);
  if (world.endpointConfigs.has(name)) throw alreadyExists("endpoint configuration", name);
  const capture = input.DataCaptureConfig?.EnableCapture
    ? {
        samplingPercent: Number(input.DataCaptureConfig.InitialSamplingPercentage),
        destination: String(input.DataCaptureConfig.DestinationS3Uri),
      }
    : undefined;
  world.endpointConfigs.set(name, {
    variants: (input.ProductionVariants as TaskInput[]).map((v) => ({
      name: String(v.VariantName),
      model: String(v.ModelName),
      weight: Number(v.InitialVariantWeight ?? 1),
    })),
    capture,
  });
  return { EndpointConfigArn: localArn("sagemaker", `endpoint-config/${name.toLowerCase()}`) };
}

/** Models, endpoint configurations and endpoints, served by the local hosting. */
export function sageMakerHostingAdapters(
  world: LocalWorld,
  hosting: LocalHosting,
): Record<string, TaskHandler> {
  const endpointArn = (name: string) => ({
    EndpointArn: localArn("sagemaker", `endpoint/${name.toLowerCase()}`),
  });
  return {
    "arn:aws:states:::sagemaker:createModel": async (input) => {
      const name = String(input.ModelName);
      if (world.models.has(name)) throw alreadyExists("model", name);
      world.models.set(name, {
        artifact: String(input.PrimaryContainer.ModelDataUrl),
        image: String(input.PrimaryContainer.Image),
      });
      return { ModelArn: localArn("sagemaker", `model/${name.toLowerCase()}`) };
    },
    "arn:aws:states:::sagemaker:createEndpointConfig": async (input) => endpointConfig(world, input),
    "arn:aws:states:::sagemaker:createEndpoint": async (input) => {
      const name = String(input.EndpointName);
      if (world.endpoints.has(name)) throw alreadyExists("endpoint", name);
      await hosting.deploy(name, String(input.EndpointConfigName));
      return endpointArn(name);
    },
    "arn:aws:states:::sagemaker:updateEndpoint": async (input) => {
      const name = String(input.EndpointName);
      if (!world.endpoints.has(name))
        throw taskError("SageMaker.ValidationException", `Could not find endpoint "${name}".`);
      await hosting.deploy(name, String(input.EndpointConfigName));
      return endpointArn(name);
    },
    "arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint": async (input) => {
      const name = String(input.EndpointName);
      if (!world.endpoints.delete(name))
        throw taskError("SageMaker.ValidationException", `Could not find endpoint "${name}".`);
      return {};
    },
  };
}
