import type { ChildProcess } from "node:child_process";
import type { Server } from "node:http";

/**
 * Everything local mode starts (Python workers, HTTP servers), so one call stops it all: at the end of
 * a run, on an error, and on Ctrl-C, leaving no process behind and no port taken.
 */
const children = new Set<ChildProcess>();
const servers = new Set<Server>();

export function trackChild(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export function trackServer(server: Server): Server {
  servers.add(server);
  server.once("close", () => servers.delete(server));
  return server;
}

export async function stopAll(): Promise<void> {
  for (const child of children) child.kill("SIGTERM");
  children.clear();
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

export function running(): { children: number; servers: number } {
  return { children: children.size, servers: servers.size };
}
