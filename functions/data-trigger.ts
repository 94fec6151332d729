import { StartPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";
import type { EventBridgeEvent } from "aws-lambda";
import { createHash } from "node:crypto";
import { z } from "zod";
import { dataSetsUnder, describeDataSets, FILE_PATTERN, isDataSetKey } from "../config/data-sets";
import { codepipeline } from "./lib/clients";
import { readEnvironment } from "./lib/env";
import { logger } from "./lib/logger";

/**
 * Starts the pipeline for a new data set: an object created under the data prefix of the staging
 * bucket (S3 "Object Created" events through EventBridge). The run trains on that object, and the
 * trigger and the object are recorded in its lineage; pushes train on the configured file.
 */

export interface DataTriggerSettings {
  pipelineName: string;
  bucket: string;
  /** Key prefix under which new objects are data sets (`datasets/`). */
  dataPrefix: string;
  /** File-name glob of this model's data sets under the prefix (config/data-sets.ts). */
  dataFilePattern: string;
}

/** Pipeline-level variables the Train stage hands to the pipeline-runner. */
export const PIPELINE_VARIABLES = {
  source: "TriggerSource",
  dataKey: "DataKey",
  alarm: "TriggerAlarm",
} as const;

/** CodePipeline variable values are at most 1,000 characters (PipelineVariable, CodePipeline API). */
const MAX_VARIABLE = 1000;

export type DataDecision =
  { decision: "started"; key: string; executionId: string } | { decision: "ignored"; reason: string };

export type ObjectCreatedEvent = EventBridgeEvent<"Object Created", Record<string, unknown>>;

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): DataTriggerSettings {
  const values = readEnvironment(
    z.object({
      PIPELINE_NAME: z.string().min(1),
      STAGING_BUCKET: z.string().min(3),
      DATA_PREFIX: z.string().regex(/\/$/, "must end with /"),
      DATA_FILE_PATTERN: z.string().regex(FILE_PATTERN, "must be a CSV file-name glob such as churn*.csv"),
    }),
    env,
  );
  return {
    pipelineName: values.PIPELINE_NAME,
    bucket: values.STAGING_BUCKET,
    dataPrefix: values.DATA_PREFIX,
    dataFilePattern: values.DATA_FILE_PATTERN,
  };
}

const objectCreated = () =>
  z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string().min(1),
      size: z.number().optional(),
      etag: z.string().optional(),
      "version-id": z.string().optional(),
      sequencer: z.string().optional(),
    }),
  });

/** One run per object version, however often EventBridge delivers the event. */
function requestToken(bucket: string, object: z.infer<ReturnType<typeof objectCreated>>["object"]): string {
  const identity = [bucket, object.key, object["version-id"] ?? object.etag ?? object.sequencer ?? ""].join(
    "|",
  );
  return `data-${createHash("sha256").update(identity).digest("hex").slice(0, 48)}`;
}

/**
 * Decides whether a new object starts a run. SDK errors and keys too long for a pipeline variable
 * propagate, so Lambda retries and then dead-letters the event where the alarm sees it.
 */
export async function startForNewData(
  event: ObjectCreatedEvent,
  settings: DataTriggerSettings,
): Promise<DataDecision> {
  const parsed = objectCreated().safeParse(event?.detail);
  if (!parsed.success) {
    logger().warn("Not an S3 Object Created event; nothing to do", { issues: parsed.error.issues });
    return { decision: "ignored", reason: "not an S3 Object Created event" };
  }
  const { bucket, object } = parsed.data;
  if (bucket.name !== settings.bucket || !object.key.startsWith(settings.dataPrefix)) {
    return {
      decision: "ignored",
      reason: `s3://${bucket.name}/${object.key} is not under s3://${settings.bucket}/${settings.dataPrefix}`,
    };
  }
  if (object.key.endsWith("/") || object.size === 0) {
    return { decision: "ignored", reason: `s3://${bucket.name}/${object.key} is a folder marker or empty` };
  }
  // The rule in front of this function matches the same glob; this keeps a misrouted event harmless.
  if (!isDataSetKey(object.key, dataSetsUnder(settings.dataPrefix, settings.dataFilePattern))) {
    return {
      decision: "ignored",
      reason: `s3://${bucket.name}/${object.key} is not one of this model's data sets (${describeDataSets(dataSetsUnder(settings.dataPrefix, settings.dataFilePattern))})`,
    };
  }
  if (object.key.length > MAX_VARIABLE) {
    throw new Error(
      `s3://${bucket.name}/${object.key.slice(0, 80)}… has a ${object.key.length}-character key; a pipeline variable holds at most ${MAX_VARIABLE}. Upload it under a shorter key.`,
    );
  }
  const started = await codepipeline().send(
    new StartPipelineExecutionCommand({
      name: settings.pipelineName,
      clientRequestToken: requestToken(bucket.name, object),
      variables: [
        { name: PIPELINE_VARIABLES.source, value: "data" },
        { name: PIPELINE_VARIABLES.dataKey, value: object.key },
      ],
    }),
  );
  logger().info("Pipeline started for new data", {
    key: object.key,
    executionId: started.pipelineExecutionId,
  });
  return { decision: "started", key: object.key, executionId: started.pipelineExecutionId ?? "" };
}

export async function handler(event: ObjectCreatedEvent): Promise<DataDecision> {
  return startForNewData(event, settingsFromEnvironment());
}
