import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { dataSetOf } from "../run/lineage";
import type { LocalRunResult } from "../run/types";

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
  outcome: LocalRunResult["outcome"] | "unreadable";
  /** Why the run's record could not be read, when it could not. */
  problem?: string;
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

/** When a run started: its record's time, or, for records of older layouts, its id's (UTC, to the second). */
function startedAtOf(value: unknown, runId: string): string | undefined {
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value).toISOString();
  const id = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(runId);
  return id ? `${id[1]}-${id[2]}-${id[3]}T${id[4]}:${id[5]}:${id[6]}.000Z` : undefined;
}

/** A run whose record cannot be read: listed, marked, with what is wrong, never dropped. */
function unreadable(runsRoot: string, runId: string, problem: string): RunRecord {
  const at = startedAtOf(undefined, runId) ?? statSync(join(runsRoot, runId)).mtime.toISOString();
  return {
    runId,
    startedAt: at,
    commit: "–",
    trigger: "–",
    dataSet: "–",
    dataUri: "–",
    dataSource: "–",
    gate: "not reached",
    outcome: "unreadable",
    problem,
    report: `${runId}/report.html`,
  };
}

/** One run's record from its `result.json`, whatever layout wrote it. */
export function readRunRecord(runsRoot: string, runId: string): RunRecord {
  const file = join(runsRoot, runId, "result.json");
  let result: Partial<LocalRunResult>;
  try {
    result = JSON.parse(readFileSync(file, "utf8")) as Partial<LocalRunResult>;
  } catch (error) {
    return unreadable(runsRoot, runId, `result.json: ${(error as Error).message}`);
  }
  const startedAt = startedAtOf(result.startedAt, runId);
  if (!result || typeof result !== "object" || !startedAt)
    return unreadable(runsRoot, runId, "result.json holds no run (no start time)");
  try {
    return toRecord({
      ...result,
      runDir: join(runsRoot, runId),
      runId: typeof result.runId === "string" ? result.runId : runId,
      startedAt,
      commit: result.commit ?? { id: "unknown", dirty: false },
      trigger: result.trigger ?? { source: "unknown" },
      dataPath: typeof result.dataPath === "string" ? result.dataPath : "unknown",
      timings: [],
      endpoints: result.endpoints ?? {},
    } as LocalRunResult);
  } catch (error) {
    return unreadable(runsRoot, runId, `result.json: ${(error as Error).message}`);
  }
}

/** Every run under the runs folder, oldest first; one whose record is damaged is marked, not dropped. */
export function readRuns(runsRoot: string): RunRecord[] {
  if (!existsSync(runsRoot)) return [];
  return readdirSync(runsRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(runsRoot, entry.name, "result.json")))
    .map((entry) => readRunRecord(runsRoot, entry.name))
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
