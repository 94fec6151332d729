import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `pulumi policy publish` uploads a pack's directory and nothing else, so a pack may not import
 * `../shared`: each pack gets its own copy of the shared helpers it uses, in `<pack>/lib/`. The
 * copies are generated (`npm run policy:build`) and a test holds them to their sources.
 */

export const POLICY_DIR = __dirname;
/** Every pack directory, found as the pipeline's builds find them: by their PulumiPolicy.yaml. */
export const PACK_DIRS = readdirSync(POLICY_DIR).filter((dir) =>
  existsSync(join(POLICY_DIR, dir, "PulumiPolicy.yaml")),
);
const SHARED_DIR = join(POLICY_DIR, "shared");
const LIB_IMPORT = /from "(?:\.\.?\/)+lib\/([\w-]+)"/g;
const SHARED_IMPORT = /from "\.\/([\w-]+)"/g;

const header = (file: string) =>
  `// Generated from policy/shared/${file} by \`npm run policy:build\`: edit that file, not this copy.\n`;

/** The pack's own sources (everything but its generated lib/). */
function packSources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.startsWith("lib"))
    .map((file) => readFileSync(join(dir, file), "utf8"));
}

const importsOf = (source: string, pattern: RegExp) => [...source.matchAll(pattern)].map((m) => m[1]);

/** The shared modules a pack needs: those its sources import, and what those import in turn. */
function neededModules(packDir: string): string[] {
  const pending = packSources(join(POLICY_DIR, packDir)).flatMap((source) => importsOf(source, LIB_IMPORT));
  const needed = new Set<string>();
  while (pending.length > 0) {
    const module = pending.pop()!;
    if (needed.has(module)) continue;
    const file = join(SHARED_DIR, `${module}.ts`);
    if (!existsSync(file))
      throw new Error(`policy/${packDir} imports lib/${module}, which policy/shared lacks`);
    needed.add(module);
    pending.push(...importsOf(readFileSync(file, "utf8"), SHARED_IMPORT));
  }
  return [...needed].sort();
}

/** What `<pack>/lib/` must hold: file name → content. */
export function sharedCopies(packDir: string): Map<string, string> {
  return new Map(
    neededModules(packDir).map((module) => {
      const file = `${module}.ts`;
      return [file, header(file) + readFileSync(join(SHARED_DIR, file), "utf8")];
    }),
  );
}
