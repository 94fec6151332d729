import { readdirSync, statSync, watch, type FSWatcher } from "node:fs";
import { dirname, join } from "node:path";
import { describeDataSets, isDataSetName, type DataSetSettings } from "../../config/data-sets";
import { loadMlPipelineConfig, type MlPipelineConfig } from "../../config/ml-config";
import { driftDecision, recentRuns } from "../../functions/lib/drift-cooldown";
import { runLocalPipeline } from "../run/pipeline";
import { pythonJobs } from "../python/jobs";
import { debouncer } from "./debouncer";
import { LocalUsageError, type LocalRunOptions, type LocalRunResult } from "../run/types";
import { RunQueue, type QueuedRun } from "./run-queue";
import { StateFileError } from "../run/state-file";
import { readDriftLedger, recordDriftRun } from "./drift-ledger";
import { reasonFor, triggerGlobs, watchTargets, type WatchedPaths } from "./watched";

/**
 * `npm start -- --watch`: the continuous pipeline on one machine. A change to a watched path starts a
 * run (queued, never two at once, never dropped); a changed data set of this model (config/data-sets.ts)
 * starts a run on that file; a release whose monitoring finds drift starts a drift run on the newest
 * data set, within the ML config's cooldown and daily cap, as the cloud's drift trigger does.
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
  /** `local`: code or config changed; `data`: a data set of this model changed; `drift`: monitoring. */
  trigger: "local" | "data" | "drift";
  dataPath: string;
}

/** The local stand-in for the drift alarm's name, recorded as the drift run's trigger. */
export const LOCAL_DRIFT_ALARM = "local-data-quality-monitor";

export interface Watching {
  /** Resolves when no run is going and none waits (tests wait on it). */
  idle(): Promise<void>;
  close(): void;
}

/** The ML config as watch mode starts with it: an invalid one is an error now, not at the first change. */
function startingConfig(path: string): MlPipelineConfig {
  try {
    return loadMlPipelineConfig(path);
  } catch (error) {
    throw new LocalUsageError(`${(error as Error).message} (fix it, then start watching again)`);
  }
}

/** The data sets changed since the last run asked for one: the newest that still exists wins. */
class ChangedData {
  private readonly paths = new Set<string>();

  add(path: string): void {
    this.paths.add(path);
  }

  take(): string | undefined {
    const newest = [...this.paths]
      .map((path) => ({ path, stat: statSync(path, { throwIfNoEntry: false }) }))
      .filter(({ stat }) => stat?.isFile() && stat.size > 0)
      .sort((a, b) => b.stat!.mtimeMs - a.stat!.mtimeMs)[0]?.path;
    this.paths.clear();
    return newest;
  }
}

export function watchAndRun(options: WatchOptions): Watching {
  let dataSets: DataSetSettings = startingConfig(options.run.configPath).data;
  const watched: WatchedPaths = {
    root: options.root,
    globs: triggerGlobs(options.root),
    dataDir: dirname(options.run.dataPath),
    configPath: options.run.configPath,
    isDataSet: (name) => isDataSetName(name, dataSets),
  };
  const { log } = options.run;
  const changedData = new ChangedData();
  const requestFor = (): RunRequest => {
    const dataPath = changedData.take();
    return dataPath ? { trigger: "data", dataPath } : { trigger: "local", dataPath: options.run.dataPath };
  };
  const debounced = debouncer(options.debounceMs ?? 400, (reasons) =>
    queue.request(reasons.join(", "), requestFor(), preferred),
  );
  // A run that starts reads the files as they are now: changes still inside their debounce window are
  // part of it, not the reason for one more run after it.
  const queue: RunQueue<RunRequest> = new RunQueue((run) => {
    const late = debounced.take();
    const request = late.length ? preferred(run.request, requestFor()) : run.request;
    return runOnce(options, queue, { reasons: [...run.reasons, ...late], request });
  });
  const onChange = (path: string) => {
    const reason = reasonFor(path, watched);
    if (!reason) return;
    if (reason === "data") changedData.add(path);
    if (reason === "config") dataSets = reloadedDataSets(options.run.configPath, dataSets);
    debounced(
      `${reason}: ${path.startsWith(`${watched.root}/`) ? path.slice(watched.root.length + 1) : path}`,
    );
  };
  const watchers: FSWatcher[] = watchTargets(watched).map(({ dir, recursive }) =>
    watch(dir, { recursive }, (_event, file) => file && onChange(join(dir, file.toString()))),
  );
  log(
    `Watching ${watched.globs.join(", ")}, ${describeDataSets({ ...dataSets, stagingPrefix: `${watched.dataDir}/` })} and ${watched.configPath}; Ctrl-C stops.`,
  );
  return { idle: () => queue.idle(), close: () => watchers.forEach((w) => w.close()) };
}

/** The data-set rule of an edited config; while the edit is not valid yet, the last one holds. */
function reloadedDataSets(configPath: string, previous: DataSetSettings): DataSetSettings {
  try {
    return loadMlPipelineConfig(configPath).data;
  } catch {
    return previous;
  }
}

/**
 * Which of two requests a waiting run becomes: a drift run stays one (it trains on the newest data and
 * code anyway), new data beats a code change (the code is read fresh by every run), else the newer.
 */
const RANK: Record<RunRequest["trigger"], number> = { local: 0, data: 1, drift: 2 };
const preferred = (waiting: RunRequest, incoming: RunRequest) =>
  RANK[waiting.trigger] > RANK[incoming.trigger] ? waiting : incoming;

const TRIGGERS = {
  local: { source: "local" },
  data: { source: "data" },
  drift: { source: "drift", alarm: LOCAL_DRIFT_ALARM },
} as const;

async function runOnce(options: WatchOptions, queue: RunQueue<RunRequest>, run: QueuedRun<RunRequest>) {
  const { log } = options.run;
  const { trigger, dataPath } = run.request;
  log(`\n▶ ${trigger === "drift" ? "Drift run" : "Run"} for ${run.reasons.join("; ")}`);
  if (trigger !== "local") log(`  training on ${dataPath}`);
  try {
    const startedAt = new Date();
    const result = await runLocalPipeline({
      ...options.run,
      dataPath,
      trigger: TRIGGERS[trigger],
      // The retrained model serves the world as it is; only the first release shows simulated drift.
      simulateDrift: trigger === "drift" ? false : options.run.simulateDrift,
    });
    if (trigger === "drift") recordIfTrained(options, result, startedAt);
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

/**
 * A drift run costs its cooldown once it trains, as the cloud's does once the pipeline starts; one
 * that failed on its data (before any training job) trained nothing and is not counted.
 */
function recordIfTrained(options: WatchOptions, result: LocalRunResult, startedAt: Date): void {
  const trained = (result.tasks ?? []).some((task) => task === "Train" || task === "Tune");
  const { runsRoot, log } = options.run;
  if (!trained) {
    log("  the drift run failed before training, so it does not count against the drift cooldown");
    return;
  }
  const settings = loadMlPipelineConfig(options.run.configPath).retraining;
  // A damaged ledger is left as it is (no drift run starts while it is): it may be repaired.
  const recorded = ledgerOrSay(runsRoot, log);
  if (recorded) recordDriftRun(runsRoot, recentRuns(recorded, startedAt, settings.cooldownHours), startedAt);
}

/** The ledger's runs, or undefined after saying why it cannot be read. */
function ledgerOrSay(runsRoot: string, log: (line: string) => void): Date[] | undefined {
  try {
    return readDriftLedger(runsRoot);
  } catch (error) {
    if (!(error instanceof StateFileError)) throw error;
    log(`No drift run: ${error.message}`);
    return undefined;
  }
}

/** The local drift alarm: a released model whose monitoring found violations starts a drift run. */
function retrainIfDrifted(options: WatchOptions, queue: RunQueue<RunRequest>, result: LocalRunResult) {
  const violations = result.drift?.violations.length ?? 0;
  if (result.outcome !== "released" || violations === 0) return;
  const { runsRoot, configPath, log } = options.run;
  const config = loadMlPipelineConfig(configPath);
  const recorded = ledgerOrSay(runsRoot, log);
  if (!recorded) return;
  const decision = driftDecision(recorded, new Date(), config.retraining);
  if (!decision.allowed)
    return log(
      `Drift found (${violations} features); no drift run: ${decision.reason} (npm run runs -- --reset-drift-ledger forgets earlier drift runs)`,
    );
  const dataDir = dirname(options.run.dataPath);
  const dataPath = newestDataSet(dataDir, config.data);
  if (!dataPath)
    return log(
      `Drift found (${violations} features); no drift run: no ${describeDataSets({ ...config.data, stagingPrefix: `${dataDir}/` })}`,
    );
  queue.request(`drift: ${violations} features drifted (${LOCAL_DRIFT_ALARM})`, {
    trigger: "drift",
    dataPath,
  });
}

/** The newest non-empty data set of this model in the data folder, as the cloud's drift trigger picks. */
function newestDataSet(dir: string, dataSets: DataSetSettings): string | undefined {
  return readdirSync(dir)
    .filter((name) => isDataSetName(name, dataSets))
    .map((name) => ({ path: join(dir, name), stat: statSync(join(dir, name)) }))
    .filter(({ stat }) => stat.isFile() && stat.size > 0)
    .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs)[0]?.path;
}
