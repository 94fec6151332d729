import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PredictionWorker } from "../python/prediction-worker";
import { LOCAL_ACCOUNT, type Endpoint, type LocalAwsState, type Variant } from "./state";

/**
 * Local SageMaker hosting: endpoints with weighted production variants served by real XGBoost,
 * data capture in SageMaker's capture format, and the Runtime `InvokeEndpoint` protocol, so the
 * microservice's real SageMaker Runtime client works unchanged against it.
 */
/** What a variant served, as CloudWatch's per-variant endpoint metrics would count it. */
export interface VariantMetrics {
  invocations: number;
  /** Invocations that failed with a 5XX (the model or the host failed). */
  errors5xx: number;
  /** ModelLatency of each invocation, in milliseconds. */
  latenciesMs: number[];
}

/**
 * A misbehaving model, to show (and test) what a failed canary does: a share of its invocations fail
 * with a 5XX, or each takes this much longer.
 */
export interface ModelFault {
  errorPercent?: number;
  delayMs?: number;
}

export class LocalHosting {
  private started?: PredictionWorker;
  private readonly invocations = new Map<string, number>();
  private readonly loaded = new Set<string>();
  private readonly metrics = new Map<string, Map<string, VariantMetrics>>();
  private readonly faults = new Map<string, ModelFault>();

  constructor(private readonly world: LocalAwsState) {}

  /**
   * The worker that serves this hosting's models, started on first use. A run starts it while data
   * prep runs (warmUp), so importing XGBoost there does not compete with Node's start-up.
   */
  get worker(): PredictionWorker {
    this.started ??= new PredictionWorker();
    return this.started;
  }

  warmUp(): void {
    void this.worker;
  }

  /** Makes a model misbehave from now on (see ModelFault). */
  injectFault(model: string, fault: ModelFault): void {
    this.faults.set(model, fault);
  }

  /** Per-variant metrics of an endpoint since the last reset. */
  variantMetrics(endpoint: string): Record<string, VariantMetrics> {
    return Object.fromEntries(this.metrics.get(endpoint) ?? []);
  }

  resetMetrics(endpoint: string): void {
    this.metrics.delete(endpoint);
  }

  /** One invocation: its model latency when the model answered, or the status it failed with. */
  private record(
    endpoint: string,
    variant: string,
    outcome: { latencyMs: number } | { status: number },
  ): void {
    const byVariant = this.metrics.get(endpoint) ?? this.metrics.set(endpoint, new Map()).get(endpoint)!;
    const entry = byVariant.get(variant) ?? { invocations: 0, errors5xx: 0, latenciesMs: [] };
    entry.invocations++;
    if ("latencyMs" in outcome) entry.latenciesMs.push(outcome.latencyMs);
    else if (outcome.status >= 500) entry.errors5xx++;
    byVariant.set(variant, entry);
  }

  /** Loads a model into the worker once; batch transform and endpoints share it. */
  async ensureLoaded(model: string): Promise<void> {
    if (this.loaded.has(model)) return;
    const entry = this.world.models.get(model);
    if (!entry) throw new Error(`model ${model} does not exist`);
    await this.worker.load(model, entry.artifactPath);
    this.loaded.add(model);
  }

  /**
   * Creates or updates an endpoint. As in SageMaker, a failed update leaves the endpoint in service
   * on its previous configuration with the failure reason set; a failed creation leaves it Failed.
   * `refused` is why the models cannot be loaded (their role may not read them), if they cannot.
   */
  async deploy(name: string, configName: string, refused?: string): Promise<Endpoint> {
    const config = this.world.endpointConfigs.get(configName);
    if (!config) throw new Error(`endpoint configuration ${configName} does not exist`);
    const previous = this.world.endpoints.get(name);
    this.world.endpoints.set(name, {
      name,
      configName: previous?.configName ?? configName,
      status: previous ? "Updating" : "Creating",
    });
    try {
      if (refused) throw new Error(refused);
      for (const variant of config.variants) await this.ensureLoaded(variant.model);
      const endpoint: Endpoint = { name, configName, status: "InService", serving: config };
      this.world.endpoints.set(name, endpoint);
      return endpoint;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failureReason = refused ?? `could not load the model: ${message}`;
      const endpoint: Endpoint = previous
        ? { ...previous, status: "InService", failureReason }
        : { name, configName, status: "Failed", failureReason };
      this.world.endpoints.set(name, endpoint);
      return endpoint;
    }
  }

  /** Deterministic: of every 100 invocations of a variant, the first `percent` fail. */
  private faultHits(endpoint: string, variant: string, percent: number): boolean {
    const seen = this.metrics.get(endpoint)?.get(variant)?.invocations ?? 0;
    return seen % 100 < percent;
  }

  /** Weighted choice among variants, deterministic: the n-th call lands by cumulative weight. */
  private pick(variants: Variant[], endpoint: string): Variant {
    const n = this.invocations.get(endpoint) ?? 0;
    this.invocations.set(endpoint, n + 1);
    const total = variants.reduce((sum, v) => sum + v.weight, 0);
    const slot = ((n * 0.6180339887) % 1) * total;
    let cumulative = 0;
    for (const variant of variants) {
      cumulative += variant.weight;
      if (slot < cumulative) return variant;
    }
    return variants[variants.length - 1];
  }

  async invoke(
    name: string,
    body: string,
    targetVariant?: string,
  ): Promise<{ body: string; variant: string }> {
    const endpoint = this.world.endpoints.get(name);
    // UpdateRollbackFailed: "Your endpoint is in service with a mix of the old and new endpoint
    // configurations" (DescribeEndpoint, EndpointStatus).
    const config = endpoint?.serving ?? this.world.endpointConfigs.get(endpoint?.configName ?? "");
    if (!endpoint || !config || !["InService", "UpdateRollbackFailed"].includes(endpoint.status)) {
      throw Object.assign(
        new Error(`Endpoint ${name} of account ${LOCAL_ACCOUNT} not found or not in service.`),
        { type: "ValidationError", status: 400 },
      );
    }
    const variant = targetVariant
      ? config.variants.find((v) => v.name === targetVariant)
      : this.pick(config.variants, name);
    if (!variant)
      throw Object.assign(new Error(`Variant ${targetVariant} does not exist on ${name}.`), {
        type: "ValidationError",
        status: 400,
      });
    let output: string;
    const started = performance.now();
    const fault = this.faults.get(variant.model) ?? {};
    try {
      if (fault.delayMs) await new Promise((done) => setTimeout(done, fault.delayMs));
      if (fault.errorPercent && this.faultHits(name, variant.name, fault.errorPercent)) {
        throw Object.assign(new Error(`The model ${variant.model} failed to respond (injected fault).`), {
          type: "ServiceUnavailable",
          status: 500,
        });
      }
      output = await this.worker.predict(variant.model, body);
      this.record(name, variant.name, { latencyMs: performance.now() - started });
    } catch (error) {
      const injected = (error as { status?: number }).status === 500;
      this.record(name, variant.name, { status: injected ? 500 : 424 });
      if (injected) throw error;
      throw Object.assign(
        new Error(
          `Received client error (400) from primary with message "${error instanceof Error ? error.message : String(error)}".`,
        ),
        {
          type: "ModelError",
          status: 424,
        },
      );
    }
    if (config.capture) this.capture(name, variant.name, config.capture, body, output);
    return { body: output, variant: variant.name };
  }

  private captured = new Map<string, number>();

  /** Writes the request and response in SageMaker's data-capture JSON lines, at the configured rate. */
  private capture(
    endpoint: string,
    variant: string,
    capture: { samplingPercent: number; destination: string },
    input: string,
    output: string,
  ) {
    const key = `${endpoint}/${variant}`;
    const n = this.captured.get(key) ?? 0;
    this.captured.set(key, n + 1);
    if (
      Math.floor(((n + 1) * capture.samplingPercent) / 100) ===
      Math.floor((n * capture.samplingPercent) / 100)
    )
      return;
    const now = new Date();
    const hourPath = now.toISOString().slice(0, 13).replace(/[-T]/g, "/");
    const file = this.world.path(
      `${capture.destination.replace(/\/?$/, "/")}${endpoint}/${variant}/${hourPath}/capture.jsonl`,
    );
    const record = {
      captureData: {
        endpointInput: { observedContentType: "text/csv", mode: "INPUT", data: input, encoding: "CSV" },
        endpointOutput: {
          observedContentType: "text/csv; charset=utf-8",
          mode: "OUTPUT",
          data: output,
          encoding: "CSV",
        },
      },
      eventMetadata: { eventId: randomUUID(), inferenceTime: now.toISOString() },
      eventVersion: "0",
    };
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(record)}\n`);
  }

  stop(): Promise<void> {
    return this.started?.stop() ?? Promise.resolve();
  }
}
