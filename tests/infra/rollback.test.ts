import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failureOf } from "../../tools/cli/cli-support";
import { rollbackMain, rollbackStackFile } from "../../tools/cli/rollback";

const FILE = `# prod stack
config:
  aws:region: us-west-2
  mlops:testStackName: test
  # set by the Deploy stage
  mlops:approvedModelPackageArn: arn:aws:sagemaker:us-west-2:123456789012:model-package/customer-churn-test/7
  mlops:approvedRunId: 20261128-082410-0123456
`;

describe("rollback", () => {
  it("points prod at an earlier version and its run, keeping comments and other keys", () => {
    const { text, plan } = rollbackStackFile(FILE, "5", "20261120-101010-abcdef0");
    assert.equal(plan.to, "arn:aws:sagemaker:us-west-2:123456789012:model-package/customer-churn-test/5");
    assert.match(
      text,
      /mlops:approvedModelPackageArn: arn:aws:sagemaker:us-west-2:123456789012:model-package\/customer-churn-test\/5\n/,
    );
    assert.match(text, /mlops:approvedRunId: 20261120-101010-abcdef0\n/);
    assert.match(text, /# set by the Deploy stage/);
    assert.match(text, /mlops:testStackName: test/);
  });

  it("validates the version and run id offline", () => {
    assert.throws(
      () => rollbackStackFile(FILE, "0", "20261120-101010-abcdef0"),
      /--version "0": must be a model package version number/,
    );
    assert.throws(() => rollbackStackFile(FILE, "v5", "20261120-101010-abcdef0"), /--version "v5"/);
    assert.throws(
      () => rollbackStackFile(FILE, "5", "yesterday"),
      /--run-id "yesterday": must be the pipeline run id/,
    );
    assert.throws(
      () => rollbackStackFile(FILE, "7", "20261120-101010-abcdef0"),
      /prod already serves version 7/,
    );
    assert.throws(
      () => rollbackStackFile("config:\n  aws:region: us-west-2\n", "5", "20261120-101010-abcdef0"),
      /no versioned mlops:approvedModelPackageArn/,
    );
  });

  it("names the file it edits: a newer version than prod serves, and YAML it cannot read", () => {
    assert.throws(
      () => rollbackStackFile(FILE, "9", "20261120-101010-abcdef0", "stacks/Pulumi.prod.yaml"),
      /^OfflineUsageError: --version 9: prod serves version 7 \(stacks\/Pulumi\.prod\.yaml\); a rollback goes to an earlier approved version \(1-6\)/,
    );
    assert.throws(
      () => rollbackStackFile("config:\n  a: [1,\n  b: 2\n", "5", "20261120-101010-abcdef0", "my.yaml"),
      /^OfflineUsageError: my\.yaml:\d+:\d+ is not valid YAML/,
    );
  });

  it("the npm script edits the file, and exits 2 with a message on bad input", () => {
    const thrown = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return error;
      }
      throw new Error("expected an error");
    };
    const dir = mkdtempSync(join(tmpdir(), "rollback-"));
    const file = join(dir, "Pulumi.prod.yaml");
    writeFileSync(file, FILE);
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          "-r",
          "ts-node/register/transpile-only",
          join(__dirname, "..", "..", "tools", "cli", "rollback.ts"),
          ...args,
          "--file",
          file,
        ],
        {
          encoding: "utf8",
        },
      );
    const ok = cli("--version", "6", "--run-id", "20261125-000000-1234567");
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /to {3}arn:aws:sagemaker:us-west-2:123456789012:model-package\/customer-churn-test\/6/,
    );
    assert.match(readFileSync(file, "utf8"), /customer-churn-test\/6/);
    // The error path in-process, as the process would end (the process is tested above).
    const bad = failureOf(
      thrown(() => rollbackMain(["--version", "six", "--run-id", "20261125-000000-1234567", "--file", file])),
    );
    assert.equal(bad.exitCode, 2);
    assert.match(bad.stderr, /^error: --version "six"/);
    assert.match(
      readFileSync(file, "utf8"),
      /customer-churn-test\/6/,
      "a refused rollback leaves the file alone",
    );
  });
});
