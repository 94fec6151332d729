import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  watch,
  writeFileSync,
  type FSWatcher,
} from "node:fs";
import { dirname, join } from "node:path";
import { loadMlPipelineConfig } from "../../config/schema";
import { driftDecision, recentRuns } from "../../functions/lib/drift-cooldown";
import { runLocalPipeline } from "../pipeline";
import { pythonJobs } from "../python-jobs";
import { debouncer } from "./debouncer";
import { LocalUsageError, type LocalRunOptions, type LocalRunResult } from "../run-types";
import { RunQueue, type QueuedRun } from "./run-queue";
import { reasonFor, triggerGlobs, watchTargets, type WatchedPaths } from "./watched";

/**
 * `npm start -- --watch`: the continuous pipeline on one machine. A change to a watched path starts a
 * run (queued, never two at once, never dropped); a release whose monitoring finds drift starts a
 * drift run by itself, within the ML config's cooldown and daily cap, as the cloud's drift trigger does.
 */
export interface WatchOptions {
  /** The run settings every run starts from (data, config, approval, runs folder, simulations). */
  run: Omit<LocalRunOptions, "trigger">;
  /** The repository whose code and config paths are watched. */
  root: string;
  /** After each run: print its summary, write its report and the run history. */
  onResult: (result: LocalRunResult) => void;
  /** Changes closer together than this start one run. */
  debounceMs?: number;
}

interface RunRequest {
  trigger: "local" | "drift";
  dataPath: string;
}

/** The local stand-in for the drift alarm's name, recorded as the drift run's trigger. */
export const LOCAL_DRIFT_ALARM = "local-data-quality-monitor";

export interface Watching {
  /** Resolves when no run is going and none waits (tests wait on it). */
  idle(): Promise<void>;
  close(): void;
}

export function watchAndRun(options: WatchOptions): Watching {
  const watched: WatchedPaths = {
    root: options.root,
    globs: triggerGlobs(options.root),
    dataDir: dirname(options.run.dataPath),
    configPath: options.run.configPath,
  };
  const { log } = options.run;
  const debounced = debouncer(options.debounceMs ?? 400, (reasons) =>
    queue.request(reasons.join(", "), { trigger: "local", dataPath: options.run.dataPath }, keepDrift),
  );
  // A run that starts reads the files as they are now: changes still inside their debounce window are
  // part of it, not the reason for one more run after it.
  const queue: RunQueue<RunRequest> = new RunQueue((run) =>
    runOnce(options, queue, { ...run, reasons: [...run.reasons, ...debounced.take()] }),
  );
  const watchers: FSWatcher[] = watchTargets(watched).map(({ dir, recursive }) =>
    watch(dir, { recursive }, (_event, file) => {
      if (!file) return;
      const path = join(dir, file.toString());
      const reason = reasonFor(path, watched);
      if (reason)
        debounced(
          `${reason}: ${path.startsWith(`${watched.root}/`) ? path.slice(watched.root.length + 1) : path}`,
        );
    }),
  );
  log(
    `Watching ${watched.globs.join(", ")}, ${watched.dataDir}/*.csv and ${watched.configPath}; Ctrl-C stops.`,
  );
  return { idle: () => queue.idle(), close: () => watchers.forEach((w) => w.close()) };
}

/** A drift run waiting is not replaced by a change: it trains on the newest data and code anyway. */
const keepDrift = (waiting: RunRequest, incoming: RunRequest) =>
  waiting.trigger === "drift" ? waiting : incoming;

async function runOnce(options: WatchOptions, queue: RunQueue<RunRequest>, run: QueuedRun<RunRequest>) {
  const { log } = options.run;
  const { trigger, dataPath } = run.request;
  log(`\n▶ ${trigger === "drift" ? "Drift run" : "Run"} for ${run.reasons.join("; ")}`);
  try {
    const result = await runLocalPipeline({
      ...options.run,
      dataPath,
      trigger: trigger === "drift" ? { source: "drift", alarm: LOCAL_DRIFT_ALARM } : { source: "local" },
      // The retrained model serves the world as it is; only the first release shows simulated drift.
      simulateDrift: trigger === "drift" ? false : options.run.simulateDrift,
    });
    options.onResult(result);
    retrainIfDrifted(options, queue, result);
  } catch (error) {
    // A bad edit (an invalid config, a missing data file) waits for the next change; so does anything
    // else a run throws: the watcher outlives one broken run.
    const message = error instanceof Error ? error.message : String(error);
    log(`error: ${message}${error instanceof LocalUsageError ? "" : " (unexpected; DEBUG=1 shows more)"}`);
    if (!(error instanceof LocalUsageError) && process.env.DEBUG && error instanceof Error)
      log(String(error.stack));
  }
  log("Waiting for changes…");
  // A run stops everything it started; the next one finds its Python already started (XGBoost imported).
  pythonJobs().catch(() => undefined);
}

/** The local drift alarm: a released model whose monitoring found violations starts a drift run. */
function retrainIfDrifted(options: WatchOptions, queue: RunQueue<RunRequest>, result: LocalRunResult) {
  const violations = result.drift?.violations.length ?? 0;
  if (result.outcome !== "released" || violations === 0) return;
  const ledgerPath = join(options.run.runsRoot, "drift-ledger.json");
  const history = readLedger(ledgerPath);
  const now = new Date();
  const settings = loadMlPipelineConfig(options.run.configPath).retraining;
  const decision = driftDecision(history, now, settings);
  if (!decision.allowed)
    return options.run.log(`Drift found (${violations} features); no drift run: ${decision.reason}`);
  const runs = [...recentRuns(history, now, settings.cooldownHours), now].map((at) => ({
    startedAt: at.toISOString(),
  }));
  writeFileSync(ledgerPath, JSON.stringify({ runs }));
  queue.request(`drift: ${violations} features drifted (${LOCAL_DRIFT_ALARM})`, {
    trigger: "drift",
    dataPath: newestDataSet(dirname(options.run.dataPath)) ?? options.run.dataPath,
  });
}

function readLedger(path: string): Date[] {
  if (!existsSync(path)) return [];
  try {
    const runs = (JSON.parse(readFileSync(path, "utf8")) as { runs?: { startedAt: string }[] }).runs ?? [];
    return runs.map((run) => new Date(run.startedAt)).filter((at) => !Number.isNaN(at.getTime()));
  } catch {
    return [];
  }
}

/** The newest non-empty CSV in the data folder, as the cloud's drift trigger picks under the prefix. */
function newestDataSet(dir: string): string | undefined {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".csv"))
    .map((name) => ({ path: join(dir, name), stat: statSync(join(dir, name)) }))
    .filter(({ stat }) => stat.isFile() && stat.size > 0)
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs)[0]?.path;
}
