import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OfflineRun } from "../../tools/offline/harness";
import { runWithReferences } from "../../tools/offline/references";

const REPO_ROOT = join(__dirname, "..", "..");

/**
 * A stack's resources as a stable document: sorted by URN, without the Lambda archives (their text
 * is the handlers' code, tested on its own) and with file assets relative to the checkout, so a
 * clone elsewhere records the same text. Comparing it with a committed copy shows every change
 * a feature made to an existing configuration.
 */
export function stackSnapshot(run: OfflineRun): string {
  const resources = [...run.resources]
    .sort((a, b) => a.urn.localeCompare(b.urn))
    .map(({ urn, parent, inputs }) => {
      const { code: _code, ...rest } = inputs;
      return { urn, parent, inputs: rest };
    });
  const text = JSON.stringify({ resources, outputs: run.outputs }, null, 1);
  return `${text.split(REPO_ROOT).join("<repo>")}\n`;
}

export const SNAPSHOT_DIR = join(__dirname, "..", "fixtures", "single-account");

/** `npm run snapshots`: records the single-account stacks as they are now. */
async function main(): Promise<void> {
  for (const stack of ["test", "prod"]) {
    const file = join(SNAPSHOT_DIR, `${stack}.json`);
    writeFileSync(file, stackSnapshot(await runWithReferences({ stack })));
    console.log(`wrote ${file}`);
  }
}

if (require.main === module) void main();
