/**
 * Two costs of running a Pulumi program in-process that an offline run does not need to pay. Both
 * are measured on this repository's program (~7 s per cold run before).
 */

type Compile = (code: string, fileName: string, lineOffset?: number) => string;
interface TsNodeService {
  compile: Compile;
  keepsTranspiled?: true;
}

/**
 * Each run loads the program's modules again (they declare resources when loaded), and ts-node
 * transpiles every module it loads: ~1.3 s per run. A module whose source is unchanged transpiles to
 * the same JavaScript, so the output is kept per file and source for the process. ts-node's
 * registered service is `process[Symbol.for("ts-node.register.instance")]` (ts-node's exported
 * REGISTER_INSTANCE), and its require hook calls `service.compile` on each load.
 */
export function keepTranspiledModules(): void {
  const service = (process as unknown as Record<symbol, TsNodeService | undefined>)[
    Symbol.for("ts-node.register.instance")
  ];
  if (!service || service.keepsTranspiled) return;
  const compile = service.compile.bind(service);
  const kept = new Map<string, string>();
  service.compile = (code, fileName, lineOffset) => {
    const key = `${fileName}\0${lineOffset ?? 0}\0${code}`;
    let output = kept.get(key);
    if (output === undefined) kept.set(key, (output = compile(code, fileName, lineOffset)));
    return output;
  };
  service.keepsTranspiled = true;
}

/**
 * Pulumi records a full stack trace (`Error.stackTraceLimit = Infinity`) for each resource and each
 * of its promises, for the engine's source positions and leak reports. Under ts-node, source-map
 * support maps every frame of every trace back to TypeScript: ~1.3 s per run. An offline run has no
 * engine to show positions to, so while the program runs, traces are V8's own frames, unmapped.
 * Error messages are unchanged; only a stack printed from inside the run shows compiled positions.
 */
export async function withUnmappedStackTraces<T>(body: () => Promise<T>): Promise<T> {
  const mapped = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) =>
    [
      `${(error as Error).name}: ${(error as Error).message}`,
      ...frames.map((frame) => `    at ${frame}`),
    ].join("\n");
  try {
    return await body();
  } finally {
    Error.prepareStackTrace = mapped;
  }
}
