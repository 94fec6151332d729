import { strict as assert } from "node:assert";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromMetadataValue } from "../../functions/lib/model-metadata";
import type { LocalRunResult } from "../../local/run/types";
import { watchAndRun } from "../../local/watch/watch-loop";
import { driftLedgerPath } from "../../local/watch/drift-ledger";
import { stopAll } from "../../local/python/lifecycle";

/**
 * Watch mode trains each model on its own data: a new data set of this model starts a run on that
 * file (and its lineage names it), another model's file in the same folder starts nothing, and a
 * drift run picks the newest data set of this model; one that fails on its data costs no cooldown.
 */

const ROOT = join(__dirname, "..", "..");
const SAMPLE = join(ROOT, "sample-datasets");
const CONFIG = join(ROOT, "config", "ml-pipeline-config.json");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function watching(dataFile: string, runsRoot: string, simulateDrift = false) {
  const results: LocalRunResult[] = [];
  const lines: string[] = [];
  // Its own root (with the test stack's settings): edits to this repository are not its changes.
  const root = mkdtempSync(join(tmpdir(), "watch-root-"));
  copyFileSync(join(ROOT, "Pulumi.test.yaml"), join(root, "Pulumi.test.yaml"));
  const watch = watchAndRun({
    run: {
      dataPath: dataFile,
      configPath: CONFIG,
      approval: "approve",
      runsRoot,
      simulateDrift,
      log: (line) => lines.push(line),
    },
    root,
    onResult: (result) => results.push(result),
    debounceMs: 150,
  });
  const until = async (count: number, what: string) => {
    for (let waited = 0; results.length < count; waited += 100) {
      if (waited > 90_000) throw new Error(`waited for ${what}:\n${lines.join("\n")}`);
      await sleep(100);
    }
    await watch.idle();
  };
  return { watch, results, lines, until };
}

function dataFolder(): { dir: string; runsRoot: string } {
  const dir = mkdtempSync(join(tmpdir(), "watch-data-"));
  mkdirSync(join(dir, "data"));
  copyFileSync(join(SAMPLE, "customer-churn.csv"), join(dir, "data", "customer-churn.csv"));
  return { dir: join(dir, "data"), runsRoot: join(dir, "runs") };
}

describe("watch mode: each model's own data sets", function () {
  this.timeout(180_000);
  after(() => stopAll());

  it("an invalid config is refused when watching starts, not at the first change", () => {
    const { dir, runsRoot } = dataFolder();
    const config = join(dir, "..", "bad-config.json");
    writeFileSync(config, readFileSync(CONFIG, "utf8").replace('"eta": 0.2', '"eta": 7'));
    assert.throws(
      () =>
        watchAndRun({
          run: {
            dataPath: join(dir, "customer-churn.csv"),
            configPath: config,
            approval: "approve",
            runsRoot,
            log: () => undefined,
          },
          root: mkdtempSync(join(tmpdir(), "watch-root-")),
          onResult: () => undefined,
        }),
      /Invalid ML pipeline config .*bad-config\.json:[\s\S]*eta[\s\S]*\(fix it, then start watching again\)/,
    );
  });

  it("a new data set of this model trains on that file, named the same everywhere; another model's file starts nothing", async () => {
    const { dir, runsRoot } = dataFolder();
    const { watch, results, until } = watching(join(dir, "customer-churn.csv"), runsRoot);
    try {
      copyFileSync(join(SAMPLE, "customer-churn.csv"), join(dir, "customer-churn-2025.csv"));
      await until(1, "the run on customer-churn-2025.csv");
      const [run] = results;
      assert.equal(run.outcome, "released", run.message);
      assert.deepEqual(run.trigger, { source: "data" });
      assert.equal(run.dataPath, join(dir, "customer-churn-2025.csv"));
      assert.match(run.input!.data.rawUri, /^s3:\/\/[^/]+\/datasets\/customer-churn-2025\.csv$/);
      assert.equal(fromMetadataValue(run.modelPackage!.customerMetadata.dataUri), run.input!.data.rawUri);
      // Another model's data set in the same folder is not this pipeline's.
      copyFileSync(join(SAMPLE, "loan-default.csv"), join(dir, "loan-default.csv"));
      await sleep(600);
      assert.equal(results.length, 1, "loan-default.csv started no churn run");
    } finally {
      watch.close();
    }
  });

  it("a drift run picks the newest data set of this model; failing on its data, it costs no cooldown", async () => {
    const { dir, runsRoot } = dataFolder();
    // Newer than anything the test writes, and broken: the drift run's pick.
    const broken = join(dir, "customer-churn-broken.csv");
    writeFileSync(broken, "1,2,3\n4,5,6\n");
    const later = new Date(Date.now() + 3600_000);
    utimesSync(broken, later, later);
    // Newer still, but another model's.
    copyFileSync(join(SAMPLE, "loan-default.csv"), join(dir, "loan-default.csv"));
    utimesSync(
      join(dir, "loan-default.csv"),
      new Date(later.getTime() + 1000),
      new Date(later.getTime() + 1000),
    );
    const { watch, results, lines, until } = watching(join(dir, "customer-churn.csv"), runsRoot, true);
    try {
      // A change to the configured data set: the run trains on it, releases, and monitoring finds drift.
      writeFileSync(join(dir, "customer-churn.csv"), readFileSync(join(SAMPLE, "customer-churn.csv")));
      await until(2, "the release and its drift run");
      const [release, drift] = results;
      assert.equal(release.outcome, "released", release.message);
      assert.ok((release.drift?.violations.length ?? 0) > 0, "the simulated drift was found");
      assert.deepEqual(drift.trigger, { source: "drift", alarm: "local-data-quality-monitor" });
      assert.equal(drift.dataPath, broken, "the newest churn data set, not loan-default.csv");
      assert.equal(drift.outcome, "failed");
      assert.ok(!(drift.tasks ?? []).includes("Train"));
      assert.ok(
        lines.some((l) => /does not count against the drift cooldown/.test(l)),
        lines.join("\n"),
      );
      assert.equal(existsSync(driftLedgerPath(runsRoot)), false, "no drift run recorded");
    } finally {
      watch.close();
    }
  });
});
