import type { LocalAccount } from "../aws/account";

/**
 * How the prod stack deploys its endpoint (what `pulumi up -s prod` sends SageMaker): the model's
 * execution role, the endpoint configuration's instances, data capture and key, and the endpoint's
 * blue/green policy with its rollback alarms, in the API's shapes. A local release sends the same,
 * with its own models in the variants.
 */

type Json = Record<string, unknown>;

export interface ProdDeployment {
  modelRoleArn: string;
  /** CreateEndpointConfig's input without its name and variants. */
  config: { DataCaptureConfig?: Json; KmsKeyId?: string };
  /** Each variant's instances. */
  variant: { InstanceType: string; InitialInstanceCount: number };
  /** CreateEndpoint's and UpdateEndpoint's DeploymentConfig. */
  deploymentConfig?: Json;
}

/** Pulumi's argument names are the API's in lower camel case (`kmsKeyArn` is the API's KmsKeyId). */
function toApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toApi);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key.charAt(0).toUpperCase() + key.slice(1), toApi(item)]),
  );
}

export function prodDeploymentOf(account: LocalAccount): ProdDeployment {
  const resource = (type: string) => {
    const found = account.deployment.prod.resources.find((r) => r.type === type);
    if (!found) throw new Error(`the prod stack declares no ${type}`);
    return found.inputs;
  };
  const model = resource("aws:sagemaker/model:Model");
  const config = resource("aws:sagemaker/endpointConfiguration:EndpointConfiguration");
  const endpoint = resource("aws:sagemaker/endpoint:Endpoint");
  const [variant] = (config.productionVariants ?? []) as {
    instanceType: string;
    initialInstanceCount: number;
  }[];
  return {
    modelRoleArn: String(model.executionRoleArn),
    config: {
      DataCaptureConfig: toApi(config.dataCaptureConfig) as Json | undefined,
      KmsKeyId: config.kmsKeyArn as string | undefined,
    },
    variant: { InstanceType: variant.instanceType, InitialInstanceCount: variant.initialInstanceCount },
    deploymentConfig: toApi(endpoint.deploymentConfig) as Json | undefined,
  };
}
