import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./deployment";
import { readStateFile, writeStateFile } from "../run/state-file";
import { HOSTING, REGISTRY, type HostingFile } from "./state-files";
import type { Endpoint, EndpointConfig, Model, ModelPackage } from "./resources";

export type { Endpoint, EndpointConfig, EndpointStatus, Model, ModelPackage, Variant } from "./resources";

/**
 * The local stand-in for the AWS state a run touches: objects live under the run directory, models,
 * endpoint configurations and endpoints in memory, and the model registry in a JSON file shared by
 * all runs (so versions count up and the champion is the last approved model).
 */

export { LOCAL_ACCOUNT, LOCAL_REGION };

/**
 * An endpoint as a new run finds it: one its run left creating or updating (Ctrl-C) ended as
 * SageMaker ends a failed one, Failed if it was being created, in service on its previous
 * configuration if it was being updated.
 */
function settled(endpoint: Endpoint): Endpoint {
  const failureReason = "its local run ended while the endpoint was changing";
  if (endpoint.status === "Creating") return { ...endpoint, status: "Failed", failureReason };
  if (endpoint.status === "Updating") return { ...endpoint, status: "InService", failureReason };
  return endpoint;
}

/** An ARN in local mode's account and region (`localArn("sagemaker", "endpoint/x")`). */
export const localArn = (service: string, resource: string) =>
  `arn:aws:${service}:${service === "iam" ? "" : LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;

/** A map whose every change is written through (SageMaker's hosting outlives a run). */
class SavedMap<V> extends Map<string, V> {
  private save?: () => void;

  constructor(entries: [string, V][], save: () => void) {
    super(entries);
    this.save = save;
  }

  override set(key: string, value: V): this {
    super.set(key, value);
    this.save?.();
    return this;
  }

  override delete(key: string): boolean {
    const deleted = super.delete(key);
    this.save?.();
    return deleted;
  }
}

/** The local AWS state one run sees (the module comment above says where each part lives). */
export class LocalAwsState {
  /** Models by name; `version` when the model serves a registered package. */
  readonly models: Map<string, Model>;
  readonly endpointConfigs: Map<string, EndpointConfig>;
  /**
   * Endpoints, their configurations and models outlive the run that made them, as in SageMaker: the
   * next run finds the test endpoint and updates it (kept in the runs folder, beside the registry).
   */
  readonly endpoints: Map<string, Endpoint>;
  readonly experiments = new Set<string>();
  readonly trials = new Set<string>();
  private readonly registryPath: string;
  private readonly hostingPath: string;

  constructor(
    /** The run's directory; objects live under `<runDir>/s3/<bucket>/<key>`. */
    readonly runDir: string,
    readonly bucket: string,
    /** Shared by runs: the model registry and SageMaker's hosting. */
    registryDir: string,
  ) {
    this.registryPath = join(registryDir, "model-registry.json");
    this.hostingPath = join(registryDir, "sagemaker-hosting.json");
    const saved = this.readHosting();
    const save = () => this.saveHosting();
    this.models = new SavedMap(saved.models, save);
    this.endpointConfigs = new SavedMap(saved.endpointConfigs, save);
    this.endpoints = new SavedMap(
      saved.endpoints.map(([name, e]) => [name, settled(e)]),
      save,
    );
  }

  private readHosting(): HostingFile {
    return readStateFile(this.hostingPath, HOSTING) ?? { models: [], endpointConfigs: [], endpoints: [] };
  }

  private saveHosting(): void {
    const hosting: HostingFile = {
      models: [...this.models],
      endpointConfigs: [...this.endpointConfigs],
      endpoints: [...this.endpoints],
    };
    mkdirSync(dirname(this.hostingPath), { recursive: true });
    writeStateFile(this.hostingPath, hosting);
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
    return readStateFile(this.registryPath, REGISTRY)?.packages ?? [];
  }

  /** Written whole and renamed into place: a reader never sees half a registry. */
  private savePackages(packages: ModelPackage[]): void {
    mkdirSync(dirname(this.registryPath), { recursive: true });
    writeStateFile(this.registryPath, { packages }, 2);
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
