import type { LocalHosting } from "./hosting";
import type { Endpoint, EndpointConfig, LocalAwsState } from "./state";
import type { LocalAccount } from "./account";
import { readObjectFile } from "./data-access";
import { AccessDenied } from "./iam/denial";
import { blueGreenProblems, type BlueGreenUpdatePolicy } from "../../infra/environments/blue-green";
import { ServiceError } from "./service-error";

/**
 * SageMaker's hosting control plane (models, endpoint configurations, endpoints) with the rules
 * AWS applies beyond the API models (BEHAVIOURS: sageMakerCreateExisting, sageMakerNotFound,
 * sageMakerUpdateInProgress, sageMakerEndpointStatus, sageMakerEndpointKindChange,
 * sageMakerDeleteInUseConfig, sageMakerBlueGreen, sageMakerRollbackAlarms). The Task adapters, the
 * local release and the JSON server call it; an endpoint loads its models as their execution role,
 * as SageMaker does.
 */

type Input = Record<string, unknown>;
type Variant = Record<string, unknown>;

/** Names are case-insensitive at creation: "The name is case-insensitive in CreateEndpoint". */
const taken = (names: Map<string, unknown>, name: string) =>
  [...names.keys()].some((known) => known.toLowerCase() === name.toLowerCase());

/** Statuses in which SageMaker is still working on an endpoint and refuses other changes. */
const IN_PROGRESS = new Set<Endpoint["status"]>(["Creating", "Updating", "SystemUpdating", "RollingBack"]);

export class SageMakerHosting {
  constructor(
    private readonly world: LocalAwsState,
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

  /**
   * A model from an image and artifact, or from a registered package (`ModelPackageName`, which
   * SageMaker resolves to the package's image and artifact; the package keeps its version).
   */
  createModel(input: Input): { ModelArn: string } {
    const name = String(input.ModelName);
    if (taken(this.world.models, name)) throw this.exists("model", "model", name);
    const container = input.PrimaryContainer as Input;
    const role = String(input.ExecutionRoleArn);
    if (typeof container.ModelPackageName === "string") {
      const pkg = this.world.packages().find((p) => p.arn === container.ModelPackageName);
      if (!pkg)
        throw new ServiceError(
          "ValidationException",
          `Model package ${container.ModelPackageName} does not exist.`,
        );
      const model = {
        artifact: pkg.modelDataUrl,
        artifactPath: pkg.modelDataPath,
        image: "package",
        version: pkg.version,
      };
      this.world.models.set(name, { ...model, executionRoleArn: role });
    } else {
      const artifact = String(container.ModelDataUrl);
      this.world.models.set(name, {
        artifact,
        artifactPath: this.world.path(artifact),
        image: String(container.Image),
        executionRoleArn: role,
      });
    }
    return { ModelArn: this.arn("model", name) };
  }

  createEndpointConfig(input: Input): { EndpointConfigArn: string } {
    const name = String(input.EndpointConfigName);
    if (taken(this.world.endpointConfigs, name))
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
      instances: variants.reduce((sum, v) => sum + Number(v.InitialInstanceCount ?? 0), 0),
      kmsKeyId: typeof input.KmsKeyId === "string" ? input.KmsKeyId : undefined,
    });
    return { EndpointConfigArn: this.arn("endpoint-config", name) };
  }

  /** What an endpoint serves, which outlives its configuration's deletion. */
  private served(endpoint: Endpoint): EndpointConfig | undefined {
    return endpoint.serving ?? this.world.endpointConfigs.get(endpoint.configName);
  }

  private config(name: string): EndpointConfig {
    const config = this.world.endpointConfigs.get(name);
    if (!config) throw this.notFound("endpoint configuration", "endpoint-config", name);
    return config;
  }

  async createEndpoint(input: Input): Promise<{ EndpointArn: string }> {
    const name = String(input.EndpointName);
    if (taken(this.world.endpoints, name)) throw this.exists("endpoint", "endpoint", name);
    const configName = String(input.EndpointConfigName);
    await this.deploy(name, configName, this.config(configName), input.DeploymentConfig as Input | undefined);
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
    if (!this.served(endpoint)?.serverless && next.serverless)
      throw new ServiceError(
        "ValidationException",
        `Updating a real-time inference endpoint to a serverless endpoint is not supported: create a new endpoint for "${configName}" ("${arn}" serves instances).`,
      );
    const fault = this.faults.get(name);
    if (fault) {
      this.faults.delete(name);
      const failureReason = fault.rollbackFails
        ? "Both the rolling deployment and auto-rollback failed (injected fault)"
        : "The update failed and was rolled back (injected fault)";
      this.world.endpoints.set(name, {
        ...endpoint,
        status: fault.rollbackFails ? "UpdateRollbackFailed" : "InService",
        failureReason,
      });
      return { EndpointArn: arn };
    }
    await this.deploy(name, configName, next, input.DeploymentConfig as Input | undefined);
    return { EndpointArn: arn };
  }

  /**
   * SageMaker deletes a configuration an endpoint still uses ("You must not delete an EndpointConfig
   * in use by an endpoint that is live … you may lose visibility into the instance type the endpoint
   * is using", DeleteEndpointConfig): the endpoint keeps serving, and nothing can move to it again.
   */
  deleteEndpointConfig(input: Input): Record<string, never> {
    const name = String(input.EndpointConfigName);
    if (!this.world.endpointConfigs.has(name))
      throw this.notFound("endpoint configuration", "endpoint-config", name);
    this.world.endpointConfigs.delete(name);
    return {};
  }

  /**
   * Makes the endpoint's next update fail, and its automatic rollback too when `rollbackFails`:
   * SageMaker then leaves it "UpdateRollbackFailed: … in service with a mix of the old and new
   * endpoint configurations" (DescribeEndpoint, EndpointStatus). To see what the pipeline does then.
   */
  failNextUpdate(endpointName: string, fault: { rollbackFails: boolean }): void {
    this.faults.set(endpointName, fault);
  }

  private readonly faults = new Map<string, { rollbackFails: boolean }>();

  deleteEndpoint(input: Input): Record<string, never> {
    const name = String(input.EndpointName);
    const endpoint = this.world.endpoints.get(name);
    if (!endpoint) throw this.notFound("endpoint", "endpoint", name);
    if (IN_PROGRESS.has(endpoint.status))
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
    const config = this.served(endpoint);
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

  /**
   * Checks the update's blue/green policy (SageMaker's rules, infra/environments/blue-green.ts),
   * then loads each variant's model as its execution role (reading the artifact) and serves it. The
   * role also reads the auto-rollback alarms: "Ensure that your IAM execution role has permission to
   * perform the cloudwatch:DescribeAlarms action on the auto-rollback alarms you specify"
   * (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-configuration.html).
   */
  private async deploy(
    name: string,
    configName: string,
    config: EndpointConfig,
    deployment?: Input,
  ): Promise<Endpoint> {
    const policy = deployment?.BlueGreenUpdatePolicy as BlueGreenUpdatePolicy | undefined;
    const problems = policy ? blueGreenProblems(policy, config.instances ?? 1) : [];
    if (problems.length > 0) throw new ServiceError("ValidationException", problems.join("; "));
    const alarms = ((deployment?.AutoRollbackConfiguration as Input | undefined)?.Alarms ?? []) as {
      AlarmName: string;
    }[];
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
        const alarmArns = alarms.map(
          (a) => `arn:aws:cloudwatch:${this.account.region}:${this.account.id}:alarm:${a.AlarmName}`,
        );
        this.account.authorize(
          session,
          alarmArns.map((resource) => ({ action: "cloudwatch:DescribeAlarms", resource })),
        );
      } catch (error) {
        if (!(error instanceof AccessDenied)) throw error;
        refused = `The model ${variant.model} could not be deployed: ${error.message}`;
      }
    }
    return this.hosting.deploy(name, configName, refused);
  }
}
