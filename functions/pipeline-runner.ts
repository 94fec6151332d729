import { describeDataSets, isDataSetKey } from "../config/data-sets";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { CodePipelineEvent } from "aws-lambda";
import { z } from "zod";
import { parseMlPipelineConfig } from "../config/ml-config";
import { s3, sfn } from "./lib/clients";
import { jobOf, reportJobFailure, reportJobSuccess, type PipelineJob } from "./lib/job-results";
import { readEnvironment } from "./lib/env";
import { logger } from "./lib/logger";
import { buildRunInput, type RunTrigger } from "./lib/run-input";

/**
 * The Train stage's job worker: starts the ML pipeline for the commit being released, reports progress
 * with a continuation token while it runs, and reports success with output variables or failure with
 * the execution's cause. Whatever happens, it reports a job result: a CodePipeline action left without
 * one hangs until its timeout, so a run already started for the job is followed and any other error
 * is reported as a failure.
 */

export interface RunnerSettings {
  stateMachineArn: string;
  bucket: string;
  configKey: string;
  modelPackageGroupName: string;
  /** SageMaker's XGBoost repository in this region, without a tag; the run's config adds the version. */
  xgboostRepository: string;
}

export type RunnerOutcome =
  | { reported: "started"; executionArn: string }
  | { reported: "running"; executionArn: string }
  | { reported: "succeeded"; executionArn: string; outputVariables: Record<string, string> }
  | { reported: "failed"; message: string }
  | { reported: "nothing"; reason: string };

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): RunnerSettings {
  const values = readEnvironment(
    z.object({
      STATE_MACHINE_ARN: z.string().startsWith("arn:"),
      STAGING_BUCKET: z.string().min(3),
      ML_CONFIG_KEY: z.string().min(1),
      MODEL_PACKAGE_GROUP: z.string().min(1),
      XGBOOST_REPOSITORY: z
        .string()
        .regex(/^[^/:]+\/sagemaker-xgboost$/, "must be SageMaker's XGBoost repository, without a tag"),
    }),
    env,
  );
  return {
    stateMachineArn: values.STATE_MACHINE_ARN,
    bucket: values.STAGING_BUCKET,
    configKey: values.ML_CONFIG_KEY,
    modelPackageGroupName: values.MODEL_PACKAGE_GROUP,
    xgboostRepository: values.XGBOOST_REPOSITORY,
  };
}

type Job = PipelineJob;

interface Token {
  executionArn: string;
  runId: string;
}

function parseToken(token: string): Token {
  const parsed = z
    .object({ executionArn: z.string().startsWith("arn:"), runId: z.string() })
    .safeParse(safeJson(token));
  if (!parsed.success)
    throw new Error(`continuation token is not one this function issued: ${token.slice(0, 200)}`);
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The action's UserParameters carry the pipeline variables the Train stage resolves: what started
 * the run and the data set it trains on (`{"source": "data", "dataKey": "datasets/new.csv"}`). A
 * pipeline without those variables leaves them unresolved (`#{variables.TriggerSource}`).
 */
export function triggerOf(job: Job): { source: RunTrigger["source"]; dataKey?: string; alarm?: string } {
  const parameters = z
    .object({
      source: z.enum(["push", "data", "manual", "drift"]).catch("manual"),
      // A drift run names its alarm; other runs leave "none" or an unresolved variable.
      alarm: z
        .string()
        .regex(/^(?!#\{|none$)./)
        .optional()
        .catch(undefined),
      // An unresolved variable (`#{variables.DataKey}`) means "no data key".
      dataKey: z
        .string()
        .regex(/^(?!#\{)./)
        .optional()
        .catch(undefined),
    })
    .catch({ source: "manual", dataKey: undefined, alarm: undefined })
    .parse(safeJson(job.data?.actionConfiguration?.configuration?.UserParameters ?? "") ?? {});
  return {
    source: parameters.source,
    ...(parameters.dataKey && { dataKey: parameters.dataKey }),
    ...(parameters.source === "drift" && parameters.alarm && { alarm: parameters.alarm }),
  };
}

async function loadConfig(settings: RunnerSettings) {
  const object = await s3().send(new GetObjectCommand({ Bucket: settings.bucket, Key: settings.configKey }));
  const text = (await object.Body?.transformToString("utf-8")) ?? "";
  const source = `s3://${settings.bucket}/${settings.configKey}`;
  const document = safeJson(text);
  if (document === undefined) throw new Error(`${source} is not valid JSON`);
  return parseMlPipelineConfig(document, source);
}

async function start(job: Job, settings: RunnerSettings, now: Date): Promise<RunnerOutcome> {
  const config = await loadConfig(settings);
  const commitId = job.data?.inputArtifacts?.[0]?.revision ?? "unknown";
  const trigger = triggerOf(job);
  if (trigger.dataKey && !isDataSetKey(trigger.dataKey, config.data)) {
    throw new Error(
      `the data set s3://${settings.bucket}/${trigger.dataKey} is not one of this model's data sets (${describeDataSets(config.data)}: data.stagingPrefix and data.filePattern); upload it there`,
    );
  }
  const input = buildRunInput(
    config,
    { commitId, source: trigger.source, dataKey: trigger.dataKey, alarm: trigger.alarm, startedAt: now },
    {
      bucket: settings.bucket,
      configKey: settings.configKey,
      modelPackageGroupName: settings.modelPackageGroupName,
      image: `${settings.xgboostRepository}:${config.training.imageVersion}`,
    },
  );
  let executionArn: string;
  try {
    const started = await sfn().send(
      new StartExecutionCommand({
        stateMachineArn: settings.stateMachineArn,
        name: input.runId,
        input: JSON.stringify(input),
      }),
    );
    executionArn = started.executionArn!;
  } catch (error) {
    // A retried invocation for the same job and second: the run exists already, so follow it.
    if (!(error instanceof Error && error.name === "ExecutionAlreadyExists")) throw error;
    executionArn = `${settings.stateMachineArn.replace(":stateMachine:", ":execution:")}:${input.runId}`;
  }
  const token: Token = { executionArn, runId: input.runId };
  await reportJobSuccess(job.id, {
    continuationToken: JSON.stringify(token),
    summary: `ML pipeline run ${input.runId} started for ${commitId} (${trigger.source}, data ${input.data.rawUri})`,
    externalExecutionId: executionArn,
    percentComplete: 0,
  });
  logger().info("ML pipeline started", { jobId: job.id, executionArn, commitId, trigger });
  return { reported: "started", executionArn };
}

/** Output variables: strings only, as CodePipeline requires. */
export function outputVariables(output: unknown): Record<string, string> {
  const values = (output ?? {}) as Record<string, unknown>;
  const names = [
    "runId",
    "experimentName",
    "trialName",
    "trainingJobName",
    "modelPackageArn",
    "endpointName",
    "testAuc",
    "testError",
  ];
  return Object.fromEntries(
    names.filter((n) => values[n] !== undefined && values[n] !== null).map((n) => [n, String(values[n])]),
  );
}

async function poll(job: Job, token: Token): Promise<RunnerOutcome> {
  const execution = await sfn().send(new DescribeExecutionCommand({ executionArn: token.executionArn }));
  switch (execution.status) {
    case "RUNNING":
    case "PENDING_REDRIVE":
      await reportJobSuccess(job.id, {
        continuationToken: JSON.stringify(token),
        summary: `ML pipeline run ${token.runId} is running`,
        externalExecutionId: token.executionArn,
      });
      return { reported: "running", executionArn: token.executionArn };
    case "SUCCEEDED": {
      const variables = outputVariables(safeJson(execution.output ?? "{}"));
      await reportJobSuccess(job.id, {
        outputVariables: variables,
        summary: `ML pipeline run ${token.runId} succeeded: model ${variables.modelPackageArn ?? "?"} on ${variables.endpointName ?? "?"}`,
        externalExecutionId: token.executionArn,
        percentComplete: 100,
      });
      return { reported: "succeeded", executionArn: token.executionArn, outputVariables: variables };
    }
    default: {
      const message = `ML pipeline run ${token.runId} ${execution.status ?? "ended"}: ${execution.error ?? "no error name"}: ${execution.cause ?? "no cause given"}`;
      await reportJobFailure(job.id, message, token.executionArn);
      return { reported: "failed", message };
    }
  }
}

export async function runJob(
  event: CodePipelineEvent,
  readSettings = settingsFromEnvironment,
  now = new Date(),
): Promise<RunnerOutcome> {
  const log = logger();
  const job = jobOf(event);
  if (!job) {
    // Without a job id there is nobody to report to; say so loudly.
    log.error("Not a CodePipeline job event; no job result can be reported", { event });
    return { reported: "nothing", reason: "the event has no CodePipeline job id" };
  }
  try {
    const settings = readSettings();
    const token = job.data?.continuationToken;
    return token ? await poll(job, parseToken(token)) : await start(job, settings, now);
  } catch (error) {
    const message = `pipeline-runner could not ${job.data?.continuationToken ? "check" : "start"} the ML pipeline: ${error instanceof Error ? error.message : String(error)}`;
    log.error("Reporting job failure", { jobId: job.id, error: message });
    await reportJobFailure(job.id, message);
    return { reported: "failed", message };
  }
}

export async function handler(event: CodePipelineEvent): Promise<RunnerOutcome> {
  return runJob(event);
}
