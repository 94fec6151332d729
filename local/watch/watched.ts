import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { parse } from "yaml";
import { matchingPaths } from "../../functions/lib/watched-paths";
import { parseStackConfig } from "../../infra/stack-config";

/**
 * What `--watch` watches: the code and config paths a push would have to change to start a cloud run
 * (the test stack's `mlops:triggerPaths`, matched by the push filter's own function), the data
 * folder (a new or changed data set of this model, as a new one under the data prefix starts a cloud
 * run; other models' files are not this pipeline's) and the ML config file.
 */
export interface WatchedPaths {
  root: string;
  globs: readonly string[];
  dataDir: string;
  configPath: string;
  /** Whether a file name in the data folder is one of this model's data sets. */
  isDataSet: (name: string) => boolean;
}

/** Never a reason to run: what runs themselves write, dependencies and version control. */
const IGNORED = /(^|[/\\])(node_modules|\.git|__pycache__|\.runs)([/\\]|$)|\.pyc$|~$|\.sw[px]$/;

/** The test stack's trigger globs, as `Pulumi.test.yaml` sets them (or the defaults). */
export function triggerGlobs(root: string): string[] {
  const file = join(root, "Pulumi.test.yaml");
  const config = existsSync(file) ? ((parse(readFileSync(file, "utf8")) ?? {}).config ?? {}) : {};
  const raw = Object.fromEntries(
    Object.entries(config as Record<string, unknown>).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
  const parsed = parseStackConfig("test", raw);
  return parsed.stack === "test" ? parsed.triggerPaths : [];
}

/** Why a changed file starts a run (`data`, `config`, `code`), or undefined when it does not. */
export function reasonFor(path: string, watched: WatchedPaths): "data" | "config" | "code" | undefined {
  const file = resolve(path);
  if (IGNORED.test(file)) return undefined;
  if (file === resolve(watched.configPath)) return "config";
  if (dirname(file) === resolve(watched.dataDir))
    return watched.isDataSet(basename(file)) ? "data" : undefined;
  const inRepo = relative(watched.root, file);
  if (inRepo.startsWith("..") || isAbsolute(inRepo)) return undefined;
  return matchingPaths([inRepo.split(sep).join("/")], watched.globs).length ? "code" : undefined;
}

/**
 * The folders to put watchers on: each glob's fixed leading folder (recursively), the repository
 * root itself for top-level files, the data folder and the config's folder.
 */
export function watchTargets(watched: WatchedPaths): { dir: string; recursive: boolean }[] {
  const bases = watched.globs.map((glob) =>
    glob
      .split("/")
      .slice(0, -1)
      .filter((part) => !/[*?[{]/.test(part)),
  );
  const recursive = [...new Set(bases.filter((b) => b.length > 0).map((b) => join(watched.root, b[0])))];
  const flat = [watched.root, watched.dataDir, dirname(watched.configPath)].map((dir) => resolve(dir));
  return [
    ...recursive.filter((dir) => existsSync(dir)).map((dir) => ({ dir, recursive: true })),
    ...[...new Set(flat)].filter((dir) => !recursive.includes(dir)).map((dir) => ({ dir, recursive: false })),
  ];
}
