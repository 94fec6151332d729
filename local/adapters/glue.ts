import { join } from "node:path";
import type { LocalAccount } from "../aws/account";
import { readObjectFile, writeObject, wrotePrefix } from "../aws/data-access";
import { AccessDenied } from "../aws/iam/denial";
import { runPython } from "../python/jobs";
import type { LocalAwsState } from "../aws/state";
import { lastLine, taskError, type TaskHandler } from "./types";

const ETL_SCRIPT = join(__dirname, "..", "..", "etl", "prepare_data.py");

/** A deployed Glue job's `timeout` in minutes, as the program set it (undefined when it sets none). */
export function glueJobTimeout(account: LocalAccount, jobName: string): number | undefined {
  const job = account.iam
    .ofType("aws:glue/job:Job")
    .find((j) => j.inputs.name === jobName || j.wire?.state.name === jobName);
  const minutes = job?.wire?.state.timeout ?? job?.inputs.timeout;
  return typeof minutes === "number" ? minutes : undefined;
}

/**
 * `glue:startJobRun.sync`: the Glue job's transform (etl/transform.py) on the run's local files, as
 * the job's role: what the job reads and writes in S3 is authorized as that role's calls would be.
 */
export function glueAdapters(world: LocalAwsState, account: LocalAccount): Record<string, TaskHandler> {
  let runs = 0;
  return {
    "arn:aws:states:::glue:startJobRun.sync": async (input) => {
      const args = input.Arguments as Record<string, string>;
      const job = account.glueJob(String(input.JobName));
      const session = account.assume(job.roleArn, "glue.amazonaws.com", "GlueJobRunnerSession");
      const access = (check: () => void) => {
        try {
          check();
        } catch (error) {
          if (!(error instanceof AccessDenied)) throw error;
          throw taskError(
            "States.TaskFailed",
            `Glue job ${String(input.JobName)} failed: AccessDenied: ${error.message}`,
          );
        }
      };
      access(() => {
        readObjectFile(account, world, session, args["--raw_uri"]);
        readObjectFile(account, world, session, args["--config_uri"]);
        writeObject(account, session, `${args["--output_uri"]}report.json`);
      });
      const done = await runPython(ETL_SCRIPT, [
        "--input",
        world.path(args["--raw_uri"]),
        "--config",
        world.path(args["--config_uri"]),
        "--output-dir",
        world.path(args["--output_uri"]),
      ]);
      if (done.code !== 0)
        throw taskError(
          "States.TaskFailed",
          `Glue job ${String(input.JobName)} failed: ${lastLine(done.stderr).replace(/^error: /, "")}`,
        );
      access(() => wrotePrefix(account, world, session, args["--output_uri"]));
      runs++;
      return { Id: `jr_local_${runs}`, JobRunState: "SUCCEEDED" };
    },
  };
}
