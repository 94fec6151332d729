import { spawnSync } from "node:child_process";

/** A process as `ps` shows it; zombies are left out (they have ended and only wait to be reaped). */
export interface Process {
  pid: number;
  ppid: number;
  /** The process name; a child forked from the job server keeps its command line but may rename itself. */
  comm: string;
  args: string;
}

/** Every process that has not ended. */
export function processes(): Process[] {
  return spawnSync("ps", ["-eo", "pid=,ppid=,stat=,comm=,args="], { encoding: "utf8" })
    .stdout.split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && !m[3].startsWith("Z"))
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), comm: m[4], args: m[5] }));
}

/** The processes under `pid`: its children, theirs, and so on (a run's servers, workers and jobs). */
export function descendantsOf(pid: number): Process[] {
  const all = processes();
  const found: Process[] = [];
  for (let parents = [pid]; parents.length > 0;) {
    const children = all.filter((p) => parents.includes(p.ppid));
    found.push(...children);
    parents = children.map((p) => p.pid);
  }
  return found;
}

/** Those of `pids` still running. */
export const stillRunning = (pids: number[]) => processes().filter((p) => pids.includes(p.pid));

/** Resolves true once `check` holds, false after `ms`. */
export async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (let waited = 0; !check() && waited < ms; waited += 100) await new Promise((r) => setTimeout(r, 100));
  return check();
}
