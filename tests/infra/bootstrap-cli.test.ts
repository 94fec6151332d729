import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { PROJECT_ROOT } from "../../tools/offline/harness";
import { bootstrapCommand } from "../../tools/cli/bootstrap";
import { asCli } from "../helpers/cli-in-process";
import {
  MULTI_ACCOUNT,
  PIPELINE_ACCOUNT,
  PROD_ACCOUNT,
  THIRD_ACCOUNT,
  prodAccount,
} from "../helpers/multi-account";

/**
 * `npm run bootstrap`: the template lands where git ignores it, or where `--out` says (relative to
 * where the user ran npm), and the command prints the path it wrote. `--trust` adds only exact roles
 * of the pipeline account: the trust's one condition, the session name, is the caller's to choose.
 */

const config = MULTI_ACCOUNT.flatMap((value) => ["--config", value]);
/** A break-glass role of the pipeline account, the only kind --trust adds. */
const PIPELINE_ACCOUNT_ROLE = `arn:aws:iam::${PIPELINE_ACCOUNT}:role/ops/break-glass`;

/** The CLI as `npm run bootstrap` runs it: from the project root, INIT_CWD the user's directory. */
function bootstrap(initCwd: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(PROJECT_ROOT, "tools", "cli", "bootstrap.ts"), ...args],
    { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, INIT_CWD: initCwd }, timeout: 120_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const writtenPath = (stdout: string) => /^wrote (.+)$/m.exec(stdout)?.[1] ?? "";

const ignoredByGit = (file: string) =>
  spawnSync("git", ["check-ignore", "--quiet", relative(PROJECT_ROOT, file)], { cwd: PROJECT_ROOT })
    .status === 0;

describe("npm run bootstrap: where the template goes", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "bootstrap-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("without --out, writes into a folder git ignores and prints that path", () => {
    const { code, stdout, stderr } = bootstrap(dir, "--account", "prod", ...config);
    assert.equal(code, 0, stderr);
    const file = writtenPath(stdout);
    assert.ok(isAbsolute(file), `prints an absolute path, not "${file}"`);
    assert.ok(file.startsWith(`${PROJECT_ROOT}/`), `${file} is outside the checkout`);
    assert.ok(ignoredByGit(file), `git would offer to commit ${relative(PROJECT_ROOT, file)}`);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).AWSTemplateFormatVersion, "2010-09-09");
    assert.match(stdout, new RegExp(`--template-file ${file} `));
  });

  it("--out is relative to where npm ran, and its folders are created", () => {
    const { code, stdout, stderr } = bootstrap(dir, "--account", "prod", "--out", "a/b/t.json", ...config);
    assert.equal(code, 0, stderr);
    const file = join(dir, "a", "b", "t.json");
    assert.equal(writtenPath(stdout), file);
    assert.ok(existsSync(file));
    assert.ok(!existsSync(join(PROJECT_ROOT, "a", "b", "t.json")));
  });
});

describe("npm run bootstrap --trust: only exact roles of the pipeline account", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "bootstrap-trust-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const allowed = "allowed: a role of the pipeline account, arn:aws:iam::123456789012:role/<path/name>";
  const trusting = (...roles: string[]) =>
    asCli(async (write) => {
      const args = ["--account", "prod", "--out", "t.json", ...config];
      bootstrapCommand([...args, ...roles.flatMap((role) => ["--trust", role])], write, dir);
    });

  it("refuses each broader principal with the rule it breaks, exit 2, one line", async () => {
    const refused: [string, string][] = [
      [
        "*",
        "no wildcards: * trusts every principal of every AWS account, and IAM matches no part of a principal ARN by pattern",
      ],
      [
        "arn:aws:iam::123456789012:role/mlops-*",
        "no wildcards: * trusts every principal of every AWS account, and IAM matches no part of a principal ARN by pattern",
      ],
      [
        "arn:aws:iam::123456789012:root",
        "no account roots: an account principal trusts every role and user that account's administrators allow, not one role",
      ],
      [
        "123456789012",
        "no account roots: an account principal trusts every role and user that account's administrators allow, not one role",
      ],
      ["arn:aws:iam::123456789012:user/alice", "roles only: user principals are not roles"],
      [
        "arn:aws:sts::123456789012:assumed-role/ops/alice",
        "roles only: assumed-role principals are not roles",
      ],
      ["nope-role", "not an IAM role ARN"],
      [
        `arn:aws:iam::${THIRD_ACCOUNT}:role/ops`,
        `pipeline account only: ${THIRD_ACCOUNT} is not the pipeline account (123456789012, mlops:prodAccount.pipelineRoleArn's)`,
      ],
      [
        `arn:aws:iam::${PROD_ACCOUNT}:role/ops`,
        `pipeline account only: ${PROD_ACCOUNT} is not the pipeline account (123456789012, mlops:prodAccount.pipelineRoleArn's)`,
      ],
      [
        "arn:aws-cn:iam::123456789012:role/ops",
        "pipeline partition only: aws-cn is not the stack's partition (aws)",
      ],
    ];
    for (const [role, rule] of refused) {
      const { code, stdout, stderr } = await trusting(PIPELINE_ACCOUNT_ROLE, role);
      assert.equal(code, 2, role);
      assert.equal(stdout, "", role);
      assert.equal(stderr, `error: --trust ${JSON.stringify(role)}: ${rule}; ${allowed}\n`);
    }
    assert.ok(!existsSync(join(dir, "t.json")), "nothing is written");
  });

  it("trusts a break-glass role of the pipeline account, by its exact ARN, beside the Deploy role", async () => {
    const { code, stdout, stderr } = await trusting(PIPELINE_ACCOUNT_ROLE);
    assert.equal(code, 0, stderr);
    assert.ok(stdout.includes(`Deploy role (${prodAccount.pipelineRoleArn}) assume it`), stdout);
    const template = JSON.parse(readFileSync(join(dir, "t.json"), "utf8"));
    assert.deepEqual(
      template.Resources.DeployRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal,
      {
        AWS: [prodAccount.pipelineRoleArn, PIPELINE_ACCOUNT_ROLE],
      },
    );
  });

  it("without prodAccount.pipelineRoleArn, the pipeline account is deployRoleArn's", async () => {
    const { pipelineRoleArn: _own, ...defaulted } = prodAccount;
    const { code, stderr } = await asCli(async (write) => {
      const args = ["--account", "prod", "--config", `prodAccount=${JSON.stringify(defaulted)}`];
      bootstrapCommand([...args, "--trust", `arn:aws:iam::${THIRD_ACCOUNT}:role/ops`], write, dir);
    });
    assert.equal(code, 2);
    assert.match(stderr, / is not the pipeline account \(123456789012, mlops:deployRoleArn's\)/);
  });

  it("as a process: --trust '*' exits 2 with one line and no stack trace", () => {
    const { code, stdout, stderr } = bootstrap(dir, "--account", "prod", ...config, "--trust", "*");
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /^error: --trust "\*": no wildcards: [^\n]*\n$/);
  });
});
