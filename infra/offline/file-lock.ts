import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A lock between processes: a file holding its owner's pid, created only if absent. A lock whose
 * owner is gone (a crash, a kill -9) is stale and taken over; the owner's exit removes its lock even
 * when a signal ends it without unwinding.
 */
export interface LockHolder {
  pid: number;
  since: string;
}

export interface FileLockOptions {
  /** How often a waiting process looks again. */
  pollMs?: number;
  /** Called once, when the lock is found held by a live process. */
  onWait?: (holder: LockHolder) => void;
  /** Called when a stale lock is taken over (`holder` is undefined for an unreadable lock file). */
  onStale?: (holder: LockHolder | undefined) => void;
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LockHolder;
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

/** Creates the lock file if absent; the function that releases it, or undefined when it exists. */
function tryCreate(path: string): (() => void) | undefined {
  try {
    writeFileSync(path, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }), {
      flag: "wx",
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
    throw error;
  }
  const release = () => {
    if (readHolder(path)?.pid === process.pid) removeQuietly(path);
    process.off("exit", release);
  };
  process.on("exit", release);
  return release;
}

/** Waits until this process holds the lock at `path`; returns the function that releases it. */
export async function acquireFileLock(path: string, options: FileLockOptions = {}): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  let announced = false;
  for (;;) {
    const release = tryCreate(path);
    if (release) return release;
    const holder = readHolder(path);
    if (!holder || !alive(holder.pid)) {
      options.onStale?.(holder);
      removeQuietly(path);
      continue;
    }
    if (!announced) options.onWait?.(holder);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
