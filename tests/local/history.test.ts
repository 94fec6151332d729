import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { historyCommand } from "../../local/history/command";
import { writeRunIndex } from "../../local/history/index-page";
import { historyTable, readRuns } from "../../local/history/records";
import { runLocalPipeline } from "../../local/run/pipeline";

const ROOT = join(__dirname, "..", "..");

describe("run history: .runs/index.html and npm run runs", function () {
  this.timeout(240_000);
  const runsRoot = mkdtempSync(join(tmpdir(), "history-"));
  const run = (extra: Partial<Parameters<typeof runLocalPipeline>[0]> = {}) =>
    runLocalPipeline({
      dataPath: join(ROOT, "sample-datasets", "customer-churn.csv"),
      configPath: join(ROOT, "config", "ml-pipeline-config.json"),
      approval: "approve",
      runsRoot,
      log: () => undefined,
      ...extra,
    });

  before(async () => {
    await run();
    await run({ simulateCanaryFault: "errors" });
    await run({ approval: "reject" });
  });

  it("lists three runs in order with their metrics, gate, model, outcome and the champion after each", () => {
    const records = readRuns(runsRoot);
    assert.deepEqual(
      records.map((r) => [r.outcome, r.modelVersion, r.champion, r.gate, r.trigger]),
      [
        ["released", 1, 1, "passed", "local"],
        ["rolled-back", 2, 1, "passed", "local"],
        ["rejected", 3, 1, "passed", "local"],
      ],
    );
    for (const r of records) {
      assert.ok(r.testAuc! > 0.85 && r.testError! < 0.1, JSON.stringify(r));
      // The data set in the one form the report and the package's metadata use, and where it came from.
      assert.equal(r.dataSet, "datasets/customer-churn.csv");
      assert.match(r.dataUri, /^s3:\/\/[^/]+\/datasets\/customer-churn\.csv$/);
      assert.match(r.dataSource, /sample-datasets\/customer-churn\.csv$/);
      assert.equal(r.modelGroup, "customer-churn-test");
    }
  });

  it("index.html has a row per run linking its report, and a trend chart of test AUC and error", () => {
    const html = readFileSync(writeRunIndex(runsRoot), "utf8");
    const rows = [...html.matchAll(/<tr class="run ([a-z-]+)">(.*?)<\/tr>/g)];
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((r) => r[1]),
      ["released", "rolled-back", "rejected"],
    );
    for (const [, , cells] of rows)
      assert.match(cells, /<a href="\d{8}-\d{6}-[a-z0-9]+\/report.html">report<\/a>/);
    const svg = /<svg id="trend"[^>]*>([\s\S]*?)<\/svg>/.exec(html)?.[1] ?? "";
    for (const metric of ["testAuc", "testError"]) {
      const points =
        new RegExp(`<polyline class="${metric}" points="([^"]*)"`).exec(svg)?.[1].split(" ") ?? [];
      assert.equal(points.length, 3, `${metric} has a point per run`);
    }
    assert.equal((svg.match(/>v1<\/text>/g) ?? []).length, 3, "v1 stayed champion through all three runs");
  });

  it("npm run runs prints the same table, and --json the records", () => {
    const table = spawnSync("npm", ["run", "-s", "runs", "--", "--runs", runsRoot], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(table.status, 0, table.stderr);
    assert.equal(table.stdout.trim(), historyTable(readRuns(runsRoot)));
    assert.equal(table.stdout.trim().split("\n").length, 4);
    const json = runs("--runs", runsRoot, "--json");
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), readRuns(runsRoot));
    const missing = runs("--runs", join(runsRoot, "nope"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no runs folder .*nope \(run npm start first, or give --runs DIR\)/);
  });
});

/** The command in-process (the process is tested once above): exit code, stdout, stderr. */
function runs(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = historyCommand(argv, {
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  });
  return { code, stdout, stderr };
}
