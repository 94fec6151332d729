import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLocalPipeline, type LocalRunOptions } from "../../local/run/pipeline";
import { judgeCanary, variantReport } from "../../local/release/canary";
import { writeReport } from "../../local/report/report";
import { LocalAwsState } from "../../local/aws/state";

/**
 * Local releases follow the cloud's semantics: the champion stays until the new model passes a canary
 * judged by the prod alarms' thresholds; only then is the new package Approved (the next champion).
 */

const ROOT = join(__dirname, "..", "..");
const CONFIG = join(ROOT, "config", "ml-pipeline-config.json");

/**
 * The churn config with fewer canary requests, so each release takes seconds, and a 200 ms latency
 * limit (a healthy model answers in a few ms), so the simulated slow canary waits 350 ms, not 650.
 */
function fastConfig(): string {
  const config = JSON.parse(readFileSync(CONFIG, "utf8"));
  config.release = { ...config.release, canaryRequests: 60, canaryPercent: 20, maxModelLatencyMs: 200 };
  const path = join(mkdtempSync(join(tmpdir(), "release-cfg-")), "config.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

function release(runsRoot: string, overrides: Partial<LocalRunOptions> = {}) {
  return runLocalPipeline({
    dataPath: join(ROOT, "sample-datasets", "customer-churn.csv"),
    configPath: fastConfig(),
    approval: "approve",
    runsRoot,
    log: () => undefined,
    ...overrides,
  });
}

/** The test stack's model group (the registry is shared by runs; the bucket does not matter here). */
const GROUP = "customer-churn-test";
const champion = (runsRoot: string) => new LocalAwsState(runsRoot, "b", runsRoot).champion(GROUP);
const registry = (runsRoot: string) => new LocalAwsState(runsRoot, "b", runsRoot).packages();

describe("local release: the canary is judged like production, and only a passing model becomes champion", function () {
  this.timeout(180_000);
  const runsRoot = mkdtempSync(join(tmpdir(), "release-runs-"));

  it("a first release, with no champion, takes all traffic once it passes and becomes the champion", async () => {
    const first = await release(runsRoot);
    assert.equal(first.outcome, "released", first.message);
    assert.equal(first.previousChampion, undefined);
    assert.deepEqual(
      first.canary!.variants.map((v) => [v.name, v.version, v.requests]),
      [["Canary", 1, 60]],
    );
    assert.equal(first.canary!.passed, true);
    assert.deepEqual(first.canary!.servingVersions, [1]);
    assert.equal(first.modelPackage?.status, "Approved");
    assert.equal(champion(runsRoot)?.version, 1);
  });

  it("a canary that fails on 5XX errors: Rejected with the reason, all traffic back on the champion, exit 1", async () => {
    const failed = await release(runsRoot, { simulateCanaryFault: "errors" });
    assert.equal(failed.outcome, "rolled-back");
    assert.equal(failed.exitCode, 1);
    const canary = failed.canary!.variants.find((v) => v.name === "Canary")!;
    assert.ok(canary.errorPercent >= 40, `canary 5XX ${canary.errorPercent}%`);
    assert.equal(failed.canary!.variants.find((v) => v.name === "Primary")!.errorPercent, 0);
    assert.match(
      failed.canary!.reasons[0],
      /canary requests failed with 5XX \(\d+\.\d% > release\.max5xxPercent 1%\)/,
    );
    assert.deepEqual(failed.canary!.servingVersions, [1], "production serves only the champion");
    assert.equal(failed.modelPackage?.status, "Rejected");
    assert.match(failed.modelPackage!.statusReason!, /failed its canary: .*release\.max5xxPercent/);
    assert.match(failed.message, /All traffic is back on version 1/);
    assert.equal(champion(runsRoot)?.version, 1, "the champion is unchanged");
    assert.equal(failed.drift, undefined, "no monitoring of a release that did not happen");
    const report = readFileSync(writeReport(failed), "utf8");
    assert.match(report, /Release \(prod canary\)/);
    assert.match(
      report,
      /Failed: \d+ of \d+ canary requests failed with 5XX .* Production serves version 1\./,
    );
    assert.match(report, /<td>Canary \(v2\)<\/td><td class="num">\d+<\/td><td class="num">\d+\.\d%<\/td>/);
  });

  it("a canary that fails on latency (a slow endpoint): rolled back by release.maxModelLatencyMs", async () => {
    const slow = await release(runsRoot, { simulateCanaryFault: "latency" });
    assert.equal(slow.outcome, "rolled-back");
    const canary = slow.canary!.variants.find((v) => v.name === "Canary")!;
    assert.ok(canary.latencyMs.average > 200 && canary.latencyMs.p95 > 200, JSON.stringify(canary.latencyMs));
    assert.match(
      slow.canary!.reasons.join(" "),
      /average model latency \d+ ms > release\.maxModelLatencyMs 200 ms/,
    );
    assert.deepEqual(slow.canary!.servingVersions, [1]);
    assert.equal(champion(runsRoot)?.version, 1);
  });

  it("a healthy canary beside the champion takes over; the registry names the new champion", async () => {
    const next = await release(runsRoot);
    assert.equal(next.outcome, "released", next.message);
    assert.equal(next.previousChampion?.version, 1);
    const [primary, canary] = next.canary!.variants;
    assert.deepEqual([primary.version, canary.version], [1, 4]);
    assert.ok(primary.requests > canary.requests && canary.requests > 0);
    assert.deepEqual(next.canary!.servingVersions, [4]);
    assert.equal(champion(runsRoot)?.version, 4);
    assert.deepEqual(
      registry(runsRoot).map((p) => [p.version, p.status]),
      [
        [1, "Approved"],
        [2, "Rejected"],
        [3, "Rejected"],
        [4, "Approved"],
      ],
    );
  });

  it("a first release that fails its canary leaves production with no model and no champion", async () => {
    const empty = mkdtempSync(join(tmpdir(), "release-empty-"));
    const failed = await release(empty, { simulateCanaryFault: "errors" });
    assert.equal(failed.outcome, "rolled-back");
    assert.deepEqual(failed.canary!.servingVersions, []);
    assert.match(failed.message, /first release; production serves no model/);
    assert.equal(champion(empty), undefined);
  });

  it("the judgement: thresholds from the release config, each failure named", () => {
    const thresholds = { canaryPercent: 10, canaryRequests: 100, max5xxPercent: 1, maxModelLatencyMs: 500 };
    const healthy = variantReport("Canary", 2, {
      invocations: 100,
      errors5xx: 1,
      latenciesMs: Array(99).fill(20),
    });
    assert.deepEqual(judgeCanary(healthy, thresholds), { passed: true, reasons: [] });
    const broken = variantReport("Canary", 2, {
      invocations: 10,
      errors5xx: 2,
      latenciesMs: Array(8).fill(900),
    });
    assert.deepEqual(judgeCanary(broken, thresholds).reasons, [
      "2 of 10 canary requests failed with 5XX (20.0% > release.max5xxPercent 1%)",
      "average model latency 900 ms > release.maxModelLatencyMs 500 ms",
    ]);
    assert.match(
      judgeCanary(variantReport("Canary", 2, undefined), thresholds).reasons[0],
      /no request reached the canary/,
    );
  });
});
