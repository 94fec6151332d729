import { join } from "node:path";
import { runPython } from "../python-jobs";
import type { LocalWorld } from "../world";
import { lastLine, taskError, type TaskHandler } from "./types";

const ETL_SCRIPT = join(__dirname, "..", "..", "etl", "prepare_data.py");

/** `glue:startJobRun.sync`: the Glue job's transform (etl/transform.py) on the run's local files. */
export function glueAdapters(world: LocalWorld): Record<string, TaskHandler> {
  let runs = 0;
  return {
    "arn:aws:states:::glue:startJobRun.sync": async (input) => {
      const args = input.Arguments as Record<string, string>;
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
      runs++;
      return { Id: `jr_local_${runs}`, JobRunState: "SUCCEEDED" };
    },
  };
}
