import { strict as assert } from "node:assert";
import { VPC_CONFIG } from "../helpers/offline";
import { join } from "node:path";
import { policyCommand } from "../../policy/evaluator/command";
import type { OfflineRun } from "../../tools/offline/harness";
import { asCli } from "../helpers/cli-in-process";
import { policy, policyProcess } from "../helpers/policy-command";

const ROOT = join(__dirname, "..", "..");
const VPC = VPC_CONFIG;

type Report = {
  violations: { pack: string; policy: string; enforcementLevel: string; urn: string; message: string }[];
  resources: number;
  policies: number;
};

describe("npm run policy (offline evaluator)", function () {
  this.timeout(240_000);

  for (const [stack, extra] of [
    ["test", []],
    ["prod", []],
    ["test", ["--config", VPC]],
    ["prod", ["--config", VPC]],
  ] as [string, string[]][]) {
    it(`${stack}${extra.length ? " in VPC mode" : ""}: no violations, at least 50 policies, exit 0`, async () => {
      const { code, stdout } = await policy("--stack", stack, "--json", ...extra);
      assert.equal(code, 0);
      const report = JSON.parse(stdout) as Report;
      assert.ok(report.policies >= 50, `${report.policies} policies`);
      assert.ok(report.resources >= 20);
      assert.deepEqual(report.violations, []);
    });
  }

  it("--program, as a process: another team's insecure program gets a mandatory violation per problem on prod, and exit 1", () => {
    const { code, stdout } = policyProcess(
      "--stack",
      "prod",
      "--json",
      "--program",
      join(ROOT, "tests", "fixtures", "insecure-program.ts"),
    );
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as Report;
    const found = new Set(report.violations.map((v) => v.policy));
    for (const expected of [
      "mlops-sagemaker-endpoint-config-kms",
      "mlops-sagemaker-endpoint-config-data-capture",
      "aws-s3-bucket-kms-encryption",
      "aws-iam-policy-no-wildcard-actions",
      "aws-lambda-permission-no-public-invoke",
      // The defects that reached the program before, as another team would write them.
      "aws-iam-policy-actions-exist",
      "aws-kms-key-service-principal-grants",
      "aws-lambda-function-async-failure-destination",
      "aws-apigateway-stage-canary-distinct-target",
      "aws-sfn-state-machine-error-names",
      "aws-ec2-vpc-endpoint-private-dns-unique",
    ]) {
      assert.ok(found.has(expected), `${expected} not reported: ${[...found].join(", ")}`);
    }
    assert.ok(report.violations.every((v) => v.enforcementLevel === "mandatory"));
    assert.ok(report.violations.some((v) => v.urn.includes("open-config")));
  });

  it("--program on test: the same violations are advisory, exit 0", async () => {
    const { code, stdout } = await policy(
      "--stack",
      "test",
      "--json",
      "--program",
      join(ROOT, "tests", "fixtures", "insecure-program.ts"),
    );
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as Report;
    assert.ok(report.violations.length >= 5);
    assert.ok(report.violations.every((v) => v.enforcementLevel === "advisory"));
  });

  it("--preview reports values unknown before deployment instead of crashing", async () => {
    const { code, stdout } = await policy("--stack", "test", "--json", "--preview");
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as Report;
    assert.ok(report.violations.length > 0);
    assert.ok(
      report.violations.every(
        (v) =>
          v.enforcementLevel === "advisory" &&
          /can't run policy '.+' during preview: .+ can't be known during preview/.test(v.message),
      ),
    );
  });

  it("a program that throws is a program error, with its message", async () => {
    await assert.rejects(
      policy("--stack", "test", "--program", join(ROOT, "tests", "fixtures", "throwing-program.ts")),
      /this program refuses to run: missing setting foo/,
    );
  });

  it("a bad stack: a usage error, one line on stderr, exit 2", async () => {
    // As the process ends (failureOf); the process's error path is the preview CLI's, tested as one.
    const { code, stderr } = await asCli((write) => policyCommand(["--stack", "nope"], write));
    assert.equal(code, 2);
    assert.match(stderr, /^error: Unknown stack "nope".*\n$/);
  });

  it("--json with another --format: a usage error naming both, exit 2, before the program runs", async () => {
    const empty = async (): Promise<OfflineRun> => ({
      project: "mlops",
      stack: "prod",
      preview: false,
      resources: [],
      outputs: {},
    });
    const notRun = () => assert.fail("the program ran");
    for (const format of ["sarif", "text"]) {
      const argv = ["--stack", "prod", "--json", "--format", format];
      const { code, stdout, stderr } = await asCli((write) => policyCommand(argv, write, notRun));
      assert.equal(code, 2, format);
      assert.equal(stdout, "", format);
      assert.equal(
        stderr,
        `error: --json and --format ${format} conflict: --json is --format json; give one of them\n`,
      );
    }
    const agreeing = await asCli((write) =>
      policyCommand(["--stack", "prod", "--format", "json", "--json"], write, empty),
    );
    assert.deepEqual(Object.keys(JSON.parse(agreeing.stdout)), [
      "violations",
      "resources",
      "components",
      "policies",
    ]);
  });
});
