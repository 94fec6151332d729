import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { historyCommand } from "../../local/history/command";
import { readRuns } from "../../local/history/records";
import { runLocalPipeline } from "../../local/run/pipeline";
import { StateFileError, writeStateFile } from "../../local/run/state-file";
import { readDriftLedger } from "../../local/watch/drift-ledger";

/**
 * The runs folder's own files under damage: history keeps every run it cannot fully read (marked)
 * and reads older layouts; a damaged registry or ledger is named with what is wrong and what to do,
 * never read as empty; `npm run runs -- --repair` moves it aside and rebuilds it from the run
 * records; a release is never followed by an exit code caused by the history page.
 */

const ROOT = join(__dirname, "..", "..");
const DATA = join(ROOT, "sample-datasets", "customer-churn.csv");
const CONFIG = join(ROOT, "config", "ml-pipeline-config.json");

function runs(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = historyCommand(argv, {
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  });
  return { code, stdout, stderr };
}

/** A run that stops at the approval (rejected): it registers a package, the part these tests need. */
const run = (runsRoot: string) =>
  runLocalPipeline({
    dataPath: DATA,
    configPath: CONFIG,
    approval: "reject",
    runsRoot,
    log: () => undefined,
  });

describe("the runs folder's state files under damage", function () {
  this.timeout(120_000);

  it("history lists a run whose record is damaged, a numeric start time and an older layout, and never crashes", () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "history-damage-"));
    const record = (runId: string, content: string) => {
      mkdirSync(join(runsRoot, runId));
      writeFileSync(join(runsRoot, runId, "result.json"), content);
    };
    record("20261201-100000-0a1b2c3", JSON.stringify({ startedAt: 1764583200000, outcome: "released" }));
    record("20261201-110000-0a1b2c3", '{"outcome": "released", ');
    record("20261201-120000-0a1b2c3", JSON.stringify({ outcome: "rejected", exitCode: 0 }));
    const records = readRuns(runsRoot);
    assert.deepEqual(
      records.map((r) => [r.runId, r.startedAt, r.outcome]),
      [
        ["20261201-100000-0a1b2c3", "2025-12-01T10:00:00.000Z", "released"],
        ["20261201-110000-0a1b2c3", "2026-12-01T11:00:00.000Z", "unreadable"],
        ["20261201-120000-0a1b2c3", "2026-12-01T12:00:00.000Z", "rejected"],
      ],
    );
    const listed = runs("--runs", runsRoot);
    assert.equal(listed.code, 0);
    assert.equal(listed.stdout.trim().split("\n").length, 4, "all three runs and the header");
    assert.match(listed.stderr, /20261201-110000-0a1b2c3: its record is damaged \(result\.json: .*JSON/);
  });

  it("a damaged registry is named with the place and the remedy; --repair moves it aside and rebuilds it", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "registry-damage-"));
    assert.equal((await run(runsRoot)).outcome, "rejected");
    const registry = join(runsRoot, "model-registry.json");
    writeFileSync(registry, '{"packages": [ {"arn": "x"');
    await assert.rejects(run(runsRoot), (error: Error) => {
      assert.ok(error instanceof StateFileError, String(error));
      assert.match(
        error.message,
        /model-registry\.json \(the local model registry\) is damaged: line 1, column \d+: not valid JSON .*npm run runs -- --repair/,
      );
      return true;
    });
    writeFileSync(registry, JSON.stringify({ packages: "none" }));
    await assert.rejects(run(runsRoot), /is damaged: packages = "none": /);
    const repaired = runs("--runs", runsRoot, "--repair");
    assert.match(
      repaired.stdout,
      /model-registry\.json: packages = "none": .*; moved to .*\.damaged-.*, rebuilt from the run records/,
    );
    assert.ok(readdirSync(runsRoot).some((name) => name.startsWith("model-registry.json.damaged-")));
    const again = await run(runsRoot);
    assert.equal(again.outcome, "rejected", again.message);
    assert.equal(again.modelPackage?.version, 2, "versions go on from the rebuilt registry");
  });

  it("a damaged drift ledger is never read as empty; --repair rebuilds it from the drift runs", () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "ledger-damage-"));
    writeFileSync(
      join(runsRoot, "drift-ledger.json"),
      JSON.stringify({ runs: [{ startedAt: "yesterday" }] }),
    );
    assert.throws(
      () => readDriftLedger(runsRoot),
      /drift-ledger\.json \(the ledger of drift runs, the cooldown's record\) is damaged: runs\[0\]\.startedAt = "yesterday": .*No drift run starts while it is damaged/,
    );
    mkdirSync(join(runsRoot, "20261201-100000-0a1b2c3"));
    writeFileSync(
      join(runsRoot, "20261201-100000-0a1b2c3", "result.json"),
      JSON.stringify({
        startedAt: "2026-12-01T10:00:00.000Z",
        trigger: { source: "drift" },
        tasks: ["PrepareData", "Train"],
      }),
    );
    runs("--runs", runsRoot, "--repair");
    assert.deepEqual(readDriftLedger(runsRoot), [new Date("2026-12-01T10:00:00.000Z")]);
  });

  it("a state file is written whole or not at all", () => {
    const path = join(mkdtempSync(join(tmpdir(), "atomic-")), "state.json");
    writeStateFile(path, { version: 1 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => writeStateFile(path, circular), /circular/);
    assert.deepEqual(JSON.parse(readFileSync(path, "utf8")), { version: 1 });
  });

  it("a release whose history page cannot be written still exits 0, with a warning", () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "history-page-"));
    mkdirSync(join(runsRoot, "index.html"));
    const cli = spawnSync(process.execPath, ["local/start.js", "--approve", "--runs", runsRoot], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /result +Released model version 1/);
    assert.match(cli.stderr, /^warning: the run history could not be written: EISDIR/m);
    assert.ok(existsSync(join(runsRoot, "index.html")));
  });
});
