import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkDrift } from "../../local/aws/model-monitor";
import { writeReport } from "../../local/report/report";
import type { LocalRunResult } from "../../local/run/types";
import { listed, summary } from "../../local/report/summary";

/** What a user reads in the summary and the report says what it leaves out, and why. */

const feature = (name: string) => ({
  name,
  inferred_type: "Fractional",
  numerical_statistics: {
    mean: 0,
    min: 0,
    max: 1,
    distribution: { kll: { buckets: [{ lower_bound: 0, upper_bound: 1, count: 100 }] } },
  },
});

function runWithDrift(): LocalRunResult {
  const names = ["a", "b", "c", "d", "e", "f", "g"];
  const drift = checkDrift(
    { features: names.map(feature) },
    { monitoring_config: { distribution_constraints: { comparison_threshold: 0.1 } } },
    Array.from({ length: 40 }, () => names.map(() => 5)),
  );
  return {
    outcome: "released",
    exitCode: 0,
    runDir: mkdtempSync(join(tmpdir(), "report-")),
    runId: "20261208-010000-0a1b2c3",
    message: "Released model version 1 to mlops-churn-prod.",
    timings: [],
    commit: { id: "0a1b2c3d", dirty: false },
    startedAt: "2026-12-08T01:00:00Z",
    trigger: { source: "local" },
    dataPath: "/data/customer-churn.csv",
    endpoints: {},
    drift,
    testReport: {
      passed: true,
      summary: "passed: 19/20 known rows, 7/7 malformed requests rejected, p95 5 ms",
      results: [
        { name: "row 3", kind: "known-row", passed: false, detail: "expected 1, got 0.31" },
        { name: "known-row accuracy", kind: "accuracy", passed: true, detail: "19/20 = 0.950 (minimum 0.8)" },
      ],
      latency: { p50: 2, p95: 5, max: 9 },
    },
  } as LocalRunResult;
}

describe("the summary and the report say what they leave out", () => {
  it("a list shown in part says how many more there are", () => {
    assert.equal(listed(["a", "b", "c"], 5), "a, b, c");
    assert.equal(listed(["a", "b", "c", "d", "e", "f", "g"], 5), "a, b, c, d, e, +2 more");
    const drift = summary(runWithDrift()).find((line) => line.startsWith("  drift"))!;
    assert.match(drift, /7 violation\(s\) over 7 features .*: a, b, c, d, e, \+2 more$/);
  });

  it("the drift threshold is rounded where a person reads it", () => {
    const { violations, threshold } = runWithDrift().drift!;
    assert.ok(String(threshold).length > 6, `the threshold itself keeps its precision (${threshold})`);
    assert.match(violations[0].description, /exceeds threshold \d\.\d{3}$/);
  });

  it("a passed Tests card with a mispredicted known row says why it still passed, and tables stay in their cards", () => {
    const html = readFileSync(writeReport(runWithDrift()), "utf8");
    assert.match(
      html,
      /1 known row\(s\) came back with the other class: the suite passes while known-row accuracy/,
    );
    assert.match(html, /section\{[^}]*min-width:0;overflow-x:auto\}/, "a wide table scrolls inside its card");
  });
});
