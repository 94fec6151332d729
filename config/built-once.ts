/**
 * A value built on first use and kept for the rest of the process, under `key`. The cache lives on
 * globalThis: a module-level one would be captured when Pulumi serializes a handler into its Lambda
 * archive, and a built zod schema cannot be serialized. zod compiles a schema on its first parse, so a
 * schema built per call would pay for that compile on every call.
 */
export function builtOnce<T>(key: string, build: () => T): T {
  const global = globalThis as { mlopsBuiltOnce?: Map<string, unknown> };
  const cache = (global.mlopsBuiltOnce ??= new Map<string, unknown>());
  if (!cache.has(key)) cache.set(key, build());
  return cache.get(key) as T;
}
