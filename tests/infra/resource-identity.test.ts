import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { OfflineRun } from "../../tools/offline/harness";
import { offline } from "../helpers/offline";

/**
 * An existing stack updates in place only if every resource it holds is found again under its URN
 * or an alias; one that is not found is deleted and created anew. The recorded URNs are the
 * single-account stacks' as deployed before components were renamed and the stack reference moved.
 */
const DEPLOYED: Record<string, string[]> = JSON.parse(
  readFileSync(join(__dirname, "..", "fixtures", "single-account", "deployed-urns.json"), "utf8"),
);

function knownAs(run: OfflineRun, withAliases: boolean): Set<string> {
  return new Set(run.resources.flatMap((r) => [r.urn, ...(withAliases ? (r.aliases ?? []) : [])]));
}

const lost = (stack: string, known: Set<string>) => DEPLOYED[stack].filter((urn) => !known.has(urn));

describe("resource identity across the house moves", function () {
  this.timeout(120_000);

  for (const stack of ["test", "prod"]) {
    it(`${stack}: every deployed resource is found again, by URN or alias, so none is replaced`, async () => {
      const run = await offline({ stack });
      assert.deepEqual(lost(stack, knownAs(run, true)), []);
    });
  }

  it("without the aliases, the renamed components and their children would be replaced", async () => {
    const run = await offline({ stack: "test" });
    const withoutAliases = lost("test", knownAs(run, false));
    assert.ok(withoutAliases.length > 0);
    for (const urn of withoutAliases)
      assert.match(urn, /mlops:storage:SecureBucket|mlops:api:PredictionApi/, urn);
    const prodLost = lost("prod", knownAs(await offline({ stack: "prod" }), false));
    assert.ok(
      prodLost.some((urn) => urn.includes("mlops:api:PredictionApi")),
      prodLost.join("\n"),
    );
  });
});
