/**
 * The bundle of `entry` (a TypeScript file under the project root) in `outDir`, built when it is
 * missing or stale. Returns its path; rejects with esbuild's error when a source does not compile.
 */
export function bundleOf(entry: string, outDir: string): Promise<string>;
