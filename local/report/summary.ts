import { dataSetOf } from "../run/lineage";
import { sidesOf } from "../release/champion";
import type { LocalRunResult } from "../run/types";

/** The first `shown` of a list, and how many more there are. */
export function listed(items: string[], shown: number): string {
  const more = items.length - shown;
  return `${items.slice(0, shown).join(", ")}${more > 0 ? `, +${more} more` : ""}`;
}

function canaryRow(canary: NonNullable<LocalRunResult["canary"]>): string {
  const variants = canary.variants
    .map(
      (v) =>
        `${v.name} v${v.version}: ${v.requests} requests, ${v.errorPercent.toFixed(1)}% 5XX, ${v.latencyMs.average.toFixed(1)} ms avg (p95 ${v.latencyMs.p95.toFixed(1)})`,
    )
    .join("; ");
  return `${canary.passed ? "passed" : `failed (${canary.reasons.join("; ")})`}: ${variants}`;
}

function driftRow(drift: NonNullable<LocalRunResult["drift"]>): string {
  const names = drift.violations.map((v) => v.feature_name);
  return `${drift.violations.length} violation(s) over ${drift.features.length} features (${drift.capturedRows} captured rows)${names.length ? `: ${listed(names, 5)}` : ""}`;
}

/** The champion the run started with, and the candidate's change against it. */
function championRow(result: LocalRunResult): string {
  const { candidate, champion } = sidesOf(result);
  if (!champion) return "none: production served no model when the run started";
  const theirs = champion.quality;
  if (!theirs) return `${champion.title} (its model-quality report is not on this machine)`;
  const mine = candidate.quality;
  const change = (a: number, b: number) => `${a >= b ? "+" : ""}${(a - b).toFixed(4)}`;
  return `${champion.title}: test AUC ${theirs.auc.toFixed(4)}, error ${theirs.error.toFixed(4)}${
    mine
      ? `; the candidate ${change(mine.auc, theirs.auc)} AUC, ${change(mine.error, theirs.error)} error`
      : ""
  }`;
}

/** The run in a few lines, for the terminal: data, metrics, gate, model, endpoints, tests, release, drift. */
export function summary(result: LocalRunResult): string[] {
  const lines: string[] = ["", "Summary"];
  const row = (label: string, text: string) => lines.push(`  ${label.padEnd(10)} ${text}`);
  row("data set", dataSetOf(result).uri);
  const data = result.dataReport as
    | {
        rows: number;
        rejected: number;
        splits: Record<string, number>;
        maxRejectedShare: number;
        notes?: string[];
      }
    | undefined;
  if (data?.rows) {
    row(
      "data",
      `${data.rows} rows: ${data.splits.train} train / ${data.splits.validation} validation / ${data.splits.test} test; ${data.rejected} rejected (limit ${(100 * data.maxRejectedShare).toFixed(1)}%)`,
    );
  }
  for (const note of data?.notes ?? []) row("note", note);
  const m = (
    result.evaluation as { binary_classification_metrics?: Record<string, { value: number }> } | undefined
  )?.binary_classification_metrics;
  if (m)
    row(
      "metrics",
      `test AUC ${m.auc.value.toFixed(4)}, accuracy ${m.accuracy.value.toFixed(4)}, precision ${m.precision.value.toFixed(4)}, recall ${m.recall.value.toFixed(4)}`,
    );
  row("champion", championRow(result));
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
  if (result.canary) row("canary", canaryRow(result.canary));
  if (result.drift) row("drift", driftRow(result.drift));
  row("result", result.message);
  row("run dir", result.runDir);
  return lines;
}
