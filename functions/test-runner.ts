import { GetApiKeyCommand } from "@aws-sdk/client-api-gateway";
import type { CodePipelineEvent } from "aws-lambda";
import { z } from "zod";
import fixture from "./fixtures/api-test-cases.json";
import { apigateway } from "./lib/clients";
import { jobOf, reportJobFailure, reportJobSuccess } from "./lib/job-results";
import { readEnvironment } from "./lib/env";
import { logger } from "./lib/logger";
import { describeReport, runSuite, type KnownCase, type SuiteReport } from "./test-suite";

/**
 * The Test stage's job worker: runs the suite against the test API and reports pass or fail, with
 * per-case details, to CodePipeline. It reports a result whatever happens.
 */

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env) {
  return readEnvironment(
    z.object({
      API_URL: z.string().url(),
      API_KEY_ID: z.string().min(1).optional(),
      LATENCY_BUDGET_MS: z.coerce.number().positive().default(1500),
      MIN_ACCURACY: z.coerce.number().min(0).max(1).default(0.8),
    }),
    env,
  );
}

export type TestOutcome =
  | { reported: "passed" | "failed"; report?: SuiteReport; message: string }
  | { reported: "nothing"; message: string };

export async function runTests(
  event: CodePipelineEvent,
  readSettings = settingsFromEnvironment,
): Promise<TestOutcome> {
  const job = jobOf(event);
  if (!job) {
    logger().error("Not a CodePipeline job event; no job result can be reported", { event });
    return { reported: "nothing", message: "the event has no CodePipeline job id" };
  }
  try {
    const settings = readSettings();
    const apiKey = settings.API_KEY_ID
      ? (await apigateway().send(new GetApiKeyCommand({ apiKey: settings.API_KEY_ID, includeValue: true })))
          .value
      : undefined;
    const report = await runSuite({
      url: settings.API_URL,
      apiKey,
      cases: fixture.cases as KnownCase[],
      latencyBudgetMs: settings.LATENCY_BUDGET_MS,
      minAccuracy: settings.MIN_ACCURACY,
    });
    const message = describeReport(report);
    logger().info("Test suite finished", { passed: report.passed, summary: report.summary });
    if (report.passed) {
      await reportJobSuccess(job.id, {
        summary: message,
        percentComplete: 100,
        outputVariables: {
          testSummary: report.summary.slice(0, 1000),
          latencyP95Ms: report.latency.p95.toFixed(1),
        },
      });
      return { reported: "passed", report, message };
    }
    await reportJobFailure(job.id, message);
    return { reported: "failed", report, message };
  } catch (error) {
    const message = `test-runner could not run the suite: ${error instanceof Error ? error.message : String(error)}`;
    logger().error("Reporting job failure", { jobId: job.id, error: message });
    await reportJobFailure(job.id, message);
    return { reported: "failed", message };
  }
}

export async function handler(event: CodePipelineEvent): Promise<TestOutcome> {
  return runTests(event);
}
