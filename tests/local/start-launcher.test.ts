import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleOf } from "../../local/start";

const ROOT = resolve(__dirname, "..", "..");

/** A two-module program whose imported module reports its own `__dirname` and a constant. */
function program(): { dir: string; entry: string; lib: string } {
  const dir = mkdtempSync(join(tmpdir(), "bundle-src-"));
  const lib = join(dir, "lib.ts");
  writeFileSync(lib, 'export const where: string = __dirname;\nexport const answer = "first";\n');
  const entry = join(dir, "main.ts");
  writeFileSync(
    entry,
    'import { answer, where } from "./lib";\nconsole.log(JSON.stringify({ answer, where }));\n',
  );
  return { dir, entry, lib };
}

function runBundle(bundle: string): { answer: string; where: string } {
  const done = spawnSync(process.execPath, [bundle], { encoding: "utf8" });
  assert.equal(done.status, 0, done.stderr);
  return JSON.parse(done.stdout);
}

describe("npm start's launcher (local/start.js)", () => {
  it("bundles a TypeScript entry and its imports; each module keeps its source's __dirname", async () => {
    const { dir, entry } = program();
    const out = mkdtempSync(join(tmpdir(), "bundle-out-"));
    const bundle = await bundleOf(entry, out);
    assert.deepEqual(runBundle(bundle), { answer: "first", where: dir });
    assert.ok(!/\b__dirname\b/.test(readFileSync(bundle, "utf8")), "no module reads the bundle's own folder");
  });

  it("reuses the bundle while its sources are unchanged and rebuilds when one changes", async () => {
    const { entry, lib } = program();
    const out = mkdtempSync(join(tmpdir(), "bundle-out-"));
    const bundle = await bundleOf(entry, out);
    const built = statSync(bundle).mtimeMs;
    await bundleOf(entry, out);
    assert.equal(statSync(bundle).mtimeMs, built, "an unchanged program is not bundled again");
    writeFileSync(lib, 'export const where: string = __dirname;\nexport const answer = "second";\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(lib, later, later);
    await bundleOf(entry, out);
    assert.equal(runBundle(bundle).answer, "second");
  });

  it("rejects a source that does not compile with esbuild's file and line", async () => {
    const { entry, lib } = program();
    writeFileSync(lib, "export const answer = ;\n");
    await assert.rejects(bundleOf(entry, mkdtempSync(join(tmpdir(), "bundle-out-"))), (error: unknown) => {
      const [first] = (error as { errors: { location: { file: string; line: number } }[] }).errors;
      assert.match(first.location.file, /lib\.ts$/);
      assert.equal(first.location.line, 1);
      return true;
    });
  });

  it("runs local mode's CLI: a missing data file is one message and exit 2", () => {
    const missing = join(tmpdir(), "no-such-data.csv");
    const done = spawnSync(process.execPath, ["local/start.js", "--approve", "--data", missing], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(done.status, 2, done.stderr);
    assert.equal(
      done.stderr.trim(),
      `error: Cannot read the data file ${missing}: it does not exist (give another with --data)`,
    );
  });

  it("names a bad --debounce value and what it may be, exit 2", () => {
    const done = spawnSync(process.execPath, ["local/start.js", "--watch", "--debounce", "2s"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(done.status, 2, done.stderr);
    assert.equal(
      done.stderr.trim(),
      "error: option '--debounce <ms>' argument '2s' is invalid. give a whole number of milliseconds from 0 to 60000.",
    );
  });
});
