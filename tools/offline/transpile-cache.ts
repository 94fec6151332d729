import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

/**
 * ts-node's output, kept per file and source: in memory for the process and on disk between processes.
 *
 * In transpile-only mode a module's JavaScript depends only on its source, its file name and the
 * compiler's version and options, yet ts-node transpiles every module on every load: ~1.3 s of each
 * offline run (the harness loads the program again per run) and of each CLI process's start. The
 * output is the same text ts-node would produce, source map included; ts-node's source-map support is
 * told where a kept module's code is, so stack traces still point into the TypeScript. Type-checking
 * mode is left alone (a module's errors can depend on other files). Tests and CLIs get it through
 * tsconfig.json's `ts-node.require`; the offline harness makes sure of it before each run.
 */

type Compile = (code: string, fileName: string, lineOffset?: number) => string;
interface TsNodeService {
  compile: Compile;
  options: { transpileOnly?: boolean };
  config: { options: Record<string, unknown> };
  ts: { version: string };
  keepsTranspiled?: true;
}

/** Where kept modules live; a fresh clone starts empty. */
export const TRANSPILE_CACHE_DIR = resolve(
  __dirname,
  "..",
  "..",
  "node_modules",
  ".cache",
  "mlops",
  "ts-node",
);

const REGISTERED = Symbol.for("ts-node.register.instance");

/** ts-node's own copy of source-map-support: the one whose stack traces a ts-node process prints. */
function sourceMapSupport():
  { install(options: { retrieveFile(path: string): string | null }): void } | undefined {
  try {
    return createRequire(require.resolve("ts-node"))("@cspotcode/source-map-support");
  } catch {
    return undefined;
  }
}

function store(file: string, output: string): void {
  try {
    mkdirSync(TRANSPILE_CACHE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, output);
    renameSync(partial, file);
  } catch {
    // A read-only checkout only loses the speed-up.
  }
}

function readKept(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Wraps the registered ts-node service's `compile` (its require hook calls it on each load); idempotent. */
export function keepTranspiledModules(): void {
  const service = (process as unknown as Record<symbol, TsNodeService | undefined>)[REGISTERED];
  if (!service || service.keepsTranspiled || !service.options?.transpileOnly) return;
  const compile = service.compile.bind(service);
  const salt = JSON.stringify([service.ts?.version, service.config?.options]);
  const kept = new Map<string, string>();
  const served = new Map<string, string>();
  sourceMapSupport()?.install({ retrieveFile: (path) => served.get(path) ?? null });
  service.compile = (code, fileName, lineOffset = 0) => {
    const key = createHash("sha256")
      .update(`${salt}\0${fileName}\0${lineOffset}\0`)
      .update(code)
      .digest("hex");
    let output = kept.get(key);
    if (output === undefined) {
      const file = join(TRANSPILE_CACHE_DIR, `${key}.js`);
      output = readKept(file);
      if (output === undefined) store(file, (output = compile(code, fileName, lineOffset)));
      kept.set(key, output);
    }
    served.set(fileName, output);
    return output;
  };
  service.keepsTranspiled = true;
}
