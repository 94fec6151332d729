import { join } from "node:path";
import { acquireFileLock, LockError } from "../../tools/offline/file-lock";
import { LocalUsageError } from "./types";

/** How long a run waits for another that holds the runs folder, unless told (`--lock-wait`). */
export const DEFAULT_LOCK_WAIT_SECONDS = 1800;

/**
 * One run at a time per runs folder: a second `npm start` against the same folder waits for the
 * first, as the cloud pipeline queues its executions, for at most `waitSeconds`. A lock whose owner
 * is gone (or is another program now: the pid was reused after a reboot) is taken over.
 */
export async function acquireRunLock(
  runsRoot: string,
  log: (line: string) => void,
  options: { pollMs?: number; waitSeconds?: number } = {},
): Promise<() => void> {
  const waitSeconds = options.waitSeconds ?? DEFAULT_LOCK_WAIT_SECONDS;
  try {
    return await acquireFileLock(join(runsRoot, "run.lock"), {
      pollMs: options.pollMs ?? 500,
      maxWaitMs: waitSeconds * 1000,
      waitHint: `--lock-wait ${waitSeconds} s; give a longer --lock-wait, or stop that run`,
      onStale: (holder, why) =>
        log(`Taking over a stale lock in ${runsRoot}${holder ? ` (pid ${holder.pid})` : ""}: ${why}.`),
      onWait: (holder) =>
        log(
          `Another run (pid ${holder.pid}, since ${holder.since}) is using ${runsRoot}; this one waits for it (at most ${waitSeconds} s).`,
        ),
    });
  } catch (error) {
    if (error instanceof LockError) throw new LocalUsageError(error.message);
    throw error;
  }
}
