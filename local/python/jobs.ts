import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { trackChild } from "./lifecycle";
import {
  noXGBoost,
  PYTHON_DIR,
  pythonCandidates,
  pythonEnv,
  rememberPython,
  type PythonResult,
} from "./python";

interface Ready {
  python: string;
  xgboost: string;
}

interface Answer {
  id: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * A long-lived child instead of a job (the prediction worker): it connects to the Unix socket at
 * `connect` and uses it as its stdin and stdout; `name` is its process name (`ps -o comm`).
 */
export interface ServiceOptions {
  connect: string;
  name: string;
}

/**
 * A `local/python/job_server.py` process: Python with NumPy and XGBoost loaded, forking one child per
 * job. Its start is also the check that this Python can run local mode at all.
 */
export class JobServer {
  readonly ready: Promise<Ready>;
  private readonly child;
  private readonly pending = new Map<
    number,
    { resolve: (answer: Answer) => void; reject: (error: Error) => void }
  >();
  private next = 1;
  private exited?: string;

  constructor(python: string) {
    this.child = trackChild(
      spawn(python, [join(PYTHON_DIR, "job_server.py")], {
        stdio: ["pipe", "pipe", "pipe"],
        env: pythonEnv(),
      }),
      { idle: () => this.usable && this.pending.size === 0 },
    );
    let stderr = "";
    this.child.stderr!.on("data", (chunk) => (stderr += chunk));
    // A server that died (Ctrl-C reaches it with the terminal's process group) breaks its pipes: a
    // write then fails with EPIPE. Its exit is what reports the end, so the pipes' errors only mark it.
    for (const pipe of [this.child.stdin!, this.child.stdout!, this.child.stderr!])
      pipe.on(
        "error",
        (error: Error) => (this.exited ??= `the Python job server's pipe failed: ${error.message}`),
      );
    const lines = createInterface({ input: this.child.stdout! }).on("error", () => undefined);
    this.ready = new Promise<Ready>((resolve, reject) => {
      lines.once("line", (line) => resolve({ python, xgboost: (JSON.parse(line) as Ready).xgboost }));
      this.child.on("error", (error: NodeJS.ErrnoException) => {
        const message = error.code === "ENOENT" ? "not found" : error.message;
        if (this.child.pid === undefined) this.exited = `the Python job server did not start: ${message}`;
        reject(new Error(message));
      });
      this.child.on("exit", (code, signal) => {
        this.exited = `the Python job server exited (${signal ?? code})${stderr ? `: ${lastLine(stderr)}` : ""}`;
        reject(new Error(lastLine(stderr) || `exit ${signal ?? code}`));
        for (const job of this.pending.values()) job.reject(new Error(this.exited));
        this.pending.clear();
      });
    });
    this.ready.then(
      () => this.holdProcess(),
      () => undefined,
    );
    lines.on("line", (line) => {
      const answer = JSON.parse(line) as Answer | Ready;
      if (!("id" in answer)) return;
      this.pending.get(answer.id)?.resolve(answer);
      this.pending.delete(answer.id);
      this.holdProcess();
    });
  }

  /**
   * A server running jobs keeps this process alive, as any child would; an idle one does not, so a
   * process whose work is done ends (and its server with it, on the closed input) without stopping it.
   */
  private holdProcess(): void {
    const busy = this.pending.size > 0;
    const handles = [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as unknown as ({
      ref(): void;
      unref(): void;
    } | null)[];
    for (const handle of handles) {
      if (busy) handle?.ref();
      else handle?.unref();
    }
  }

  /** False once it has exited or been told to stop (stopRun signals it before it exits). */
  get usable(): boolean {
    return !this.exited && !this.child.killed;
  }

  /** Its process id (a forked job's parent). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Stops it, and with it any job it runs. */
  stop(): void {
    this.child.kill("SIGTERM");
  }

  /**
   * Runs `script` as `__main__` with `args` in a process of its own, to completion; with `service`,
   * a long-lived child that talks over a socket (answered when it exits).
   */
  run(script: string, args: string[], service?: ServiceOptions): Promise<PythonResult> {
    if (!this.usable) return Promise.reject(new Error(this.exited ?? "the Python job server was stopped"));
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const done = (answer: Answer) =>
        resolve({
          code: answer.code ?? 128,
          signal: answer.signal ?? undefined,
          stdout: answer.stdout,
          stderr: answer.stderr,
        });
      this.pending.set(id, { resolve: done, reject });
      this.holdProcess();
      this.child.stdin!.write(`${JSON.stringify({ id, script, args, ...service })}\n`);
    });
  }
}

const lastLine = (text: string) => text.trim().split("\n").pop() ?? "";

let current: { candidates: string; server: Promise<JobServer> } | undefined;

/** Starts a job server with the first candidate Python that can import XGBoost. */
async function startServer(candidates: string[]): Promise<JobServer> {
  const tried: string[] = [];
  for (const python of candidates) {
    const server = new JobServer(python);
    try {
      rememberPython(await server.ready, candidates);
      return server;
    } catch (error) {
      tried.push(`${python}: ${(error as Error).message}`);
    }
  }
  throw noXGBoost(tried);
}

/**
 * The running job server, started when there is none (or it has exited): a run calls this first, so
 * a Python without XGBoost is one message before anything starts. Calling it early (the CLI does,
 * before loading the rest of local mode) overlaps Python's start-up with Node's.
 */
export async function pythonJobs(): Promise<JobServer> {
  const candidates = pythonCandidates();
  const key = candidates.join("|");
  const known = current;
  if (known?.candidates === key) {
    const server = await known.server.catch(() => undefined);
    if (server?.usable) return server;
    // Another caller may have started the next one while this one waited.
    if (current !== known) return pythonJobs();
  } else if (known) {
    // Another interpreter was chosen (MLOPS_PYTHON changed): the kept server of the old one goes.
    void known.server.then(
      (server) => server.stop(),
      () => undefined,
    );
  }
  const server = startServer(candidates);
  current = { candidates: key, server };
  return server;
}

/** Runs one of local mode's Python scripts (or etl's) to completion, in a process of its own. */
export async function runPython(script: string, args: string[]): Promise<PythonResult> {
  return (await pythonJobs()).run(script, args);
}
