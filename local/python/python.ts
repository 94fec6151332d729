import { spawnSync } from "node:child_process";

/** Debian ships XGBoost 1.7.4 (the version of SageMaker's xgboost:1.7-1 image) for its own python3. */
export const INSTALL_COMMAND = "sudo apt-get install -y python3-xgboost";
/** `MLOPS_PYTHON` names the interpreter to use; otherwise Debian's, then the first on PATH. */
export const pythonCandidates = () =>
  process.env.MLOPS_PYTHON ? [process.env.MLOPS_PYTHON] : ["/usr/bin/python3", "python3"];
export const PYTHON_DIR = __dirname;

/** A failure the person running local mode can fix; printed as one message, exit 2. */
export class LocalSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LocalSetupError";
  }
}

let found: { python: string; xgboost: string; from: string } | undefined;

/** What the job server's start found (local/python-jobs.ts): later calls to findPython need no probe. */
export function rememberPython(python: { python: string; xgboost: string }, candidates: string[]): void {
  found = { ...python, from: candidates.join("|") };
}

/** The first python3 that can import xgboost, or one message saying how to install it. */
export function findPython(): { python: string; xgboost: string } {
  const list = pythonCandidates();
  if (found && found.from === list.join("|")) return found;
  const tried: string[] = [];
  for (const python of list) {
    const probe = spawnSync(python, ["-c", "import xgboost; print(xgboost.__version__)"], {
      encoding: "utf8",
    });
    if (probe.status === 0) {
      found = { python, xgboost: probe.stdout.trim(), from: list.join("|") };
      return found;
    }
    // Ctrl-C reaches the probe too (same process group): that is an interruption, not a missing XGBoost.
    if (probe.signal === "SIGINT" || probe.signal === "SIGTERM" || probe.signal === "SIGHUP")
      process.exit(probe.signal === "SIGINT" ? 130 : probe.signal === "SIGTERM" ? 143 : 129);
    tried.push(
      `${python}: ${probe.error ? "not found" : (probe.stderr.trim().split("\n").pop() ?? "failed")}`,
    );
  }
  throw noXGBoost(tried);
}

/** The one message for a machine where no candidate Python can import XGBoost; `tried` says why each failed. */
export function noXGBoost(tried: string[]): LocalSetupError {
  return new LocalSetupError(
    `Local mode trains with XGBoost, and no python3 here can import it (${tried.join("; ")}). Install it with:\n  ${INSTALL_COMMAND}`,
  );
}

export interface PythonResult {
  code: number;
  /** The signal that ended the process, when one did (the OS's out-of-memory killer sends SIGKILL). */
  signal?: NodeJS.Signals;
  stdout: string;
  stderr: string;
}

/**
 * The environment of every Python child. XGBoost runs with nthread=1, yet OpenMP still starts a
 * second thread for each round's evaluation and lets it spin waiting for work; on a 2-core machine
 * that spinning competes with the Node process and the other children. One OpenMP thread that sleeps
 * when idle costs nothing here and gives the same models. A user's own settings win.
 */
export function pythonEnv(): NodeJS.ProcessEnv {
  return { OMP_NUM_THREADS: "1", OMP_WAIT_POLICY: "PASSIVE", ...process.env };
}
