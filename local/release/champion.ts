import { existsSync, readFileSync } from "node:fs";
import type { LocalRunResult, ModelQuality } from "../run/types";
import type { ModelPackage } from "../aws/state";

export type { ModelQuality };

/**
 * The candidate beside the champion (the model production serves), where decisions are made: the
 * approval prompt, the summary and the report. Both are read from their model-quality reports (the
 * controller's `evaluation.json`, in the registry's ModelQuality statistics), so the numbers are
 * the ones the gate judged.
 */

/** The threshold precision, recall and the error are taken at (the gate's). */
export const THRESHOLD = 0.5;

interface QualityReport {
  binary_classification_metrics?: {
    auc: { value: number };
    accuracy: { value: number };
    precision: { value: number };
    recall: { value: number };
    f1: { value: number };
    confusion_matrix: Record<"0" | "1", Record<"0" | "1", number>>;
    receiver_operating_characteristic_curve: {
      false_positive_rates: number[];
      true_positive_rates: number[];
    };
  };
}

/** A model-quality report's numbers; undefined when it has none (a run that was not evaluated). */
export function qualityOf(report: unknown): ModelQuality | undefined {
  const m = (report as QualityReport | undefined)?.binary_classification_metrics;
  if (!m) return undefined;
  return {
    auc: m.auc.value,
    error: 1 - m.accuracy.value,
    precision: m.precision.value,
    recall: m.recall.value,
    f1: m.f1.value,
    confusion: m.confusion_matrix,
    roc: {
      fpr: m.receiver_operating_characteristic_curve.false_positive_rates,
      tpr: m.receiver_operating_characteristic_curve.true_positive_rates,
    },
  };
}

/** The champion's quality, from its report on this machine; undefined when that is gone. */
export function championQuality(champion: ModelPackage): ModelQuality | undefined {
  const path = champion.metricsPath;
  if (!path || !existsSync(path)) return undefined;
  try {
    return qualityOf(JSON.parse(readFileSync(path, "utf8")));
  } catch {
    return undefined;
  }
}

export interface Side {
  title: string;
  quality?: ModelQuality;
}

const ROWS: [string, (q: ModelQuality) => number, "higher" | "lower"][] = [
  ["test AUC", (q) => q.auc, "higher"],
  ["test error", (q) => q.error, "lower"],
  [`precision@${THRESHOLD}`, (q) => q.precision, "higher"],
  [`recall@${THRESHOLD}`, (q) => q.recall, "higher"],
];

const WIDTH = 15;

/** One metric for both, and the candidate's change: `0.9087  0.9050  +0.0037 better`. */
function metricLine(name: string, read: (q: ModelQuality) => number, better: string, a: Side, b?: Side) {
  const mine = a.quality ? read(a.quality) : undefined;
  const theirs = b?.quality ? read(b.quality) : undefined;
  const cell = (n?: number) => (n === undefined ? "–" : n.toFixed(4)).padStart(WIDTH);
  if (mine === undefined || theirs === undefined)
    return `  ${name.padEnd(14)}${cell(mine)}${b ? cell(theirs) : ""}`;
  const delta = mine - theirs;
  const verdict = Math.abs(delta) < 5e-5 ? "same" : delta > 0 === (better === "higher") ? "better" : "worse";
  return `  ${name.padEnd(14)}${cell(mine)}${cell(theirs)}   ${delta >= 0 ? "+" : ""}${delta.toFixed(4)} ${verdict}`;
}

/** The candidate's metrics beside the champion's, as aligned text lines (prompt and summary). */
export function comparisonLines(candidate: Side, champion?: Side): string[] {
  const header = `  ${"".padEnd(14)}${candidate.title.padStart(WIDTH)}${champion ? champion.title.padStart(WIDTH) : ""}`;
  const lines = [
    header,
    ...ROWS.map(([name, read, better]) => metricLine(name, read, better, candidate, champion)),
  ];
  if (!champion) lines.push("  (no champion: production serves no model yet)");
  else if (!champion.quality)
    lines.push(`  (${champion.title}'s model-quality report is not on this machine)`);
  return lines;
}

/** The run's candidate and the champion it started with, as the comparison shows them. */
export function sidesOf(result: LocalRunResult): { candidate: Side; champion?: Side } {
  const version = result.modelPackage?.version;
  const champion = result.previousChampion;
  return {
    candidate: {
      title: version ? `candidate v${version}` : "candidate",
      quality: qualityOf(result.evaluation),
    },
    champion: champion && { title: `champion v${champion.version}`, quality: result.previousChampionQuality },
  };
}
