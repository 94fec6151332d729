import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { acquireFileLock } from "./file-lock";
import { PROJECT_ROOT, runOffline, type OfflineRun, type OfflineRunOptions } from "./harness";
import { DEFAULT_ACCOUNT_ID } from "./mocks";
import { readStackFile } from "./stack-files";

/**
 * Offline runs kept on disk by everything that can change their result: the program's sources and
 * the files it packages (infra/, functions/, config/, etl/), the harness (tools/offline/), the locked dependencies, the project and
 * stack files, and the run's options. A later process with the same inputs reads the run instead of
 * executing the program again (~5–8 s on this machine), so a preview, a policy check or a prod stack
 * that needs the test stack's outputs pays for each distinct program once. `MLOPS_OFFLINE_CACHE=off`
 * turns it off; a run of another program module (tests' fixtures) is never cached.
 */

export const CACHE_DIR = join(PROJECT_ROOT, "node_modules", ".cache", "mlops", "offline-runs");
const SOURCE_DIRS = ["infra", "tools/offline", "functions", "config", "etl"];
const SOURCE_FILES = ["package-lock.json", "tsconfig.json"];

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name === "__pycache__" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** A hash of every source under `root` the program reads. */
export function fingerprintOf(root: string): string {
  const hash = createHash("sha256");
  const files = [
    ...SOURCE_DIRS.flatMap((dir) => [...filesUnder(join(root, dir))]),
    ...SOURCE_FILES.map((file) => join(root, file)),
  ];
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(file)).update("\0");
  return hash.digest("hex");
}

let fingerprint: string | undefined;
/** This program's fingerprint, once per process: its sources do not change while it runs. */
const programFingerprint = () => (fingerprint ??= fingerprintOf(PROJECT_ROOT));

/** The run's inputs, with defaults spelled out so that equal runs asked differently share a key. */
export function cacheKey(options: OfflineRunOptions): string {
  const root = resolve(options.root ?? PROJECT_ROOT);
  const inputs = {
    root,
    project: readFileSync(join(root, "Pulumi.yaml"), "utf8"),
    stackFile: readStackFile(root, options.stack),
    config: options.config ?? [],
    preview: options.preview ?? false,
    stackOutputs: options.stackOutputs ?? {},
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
  };
  return createHash("sha256").update(programFingerprint()).update(JSON.stringify(inputs)).digest("hex");
}

function read(file: string): OfflineRun | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as OfflineRun;
  } catch {
    return undefined; // missing or torn: run the program instead
  }
}

/** runOffline, answered from the disk cache when the same inputs already ran. */
export async function cachedRunOffline(options: OfflineRunOptions): Promise<OfflineRun> {
  if (options.program || process.env.MLOPS_OFFLINE_CACHE === "off") return runOffline(options);
  const file = join(CACHE_DIR, `${cacheKey(options)}.json`);
  const cached = read(file);
  if (cached) return cached;
  // One process runs a missing entry; others asking for it (parallel test workers) wait and read it.
  const release = await acquireFileLock(`${file}.lock`, { pollMs: 50 });
  try {
    return read(file) ?? (await runAndStore(options, file));
  } finally {
    release();
  }
}

async function runAndStore(options: OfflineRunOptions, file: string): Promise<OfflineRun> {
  const text = JSON.stringify(await runOffline(options));
  mkdirSync(CACHE_DIR, { recursive: true });
  // Written aside and renamed: a concurrent reader sees the whole file or none.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, text);
  renameSync(partial, file);
  // The fresh run is returned as a cached one reads, so callers never see two shapes of one run.
  return JSON.parse(text) as OfflineRun;
}
