import type { LocalHosting } from "../hosting";
import type { Endpoint, EndpointConfig, LocalWorld } from "../world";
import type { LocalAccount } from "./account";
import { readObjectFile } from "./data-access";
import { AccessDenied } from "./iam/denial";
import { ServiceError } from "./service-error";

/**
 * SageMaker's hosting control plane (models, endpoint configurations, endpoints) with the rules
 * AWS applies beyond the API models (behaviour.ts: sageMakerCreateExisting, sageMakerNotFound,
 * sageMakerUpdateInProgress, sageMakerFailedEndpoint, sageMakerEndpointKindChange,
 * sageMakerFailedUpdate). The Task adapters and the JSON server both call it; an endpoint loads its
 * models as their execution role, as SageMaker does.
 */

type Input = Record<string, unknown>;
type Variant = Record<string, unknown>;

/** Statuses in which SageMaker is still working on an endpoint and refuses other changes. */
const IN_PROGRESS = new Set<Endpoint["status"]>(["Creating", "Updating", "SystemUpdating", "RollingBack"]);

export class SageMakerHosting {
  constructor(
    private readonly world: LocalWorld,
    private readonly hosting: LocalHosting,
    private readonly account: LocalAccount,
  ) {}

  private arn(type: string, name: string): string {
    return `arn:aws:sagemaker:${this.account.region}:${this.account.id}:${type}/${name.toLowerCase()}`;
  }

  private notFound(kind: string, type: string, name: string): ServiceError {
    return new ServiceError("ValidationException", `Could not find ${kind} "${this.arn(type, name)}".`);
  }

  private exists(kind: string, type: string, name: string): ServiceError {
    return new ServiceError(
      "ValidationException",
      `Cannot create already existing ${kind} "${this.arn(type, name)}".`,
    );
  }

  createModel(input: Input): { ModelArn: string } {
    const name = String(input.ModelName);
    if (this.world.models.has(name)) throw this.exists("model", "model", name);
    const container = input.PrimaryContainer as Input;
    this.world.models.set(name, {
      artifact: String(container.ModelDataUrl),
      artifactPath: this.world.path(String(container.ModelDataUrl)),
      image: String(container.Image),
      executionRoleArn: String(input.ExecutionRoleArn),
    });
    return { ModelArn: this.arn("model", name) };
  }

  createEndpointConfig(input: Input): { EndpointConfigArn: string } {
    const name = String(input.EndpointConfigName);
    if (this.world.endpointConfigs.has(name))
      throw this.exists("endpoint configuration", "endpoint-config", name);
    const variants = input.ProductionVariants as Variant[];
    for (const variant of variants)
      if (!this.world.models.has(String(variant.ModelName)))
        throw this.notFound("model", "model", String(variant.ModelName));
    const capture = input.DataCaptureConfig as Input | undefined;
    this.world.endpointConfigs.set(name, {
      variants: variants.map((v) => ({
        name: String(v.VariantName),
        model: String(v.ModelName),
        weight: Number(v.InitialVariantWeight ?? 1),
      })),
      capture: capture?.EnableCapture
        ? {
            samplingPercent: Number(capture.InitialSamplingPercentage),
            destination: String(capture.DestinationS3Uri),
          }
        : undefined,
      serverless: variants.find((v) => v.ServerlessConfig !== undefined)
        ?.ServerlessConfig as EndpointConfig["serverless"],
      kmsKeyId: typeof input.KmsKeyId === "string" ? input.KmsKeyId : undefined,
    });
    return { EndpointConfigArn: this.arn("endpoint-config", name) };
  }

  private config(name: string): EndpointConfig {
    const config = this.world.endpointConfigs.get(name);
    if (!config) throw this.notFound("endpoint configuration", "endpoint-config", name);
    return config;
  }

  async createEndpoint(input: Input): Promise<{ EndpointArn: string }> {
    const name = String(input.EndpointName);
    if (this.world.endpoints.has(name)) throw this.exists("endpoint", "endpoint", name);
    const configName = String(input.EndpointConfigName);
    await this.deploy(name, configName, this.config(configName));
    return { EndpointArn: this.arn("endpoint", name) };
  }

  async updateEndpoint(input: Input): Promise<{ EndpointArn: string }> {
    const name = String(input.EndpointName);
    const endpoint = this.world.endpoints.get(name);
    if (!endpoint) throw this.notFound("endpoint", "endpoint", name);
    const arn = this.arn("endpoint", name);
    if (IN_PROGRESS.has(endpoint.status))
      throw new ServiceError("ValidationException", `Cannot update in-progress endpoint "${arn}".`);
    if (endpoint.status === "Failed")
      throw new ServiceError(
        "ValidationException",
        `Cannot update failed endpoint "${arn}": DeleteEndpoint is the only operation that can be performed on a failed endpoint.`,
      );
    const configName = String(input.EndpointConfigName);
    const next = this.config(configName);
    if (!this.world.endpointConfigs.get(endpoint.configName)?.serverless && next.serverless)
      throw new ServiceError(
        "ValidationException",
        `Updating a real-time inference endpoint to a serverless endpoint is not supported: create a new endpoint for "${configName}" ("${arn}" serves instances).`,
      );
    await this.deploy(name, configName, next);
    return { EndpointArn: arn };
  }

  deleteEndpoint(input: Input): Record<string, never> {
    const name = String(input.EndpointName);
    const endpoint = this.world.endpoints.get(name);
    if (!endpoint) throw this.notFound("endpoint", "endpoint", name);
    if (
      endpoint.status === "Creating" ||
      endpoint.status === "Updating" ||
      endpoint.status === "SystemUpdating"
    )
      throw new ServiceError(
        "ValidationException",
        `Cannot update in-progress endpoint "${this.arn("endpoint", name)}".`,
      );
    this.world.endpoints.delete(name);
    return {};
  }

  describeEndpoint(input: Input): Input {
    const name = String(input.EndpointName);
    const endpoint = this.world.endpoints.get(name);
    if (!endpoint) throw this.notFound("endpoint", "endpoint", name);
    const config = this.world.endpointConfigs.get(endpoint.configName);
    return {
      EndpointName: endpoint.name,
      EndpointArn: this.arn("endpoint", endpoint.name),
      EndpointConfigName: endpoint.configName,
      ProductionVariants: (config?.variants ?? []).map((v) => ({
        VariantName: v.name,
        CurrentWeight: v.weight,
        ...(config?.serverless
          ? { CurrentServerlessConfig: config.serverless }
          : { CurrentInstanceCount: 1 }),
      })),
      EndpointStatus: endpoint.status,
      FailureReason: endpoint.failureReason,
      CreationTime: Date.now() / 1000,
      LastModifiedTime: Date.now() / 1000,
    };
  }

  /** Loads each variant's model as its execution role (reading the artifact), then serves it. */
  private async deploy(name: string, configName: string, config: EndpointConfig): Promise<Endpoint> {
    let refused: string | undefined;
    for (const variant of config.variants) {
      const model = this.world.models.get(variant.model);
      if (!model) throw this.notFound("model", "model", variant.model);
      try {
        const session = this.account.assume(
          String(model.executionRoleArn),
          "sagemaker.amazonaws.com",
          "SageMaker",
        );
        readObjectFile(this.account, this.world, session, model.artifact);
      } catch (error) {
        if (!(error instanceof AccessDenied)) throw error;
        refused = `The model ${variant.model} could not be loaded: ${error.message}`;
      }
    }
    return this.hosting.deploy(name, configName, refused);
  }
}
