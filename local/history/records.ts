import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { dataSetOf } from "../lineage";
import type { LocalRunResult } from "../run-types";

/** One run as the history shows it: when, from what, on which data, how it scored and how it ended. */
export interface RunRecord {
  runId: string;
  startedAt: string;
  commit: string;
  trigger: string;
  /** The staged data set's key (`datasets/customer-churn.csv`); `dataUri` and `dataSource` in full. */
  dataSet: string;
  dataUri: string;
  dataSource: string;
  /** The model package group the run registered in (`customer-churn`). */
  modelGroup?: string;
  testAuc?: number;
  testError?: number;
  gate: "passed" | "rejected" | "not reached";
  modelVersion?: number;
  outcome: LocalRunResult["outcome"];
  /** The version production served when the run ended (the champion), if any. */
  champion?: number;
  /** The run's report, relative to the runs folder. */
  report: string;
}

type Metrics = { binary_classification_metrics?: { auc?: { value: number }; accuracy?: { value: number } } };

function gateOf(result: LocalRunResult): RunRecord["gate"] {
  if (result.failedState === "GateRejected") return "rejected";
  return result.gateSummary?.startsWith("Gate passed") ? "passed" : "not reached";
}

/** After a release the new model is champion; otherwise the one that served before stays. */
function championAfter(result: LocalRunResult): number | undefined {
  if (result.outcome === "released") return result.modelPackage?.version;
  return result.previousChampion?.version;
}

export function toRecord(result: LocalRunResult): RunRecord {
  const metrics = (result.evaluation as Metrics | undefined)?.binary_classification_metrics;
  const accuracy = metrics?.accuracy?.value;
  const data = dataSetOf(result);
  return {
    runId: result.runId ?? basename(result.runDir),
    startedAt: result.startedAt,
    commit: `${result.commit.id.slice(0, 12)}${result.commit.dirty ? "+" : ""}`,
    trigger: result.trigger.alarm
      ? `${result.trigger.source} (${result.trigger.alarm})`
      : result.trigger.source,
    dataSet: data.key,
    dataUri: data.uri,
    dataSource: data.source,
    modelGroup: result.modelGroup ?? result.input?.registry.groupName,
    testAuc: metrics?.auc?.value,
    // The gate's error: the share misclassified at 0.5, which is 1 - accuracy.
    testError: accuracy === undefined ? undefined : 1 - accuracy,
    gate: gateOf(result),
    modelVersion: result.modelPackage?.version,
    outcome: result.outcome,
    champion: championAfter(result),
    report: `${basename(result.runDir)}/report.html`,
  };
}

/** Every run under the runs folder, oldest first; folders without a readable result are skipped. */
export function readRuns(runsRoot: string): RunRecord[] {
  if (!existsSync(runsRoot)) return [];
  return readdirSync(runsRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(runsRoot, entry.name, "result.json")))
    .flatMap((entry) => {
      try {
        const result = JSON.parse(
          readFileSync(join(runsRoot, entry.name, "result.json"), "utf8"),
        ) as LocalRunResult;
        return result.startedAt ? [toRecord(result)] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
}

const fixed = (n: number | undefined, digits = 4) => (n === undefined ? "–" : n.toFixed(digits));

/** The columns of the history, as text: the terminal table and the page use the same. */
export const COLUMNS: [string, (r: RunRecord) => string][] = [
  ["run", (r) => r.runId],
  ["started", (r) => r.startedAt.replace("T", " ").slice(0, 19)],
  ["commit", (r) => r.commit],
  ["trigger", (r) => r.trigger],
  ["data set", (r) => r.dataSet],
  ["test AUC", (r) => fixed(r.testAuc)],
  ["test error", (r) => fixed(r.testError)],
  ["gate", (r) => r.gate],
  ["model", (r) => (r.modelVersion === undefined ? "–" : `v${r.modelVersion}`)],
  ["outcome", (r) => r.outcome],
  ["champion", (r) => (r.champion === undefined ? "none" : `v${r.champion}`)],
];

/** The history as an aligned text table. */
export function historyTable(records: readonly RunRecord[]): string {
  const rows = [COLUMNS.map(([title]) => title), ...records.map((r) => COLUMNS.map(([, cell]) => cell(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
