import type { LocalRunResult } from "./run-types";

/** The run in a few lines, for the terminal: data, metrics, gate, model, endpoints, tests, release, drift. */
export function summary(result: LocalRunResult): string[] {
  const lines: string[] = ["", "Summary"];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(10)} ${text}`);
  const data = result.dataReport as
    { rows: number; rejected: number; splits: Record<string, number>; maxRejectedShare: number } | undefined;
  if (data) {
    row(
      "data",
      `${data.rows} rows: ${data.splits.train} train / ${data.splits.validation} validation / ${data.splits.test} test; ${data.rejected} rejected (limit ${(100 * data.maxRejectedShare).toFixed(1)}%)`,
    );
  }
  const m = (
    result.evaluation as { binary_classification_metrics?: Record<string, { value: number }> } | undefined
  )?.binary_classification_metrics;
  if (m)
    row(
      "metrics",
      `test AUC ${m.auc.value.toFixed(4)}, accuracy ${m.accuracy.value.toFixed(4)}, precision ${m.precision.value.toFixed(4)}, recall ${m.recall.value.toFixed(4)}`,
    );
  const tuning = result.tuning;
  if (tuning?.best)
    row(
      "tuning",
      `best of ${tuning.trials.length} trials: ${tuning.best.trainingJobName}, ${tuning.objective.MetricName} ${tuning.best.objective?.toFixed(4)} (${Object.entries(
        tuning.best.hyperparameters,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")})`,
    );
  if (result.gateSummary) row("gate", result.gateSummary);
  if (result.modelPackage)
    row(
      "model",
      `version ${result.modelPackage.version} (${result.modelPackage.arn}), ${result.modelPackage.status}`,
    );
  if (result.endpoints.test || result.endpoints.prod) {
    row(
      "endpoints",
      [
        result.endpoints.test && `test ${result.endpoints.test}`,
        result.endpoints.prod && `prod ${result.endpoints.prod}`,
      ]
        .filter(Boolean)
        .join("; "),
    );
  }
  if (result.testReport) row("tests", result.testReport.summary);
  if (result.canary) {
    const variants = result.canary.variants
      .map(
        (v) =>
          `${v.name} v${v.version}: ${v.requests} requests, ${v.errorPercent.toFixed(1)}% 5XX, ${v.latencyMs.average.toFixed(1)} ms avg (p95 ${v.latencyMs.p95.toFixed(1)})`,
      )
      .join("; ");
    row(
      "canary",
      `${result.canary.passed ? "passed" : `failed (${result.canary.reasons.join("; ")})`}: ${variants}`,
    );
  }
  if (result.drift)
    row(
      "drift",
      `${result.drift.violations.length} violation(s) over ${result.drift.features.length} features (${result.drift.capturedRows} captured rows)${
        result.drift.violations.length
          ? ": " +
            result.drift.violations
              .slice(0, 5)
              .map((v) => v.feature_name)
              .join(", ")
          : ""
      }`,
    );
  row("result", result.message);
  row("run dir", result.runDir);
  return lines;
}
