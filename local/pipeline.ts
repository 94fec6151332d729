import "./promise-with-resolvers";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { StateMachine } from "aws-local-stepfunctions";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { expandFeatures, loadMlPipelineConfig, type MlPipelineConfig } from "../config/schema";
import { configureClients } from "../functions/lib/clients";
import { buildRunInput, type RunInput } from "../functions/lib/run-input";
import type { MicroserviceSettings } from "../functions/microservice";
import { describeReport, runSuite, type KnownCase, type SuiteReport } from "../functions/test-suite";
import { pipelineDefinition } from "../infra/ml/state-machine";
import { handlersByState, localAdapters, type TaskHandler } from "./adapters";
import { startApi } from "./api-server";
import { LocalHosting, startRuntime } from "./hosting";
import { stopAll } from "./lifecycle";
import { capturedRows, checkDrift, type DriftReport } from "./monitor";
import { findPython, LocalSetupError } from "./python";
import { startS3 } from "./s3-server";
import { startSageMaker } from "./sagemaker-server";
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalWorld, type ModelPackage } from "./world";

/**
 * Local mode: the continuous pipeline of the cloud product on one machine. The same state machine
 * definition runs in aws-local-stepfunctions, the same handlers run against local stand-ins, XGBoost
 * trains for real and local endpoints serve it.
 */

export type Approval = "approve" | "reject" | "ask";

export interface LocalRunOptions {
  dataPath: string;
  configPath: string;
  approval: Approval;
  /** Asks the person at the terminal; only used when approval is "ask" and stdin is a terminal. */
  prompt?: (question: string) => Promise<boolean>;
  /** Where run directories and the shared model registry live. */
  runsRoot: string;
  /** Skews monitoring traffic, to see what a drift violation looks like. */
  simulateDrift?: boolean;
  log: (line: string) => void;
}

export interface StageTiming {
  stage: string;
  seconds: number;
}

export interface LocalRunResult {
  outcome: "released" | "rejected" | "awaiting-approval" | "failed";
  exitCode: number;
  runDir: string;
  runId?: string;
  message: string;
  timings: StageTiming[];
  input?: RunInput;
  dataReport?: Record<string, unknown>;
  evaluation?: Record<string, unknown>;
  gateSummary?: string;
  modelPackage?: ModelPackage;
  previousChampion?: ModelPackage;
  testReport?: SuiteReport;
  canary?: { requests: number; errors: number; byVariant: Record<string, number> };
  drift?: DriftReport;
  featureImportance?: { feature: string; gain: number }[];
  commit: { id: string; dirty: boolean };
  endpoints: { test?: string; prod?: string };
  failedState?: string;
}

/** A failure with a clear message (bad input, missing tools); exit code 2. */
export class LocalUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalUsageError";
  }
}

const BUCKET = "local-staging";
const CONFIG_KEY = "config/ml-pipeline-config.json";
const LATENCY_BUDGET_MS = 250;

function sourceSnapshot(repo: string, dataPath: string, configPath: string): { id: string; dirty: boolean } {
  const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: repo, encoding: "utf8" });
  if (head.status === 0) {
    const status = spawnSync("git", ["status", "--porcelain"], { cwd: repo, encoding: "utf8" });
    return { id: head.stdout.trim(), dirty: status.stdout.trim().length > 0 };
  }
  const hash = createHash("sha1")
    .update(readFileSync(dataPath))
    .update(readFileSync(configPath))
    .digest("hex");
  return { id: hash, dirty: true };
}

function readConfig(path: string): MlPipelineConfig {
  try {
    return loadMlPipelineConfig(path);
  } catch (error) {
    throw new LocalUsageError((error as Error).message);
  }
}

export async function runLocalPipeline(options: LocalRunOptions): Promise<LocalRunResult> {
  const log = options.log;
  const timings: StageTiming[] = [];
  const stage = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      timings.push({ stage: name, seconds });
      log(`  ${name.padEnd(22)} ${seconds.toFixed(2)} s`);
    }
  };

  const dataPath = resolve(options.dataPath);
  const configPath = resolve(options.configPath);
  if (!existsSync(dataPath))
    throw new LocalUsageError(
      `Cannot read the data file ${dataPath}: it does not exist (give another with --data)`,
    );
  const config = readConfig(configPath);
  const features = expandFeatures(config.data.features);
  findPython();

  const repo = resolve(__dirname, "..");
  const commit = sourceSnapshot(repo, dataPath, configPath);
  const startedAt = new Date();
  const input = buildRunInput(
    config,
    { commitId: commit.id, source: "local", startedAt },
    {
      bucket: BUCKET,
      configKey: CONFIG_KEY,
      modelPackageGroupName: `${config.name}-local`,
      image: `local/sagemaker-xgboost:${config.training.imageVersion}`,
    },
  );
  const runDir = join(options.runsRoot, input.runId);
  mkdirSync(runDir, { recursive: true });
  const world = new LocalWorld(runDir, BUCKET, options.runsRoot);
  const result: LocalRunResult = {
    outcome: "failed",
    exitCode: 1,
    runDir,
    runId: input.runId,
    message: "",
    timings,
    input,
    commit,
    endpoints: {},
  };
  log(
    `Run ${input.runId} (commit ${commit.id.slice(0, 12)}${commit.dirty ? ", uncommitted changes" : ""}) in ${runDir}`,
  );

  const hosting = new LocalHosting(world);
  try {
    // Local stand-ins for the AWS APIs the handlers call, on free loopback ports.
    const [s3, sagemaker, runtime, api] = await stage("start local services", async () =>
      Promise.all([startS3(world), startSageMaker(world), startRuntime(hosting), startApi()]),
    );
    const credentials = { accessKeyId: "local", secretAccessKey: "local" };
    configureClients({
      s3: new S3Client({
        endpoint: s3.url,
        region: LOCAL_REGION,
        credentials,
        forcePathStyle: true,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      }),
      sagemaker: new SageMakerClient({ endpoint: sagemaker.url, region: LOCAL_REGION, credentials }),
      sagemakerRuntime: new SageMakerRuntimeClient({
        endpoint: runtime.url,
        region: LOCAL_REGION,
        credentials,
        maxAttempts: 1,
      }),
    });

    await stage("source", async () => {
      world.write(world.uri(`${config.data.stagingPrefix}${config.data.fileName}`), readFileSync(dataPath));
      world.write(world.uri(CONFIG_KEY), readFileSync(configPath));
    });

    // ---- the ML pipeline: the same definition the cloud deploys
    const definition = pipelineDefinition({
      glueJobName: "mlops-data-prep-local",
      controllerFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:mlops-controller-local`,
      sageMakerRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/mlops-sagemaker-local`,
      kmsKeyArn: `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/local`,
      endpointPollSeconds: 1,
      endpointMaxChecks: 20,
    });
    const adapters = localAdapters(world, hosting, features);
    const timed = Object.fromEntries(
      Object.entries(handlersByState(definition, adapters.handlers)).map(
        ([name, handler]): [string, TaskHandler] => [
          name,
          async (taskInput) => {
            const started = performance.now();
            try {
              return await handler(taskInput);
            } finally {
              log(`    ${name.padEnd(20)} ${((performance.now() - started) / 1000).toFixed(2)} s`);
            }
          },
        ],
      ),
    );
    log("ML pipeline (Step Functions definition from infra/ml/state-machine.ts):");
    const summary = await stage("ML pipeline", async () => {
      const machine = new StateMachine(definition as never);
      const execution = machine.run(input as never, {
        overrides: {
          taskResourceLocalHandlers: timed as never,
          waitTimeOverrides: { WaitForEndpoint: 50 },
          retryIntervalOverrides: { CheckEndpoint: 100 },
        },
      });
      try {
        return { ok: true as const, output: (await execution.result) as Record<string, unknown> };
      } catch (error) {
        const failure = (error as { cause?: { name?: string; message?: string } }).cause;
        return {
          ok: false as const,
          state: failure?.name ?? "Unknown",
          cause: failure?.message ?? String(error),
        };
      }
    });
    const dataReportPath = world.path(input.data.reportUri);
    if (existsSync(dataReportPath)) result.dataReport = JSON.parse(readFileSync(dataReportPath, "utf8"));
    const evaluationPath = world.path(input.evaluation.evaluationUri);
    if (existsSync(evaluationPath)) result.evaluation = JSON.parse(readFileSync(evaluationPath, "utf8"));
    const trainingDir = adapters.trainingOutputs.get(input.training.jobName);
    if (trainingDir)
      result.featureImportance = JSON.parse(
        readFileSync(join(trainingDir, "feature-importance.json"), "utf8"),
      );
    if (!summary.ok) {
      result.failedState = summary.state;
      if (summary.state === "GateRejected") result.gateSummary = summary.cause;
      result.message = `The ML pipeline stopped in ${summary.state}: ${summary.cause.replace(/\.$/, "")}. Production is untouched.`;
      return result;
    }
    result.gateSummary = `Gate passed: test AUC ${Number(summary.output.testAuc).toFixed(4)} ≥ ${config.gate.minTestAuc}, test error ${Number(summary.output.testError).toFixed(4)} ≤ ${config.gate.maxTestError}.`;
    result.modelPackage = world.packages().find((p) => p.arn === summary.output.modelPackageArn);
    result.endpoints.test = config.endpoints.test.name;

    // ---- Test stage: the test runner's suite against the local API and the microservice handler
    const microservice = (endpointName: string): MicroserviceSettings => ({
      endpointName,
      featureCount: features.length,
      threshold: 0.5,
      maxBatch: 100,
    });
    const testStage = api.addStage("test", microservice(config.endpoints.test.name));
    const testRows = readFileSync(world.path(`${input.data.testUri}test.csv`), "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => l.split(",").map(Number));
    const cases: KnownCase[] = testRows.slice(0, 20).map((r, i) => ({
      name: `test-split row ${i + 1}`,
      expectedClass: r[0] === 1 ? 1 : 0,
      features: r.slice(1),
    }));
    // The known rows may miss as often as the gate lets the model err, with slack for a 20-row sample.
    const minAccuracy = Math.max(0, 1 - config.gate.maxTestError - 0.1);
    result.testReport = await stage("test", () =>
      runSuite({
        url: testStage.url,
        apiKey: testStage.apiKey,
        cases,
        latencyBudgetMs: LATENCY_BUDGET_MS,
        minAccuracy,
      }),
    );
    if (!result.testReport.passed) {
      result.failedState = "Test";
      result.message = `The test stage failed; production is untouched.\n${describeReport(result.testReport)}`;
      return result;
    }

    // ---- Approval
    const approved = await stage("approval", async () => {
      if (options.approval === "approve") return "approve" as const;
      if (options.approval === "reject") return "reject" as const;
      if (!options.prompt) return "stop" as const;
      return (await options.prompt(`Release model ${result.modelPackage?.arn} to production? [y/N] `))
        ? ("approve" as const)
        : ("reject" as const);
    });
    if (approved === "stop") {
      result.outcome = "awaiting-approval";
      result.exitCode = 0;
      result.message =
        "Stopped after the test stage: approval needs a terminal, or --approve / --reject. Production is untouched.";
      return result;
    }
    if (approved === "reject") {
      world.setStatus(result.modelPackage!.arn, "Rejected");
      result.modelPackage = { ...result.modelPackage!, status: "Rejected" };
      result.outcome = "rejected";
      result.exitCode = 0;
      result.message =
        "The release was rejected; the model package is marked Rejected and production is untouched.";
      return result;
    }

    // ---- Production: a separate endpoint, canary against the champion, then full traffic
    const prodName = config.endpoints.prod.name;
    result.previousChampion = world.champion(input.registry.groupName);
    world.setStatus(result.modelPackage!.arn, "Approved");
    result.modelPackage = { ...result.modelPackage!, status: "Approved" };
    const prodStage = api.addStage("prod", microservice(prodName));
    result.canary = await stage("prod canary", async () => {
      const newModel = `${prodName}-${input.runId}`;
      world.models.set(newModel, {
        artifact: result.modelPackage!.modelDataUrl,
        image: input.training.image,
      });
      const capture = {
        samplingPercent: config.endpoints.prod.dataCaptureSamplingPercent,
        destination: world.uri(`capture/${prodName}/`),
      };
      const champion = result.previousChampion;
      const variants = [{ name: "Canary", model: newModel, weight: 10 }];
      if (champion) {
        const championModel = `${prodName}-champion-v${champion.version}`;
        world.models.set(championModel, { artifact: champion.modelDataPath, image: input.training.image });
        variants.unshift({ name: "Primary", model: championModel, weight: 90 });
      } else {
        variants[0] = { name: "Primary", model: newModel, weight: 100 };
      }
      world.endpointConfigs.set(`${prodName}-canary-${input.runId}`, { variants, capture });
      const deployed = await hosting.deploy(prodName, `${prodName}-canary-${input.runId}`);
      if (deployed.status !== "InService") throw new Error(`prod endpoint failed: ${deployed.failureReason}`);
      const byVariant: Record<string, number> = {};
      let errors = 0;
      for (const row of testRows.slice(0, 50)) {
        const response = await fetch(prodStage.url, {
          method: "POST",
          headers: { "x-api-key": prodStage.apiKey, "content-type": "application/json" },
          body: JSON.stringify({ features: row.slice(1) }),
        });
        const body = (await response.json()) as { variant?: string };
        if (response.status !== 200) errors++;
        else byVariant[body.variant ?? "?"] = (byVariant[body.variant ?? "?"] ?? 0) + 1;
      }
      if (errors > 0) {
        if (champion) await hosting.deploy(prodName, `${prodName}-canary-${input.runId}`);
        throw new Error(
          `${errors} of 50 canary requests failed; production stays on version ${champion?.version ?? "none"}`,
        );
      }
      world.endpointConfigs.set(`${prodName}-${input.runId}`, {
        variants: [{ name: "AllTraffic", model: newModel, weight: 1 }],
        capture,
      });
      await hosting.deploy(prodName, `${prodName}-${input.runId}`);
      return { requests: 50, errors, byVariant };
    });
    result.endpoints.prod = prodName;

    // ---- Monitoring: captured traffic against the baseline from data prep
    result.drift = await stage("monitoring", async () => {
      const traffic = testRows
        .map((r) => r.slice(1))
        .map((f) => (options.simulateDrift ? skew(f, config) : f));
      for (let i = 0; i < traffic.length; i += 10) {
        await fetch(prodStage.url, {
          method: "POST",
          headers: { "x-api-key": prodStage.apiKey, "content-type": "application/json" },
          body: JSON.stringify({ instances: traffic.slice(i, i + 10) }),
        });
      }
      const statistics = JSON.parse(readFileSync(world.path(input.data.statisticsUri), "utf8"));
      const constraints = JSON.parse(readFileSync(world.path(input.data.constraintsUri), "utf8"));
      const drift = checkDrift(
        statistics,
        constraints,
        capturedRows(world.path(world.uri(`capture/${prodName}/`))),
      );
      world.write(
        world.uri(`monitoring/${prodName}/constraint_violations.json`),
        JSON.stringify({ violations: drift.violations }, null, 2),
      );
      return drift;
    });
    result.outcome = "released";
    result.exitCode = 0;
    result.message = `Released model version ${result.modelPackage!.version} to ${prodName}.`;
    return result;
  } catch (error) {
    if (error instanceof LocalSetupError || error instanceof LocalUsageError) throw error;
    result.message = `Local run failed: ${error instanceof Error ? error.message : String(error)}`;
    return result;
  } finally {
    hosting.stop();
    await stopAll();
    writeFileSync(join(runDir, "result.json"), JSON.stringify({ ...result, input: undefined }, null, 2));
  }
}

/** Shifts the usage features of a row, as if customers' behaviour changed; for --simulate-drift. */
function skew(features: number[], config: MlPipelineConfig): number[] {
  const numeric = config.data.features.filter((f) => typeof f === "string").length;
  return features.map((v, i) => (i < numeric && i % 2 === 0 ? v * 1.6 + 10 : v));
}
