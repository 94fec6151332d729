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
