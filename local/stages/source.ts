import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import type { Stage } from "../run/context";

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

/** How long a file must be left alone before a run takes it as written. */
const QUIET_MS = 200;

/**
 * The file's content once no one is writing it: unchanged for a moment, and the same size and time
 * before and after the read (watch mode starts runs on files that may still be being copied or saved).
 */
async function readSettled(path: string, tries = 50): Promise<Buffer> {
  for (let attempt = 1; ; attempt++) {
    const before = statSync(path);
    const content = readFileSync(path);
    const after = statSync(path);
    const settled =
      before.mtimeMs === after.mtimeMs &&
      before.size === after.size &&
      content.length === after.size &&
      Math.abs(Date.now() - after.mtimeMs) >= QUIET_MS;
    if (settled || attempt >= tries) return content;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The data set and the config land where the cloud's data trigger and runner find them: the data
 * uploaded under the staging prefix, the config where the test stack publishes it.
 */
export const source: Stage = {
  name: "source",
  async run(ctx) {
    const { world, input, options } = ctx;
    world.write(input.data.rawUri, await readSettled(options.dataPath));
    world.write(input.data.configUri, readFileSync(options.configPath));
    return "continue";
  },
};
