import { StartPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type _Object } from "@aws-sdk/client-s3";
import type { EventBridgeEvent } from "aws-lambda";
import { createHash } from "node:crypto";
import { z } from "zod";
import { dataSetsUnder, FILE_PATTERN, isDataSetKey } from "../config/data-sets";
import { PIPELINE_VARIABLES } from "./data-trigger";
import { codepipeline, s3 } from "./lib/clients";
import { driftDecision, recentRuns } from "./lib/drift-cooldown";
import { readEnvironment } from "./lib/env";
import { logger } from "./lib/logger";

/**
 * Retrains when production's data drifts: the data-quality alarm's change to ALARM (EventBridge
 * "CloudWatch Alarm State Change") starts the pipeline with trigger `drift`, training on the newest
 * of this model's data sets under the data prefix, unless a drift run started within the cooldown or the day's cap is
 * reached. The drift runs it started are kept in a small ledger object in the staging bucket; the
 * function runs one at a time (reserved concurrency 1), so the ledger has one writer.
 */

export interface DriftTriggerSettings {
  pipelineName: string;
  bucket: string;
  dataPrefix: string;
  /** File-name glob of this model's data sets under the prefix (config/data-sets.ts). */
  dataFilePattern: string;
  /** The alarm whose ALARM state starts a run; events of other alarms are ignored. */
  alarmName: string;
  ledgerKey: string;
  cooldownHours: number;
  maxRunsPerDay: number;
}

export type DriftOutcome =
  { decision: "started"; dataKey: string; executionId: string } | { decision: "ignored"; reason: string };

export type AlarmStateChangeEvent = EventBridgeEvent<
  "CloudWatch Alarm State Change",
  Record<string, unknown>
>;

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): DriftTriggerSettings {
  const values = readEnvironment(
    z.object({
      PIPELINE_NAME: z.string().min(1),
      STAGING_BUCKET: z.string().min(3),
      DATA_PREFIX: z.string().regex(/\/$/, "must end with /"),
      DATA_FILE_PATTERN: z.string().regex(FILE_PATTERN, "must be a CSV file-name glob such as churn*.csv"),
      ALARM_NAME: z.string().min(1),
      LEDGER_KEY: z.string().min(1),
      COOLDOWN_HOURS: z.coerce.number().min(0),
      MAX_RUNS_PER_DAY: z.coerce.number().int().min(1),
    }),
    env,
  );
  return {
    pipelineName: values.PIPELINE_NAME,
    bucket: values.STAGING_BUCKET,
    dataPrefix: values.DATA_PREFIX,
    dataFilePattern: values.DATA_FILE_PATTERN,
    alarmName: values.ALARM_NAME,
    ledgerKey: values.LEDGER_KEY,
    cooldownHours: values.COOLDOWN_HOURS,
    maxRunsPerDay: values.MAX_RUNS_PER_DAY,
  };
}

const alarmChange = () =>
  z.object({
    alarmName: z.string().min(1),
    state: z.object({ value: z.string(), timestamp: z.string().optional() }),
  });

/**
 * The ledger: when each recent drift run started; none before the first drift run. Whether it
 * exists is asked with a listing of its key: S3 answers a GetObject of a missing key with 404 only
 * to a caller that may list the bucket, and 403 AccessDenied to any other (GetObject, Permissions:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html), and this role may list only
 * the data prefix and the ledger's own key.
 */
async function readLedger(settings: DriftTriggerSettings): Promise<Date[]> {
  const listed = await s3().send(
    new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: settings.ledgerKey, MaxKeys: 1 }),
  );
  if (!listed.Contents?.some((object) => object.Key === settings.ledgerKey)) return [];
  const object = await s3().send(new GetObjectCommand({ Bucket: settings.bucket, Key: settings.ledgerKey }));
  const parsed = z
    .object({ runs: z.array(z.object({ startedAt: z.iso.datetime() })) })
    .safeParse(safeJson((await object.Body?.transformToString("utf-8")) ?? "{}"));
  if (!parsed.success) {
    logger().warn("Drift ledger unreadable; counting no earlier runs", { key: settings.ledgerKey });
    return [];
  }
  return parsed.data.runs.map((run) => new Date(run.startedAt));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The newest non-empty data set of this model under the data prefix: what drift retrains on. */
async function newestDataSet(settings: DriftTriggerSettings): Promise<string | undefined> {
  let newest: _Object | undefined;
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({
        Bucket: settings.bucket,
        Prefix: settings.dataPrefix,
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? []) {
      if (
        !object.Key ||
        !isDataSetKey(object.Key, dataSetsUnder(settings.dataPrefix, settings.dataFilePattern)) ||
        !object.Size
      )
        continue;
      if (!newest || (object.LastModified ?? 0) > (newest.LastModified ?? 0)) newest = object;
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return newest?.Key;
}

/** One run per alarm transition, however often EventBridge delivers it. */
const requestToken = (alarm: string, at: string) =>
  `drift-${createHash("sha256").update(`${alarm}|${at}`).digest("hex").slice(0, 48)}`;

export async function retrainOnDrift(
  event: AlarmStateChangeEvent,
  settings: DriftTriggerSettings,
  now = new Date(),
): Promise<DriftOutcome> {
  const parsed = alarmChange().safeParse(event?.detail);
  if (!parsed.success) return { decision: "ignored", reason: "not a CloudWatch alarm state change" };
  const { alarmName, state } = parsed.data;
  if (alarmName !== settings.alarmName)
    return { decision: "ignored", reason: `alarm ${alarmName} is not the drift alarm` };
  if (state.value !== "ALARM")
    return { decision: "ignored", reason: `alarm ${alarmName} changed to ${state.value}` };
  const history = await readLedger(settings);
  const decision = driftDecision(history, now, { onDrift: true, ...settings });
  if (!decision.allowed) {
    logger().info("Drift run not started", { reason: decision.reason });
    return { decision: "ignored", reason: decision.reason };
  }
  const dataKey = await newestDataSet(settings);
  if (!dataKey)
    throw new Error(`no data set under s3://${settings.bucket}/${settings.dataPrefix} to retrain on`);
  const started = await codepipeline().send(
    new StartPipelineExecutionCommand({
      name: settings.pipelineName,
      clientRequestToken: requestToken(alarmName, state.timestamp ?? event.time ?? now.toISOString()),
      variables: [
        { name: PIPELINE_VARIABLES.source, value: "drift" },
        { name: PIPELINE_VARIABLES.dataKey, value: dataKey },
        { name: PIPELINE_VARIABLES.alarm, value: alarmName },
      ],
    }),
  );
  const runs = [...recentRuns(history, now, settings.cooldownHours), now].map((at) => ({
    startedAt: at.toISOString(),
  }));
  await s3().send(
    new PutObjectCommand({
      Bucket: settings.bucket,
      Key: settings.ledgerKey,
      Body: JSON.stringify({ runs }),
      ContentType: "application/json",
    }),
  );
  logger().info("Pipeline started for drift", {
    alarmName,
    dataKey,
    executionId: started.pipelineExecutionId,
  });
  return { decision: "started", dataKey, executionId: started.pipelineExecutionId ?? "" };
}

export async function handler(event: AlarmStateChangeEvent): Promise<DriftOutcome> {
  return retrainOnDrift(event, settingsFromEnvironment());
}
