import { lstatSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * A lock between processes: a file holding its owner's pid, created only if absent. A lock whose
 * owner is gone (a crash, a kill -9, a reboot) is stale and taken over; the owner's exit removes its
 * lock even when a signal ends it without unwinding. A lock that cannot be a lock (a folder) is an
 * error, and every wait yields to signals and ends within its bound.
 */
export interface LockHolder {
  pid: number;
  since: string;
}

export interface FileLockOptions {
  /** How often a waiting process looks again. */
  pollMs?: number;
  /** How long to wait for a live holder before giving up, in ms (default: for ever). */
  maxWaitMs?: number;
  /** What to tell the person whose wait ran out (the option that changes the bound). */
  waitHint?: string;
  /** Called once, when the lock is found held by a live process. */
  onWait?: (holder: LockHolder) => void;
  /** Called when a stale lock is taken over (`holder` is undefined for an unreadable lock file). */
  onStale?: (holder: LockHolder | undefined, why: string) => void;
}

export class LockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LockError";
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
    return Number.isInteger(holder.pid) && !Number.isNaN(Date.parse(holder.since)) ? holder : undefined;
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

/**
 * When a process started, in epoch ms, from Linux's /proc (field 22 of /proc/<pid>/stat counts clock
 * ticks since boot; /proc/stat's btime is the boot in epoch seconds; USER_HZ is 100 on Linux:
 * https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html). Undefined where there is no /proc.
 */
function startedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return bootTime()! + (Number(fields[19]) / 100) * 1000;
  } catch {
    return undefined;
  }
}

function bootTime(): number | undefined {
  try {
    return Number(/^btime (\d+)$/m.exec(readFileSync("/proc/stat", "utf8"))![1]) * 1000;
  } catch {
    return undefined;
  }
}

/** Clocks and /proc's tick count disagree by a little; a process younger than its lock by more is not its owner. */
const SKEW_MS = 5000;

/** A lock file is written just after it is created: an empty one that new may be mid-write. */
const WRITING_MS = 2000;

/** Why the holder no longer holds the lock, or undefined while it does (or may). */
function staleness(path: string, holder: LockHolder | undefined): string | undefined {
  if (!holder) {
    const age = Date.now() - (lstatSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    return age < WRITING_MS ? undefined : "the lock file names no owner";
  }
  if (!alive(holder.pid)) return `its process ${holder.pid} is gone`;
  const since = Date.parse(holder.since);
  const boot = bootTime();
  if (boot !== undefined && since < boot) return `it was taken before the machine started (${holder.since})`;
  const started = startedAt(holder.pid);
  if (started !== undefined && started > since + SKEW_MS)
    return `process ${holder.pid} is another program, started after the lock was taken`;
  return undefined;
}

const removeQuietly = (path: string) => {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
};

/** A lock path must be a file (or nothing): a folder there would be "taken over" for ever. */
function checkIsFile(path: string): void {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isFile())
    throw new LockError(
      `${path} is a ${stat.isDirectory() ? "folder" : "special file"}, not a lock file: move it aside and start again`,
    );
}

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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until this process holds the lock at `path`; returns the function that releases it. */
export async function acquireFileLock(path: string, options: FileLockOptions = {}): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  const started = Date.now();
  let announced = false;
  for (let takeovers = 0; ;) {
    checkIsFile(path);
    const release = tryCreate(path);
    if (release) return release;
    const holder = readHolder(path);
    const stale = staleness(path, holder);
    if (stale) {
      if (++takeovers > 20)
        throw new LockError(`${path} keeps coming back after being taken over: move it aside`);
      options.onStale?.(holder, stale);
      removeQuietly(path);
      await pause(0);
      continue;
    }
    if (!announced && holder) options.onWait?.(holder);
    announced ||= Boolean(holder);
    if (options.maxWaitMs !== undefined && Date.now() - started >= options.maxWaitMs)
      throw new LockError(
        `gave up after ${Math.round((Date.now() - started) / 1000)} s waiting for ${path}, held by process ${holder?.pid} since ${holder?.since}${options.waitHint ? ` (${options.waitHint})` : ""}`,
      );
    await pause(options.pollMs ?? 500);
  }
}
