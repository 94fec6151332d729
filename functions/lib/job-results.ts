import { PutJobFailureResultCommand, PutJobSuccessResultCommand } from "@aws-sdk/client-codepipeline";
import type { CodePipelineEvent } from "aws-lambda";
import { codepipeline } from "./clients";

/**
 * Job results for the Lambda functions CodePipeline invokes (the Train and Test stages). An action
 * left without a result hangs until its timeout, so each worker reports through these, in every branch.
 */

export type PipelineJob = CodePipelineEvent["CodePipeline.job"];

/** CodePipeline's limits: failure messages 5,000 characters, execution summaries 2,048. */
const MAX_MESSAGE = 5000;
const MAX_SUMMARY = 2048;

export interface JobSuccess {
  /** Shown on the action in the console. */
  summary: string;
  /** Asks CodePipeline to invoke the function again with this token (the job is still running). */
  continuationToken?: string;
  outputVariables?: Record<string, string>;
  externalExecutionId?: string;
  percentComplete?: number;
}

export async function reportJobSuccess(jobId: string, success: JobSuccess): Promise<void> {
  await codepipeline().send(
    new PutJobSuccessResultCommand({
      jobId,
      continuationToken: success.continuationToken,
      outputVariables: success.outputVariables,
      executionDetails: {
        summary: success.summary.slice(0, MAX_SUMMARY),
        externalExecutionId: success.externalExecutionId,
        percentComplete: success.percentComplete,
      },
    }),
  );
}

export async function reportJobFailure(
  jobId: string,
  message: string,
  externalExecutionId?: string,
): Promise<void> {
  await codepipeline().send(
    new PutJobFailureResultCommand({
      jobId,
      failureDetails: { type: "JobFailed", message: message.slice(0, MAX_MESSAGE), externalExecutionId },
    }),
  );
}

/** The job of a CodePipeline event, or undefined when the event has none (nobody to report to). */
export function jobOf(event: CodePipelineEvent | undefined): PipelineJob | undefined {
  const job = event?.["CodePipeline.job"];
  return job && typeof job.id === "string" && job.id.length > 0 ? job : undefined;
}
