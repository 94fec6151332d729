import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BehaviourId } from "../../local/aws/behaviour";

/**
 * A test of one row of the stand-ins' behaviour table (local/aws/behaviour.ts), titled by its id so
 * the table's meta-test can find it in tests/aws/behaviour*.test.ts.
 */
export function row(id: BehaviourId, title: string, body: () => Promise<void> | void) {
  it(`${id}: ${title}`, body);
}

/** The ids every behaviour test file declares a `row(...)` for, read from the files themselves. */
export function testedRows(): Set<string> {
  const dir = join(__dirname, "..", "aws");
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => /^behaviour.*\.test\.ts$/.test(f)))
    for (const match of readFileSync(join(dir, file), "utf8").matchAll(/\brow\(\s*"(\w+)"/g))
      ids.add(match[1]);
  return ids;
}

/** What a call failed with (it must fail). */
export async function failure(call: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof call === "function" ? call() : call);
  } catch (error) {
    return error as Error & { code?: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error("the call succeeded");
}
