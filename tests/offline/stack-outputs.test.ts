import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { previewCommand } from "../../tools/cli/preview-command";
import { asCli } from "../helpers/cli-in-process";
import { offline } from "../helpers/offline";

const ROOT = join(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "stack-outputs-"));

function outputsFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content, null, 2));
  return file;
}

/** The preview as its process would end (exit code, stderr), on the runs other suites share. */
const preview = (...argv: string[]) =>
  asCli((write) => previewCommand(["--stack", "prod", ...argv], write, offline));

describe("--stack-outputs: the file's shape is checked before the program runs", function () {
  this.timeout(180_000);
  let testOutputs: Record<string, unknown>;
  before(async () => {
    testOutputs = (await offline({ stack: "test" })).outputs;
  });

  it("{} says which stack's outputs are needed and how to get them, exit 2", async () => {
    const file = outputsFile("empty.json", {});
    const { code, stderr } = await preview("--stack-outputs", file);
    assert.equal(code, 2);
    assert.equal(
      stderr.trim(),
      `error: --stack-outputs ${file}: the file is empty; give the outputs of stack "test", which the prod stack references (mlops:testStackName), as {"test": {"<output name>": value, …}}, e.g. from \`pulumi stack output --json -s test\``,
    );
  });

  it("the flat `pulumi stack output --json` shape is recognised and the wrapping named", async () => {
    const file = outputsFile("flat.json", testOutputs);
    const { code, stderr } = await preview("--stack-outputs", file);
    assert.equal(code, 2);
    assert.equal(
      stderr.trim(),
      `error: --stack-outputs ${file}: this looks like \`pulumi stack output --json\` of one stack; wrap it as {"test": …}, the stack the prod stack references (mlops:testStackName)`,
    );
  });

  it("another stack's name, a list, a stack that is not an object, a missing output", async () => {
    const cases: [string, unknown, string][] = [
      [
        "other.json",
        { staging: testOutputs },
        `no entry for stack "test", which the prod stack references (mlops:testStackName); the file has "staging"`,
      ],
      ["list.json", [testOutputs], `expected {"<stack name>": {"<output name>": value, …}}, found an array`],
      [
        "string.json",
        { test: "outputs.json" },
        `"test" is a string: expected that stack's outputs, {"<output name>": value, …}`,
      ],
      [
        "partial.json",
        { test: { ...testOutputs, runsPrefix: undefined, pipelineName: undefined } },
        `stack "test" lacks the outputs runsPrefix, pipelineName, which the prod stack reads`,
      ],
    ];
    for (const [name, content, problem] of cases) {
      const file = outputsFile(name, content);
      const { code, stderr } = await preview("--stack-outputs", file);
      assert.equal(code, 2, name);
      assert.equal(stderr.trim(), `error: --stack-outputs ${file}: ${problem}`);
    }
  });

  it("the stack it references is the one --config names", async () => {
    const file = outputsFile("renamed.json", { test: testOutputs });
    const { code, stderr } = await preview(
      "--stack-outputs",
      file,
      "--config",
      "testStackName=acme/mlops/test",
    );
    assert.equal(code, 2);
    assert.match(stderr, /no entry for stack "acme\/mlops\/test", which the prod stack references/);
  });

  it("the wrapped outputs of the test stack preview prod", async () => {
    const file = outputsFile("wrapped.json", { test: testOutputs });
    const { code, stdout, stderr } = await preview("--stack-outputs", file);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /mlops:environments:ProdEnvironment/);
  });

  it("as a process: one line and exit 2, not Pulumi's report of promises left active", () => {
    const file = outputsFile("process.json", {});
    const done = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "tools/cli/preview-offline.ts",
        "--stack",
        "prod",
        "--stack-outputs",
        file,
      ],
      { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(done.status, 2, done.stderr);
    assert.match(done.stderr, /^error: --stack-outputs \S+process\.json: the file is empty; /);
    assert.doesNotMatch(done.stderr + done.stdout, /promises were still active/);
  });
});
