import { GetDifferencesCommand } from "@aws-sdk/client-codecommit";
import { StartPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";
import type { EventBridgeEvent } from "aws-lambda";
import { z } from "zod";
import { codecommit, codepipeline } from "./lib/clients";
import { jsonStringList, readEnvironment } from "./lib/env";
import { logger } from "./lib/logger";
import { matchingPaths } from "./lib/watched-paths";

/**
 * Starts the pipeline for a push only when the push changed a path that matters (a README typo does
 * not retrain the model). Runs on CodeCommit "Repository State Change"
 * events from EventBridge.
 */

export interface PushFilterSettings {
  pipelineName: string;
  /** The pipeline's source action, pinned to the pushed commit when the run starts. */
  sourceActionName: string;
  triggerPaths: string[];
}

export type PushDecision =
  | { decision: "started"; commitId: string; matchedPaths: string[]; executionId: string }
  | { decision: "skipped"; commitId: string; reason: string; changedPaths: number }
  | { decision: "ignored"; reason: string };

export type ReferenceEvent = EventBridgeEvent<"CodeCommit Repository State Change", Record<string, unknown>>;

/** At most this many paths are listed in the logs and the result; the match itself sees every path. */
const LISTED_PATHS = 20;

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): PushFilterSettings {
  const values = readEnvironment(
    z.object({
      PIPELINE_NAME: z.string().min(1),
      SOURCE_ACTION_NAME: z.string().min(1),
      TRIGGER_PATHS: jsonStringList(),
    }),
    env,
  );
  return {
    pipelineName: values.PIPELINE_NAME,
    sourceActionName: values.SOURCE_ACTION_NAME,
    triggerPaths: values.TRIGGER_PATHS,
  };
}

export { matchingPaths };

function referenceSchema() {
  return z.object({
    event: z.string(),
    repositoryName: z.string().min(1),
    referenceType: z.string(),
    referenceName: z.string(),
    commitId: z
      .string()
      .regex(/^[0-9a-f]{40}$/)
      .optional(),
    oldCommitId: z
      .string()
      .regex(/^[0-9a-f]{40}$/)
      .optional(),
  });
}

async function changedPaths(repositoryName: string, before: string, after: string): Promise<Set<string>> {
  const paths = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await codecommit().send(
      new GetDifferencesCommand({
        repositoryName,
        beforeCommitSpecifier: before,
        afterCommitSpecifier: after,
        NextToken: nextToken,
      }),
    );
    for (const difference of page.differences ?? []) {
      if (difference.beforeBlob?.path) paths.add(difference.beforeBlob.path);
      if (difference.afterBlob?.path) paths.add(difference.afterBlob.path);
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return paths;
}

/**
 * Decides whether a reference change starts a run. SDK errors propagate, so EventBridge's retry
 * policy and dead-letter queue keep the event instead of losing it.
 */
export async function filterPush(event: ReferenceEvent, settings: PushFilterSettings): Promise<PushDecision> {
  const log = logger();
  const parsed = referenceSchema().safeParse(event?.detail);
  if (!parsed.success) {
    log.warn("Not a CodeCommit reference event; nothing to do", { issues: parsed.error.issues });
    return { decision: "ignored", reason: "not a CodeCommit reference event" };
  }
  const detail = parsed.data;
  if (detail.referenceType !== "branch" || !detail.commitId || detail.event === "referenceDeleted") {
    return {
      decision: "ignored",
      reason: `${detail.event} of ${detail.referenceType} ${detail.referenceName}`,
    };
  }
  const commitId = detail.commitId;
  let matched: string[];
  let changed: number;
  if (!detail.oldCommitId) {
    // A new branch has no parent to compare with: build it, as a first push should be.
    matched = ["(new branch)"];
    changed = 0;
  } else {
    const paths = await changedPaths(detail.repositoryName, detail.oldCommitId, commitId);
    changed = paths.size;
    matched = matchingPaths(paths, settings.triggerPaths);
  }
  if (matched.length === 0) {
    const reason = `none of the ${changed} changed paths match ${JSON.stringify(settings.triggerPaths)}`;
    log.info("Push skipped", { commitId, reason });
    return { decision: "skipped", commitId, reason, changedPaths: changed };
  }
  const started = await codepipeline().send(
    new StartPipelineExecutionCommand({
      name: settings.pipelineName,
      // The same commit never starts two runs, even when EventBridge delivers the event twice.
      clientRequestToken: `push-${commitId}`,
      sourceRevisions: [
        { actionName: settings.sourceActionName, revisionType: "COMMIT_ID", revisionValue: commitId },
      ],
    }),
  );
  const listed = matched.slice(0, LISTED_PATHS);
  log.info("Pipeline started", { commitId, executionId: started.pipelineExecutionId, matchedPaths: listed });
  return {
    decision: "started",
    commitId,
    matchedPaths: listed,
    executionId: started.pipelineExecutionId ?? "",
  };
}

export async function handler(event: ReferenceEvent): Promise<PushDecision> {
  return filterPush(event, settingsFromEnvironment());
}
