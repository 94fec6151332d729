/** The SageMaker resources local mode keeps: models, endpoint configurations, endpoints, packages. */

export interface Variant {
  name: string;
  model: string;
  weight: number;
}

export interface EndpointConfig {
  variants: Variant[];
  capture?: { samplingPercent: number; destination: string };
  /** The variants' ServerlessConfig, when they are serverless rather than on instances. */
  serverless?: { MemorySizeInMB: number; MaxConcurrency: number };
  /** The key that encrypts the endpoint's storage (KmsKeyId). */
  kmsKeyId?: string;
  /** Instances behind it, over all variants (blue/green steps are shares of them). */
  instances?: number;
}

/** Every status SageMaker's DescribeEndpoint lists (the local stand-in reaches each of them). */
export type EndpointStatus =
  | "Creating"
  | "Updating"
  | "SystemUpdating"
  | "RollingBack"
  | "InService"
  | "OutOfService"
  | "Deleting"
  | "Failed"
  | "UpdateRollbackFailed";

export interface Endpoint {
  name: string;
  configName: string;
  status: EndpointStatus;
  failureReason?: string;
  /**
   * What the endpoint serves: its configuration as deployed. Deleting the configuration does not
   * change it ("It does not delete endpoints created using the configuration", DeleteEndpointConfig).
   */
  serving?: EndpointConfig;
}

export interface ModelPackage {
  arn: string;
  group: string;
  version: number;
  status: "PendingManualApproval" | "Approved" | "Rejected";
  /** Why the status was set (a rejected canary says what failed). */
  statusReason?: string;
  createdAt: string;
  modelDataUrl: string;
  /** Where the artifact is on this machine; later runs serve the champion from its own run. */
  modelDataPath: string;
  description?: string;
  customerMetadata: Record<string, string>;
  metricsUri?: string;
  /** Where the model-quality report is on this machine (the champion comparison reads it). */
  metricsPath?: string;
  statisticsUri?: string;
  constraintsUri?: string;
}

export interface Model {
  artifact: string;
  /** Where the artifact is on this machine (a later run serves a model from its own run's folder). */
  artifactPath: string;
  image: string;
  executionRoleArn?: string;
  /** The registered package version the model serves, if any. */
  version?: number;
}
