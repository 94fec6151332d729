import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { Log } from "sarif";
import { policy, policyProcess } from "../helpers/policy-command";

/**
 * `--format sarif` against the SARIF 2.1.0 schema OASIS publishes (draft-04, vendored from
 * oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json), for our prod stack and for another
 * team's program with violations.
 */

const ROOT = join(__dirname, "..", "..");
const schema = JSON.parse(
  readFileSync(join(ROOT, "tests", "fixtures", "schemas", "sarif-schema-2.1.0.json"), "utf8"),
) as object;
// uri, uri-reference and date-time are checked too, as the schema asks.
const validate = addFormats(new Ajv({ allErrors: true, strict: false })).compile(schema);

const parsed = (run: { code: number | null; stdout: string }) => ({
  code: run.code,
  log: JSON.parse(run.stdout) as Log,
});

const problems = (log: unknown) =>
  validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);

describe("npm run policy -- --format sarif", function () {
  this.timeout(240_000);
  let insecure: { code: number | null; log: Log };
  before(async () => {
    insecure = parsed(
      await policy("--stack", "prod", "--format", "sarif", "--program", "tests/fixtures/insecure-program.ts"),
    );
  });

  it("prod, as the process `npm run -s policy -- --stack prod --format sarif`: a valid SARIF 2.1.0 log with every rule and no results, exit 0", () => {
    const run = policyProcess("--stack", "prod", "--format", "sarif");
    assert.equal(run.stderr, "");
    const { code, log } = parsed(run);
    assert.equal(code, 0);
    assert.deepEqual(problems(log), []);
    assert.ok(log.runs[0].tool.driver.rules!.length >= 50);
    assert.deepEqual(log.runs[0].results, []);
  });

  it("another team's program: a valid log with one error per mandatory violation at its URN, exit 1", () => {
    const { code, log } = insecure;
    assert.equal(code, 1);
    assert.deepEqual(problems(log), []);
    const [run] = log.runs;
    const rules = run.tool.driver.rules!;
    assert.ok(run.results!.length >= 11);
    for (const result of run.results!) {
      assert.equal(result.level, "error");
      assert.equal(rules[result.ruleIndex!].id, result.ruleId);
      const [location] = result.locations!;
      assert.match(location.logicalLocations![0].fullyQualifiedName!, /^urn:pulumi:prod::mlops::/);
      assert.equal(location.physicalLocation!.artifactLocation!.uri, "tests/fixtures/insecure-program.ts");
    }
    const typo = run.results!.find((r) => r.ruleId === "aws-iam-policy-actions-exist")!;
    assert.equal(
      typo.message.text,
      "typo-policy: sagemaker:CreateTrainingJobs is not an IAM action (did you mean sagemaker:CreateTrainingJob?).",
    );
  });

  it("the schema check can fail: a log missing its version, or with a bad level, is refused", () => {
    const { version: _version, ...noVersion } = insecure.log;
    assert.ok(problems(noVersion).length > 0);
    const badLevel = structuredClone(insecure.log);
    (badLevel.runs[0].results![0] as { level: string }).level = "mandatory";
    assert.ok(problems(badLevel).some((p) => p.includes("level")));
  });

  it("--json is kept: the same violations as the SARIF results", async () => {
    const run = await policy("--stack", "prod", "--json", "--program", "tests/fixtures/insecure-program.ts");
    const report = JSON.parse(run.stdout) as { violations: { policy: string; message: string }[] };
    assert.deepEqual(
      report.violations.map((v) => `${v.policy}: ${v.message}`),
      insecure.log.runs[0].results!.map((r) => `${r.ruleId}: ${r.message.text}`),
    );
  });
});
