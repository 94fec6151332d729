import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { policyCommand } from "../../policy/evaluator/command";
import { asCli } from "../helpers/cli-in-process";

const ROOT = join(__dirname, "..", "..");

/** The policy command as its process would end (exit code, stderr), in-process. */
const policy = (...argv: string[]) => asCli((write) => policyCommand(argv, write));

/** A CLI as a user runs it: exit code and what it printed on stderr. */
function cli(script: string, args: string[]) {
  const done = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", script, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "1" },
  });
  return { status: done.status, stderr: done.stderr };
}

describe("CLI errors name the file and say what to fix", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "cli-errors-"));

  it("--stack-outputs with bad JSON: the file, line and column", () => {
    const file = join(dir, "outputs.json");
    writeFileSync(file, '{\n  "test": {\n    bad\n}');
    const { status, stderr } = cli("tools/cli/preview-offline.ts", [
      "--stack",
      "prod",
      "--stack-outputs",
      file,
    ]);
    assert.equal(status, 2);
    assert.equal(
      stderr.trim(),
      `error: --stack-outputs ${file}:3:5 is not valid JSON (Expected property name or '}')`,
    );
  });

  it("--program that does not exist: said plainly, with no require stack or internal paths", async () => {
    const missing = join(dir, "nope.ts");
    const { code, stderr } = await policy("--stack", "test", "--program", missing);
    assert.equal(code, 2);
    assert.equal(
      stderr.trim(),
      `error: --program ${missing}: no such module (give a .ts or .js file, or a folder with an index.ts)`,
    );
  });

  it("--program that declares no resources is an error, not a green run over 0 resources", async () => {
    const empty = join(dir, "empty.ts");
    writeFileSync(empty, "export {};\n");
    const { code, stderr } = await policy("--stack", "test", "--program", empty);
    assert.equal(code, 2);
    assert.match(stderr, /error: .*empty\.ts declares no resources when loaded/);
  });
});
