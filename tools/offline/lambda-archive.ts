import { copyFileSync, mkdirSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CapturedResource } from "./harness";
import { PROJECT_ROOT } from "./harness";

/**
 * A CallbackFunction's archive as an offline run records it (its serialized `__index.js` and the
 * files lambda-code.ts packs), measured and unpacked the way Lambda would see it.
 */

export type ArchiveAssets = Record<
  string,
  { asset?: { text?: string; path?: string }; archive?: { path: string } }
>;

export const archiveAssets = (fn: CapturedResource): ArchiveAssets =>
  (fn.inputs.code as { archive: { assets: ArchiveAssets } }).archive.assets;

/** Unzipped size; a whole folder in the archive is refused (lambda-code.ts packs files only). */
export function archiveBytes(assets: ArchiveAssets, root = PROJECT_ROOT): number {
  return Object.values(assets).reduce((sum, entry) => {
    if (entry.asset?.text !== undefined) return sum + Buffer.byteLength(entry.asset.text);
    if (entry.asset?.path) return sum + statSync(join(root, entry.asset.path)).size;
    throw new Error(`a whole folder is packed: ${entry.archive?.path}`);
  }, 0);
}

/**
 * Writes the archive's files under `task` (as /var/task) and links the program's SDK v3 packages
 * under `<task>/runtime/node_modules` (as /var/runtime/node_modules); returns that NODE_PATH.
 */
export function unpackArchive(fn: CapturedResource, task: string, root = PROJECT_ROOT): string {
  for (const [path, entry] of Object.entries(archiveAssets(fn))) {
    mkdirSync(dirname(join(task, path)), { recursive: true });
    if (entry.asset?.text !== undefined) writeFileSync(join(task, path), entry.asset.text);
    else copyFileSync(join(root, entry.asset!.path!), join(task, path));
  }
  const runtime = join(task, "runtime", "node_modules");
  mkdirSync(runtime, { recursive: true });
  for (const scope of ["@aws-sdk", "@smithy", "@aws-crypto"])
    symlinkSync(join(root, "node_modules", scope), join(runtime, scope));
  return runtime;
}

/** A node command line that loads the entry point and fails unless it exports a handler. */
export const LOAD_HANDLER = [
  "-e",
  'const m = require("./__index.js"); if (typeof m.handler !== "function") process.exit(3);',
];
