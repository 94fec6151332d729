import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { policyCommand } from "../../policy/evaluator/command";
import { asCli } from "../helpers/cli-in-process";
import { policyProcess } from "../helpers/policy-command";

const dir = mkdtempSync(join(tmpdir(), "program-errors-"));

function program(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The policy command as its process would end (exit code, stderr), in-process. */
const policy = (...argv: string[]) => asCli((write) => policyCommand(argv, write));

describe("--program that does not compile: the file and line, not a bare compiler message", function () {
  this.timeout(120_000);

  it("a TypeScript syntax error: file:line:column, TypeScript's message and code", async () => {
    const file = program("missing-brace.ts", 'export const tags = {\n  team: "ml",\n  owner: "a"\n;\n');
    const { code, stderr } = await policy("--stack", "test", "--program", file);
    assert.equal(code, 2);
    assert.equal(
      stderr.trim(),
      `error: --program ${file} does not compile: ${file}:4:1: ',' expected. (TS1005)`,
    );
  });

  it("code TypeScript passes but JavaScript refuses (a name declared twice): the line in the source", async () => {
    const file = program("twice.ts", "export const a = 1;\nconst b = 1;\nconst b = 2;\nexport { b };\n");
    const { code, stderr } = await policy("--stack", "test", "--program", file);
    assert.equal(code, 2);
    assert.equal(
      stderr.trim(),
      `error: --program ${file} does not compile: ${file}:3:7: Identifier 'b' has already been declared`,
    );
  });

  it("a module the program imports is the one named", async () => {
    program("broken-lib.ts", "export const x = ;\n");
    const file = program("imports-broken.ts", 'import { x } from "./broken-lib";\nexport const y = x;\n');
    const { code, stderr } = await policy("--stack", "test", "--program", file);
    assert.equal(code, 2);
    assert.equal(
      stderr.trim(),
      `error: --program ${file} does not compile: ${join(dir, "broken-lib.ts")}:1:18: Expression expected. (TS1109)`,
    );
  });

  it("as a process (npm run -s policy): one line on stderr, exit 2", () => {
    const file = program("process.ts", "export const x = {\n");
    const { code, stderr } = policyProcess("--stack", "test", "--program", file);
    assert.equal(code, 2);
    assert.match(stderr.trim(), new RegExp(`^error: --program ${file} does not compile: ${file}:2:1: `));
  });
});
