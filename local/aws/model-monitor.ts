import { readFileSync } from "node:fs";
import { filesUnder } from "../run/files";

/**
 * Model Monitor's data-quality check, locally: captured requests are compared with the training
 * baseline feature by feature. Drift is the largest gap between the baseline's and the captured
 * data's cumulative distributions over the baseline's histogram buckets. Like Model Monitor's "Robust"
 * comparison it allows for sample size: a distance is a violation only above both the constraints'
 * comparison threshold and the two-sample Kolmogorov-Smirnov critical value at 99% confidence, so a
 * small capture does not raise alarms on noise alone.
 */

export interface BaselineFeature {
  name: string;
  inferred_type: string;
  numerical_statistics: {
    mean: number;
    min: number;
    max: number;
    distribution: { kll: { buckets: { lower_bound: number; upper_bound: number; count: number }[] } };
  };
}

export interface FeatureDrift {
  feature: string;
  distance: number;
  baselineMean: number;
  capturedMean: number;
  violation: boolean;
}

export interface DriftReport {
  capturedRows: number;
  threshold: number;
  features: FeatureDrift[];
  violations: { feature_name: string; constraint_check_type: string; description: string }[];
}

/** Feature rows from SageMaker capture files (the CSV request bodies). */
export function capturedRows(captureDir: string): number[][] {
  const rows: number[][] = [];
  for (const file of filesUnder(captureDir).filter((f) => f.endsWith(".jsonl"))) {
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line.trim()) continue;
      const record = JSON.parse(line) as { captureData: { endpointInput: { data: string } } };
      for (const row of record.captureData.endpointInput.data.split("\n")) {
        if (row.trim()) rows.push(row.split(",").map(Number));
      }
    }
  }
  return rows;
}

export function featureDistance(feature: BaselineFeature, values: number[]): number {
  const buckets = feature.numerical_statistics.distribution.kll.buckets;
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  if (total === 0 || values.length === 0) return 0;
  let baseline = 0;
  let worst = 0;
  for (const [i, bucket] of buckets.entries()) {
    baseline += bucket.count / total;
    // Buckets are [lower, upper) as data prep fills them, the last one closed.
    const last = i === buckets.length - 1;
    const captured =
      values.filter((v) => (last ? v <= bucket.upper_bound : v < bucket.upper_bound)).length / values.length;
    worst = Math.max(worst, Math.abs(baseline - captured));
  }
  // Values below the baseline's range shift the whole distribution too.
  const below = values.filter((v) => v < (buckets[0]?.lower_bound ?? 0)).length / values.length;
  return Math.max(worst, below);
}

/** The two-sample KS distance that noise alone exceeds with 1% probability. */
export function ksCriticalValue(baselineCount: number, capturedCount: number): number {
  if (baselineCount === 0 || capturedCount === 0) return Number.POSITIVE_INFINITY;
  return 1.628 * Math.sqrt((baselineCount + capturedCount) / (baselineCount * capturedCount));
}

export function checkDrift(
  statistics: { features: BaselineFeature[] },
  constraints: { monitoring_config: { distribution_constraints: { comparison_threshold: number } } },
  rows: number[][],
): DriftReport {
  const configured = constraints.monitoring_config.distribution_constraints.comparison_threshold;
  const baselineCount =
    statistics.features[0]?.numerical_statistics.distribution.kll.buckets.reduce((s, b) => s + b.count, 0) ??
    0;
  const threshold = Math.max(configured, ksCriticalValue(baselineCount, rows.length));
  const features = statistics.features.map((feature, i) => {
    const values = rows.map((r) => r[i]).filter((v) => Number.isFinite(v));
    const distance = featureDistance(feature, values);
    return {
      feature: feature.name,
      distance,
      baselineMean: feature.numerical_statistics.mean,
      capturedMean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN,
      violation: distance > threshold,
    };
  });
  const violations = features
    .filter((f) => f.violation)
    .map((f) => ({
      feature_name: f.feature,
      constraint_check_type: "baseline_drift_check",
      description: `Baseline drift distance ${f.distance.toFixed(3)} exceeds threshold ${threshold.toFixed(3)}`,
    }));
  return { capturedRows: rows.length, threshold, features, violations };
}
