import type { ChildProcess } from "node:child_process";
import type { Server } from "node:http";

/**
 * Everything local mode starts (Python workers, HTTP servers), so one call stops it: at the end of a
 * run (`stopRun`), and on an error, Ctrl-C or the end of the process (`stopAll`), leaving no process
 * behind and no port taken.
 *
 * One child may outlive the run that started it: the Python job server, while it runs nothing. It is
 * Python with NumPy and XGBoost imported (costly to start) and keeps no state of a run, so the
 * next run of the same process (watch mode, the bench, a test file) uses it instead of starting
 * another. A job server still running a job when its run ends is stopped with the job.
 */
const children = new Map<ChildProcess, { idle?: () => boolean }>();
const servers = new Set<Server>();

export function trackChild(child: ChildProcess, options: { idle?: () => boolean } = {}): ChildProcess {
  children.set(child, options);
  child.once("exit", () => children.delete(child));
  // A program that could not start (not found) reports an error and may never report an exit.
  child.once("error", () => child.pid === undefined && children.delete(child));
  return child;
}

export function trackServer(server: Server): Server {
  servers.add(server);
  server.once("close", () => servers.delete(server));
  return server;
}

async function stop(keep: (child: ChildProcess) => boolean): Promise<void> {
  for (const [child] of children) {
    if (keep(child)) continue;
    child.kill("SIGTERM");
    children.delete(child);
  }
  await Promise.all(
    [...servers].map(
      (server) =>
        new Promise<void>((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
    ),
  );
  servers.clear();
}

/** The end of a run: every server and child stops, except a job server with nothing to do. */
export function stopRun(): Promise<void> {
  return stop((child) => children.get(child)?.idle?.() === true);
}

/** Everything, kept job server included. */
export function stopAll(): Promise<void> {
  return stop(() => false);
}

/** What is running: busy children, servers, and idle children kept for the next run. */
export function running(): { children: number; servers: number; idle: number } {
  const idle = [...children.values()].filter((options) => options.idle?.() === true).length;
  return { children: children.size - idle, servers: servers.size, idle };
}
