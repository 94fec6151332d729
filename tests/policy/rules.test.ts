import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKS } from "../../policy/evaluator/evaluate";
import { AWS_BASELINE_CASES } from "./cases/aws-baseline-cases";
import { FIDELITY_CASES } from "./cases/fidelity-cases";
import { clone, violationsOf } from "./cases/fixture-kit";
import { ML_ENDPOINT_CASES } from "./cases/ml-endpoints-cases";

const CASES = { ...ML_ENDPOINT_CASES, ...AWS_BASELINE_CASES, ...FIDELITY_CASES };

describe("policy rules: a compliant fixture, and each broken property caught", () => {
  const all = PACKS.flatMap((p) => p.policies);

  it("every rule has fixtures, with metadata (severity, remediation, external ids)", () => {
    assert.deepEqual(
      all.map((r) => r.name).filter((n) => !CASES[n]),
      [],
    );
    assert.ok(all.length >= 50, `${all.length} policies`);
    for (const rule of all) {
      assert.ok(
        rule.meta.remediation.length > 10 && rule.meta.externalIds.length > 0 && rule.severity,
        rule.name,
      );
    }
  });

  for (const rule of PACKS.flatMap((p) => p.policies)) {
    const fixture = CASES[rule.name];
    if (!fixture) continue;
    it(`${rule.name}`, async () => {
      assert.deepEqual(await violationsOf(rule, clone(fixture.compliant)), [], "compliant fixture");
      for (const [what, breakIt, messages] of fixture.breaks) {
        const broken = clone(fixture.compliant);
        breakIt(broken);
        assert.deepEqual(await violationsOf(rule, broken), messages, what);
      }
    });
  }
});

describe("policy READMEs", () => {
  const markdown = async (text: string) =>
    (await import("prettier")).format(text, { parser: "markdown", printWidth: 110 });

  it("policy/README.md is generated from the rules' metadata and up to date (npm run policy:build)", async () => {
    const { policyReadme } = await import("../../policy/readme");
    const committed = readFileSync(join(__dirname, "..", "..", "policy", "README.md"), "utf8");
    assert.equal(committed, await markdown(policyReadme()));
  });

  for (const pack of PACKS) {
    it(`${pack.name}'s README.md (shipped with the pack) is up to date`, async () => {
      const { packReadme } = await import("../../policy/readme");
      assert.equal(readFileSync(join(pack.dir, "README.md"), "utf8"), await markdown(packReadme(pack)));
    });
  }
});
