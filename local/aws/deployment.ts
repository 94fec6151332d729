import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { mlDeploymentSettings } from "../../config/deployment-settings";
import type { MlPipelineConfig } from "../../config/ml-config";
import { acquireFileLock } from "../../tools/offline/file-lock";
import type { CapturedResource } from "../../tools/offline/harness";

/**
 * The stacks a local run runs against: the test and prod stacks as `pulumi up` would create them
 * for the run's ML config, in local mode's account and region, taken from an offline run of the
 * real program. Every name a local run uses (bucket, key, roles, functions, model group, state
 * machine) and every policy its calls are checked against comes from here, never from a copy.
 *
 * Running the program takes seconds, so a deployment is kept on disk keyed by everything that can
 * change it: the program's sources, the stack files, and the part of the ML config the program
 * deploys from (config/deployment-settings.ts). A run that changes only the gate or
 * hyperparameters uses the same deployment; an edited source deploys again once.
 */

export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "us-east-1";

const ROOT = join(__dirname, "..", "..");
const CACHE_DIR = join(ROOT, "node_modules", ".cache", "mlops", "local-deployments");
/** Bumped when the stored shape changes. */
const FORMAT = 1;

export interface DeployedStack {
  /** The stack's resources (Lambda code archives left out). */
  resources: CapturedResource[];
  outputs: Record<string, unknown>;
}

export interface Deployment {
  /** The cache key it is kept under (program, stack files, deployed ML settings, account, region). */
  key: string;
  account: string;
  region: string;
  test: DeployedStack;
  prod: DeployedStack;
}

export class DeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeploymentError";
  }
}

/** What the program is made of: every source it reads and packs, and the locked dependencies. */
const PROGRAM_DIRS = ["infra", "tools/offline", "functions", "config", "etl"];
const PROGRAM_FILES = [
  "package-lock.json",
  "tsconfig.json",
  "Pulumi.yaml",
  "Pulumi.test.yaml",
  "Pulumi.prod.yaml",
];

/**
 * The program's sources by path, size and modification time: a change to any of them deploys
 * again (a checkout or an edit moves the time; hashing every source's content would cost every run
 * a read of the whole program).
 */
function programStamp(): string {
  const hash = createHash("sha256");
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.name === "node_modules" || entry.name === "__pycache__") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else stamp(path);
    }
  };
  const stamp = (path: string) => {
    const stats = statSync(path);
    hash.update(`${path}\0${stats.size}\0${stats.mtimeMs}\0`);
  };
  PROGRAM_DIRS.forEach((dir) => visit(join(ROOT, dir)));
  PROGRAM_FILES.forEach((file) => stamp(join(ROOT, file)));
  return hash.digest("hex");
}

function deploymentKey(config: MlPipelineConfig): string {
  // Stamped on every run, not once per process: watch mode runs again after an edit.
  const fingerprint = programStamp();
  const stackFiles = ["Pulumi.yaml", "Pulumi.test.yaml", "Pulumi.prod.yaml"].map((f) =>
    readFileSync(join(ROOT, f), "utf8"),
  );
  return createHash("sha256")
    .update(
      JSON.stringify({
        format: FORMAT,
        fingerprint,
        stackFiles,
        settings: mlDeploymentSettings(config),
        account: LOCAL_ACCOUNT,
        region: LOCAL_REGION,
      }),
    )
    .digest("hex");
}

function read(file: string, key: string): Deployment | undefined {
  try {
    return { ...(JSON.parse(readFileSync(file, "utf8")) as Omit<Deployment, "key">), key };
  } catch {
    return undefined;
  }
}

/** Runs the program for both stacks in a process of its own (Pulumi's runtime state is global). */
function deploy(configPath: string, file: string): void {
  const script = join(__dirname, "deploy-offline.ts");
  const run = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", script, "--ml-config", configPath, "--out", file],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  // Ctrl-C reaches the deploying child too (one process group): that is a stop, not a broken program.
  if (run.signal)
    throw new DeploymentError(
      `The offline deployment of the stacks was stopped by ${run.signal}; nothing ran.`,
    );
  if (run.status !== 0)
    throw new DeploymentError(
      `The stacks could not be deployed offline for ${configPath}: ${(run.stderr || run.error?.message || "").trim().split("\n").slice(-5).join("\n")}`,
    );
}

/**
 * The deployment for this ML config, from disk or from running the program (once per distinct
 * program and settings; concurrent runs wait for the one that deploys). `onDeploy` is told when
 * the program must run, so the caller can say why this run takes longer.
 */
export async function localDeployment(
  config: MlPipelineConfig,
  configPath: string,
  onDeploy: () => void = () => undefined,
): Promise<Deployment> {
  const key = deploymentKey(config);
  const file = join(CACHE_DIR, `${key}.json`);
  const cached = read(file, key);
  if (cached) return cached;
  mkdirSync(CACHE_DIR, { recursive: true });
  const release = await acquireFileLock(`${file}.lock`, { pollMs: 100 });
  try {
    const again = read(file, key);
    if (again) return again;
    onDeploy();
    deploy(configPath, file);
    const deployed = read(file, key);
    if (!deployed) throw new DeploymentError(`the offline deployment wrote no ${file}`);
    return deployed;
  } finally {
    release();
  }
}
