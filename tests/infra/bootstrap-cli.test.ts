import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { PROJECT_ROOT } from "../../infra/offline/harness";
import { MULTI_ACCOUNT } from "../helpers/multi-account";

/**
 * `npm run bootstrap`: the template lands where git ignores it, or where `--out` says (relative to
 * where the user ran npm), and the command prints the path it wrote.
 */

const config = MULTI_ACCOUNT.flatMap((value) => ["--config", value]);

/** The CLI as `npm run bootstrap` runs it: from the project root, INIT_CWD the user's directory. */
function bootstrap(initCwd: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(PROJECT_ROOT, "infra", "tools", "bootstrap.ts"), ...args],
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
