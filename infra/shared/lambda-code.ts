import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/**
 * What goes into a handler's archive besides its serialized closure. By default Pulumi packs every
 * production dependency of the program, whole (seven SDK clients, zod with its TypeScript sources,
 * yaml…: ~57 MB per function); here each function gets only the packages its closure requires, and
 * of those only the files Node loads.
 *
 * The AWS SDK for JavaScript v3 is left to the runtime: nodejs22.x ships it on NODE_PATH
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). That is safe for these
 * handlers: they call long-standing operations (DescribeEndpoint, InvokeEndpoint, GetObject,
 * PutJobSuccessResult, StartExecution, GetFile, GetApiKey…) with no feature newer than the runtime's
 * SDK, and the serialized closure requires each client by its `dist-cjs/index.js` path, which every
 * v3 release has. tests/infra/lambda-archive-size.test.ts loads each archive with only its own files
 * and an SDK directory, as the runtime would.
 */

/** Packages the runtime provides: the SDK v3 clients and the @smithy and @aws-crypto packages they use. */
export const RUNTIME_PROVIDED = /^@aws-sdk\/|^@smithy\/|^@aws-crypto\//;

/** Files Node never loads: type declarations, TypeScript sources, source maps, docs. */
const NOT_LOADED = /\.(d\.[cm]?ts|[cm]?ts|map|md|tsbuildinfo)$/i;

const packageJson = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };

/** The directory Node would load `name` from when required from `fromDir` (nested first, then up). */
function packageDir(name: string, fromDir: string, root: string): string {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dir === dirname(dir))
      throw new Error(`Lambda package "${name}" is not installed (run npm ci in ${root})`);
  }
}

/** The packages and every production dependency they pull in, minus what the runtime provides. */
function packageDirs(packages: readonly string[], root: string): Map<string, string> {
  const found = new Map<string, string>();
  const pending = packages.map((name) => ({ name, from: root }));
  while (pending.length > 0) {
    const { name, from } = pending.pop()!;
    if (RUNTIME_PROVIDED.test(name)) continue;
    const dir = packageDir(name, from, root);
    if (found.has(dir)) continue;
    found.set(dir, name);
    for (const dep of Object.keys(packageJson(dir).dependencies ?? {}))
      pending.push({ name: dep, from: dir });
  }
  return found;
}

/** Each package's files are listed once per program run, however many functions pack it. */
const listed = new Map<string, string[]>();

function loadableFiles(dir: string): string[] {
  const known = listed.get(dir);
  if (known) return known;
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !NOT_LOADED.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !relative(dir, file).split(/[\\/]/).includes("node_modules"));
  listed.set(dir, files);
  return files;
}

export interface LambdaCodeOptions {
  extraExcludePackages: string[];
  extraIncludePaths: string[];
}

/**
 * `codePathOptions` for a CallbackFunction whose closure requires `packages`: every other dependency
 * of the program is excluded, and the needed ones are added file by file (paths relative to the
 * program's directory, where Pulumi resolves them and which become the archive's paths).
 */
export function lambdaCode(packages: readonly string[], root = process.cwd()): LambdaCodeOptions {
  const dirs = packageDirs(packages, root);
  const programDeps = Object.keys(packageJson(root).dependencies ?? {});
  return {
    extraExcludePackages: [...new Set([...programDeps, ...dirs.values()])],
    extraIncludePaths: [...dirs.keys()].flatMap(loadableFiles).map((file) => relative(root, file)),
  };
}
