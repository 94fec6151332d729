import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { requireFile } from "./run/inputs";
import { stopAll } from "./python/lifecycle";
import { npmTookFlags } from "./npm-flags";
import { LocalSetupError } from "./python/python";
import { pythonJobs } from "./python/jobs";
import { DEFAULT_LOCK_WAIT_SECONDS } from "./run/lock";
import {
  LocalUsageError,
  SIGNAL_EXIT_CODES,
  type Approval,
  type LocalRunOptions,
  type LocalRunResult,
} from "./run/types";
import { writeReport } from "./report/report";
import { writeRunIndex } from "./history/index-page";
import { summary } from "./report/summary";

const ROOT = resolve(__dirname, "..");

const DEFAULT_DEBOUNCE_MS = 400;

function debounceMs(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value) || ms > 60_000)
    throw new InvalidArgumentError("give a whole number of milliseconds from 0 to 60000.");
  return ms;
}

function lockWaitSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds > 86_400)
    throw new InvalidArgumentError("give a whole number of seconds from 0 to 86400 (a day).");
  return seconds;
}

/** The pipeline's modules: loaded once the arguments are known, while Python starts (see main). */
let pipeline: typeof import("./run/pipeline") | undefined;

/** The command line of `npm start --`. */
function commandLine(): Command {
  return new Command("npm start --")
    .description(
      "Run the continuous ML pipeline locally: data prep, training, gate, test endpoint and tests, approval, prod canary, monitoring",
    )
    .option("--approve", "approve the release without asking")
    .option("--reject", "reject the release without asking")
    .option("--data <csv>", "training data", join(ROOT, "sample-datasets", "customer-churn.csv"))
    .option("--config <json>", "ML pipeline config", join(ROOT, "config", "ml-pipeline-config.json"))
    .option("--runs <dir>", "where run directories and the local model registry live", join(ROOT, ".runs"))
    .option("--simulate-drift", "skew the monitoring traffic to show a drift violation")
    .option(
      "--watch",
      "keep running: a change to the code, the ML config or the data folder starts a run, and drift starts a retraining run",
    )
    .option(
      "--debounce <ms>",
      "with --watch: how long changes must settle before they start a run",
      debounceMs,
      DEFAULT_DEBOUNCE_MS,
    )
    .option(
      "--lock-wait <seconds>",
      "how long to wait for another run that is using the runs folder",
      lockWaitSeconds,
      DEFAULT_LOCK_WAIT_SECONDS,
    )
    .addOption(
      new Option(
        "--simulate-canary-fault <kind>",
        "make the new model fail its canary, to see the rollback",
      ).choices(["errors", "latency"]),
    )
    .exitOverride();
}

async function main(argv: string[]): Promise<number> {
  const program = commandLine();
  const misread = npmTookFlags(program, argv, process.env);
  if (misread) throw misread;
  program.parse(argv, { from: "user" });
  const options = program.opts<{
    approve?: boolean;
    reject?: boolean;
    data: string;
    config: string;
    runs: string;
    simulateDrift?: boolean;
    simulateCanaryFault?: "errors" | "latency";
    watch?: boolean;
    debounce: number;
    lockWait: number;
  }>();
  // Watch mode reads the config before its first run; a missing one is said the same way in both modes.
  requireFile(resolve(options.config), "the ML pipeline config");
  if (options.approve && options.reject)
    throw new LocalUsageError("--approve and --reject cannot both be given");
  const approval: Approval = options.approve ? "approve" : options.reject ? "reject" : "ask";
  const runOptions: LocalRunOptions = {
    dataPath: resolve(options.data),
    configPath: resolve(options.config),
    approval,
    runsRoot: resolve(options.runs),
    simulateDrift: options.simulateDrift,
    simulateCanaryFault: options.simulateCanaryFault,
    log: (line) => console.log(line),
    prompt: process.stdin.isTTY === true ? askAtTerminal : undefined,
    supervised,
    lockWaitSeconds: options.lockWait,
  };
  // Python's start-up (importing XGBoost) and loading the rest of local mode overlap; a Python without
  // XGBoost is still reported by the run, before anything starts.
  pythonJobs().catch(() => undefined);
  pipeline = await import("./run/pipeline");
  if (options.watch) {
    // Loaded only here: a single run needs none of watch mode's modules.
    const { watchAndRun } = await import("./watch/watch-loop");
    watchAndRun({ run: runOptions, root: ROOT, onResult: report, debounceMs: options.debounce });
    return new Promise<number>(() => undefined); // until Ctrl-C
  }
  const result = await pipeline.runLocalPipeline(runOptions);
  report(result);
  return result.exitCode;
}

/**
 * The run's summary, its report page and the run history. What the run did is done: a page that
 * cannot be written is a warning, never the exit code of a run that released.
 */
function report(result: LocalRunResult): void {
  for (const line of summary(result)) console.log(line);
  const write = (what: string, page: () => string) => {
    try {
      console.log(page());
    } catch (error) {
      console.error(`warning: the ${what} could not be written: ${(error as Error).message}`);
    }
  };
  write("report", () => writeReport(result));
  write("run history", () => `history: ${writeRunIndex(dirname(result.runDir))}`);
}

async function askAtTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

// Handlers log at INFO in Lambda; in a terminal run only their warnings belong next to the progress lines.
process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
// The SDK warns that its future releases need Node 22; local mode is supported on Node 20 with the
// pinned SDK, so the warning says nothing a user can act on (the SDK's own switch turns it off).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/**
 * Ctrl-C, `kill` and a closed terminal end a run the same way: the run is recorded as interrupted,
 * workers and servers stop, and the exit code is 128 + the signal's number.
 */
let stopping = false;
function stopOn(signal: NodeJS.Signals): void {
  const code = SIGNAL_EXIT_CODES[signal] ?? 130;
  if (stopping) process.exit(code);
  stopping = true;
  const runDir = pipeline?.interruptRun(signal);
  console.error(
    `\n${signal === "SIGINT" ? "Interrupted" : `Stopped by ${signal}`}: stopping local services and workers…${runDir ? ` (run recorded as interrupted in ${runDir})` : ""}`,
  );
  void stopAll().finally(() => process.exit(code));
}
for (const signal of Object.keys(SIGNAL_EXIT_CODES) as NodeJS.Signals[])
  process.on(signal, () => stopOn(signal));

/**
 * Under `npm start`, npm (through its shell) is the parent; when it is stopped (CI runners,
 * `docker stop` and process managers signal npm, not this process) this process is handed to
 * another parent. The run asks before each stage, so it stops before approval or a release even
 * when that comes sooner than the next look on the timer.
 */
const parent = process.ppid;
function supervised(): boolean {
  return process.ppid === parent;
}
setInterval(() => {
  if (!supervised()) stopOn("SIGHUP");
}, 1000).unref();

main(process.argv.slice(2)).then(
  // The job server outlives a run for the next one in this process; there is none after this one.
  (code) => stopAll().finally(() => process.exit(code)),
  async (error: unknown) => {
    // A signal ends the process with its own code (Ctrl-C also ends the children, which can fail
    // a run before this process's handler runs).
    if (stopping) return;
    await stopAll();
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    const expected = error instanceof LocalSetupError || error instanceof LocalUsageError;
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (!expected && error instanceof Error && process.env.DEBUG) console.error(error.stack);
    process.exit(2);
  },
);
