import type { MlPipelineConfig } from "../../config/ml-config";
import { percentile } from "../../functions/test-suite";
import type { VariantMetrics } from "../aws/hosting";

/**
 * The canary's verdict, by the rules the prod stack's rollback alarms apply (see
 * infra/environments/prod-endpoint.ts): more than `release.max5xxPercent` of its invocations failing
 * with a 5XX, or an average model latency above `release.maxModelLatencyMs`, fails it.
 */

export type ReleaseThresholds = MlPipelineConfig["release"];

export interface VariantReport {
  name: string;
  /** The model package version the variant serves. */
  version: number;
  requests: number;
  errors5xx: number;
  errorPercent: number;
  latencyMs: { average: number; p50: number; p95: number; p99: number };
}

export interface CanaryReport {
  thresholds: ReleaseThresholds;
  /** Requests sent to the endpoint while both variants served. */
  requests: number;
  variants: VariantReport[];
  passed: boolean;
  /** Why it failed, in the thresholds' own words; empty when it passed. */
  reasons: string[];
  /**
   * The model versions the prod endpoint serves after the release, read back from the endpoint: the
   * new version alone, or the champion alone after a rollback (none after a failed first release).
   */
  servingVersions?: number[];
}

export function variantReport(
  name: string,
  version: number,
  metrics: VariantMetrics | undefined,
): VariantReport {
  const latencies = metrics?.latenciesMs ?? [];
  const requests = metrics?.invocations ?? 0;
  const errors5xx = metrics?.errors5xx ?? 0;
  const average = latencies.length ? latencies.reduce((sum, v) => sum + v, 0) / latencies.length : 0;
  return {
    name,
    version,
    requests,
    errors5xx,
    errorPercent: requests ? (100 * errors5xx) / requests : 0,
    latencyMs: {
      average,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
    },
  };
}

/** The canary variant's verdict; the reasons name the threshold each failure crossed. */
export function judgeCanary(
  canary: VariantReport,
  thresholds: ReleaseThresholds,
): { passed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (canary.requests === 0)
    reasons.push("no request reached the canary (raise release.canaryRequests or release.canaryPercent)");
  if (canary.errorPercent > thresholds.max5xxPercent)
    reasons.push(
      `${canary.errors5xx} of ${canary.requests} canary requests failed with 5XX (${canary.errorPercent.toFixed(1)}% > release.max5xxPercent ${thresholds.max5xxPercent}%)`,
    );
  if (canary.latencyMs.average > thresholds.maxModelLatencyMs)
    reasons.push(
      `average model latency ${canary.latencyMs.average.toFixed(0)} ms > release.maxModelLatencyMs ${thresholds.maxModelLatencyMs} ms`,
    );
  return { passed: reasons.length === 0, reasons };
}
