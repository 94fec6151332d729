import "./promise-with-resolvers";
import { existsSync, mkdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { expandFeatures, loadMlPipelineConfig, type MlPipelineConfig } from "../../config/ml-config";
import { buildRunInput } from "../../functions/lib/run-input";
import { settingsFromEnvironment } from "../../functions/pipeline-runner";
import { LocalAccount } from "../aws/account";
import { stopUsingLocalServices } from "../aws/clients";
import { localDeployment } from "../aws/deployment";
import { SageMakerHosting } from "../aws/sagemaker-hosting";
import { championQuality } from "../release/champion";
import { LocalHosting } from "../aws/hosting";
import { requireFile } from "./inputs";
import { stopRun } from "../python/lifecycle";
import { LocalSetupError } from "../python/python";
import { pythonJobs } from "../python/jobs";
import type { RunContext } from "./context";
import { LocalUsageError, SIGNAL_EXIT_CODES, type LocalRunOptions, type LocalRunResult } from "./types";
import { STAGES } from "../stages";
import { sourceSnapshot } from "../stages/source";
import { writeRunIndex } from "../history/index-page";
import { writeReport } from "../report/report";
import { acquireRunLock } from "./lock";
import { writeStateFile } from "./state-file";
import { LocalAwsState } from "../aws/state";

export { LocalUsageError } from "./types";
export type { Approval, LocalRunOptions, LocalRunResult, StageTiming } from "./types";

/**
 * Local mode: the continuous pipeline of the cloud product on one machine. The same state machine
 * definition runs in aws-local-stepfunctions, the same handlers run against local stand-ins, XGBoost
 * trains for real and local endpoints serve it. The stages are in `local/stages/`, in order.
 */

function readConfig(path: string): MlPipelineConfig {
  try {
    return loadMlPipelineConfig(path);
  } catch (error) {
    throw new LocalUsageError((error as Error).message);
  }
}

/** Checks the inputs and sets up the run: its id, folder, local AWS state and result. */
async function prepare(options: LocalRunOptions): Promise<RunContext | undefined> {
  const dataPath = resolve(options.dataPath);
  const configPath = resolve(options.configPath);
  requireFile(dataPath, "the data file");
  requireFile(configPath, "the ML pipeline config");
  const config = readConfig(configPath);
  const [account] = await Promise.all([localAccount(options, config, configPath), pythonJobs()]);
  const commit = sourceSnapshot(resolve(__dirname, "..", ".."), dataPath, configPath);
  const trigger = options.trigger ?? { source: "local" as const };
  const startedAt = new Date();
  // The run input the deployed pipeline-runner would build, from its environment in the stack.
  const runner = settingsFromEnvironment(account.deployedFunction("mlops-pipeline-runner").environment);
  // The data set lands under its own name, as an upload would: the run trains on that object and
  // its lineage names it.
  const dataKey = `${config.data.stagingPrefix}${basename(dataPath)}`;
  const input = buildRunInput(
    config,
    { commitId: commit.id, source: trigger.source, alarm: trigger.alarm, startedAt, dataKey },
    {
      bucket: runner.bucket,
      configKey: runner.configKey,
      modelPackageGroupName: runner.modelPackageGroupName,
      image: `${runner.xgboostRepository}:${config.training.imageVersion}`,
    },
  );
  const runDir = join(options.runsRoot, input.runId);
  // Run ids are to the second (as in the cloud): a run that would reuse a folder starts a second later.
  if (existsSync(runDir)) return undefined;
  mkdirSync(runDir, { recursive: true });
  const world = new LocalAwsState(runDir, runner.bucket, options.runsRoot);
  const hosting = new LocalHosting(world);
  const champion = world.champion(input.registry.groupName);
  const result: LocalRunResult = {
    ...{ outcome: "failed", exitCode: 1, runDir, runId: input.runId, message: "" },
    ...{ timings: [], input, commit, endpoints: {} },
    ...{ startedAt: startedAt.toISOString(), trigger, dataPath },
    ...{ dataUri: input.data.rawUri, modelGroup: input.registry.groupName },
    // What production serves as the run starts; a run that does not release leaves it champion.
    previousChampion: champion,
    previousChampionQuality: champion && championQuality(champion),
  };
  return {
    options: { ...options, dataPath, configPath },
    log: options.log,
    config,
    features: expandFeatures(config.data.features),
    input,
    world,
    hosting,
    account,
    sageMaker: new SageMakerHosting(world, hosting, account),
    result,
  };
}

/**
 * The account the run runs in: the stacks the program deploys for this ML config (offline, kept on
 * disk; see aws/deployment.ts), as the options may change them.
 */
async function localAccount(options: LocalRunOptions, config: MlPipelineConfig, configPath: string) {
  const deployment = await localDeployment(config, configPath, () =>
    options.log(
      "Deploying the test and prod stacks offline for this program and ML config (later runs reuse it)…",
    ),
  );
  return options.changeDeployment
    ? new LocalAccount(options.changeDeployment(deployment))
    : new LocalAccount(deployment, deployment.key);
}

/** The run going on in this process and its stage, for a signal that ends it (see interruptRun). */
let current: { ctx: RunContext; stage: string } | undefined;

/**
 * Records that a signal ended the run: `result.json` says `interrupted`, the stage it was in and the
 * exit code the process ends with; the report and the run history say so. The stages still running
 * see it and do nothing irreversible (run-context.ts, `stillRunning`); a candidate that was not
 * released is Rejected with the reason. Returns the run folder, or undefined when no run was going on.
 */
export function interruptRun(signal: NodeJS.Signals): string | undefined {
  if (!current) return undefined;
  const { ctx, stage } = current;
  current = undefined;
  ctx.interrupted = signal;
  const { result } = ctx;
  const reason = `interrupted by ${signal} during ${stage}`;
  const pending = result.modelPackage?.status === "PendingManualApproval";
  if (pending)
    result.modelPackage = ctx.world.setStatus(result.modelPackage!.arn, "Rejected", `the run was ${reason}`);
  Object.assign(result, {
    outcome: "interrupted",
    exitCode: SIGNAL_EXIT_CODES[signal] ?? 130,
    failedState: stage,
    message: `Interrupted by ${signal} during ${stage}; nothing after it ran.${pending ? ` Model version ${result.modelPackage!.version} was not released (Rejected).` : ""}`,
  });
  writeResult(result);
  // The signal's handler must finish: pages that cannot be written do not stop it.
  for (const write of [() => writeReport(result), () => writeRunIndex(dirname(result.runDir))])
    try {
      write();
    } catch {
      // the record above is what history and the next run read
    }
  return result.runDir;
}

/** The run's record, written whole: a crash mid-write leaves the previous one (history reads it). */
function writeResult(result: LocalRunResult): void {
  writeStateFile(join(result.runDir, "result.json"), { ...result, input: undefined }, 2);
}

/**
 * Runs each stage in order, timing it, until one stops the run or all have run. Before each stage
 * the run checks that whoever started it is still there (`npm` for `npm start`): a run whose
 * supervisor was stopped (CI runners, `docker stop` and process managers signal npm, not this
 * process) stops before anything irreversible, as if it had been sent SIGHUP.
 */
async function runStages(ctx: RunContext): Promise<void> {
  for (const stage of STAGES) {
    if (ctx.interrupted) return;
    current = { ctx, stage: stage.name };
    if (ctx.options.supervised?.() === false) {
      ctx.log(`The process that started this run is gone; stopping before ${stage.name}.`);
      interruptRun("SIGHUP");
      return;
    }
    const started = performance.now();
    let outcome: "continue" | "stop";
    try {
      outcome = await stage.run(ctx);
    } finally {
      const seconds = (performance.now() - started) / 1000;
      ctx.result.timings.push({ stage: stage.name, seconds });
      ctx.log(`  ${stage.name.padEnd(22)} ${seconds.toFixed(2)} s`);
    }
    if (outcome === "stop") return;
  }
}

/**
 * What AWS would have refused: a run that ended early says which call IAM refused first, with
 * AWS's message, where the stage's own message does not already (a handler may have turned the
 * denial into a 502 or a retry).
 */
function explainRefusals(result: LocalRunResult, refusals: string[]): void {
  if (refusals.length === 0) return;
  result.refusals = [...refusals];
  if (result.outcome === "released" || result.message.includes(refusals[0])) return;
  result.message = `${result.message}\nAWS refused: ${refusals[0]}`.trim();
}

/** Sets the run up in a folder of its own, waiting for the next second if this one's id is taken. */
async function prepareUnique(options: LocalRunOptions): Promise<RunContext> {
  for (;;) {
    const ctx = await prepare(options);
    if (ctx) return ctx;
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
  }
}

export async function runLocalPipeline(options: LocalRunOptions): Promise<LocalRunResult> {
  const release = await acquireRunLock(resolve(options.runsRoot), options.log, {
    waitSeconds: options.lockWaitSeconds,
  });
  try {
    return await runLocked(options);
  } finally {
    release();
  }
}

async function runLocked(options: LocalRunOptions): Promise<LocalRunResult> {
  const ctx = await prepareUnique(options);
  const { result } = ctx;
  ctx.log(
    `Run ${result.runId} (commit ${result.commit.id.slice(0, 12)}${result.commit.dirty ? ", uncommitted changes" : ""}) in ${result.runDir}`,
  );
  try {
    await runStages(ctx);
    return result;
  } catch (error) {
    if (error instanceof LocalSetupError || error instanceof LocalUsageError) throw error;
    result.message = `Local run failed: ${error instanceof Error ? error.message : String(error)}`;
    return result;
  } finally {
    current = undefined;
    stopUsingLocalServices();
    await ctx.hosting.stop();
    await stopRun();
    ctx.account.saveDecisions();
    if (!ctx.interrupted) {
      explainRefusals(result, ctx.account.refusals);
      writeResult(result);
    }
  }
}
