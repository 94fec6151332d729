import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Stage } from "../run-context";

/**
 * What the run builds: the git commit of the work tree (and whether it has uncommitted changes), or
 * outside git a hash of the data and config.
 */
export function sourceSnapshot(
  repo: string,
  dataPath: string,
  configPath: string,
): { id: string; dirty: boolean } {
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

/**
 * The data set and the config land where the cloud's data trigger and runner find them: the data
 * uploaded under the staging prefix, the config where the test stack publishes it.
 */
export const source: Stage = {
  name: "source",
  async run(ctx) {
    const { world, input, options } = ctx;
    world.write(input.data.rawUri, readFileSync(options.dataPath));
    world.write(input.data.configUri, readFileSync(options.configPath));
    return "continue";
  },
};
