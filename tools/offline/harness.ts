import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { resolve, sep } from "node:path";
import { DEFAULT_ACCOUNT_ID, offlineMocks } from "./mocks";
import { withUnmappedStackTraces } from "./stack-traces";
import { emulateStackTransforms } from "./stack-transforms";
import { useEngineUrns } from "./engine-urns";
import { programCompileError } from "./program-errors";
import { keepTranspiledModules } from "./transpile-cache";
import { OfflineUsageError, parseOverrides, readStackFile } from "./stack-files";

/** Runs a Pulumi program in-process under mocks and records every resource it declares. */

export interface CapturedResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource; absent only for the stack itself. */
  parent?: string;
  /** The URNs it was known by before (its aliases, and those it inherits from its parent's). */
  aliases?: string[];
  /** The explicit provider it is managed by (`<urn>::<id>`), when it has one. */
  provider?: string;
  /** URNs of the resources it depends on, through its inputs or `dependsOn` (what orders a deployment). */
  dependencies?: string[];
  custom: boolean;
  /** Inputs as the engine receives them; a value unknown until deployment (preview) is `{__pulumiUnknown: true}`. */
  inputs: Record<string, unknown>;
  /** The inputs and the resulting state in the wire format the engine sees (for the policy evaluator). */
  wire?: { inputs: Record<string, unknown>; state: Record<string, unknown> };
}

export interface OfflineRunOptions {
  stack: string;
  /** `key=value` overrides on top of `Pulumi.<stack>.yaml` (bare keys get the project namespace). */
  config?: string[];
  /** Preview mode: computed outputs are unknown, as in `pulumi preview`. */
  preview?: boolean;
  /** The program module; defaults to this project's `infra/index.ts`. */
  program?: string;
  /** Directory with `Pulumi.yaml` and the stack files; defaults to this repository. */
  root?: string;
  /** Outputs of stacks the program references. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  accountId?: string;
}

export interface OfflineRun {
  project: string;
  stack: string;
  preview: boolean;
  resources: CapturedResource[];
  outputs: Record<string, unknown>;
}

/** Resolves once every outstanding registration has been answered (internal to the SDK, but stable). */
const waitForRPCs = (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;

export const PROJECT_ROOT = resolve(__dirname, "..", "..");

type Struct = { toJavaScript(): Record<string, unknown> };
type Callback = (
  error: Error | null,
  response?: { getUrn(): string; getObject?(): Struct | undefined; getProperties?(): Struct | undefined },
) => void;
interface MonitorRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider?(): string;
  getCustom?(): boolean;
  getDependenciesList?(): string[];
  getAliasurnsList?(): string[];
  getObject?(): unknown;
  getProperties?(): unknown;
}
type MonitorMethod = (req: MonitorRequest, callback: Callback) => unknown;

/** Program modules are loaded again for every run; dependencies in node_modules stay loaded. */
function forgetProgramModules(root: string): void {
  const nodeModules = `${sep}node_modules${sep}`;
  for (const id of Object.keys(require.cache)) {
    if (
      id.startsWith(root + sep) &&
      !id.includes(nodeModules) &&
      !id.includes(`${sep}infra${sep}offline${sep}`)
    ) {
      delete require.cache[id];
    }
  }
}

/**
 * Assets and archives hold their content behind promises; resolve them so captured inputs are plain
 * data (`{asset: {text | path | uri}}`, `{archive: {assets | path | uri}}`) that prints as JSON.
 */
async function plain(value: unknown): Promise<unknown> {
  if (pulumi.asset.Asset.isInstance(value)) {
    const a = value as Partial<Record<"text" | "path" | "uri", Promise<string>>>;
    const [text, path, uri] = await Promise.all([a.text, a.path, a.uri]);
    return { asset: text !== undefined ? { text } : path !== undefined ? { path } : { uri } };
  }
  if (pulumi.asset.Archive.isInstance(value)) {
    const a = value as Partial<{
      assets: Promise<Record<string, unknown>>;
      path: Promise<string>;
      uri: Promise<string>;
    }>;
    if (a.assets) return { archive: { assets: await plain(await a.assets) } };
    const [path, uri] = await Promise.all([a.path, a.uri]);
    return { archive: path !== undefined ? { path } : { uri } };
  }
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map(plain));
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await plain(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

let running = false;

export async function runOffline(options: OfflineRunOptions): Promise<OfflineRun> {
  if (running) throw new Error("runOffline: one offline run at a time (Pulumi's runtime state is global)");
  running = true;
  keepTranspiledModules();
  try {
    return await withUnmappedStackTraces(() => run(options));
  } finally {
    running = false;
  }
}

async function run(options: OfflineRunOptions): Promise<OfflineRun> {
  const root = resolve(options.root ?? PROJECT_ROOT);
  const preview = options.preview ?? false;
  const stackFile = readStackFile(root, options.stack);
  const config = { ...stackFile.config, ...parseOverrides(stackFile.project, options.config ?? []) };
  const region = config["aws:region"];
  if (!region)
    throw new OfflineUsageError(
      `stack "${options.stack}" sets no aws:region; add it to Pulumi.${options.stack}.yaml`,
    );

  pulumi.runtime.setAllConfig(config, stackFile.secretKeys);
  await pulumi.runtime.setMocks(
    offlineMocks({
      region,
      accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
      preview,
      stackOutputs: options.stackOutputs ?? {},
      config,
    }),
    stackFile.project,
    options.stack,
    preview,
  );

  const resources: CapturedResource[] = [];
  const pending: Promise<void>[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as Record<string, MonitorMethod>;
  const capture = (method: "registerResource" | "readResource") => {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req, callback) =>
      original(req, (error, response) => {
        if (!error && response) {
          const object = method === "registerResource" ? req.getObject?.() : req.getProperties?.();
          const inputs = pulumi.runtime.deserializeProperties(object as never) as Record<string, unknown>;
          pending.push(
            plain(inputs).then((plainInputs) => {
              resources.push({
                urn: response.getUrn(),
                type: req.getType(),
                name: req.getName(),
                parent: req.getParent() || undefined,
                provider: req.getProvider?.() || undefined,
                ...(req.getAliasurnsList?.()?.length && { aliases: req.getAliasurnsList() }),
                ...(req.getDependenciesList?.()?.length && { dependencies: req.getDependenciesList() }),
                custom: method === "readResource" || Boolean(req.getCustom?.()),
                inputs: plainInputs as Record<string, unknown>,
                wire: {
                  inputs: (object as Struct | undefined)?.toJavaScript() ?? {},
                  state: (response.getObject?.() ?? response.getProperties?.())?.toJavaScript() ?? {},
                },
              });
            }),
          );
        }
        callback(error, response);
      });
  };
  capture("registerResource");
  capture("readResource");
  emulateStackTransforms(monitor as never);
  useEngineUrns(monitor);

  // Errors thrown inside apply callbacks surface as unhandled rejections; collect them as the CLI would.
  const asyncErrors: unknown[] = [];
  const onRejection = (reason: unknown) => asyncErrors.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    const programPath = resolve(options.program ?? resolve(root, "infra", "index.ts"));
    if (options.program) checkProgramModule(programPath);
    forgetProgramModules(root);
    const label = options.program ? `--program ${programPath}` : `the program ${programPath}`;
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
      const loaded = loadProgram(programPath, label);
      return (loaded as { default?: unknown }).default ?? loaded;
    });
    await waitForRPCs();
    await Promise.all(pending);
    if (asyncErrors.length > 0) throw asyncErrors[0];
    if (options.program && !resources.some((r) => r.custom))
      throw new OfflineUsageError(
        `${programPath} declares no resources when loaded; give the module that builds your stack (its index.ts)`,
      );
    return {
      project: stackFile.project,
      stack: options.stack,
      preview,
      resources,
      outputs: (outputs ?? {}) as Record<string, unknown>,
    };
  } finally {
    process.off("unhandledRejection", onRejection);
  }
}

/** Loads the program module; a module of it that does not compile is named with its line. */
function loadProgram(programPath: string, label: string): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program must load after the mocks
    return require(programPath) as unknown;
  } catch (error) {
    throw programCompileError(error, label) ?? error;
  }
}

/** A program module given by path must resolve, and is named in the error when it does not. */
function checkProgramModule(programPath: string): void {
  try {
    require.resolve(programPath);
  } catch {
    throw new OfflineUsageError(
      `--program ${programPath}: no such module (give a .ts or .js file, or a folder with an index.ts)`,
    );
  }
}
