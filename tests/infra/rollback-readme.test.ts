import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rollbackStackFile } from "../../tools/cli/rollback";

const ROOT = join(__dirname, "..", "..");

/** The arguments of the README's `npm run rollback -- …` example, as written there. */
function readmeRollbackArguments(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const example = /`npm run rollback -- ([^`]+)`/.exec(readme);
  assert.ok(example, "the README shows a rollback command");
  return example[1].trim().split(/\s+/);
}

describe("the README's rollback example", function () {
  this.timeout(60_000);

  it("runs as written against the committed Pulumi.prod.yaml (on a copy)", () => {
    const args = readmeRollbackArguments();
    assert.ok(!args.some((arg) => /[<>]/.test(arg)), `no placeholders to fill in: ${args.join(" ")}`);
    const copy = join(mkdtempSync(join(tmpdir(), "readme-rollback-")), "Pulumi.prod.yaml");
    copyFileSync(join(ROOT, "Pulumi.prod.yaml"), copy);
    const done = spawnSync(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", "tools/cli/rollback.ts", ...args, "--file", copy],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(done.status, 0, done.stderr);
    const version = args[args.indexOf("--version") + 1];
    const runId = args[args.indexOf("--run-id") + 1];
    const edited = readFileSync(copy, "utf8");
    assert.match(edited, new RegExp(`mlops:approvedModelPackageArn: \\S+/customer-churn-test/${version}\\n`));
    assert.match(edited, new RegExp(`mlops:approvedRunId: ${runId}\\n`));
  });

  it("from the first version there is nothing earlier, said so rather than as a range 1-0", () => {
    const first = readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8").replace(
      /(customer-churn-test\/)\d+/,
      "$11",
    );
    assert.throws(
      () => rollbackStackFile(first, "3", "20261120-101010-abc1234"),
      (error: Error) =>
        error.message ===
        "--version 3: prod serves version 1 (Pulumi.prod.yaml); it is the first version, so there is none earlier to roll back to. A newer version is released by the pipeline.",
    );
    const second = first.replace(/(customer-churn-test\/)1/, "$12");
    assert.throws(
      () => rollbackStackFile(second, "3", "20261120-101010-abc1234"),
      /prod serves version 2 \(Pulumi\.prod\.yaml\); a rollback goes to an earlier approved version \(1\)\./,
    );
  });
});
