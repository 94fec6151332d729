import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./aws/deployment";

/**
 * The local stand-in for the AWS state a run touches: objects live under the run directory, models,
 * endpoint configurations and endpoints in memory, and the model registry in a JSON file shared by
 * all runs (so versions count up and the champion is the last approved model).
 */

export { LOCAL_ACCOUNT, LOCAL_REGION };

/** An ARN in local mode's account and region (`localArn("sagemaker", "endpoint/x")`). */
export const localArn = (service: string, resource: string) =>
  `arn:aws:${service}:${service === "iam" ? "" : LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;

export interface Variant {
  name: string;
  model: string;
  weight: number;
}

export interface EndpointConfig {
  variants: Variant[];
  capture?: { samplingPercent: number; destination: string };
  /** Serverless variants (ServerlessConfig) rather than instances. */
  serverless?: boolean;
  /** The key that encrypts the endpoint's storage (KmsKeyId). */
  kmsKeyId?: string;
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
  statisticsUri?: string;
  constraintsUri?: string;
}

interface RegistryFile {
  packages: ModelPackage[];
}

export class LocalWorld {
  /** Models by name; `version` when the model serves a registered package. */
  readonly models = new Map<
    string,
    { artifact: string; image: string; executionRoleArn?: string; version?: number }
  >();
  readonly endpointConfigs = new Map<string, EndpointConfig>();
  readonly endpoints = new Map<string, Endpoint>();
  readonly experiments = new Set<string>();
  readonly trials = new Set<string>();
  private readonly registryPath: string;

  constructor(
    /** The run's directory; objects live under `<runDir>/s3/<bucket>/<key>`. */
    readonly runDir: string,
    readonly bucket: string,
    /** Shared by runs: the model registry file. */
    registryDir: string,
  ) {
    this.registryPath = join(registryDir, "model-registry.json");
  }

  /** `s3://bucket/key` → the local file that holds that object; an absolute path is kept as it is. */
  path(uri: string): string {
    if (uri.startsWith("/")) return uri;
    const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
    if (!match) throw new Error(`not an s3:// URI: ${uri}`);
    return join(this.runDir, "s3", match[1], match[2]);
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  write(uri: string, content: string | Buffer): void {
    const file = this.path(uri);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }

  packages(): ModelPackage[] {
    if (!existsSync(this.registryPath)) return [];
    return (JSON.parse(readFileSync(this.registryPath, "utf8")) as RegistryFile).packages;
  }

  /** Written whole and renamed into place: a reader never sees half a registry. */
  private savePackages(packages: ModelPackage[]): void {
    mkdirSync(dirname(this.registryPath), { recursive: true });
    const partial = `${this.registryPath}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify({ packages } satisfies RegistryFile, null, 2));
    renameSync(partial, this.registryPath);
  }

  register(entry: Omit<ModelPackage, "arn" | "version" | "createdAt" | "status">): ModelPackage {
    const packages = this.packages();
    const version =
      packages.filter((p) => p.group === entry.group).reduce((max, p) => Math.max(max, p.version), 0) + 1;
    const created: ModelPackage = {
      ...entry,
      version,
      status: "PendingManualApproval",
      createdAt: new Date().toISOString(),
      arn: localArn("sagemaker", `model-package/${entry.group.toLowerCase()}/${version}`),
    };
    this.savePackages([...packages, created]);
    return created;
  }

  setStatus(arn: string, status: ModelPackage["status"], statusReason?: string): ModelPackage {
    const packages = this.packages().map((p) => (p.arn === arn ? { ...p, status, statusReason } : p));
    this.savePackages(packages);
    const updated = packages.find((p) => p.arn === arn);
    if (!updated) throw new Error(`no model package ${arn} in the local registry`);
    return updated;
  }

  /** The newest approved package of a group: what production serves. */
  champion(group: string): ModelPackage | undefined {
    return this.packages()
      .filter((p) => p.group === group && p.status === "Approved")
      .sort((a, b) => b.version - a.version)[0];
  }
}
