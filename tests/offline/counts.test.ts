import { strict as assert } from "node:assert";
import type { OfflineRun } from "../../tools/offline/harness";
import { previewCommand } from "../../tools/cli/preview-command";
import { stackInventory } from "../../tools/docs/stack-inventory";
import { STACKS } from "../../infra/stack-config";
import { offline } from "../helpers/offline";
import { policy } from "../helpers/policy-command";

/**
 * The offline preview, docs/stack-inventory.md and the policy CLI count a stack the same way: custom
 * resources (stack references included) and components, the stack itself in neither.
 */

const COUNTS = /(\d+) resources? and (\d+) components?/;

function countsIn(text: string, where: string): [number, number] {
  const match = COUNTS.exec(text);
  assert.ok(match, `${where} prints no "N resources and M components": ${text.slice(-300)}`);
  return [Number(match[1]), Number(match[2])];
}

async function previewLine(stack: string): Promise<string> {
  let stdout = "";
  await previewCommand(["--stack", stack], (text) => (stdout += text), offline);
  return stdout.split("\n").find((line) => line.includes(`, stack ${stack}, `)) ?? "";
}

/** The page's stack section: its heading's counts, and what its tables and component headings add up to. */
function inventorySection(run: OfflineRun) {
  const page = stackInventory([run]);
  const section = page.slice(page.indexOf(`## \`${run.stack}\` stack`));
  const heading = section.split("\n")[0];
  const rows = [...section.matchAll(/^\| `[^`]+` \| (\d+) \|/gm)].map((match) => Number(match[1]));
  const componentHeadings = section.match(/^#{3,6} `mlops:/gm) ?? [];
  return {
    heading,
    tabled: rows.reduce((sum, n) => sum + n, 0),
    componentHeadings: componentHeadings.length,
  };
}

describe("resource counts agree: preview, stack inventory, policy CLI", function () {
  this.timeout(180_000);

  for (const stack of STACKS) {
    it(`${stack} stack`, async () => {
      const run = await offline({ stack });
      // This program's components are all mlops:*; everything else but the stack is a resource.
      const components = run.resources.filter((r) => r.type.startsWith("mlops:")).length;
      const resources = run.resources.filter(
        (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("mlops:"),
      ).length;

      const preview = await previewLine(stack);
      const inventory = inventorySection(run);
      const text = (await policy("--stack", stack)).stdout;
      const json = JSON.parse((await policy("--stack", stack, "--json")).stdout) as {
        resources: number;
        components: number;
      };

      const expected = [resources, components];
      assert.deepEqual(countsIn(preview, "the preview"), expected, preview);
      assert.deepEqual(countsIn(inventory.heading, "the inventory"), expected, inventory.heading);
      assert.deepEqual([inventory.tabled, inventory.componentHeadings], expected, "the inventory's body");
      assert.deepEqual(countsIn(text, "the policy CLI"), expected, text);
      assert.deepEqual([json.resources, json.components], expected, "policy --json");
    });
  }
});
