import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as prettier from "prettier";
import type { OfflineRun } from "../offline/harness";
import { PROJECT_ROOT } from "../offline/harness";
import { runWithReferences } from "../offline/references";
import { STACKS } from "../../infra/stack-config";
import { reportAndExit } from "../cli/cli-support";
import { configurationReference } from "./configuration";
import { stackInventory } from "./stack-inventory";

/** `npm run docs`: rewrites the generated pages under docs/ (a test fails while they are stale). */

/** The generated pages by path, formatted as the repository's prettier config would. */
export async function generatedDocs(runs: OfflineRun[]): Promise<Record<string, string>> {
  const pages = {
    [join(PROJECT_ROOT, "docs", "configuration.md")]: configurationReference(),
    [join(PROJECT_ROOT, "docs", "stack-inventory.md")]: stackInventory(runs),
  };
  const formatted: Record<string, string> = {};
  for (const [file, text] of Object.entries(pages)) {
    formatted[file] = await prettier.format(text, {
      ...(await prettier.resolveConfig(file)),
      filepath: file,
    });
  }
  return formatted;
}

async function main(): Promise<void> {
  const runs = [];
  for (const stack of STACKS) runs.push(await runWithReferences({ stack }));
  for (const [file, text] of Object.entries(await generatedDocs(runs))) {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}

if (require.main === module) main().catch(reportAndExit);
