import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Stage } from "../run-context";

/** Where local mode keeps what the cloud keeps in the staging bucket. */
export const LOCAL_BUCKET = "local-staging";
export const LOCAL_CONFIG_KEY = "config/ml-pipeline-config.json";

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

/** The data set and the config land where the cloud's data trigger and runner would find them. */
export const source: Stage = {
  name: "source",
  async run(ctx) {
    const { world, config, options } = ctx;
    world.write(
      world.uri(`${config.data.stagingPrefix}${config.data.fileName}`),
      readFileSync(options.dataPath),
    );
    world.write(world.uri(LOCAL_CONFIG_KEY), readFileSync(options.configPath));
    return "continue";
  },
};
