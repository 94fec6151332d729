import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One run at a time per runs folder: a second `npm start` against the same folder waits for the
 * first, as the cloud pipeline queues its executions. The lock is a file holding its owner's pid;
 * a lock whose owner is gone (a crash, a kill -9) is stale and taken over.
 */

interface LockFile {
  pid: number;
  since: string;
}

function readLock(path: string): LockFile | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockFile;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

const removeQuietly = (path: string) => {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
};

/** Waits until this process holds the folder's lock; returns the function that releases it. */
export async function acquireRunLock(
  runsRoot: string,
  log: (line: string) => void,
  pollMs = 500,
): Promise<() => void> {
  mkdirSync(runsRoot, { recursive: true });
  const path = join(runsRoot, "run.lock");
  let announced = false;
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }), {
        flag: "wx",
      });
      const release = () => {
        if (readLock(path)?.pid === process.pid) removeQuietly(path);
        process.off("exit", release);
      };
      // A signal ends the process without unwinding; the lock must not outlive it.
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readLock(path);
    if (!holder || !alive(holder.pid)) {
      log(`Taking over a stale lock in ${runsRoot} (its process${holder ? ` ${holder.pid}` : ""} is gone).`);
      removeQuietly(path);
      continue;
    }
    if (!announced)
      log(
        `Another run (pid ${holder.pid}, since ${holder.since}) is using ${runsRoot}; this one waits for it.`,
      );
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
