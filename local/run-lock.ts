import { join } from "node:path";
import { acquireFileLock } from "../infra/offline/file-lock";

/**
 * One run at a time per runs folder: a second `npm start` against the same folder waits for the
 * first, as the cloud pipeline queues its executions. A lock whose owner is gone is taken over.
 */
export function acquireRunLock(
  runsRoot: string,
  log: (line: string) => void,
  pollMs = 500,
): Promise<() => void> {
  return acquireFileLock(join(runsRoot, "run.lock"), {
    pollMs,
    onStale: (holder) =>
      log(`Taking over a stale lock in ${runsRoot} (its process${holder ? ` ${holder.pid}` : ""} is gone).`),
    onWait: (holder) =>
      log(
        `Another run (pid ${holder.pid}, since ${holder.since}) is using ${runsRoot}; this one waits for it.`,
      ),
  });
}
