import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CapturedResource } from "../../tools/offline/harness";

/**
 * Loads the `__index.js` Pulumi serialized for a Lambda, as Lambda would, with the function's
 * environment applied. It is written inside the project so its require() calls resolve to the same
 * SDK modules the client mocks patch. Call `restore()` afterwards.
 */
export function loadArchive<T>(fn: CapturedResource): { module: T; restore: () => void } {
  const assets = (fn.inputs.code as { archive: { assets: Record<string, { asset?: { text: string } }> } })
    .archive.assets;
  const source = assets["__index.js"].asset!.text;
  const dir = join(__dirname, "..", "..", ".runs", "lambda-archive");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${fn.name}-${process.pid}-${Date.now()}.js`);
  writeFileSync(file, source);
  const saved = { ...process.env };
  Object.assign(process.env, (fn.inputs.environment as { variables: Record<string, string> }).variables);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(file) as T;
  return {
    module,
    restore: () => {
      process.env = saved;
      rmSync(file, { force: true });
    },
  };
}
