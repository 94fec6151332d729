import { minimatch } from "minimatch";

/**
 * Which changed paths start a run: the push filter in the cloud and `npm start -- --watch` locally
 * match with the same function and the same default globs (`mlops:triggerPaths` overrides them).
 */
export const DEFAULT_TRIGGER_PATHS = [
  "infra/**",
  "functions/**",
  "etl/**",
  "config/**",
  "policy/**",
  "local/**",
  "tools/**",
  "package.json",
  "package-lock.json",
  "Pulumi.yaml",
  "Pulumi.*.yaml",
];

/** Paths that match any of the globs; dot files count, as `.github/**` users expect. */
export function matchingPaths(paths: Iterable<string>, globs: readonly string[]): string[] {
  return [...paths].filter((path) => globs.some((glob) => minimatch(path, glob, { dot: true })));
}
