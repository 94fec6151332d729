import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMlPipelineConfig } from "../../config/ml-config";
import { tuningInput } from "../../functions/lib/run-input";
import { searchPoints } from "../../local/adapters/tuning-search";
import { runLocalPipeline } from "../../local/run/pipeline";
import { writeReport } from "../../local/report/report";
import { TUNING_CONFIG_PATH } from "../helpers/sample-config";

const ROOT = join(__dirname, "..", "..");

describe("local tuning: the same search the cloud's tuning job runs", function () {
  this.timeout(240_000);
  const config = loadMlPipelineConfig(TUNING_CONFIG_PATH);
  const tuning = config.training.tuning!;
  const space = tuningInput(tuning, config.training.hyperparameters, "custome-run").parameterRanges;

  it("the search is deterministic, stays in its ranges, keeps integers whole and spreads its points", () => {
    const points = searchPoints(space, 16, tuning.seed);
    assert.deepEqual(searchPoints(space, 16, tuning.seed), points);
    assert.notDeepEqual(searchPoints(space, 16, tuning.seed + 1), points);
    for (const point of points) {
      for (const [name, range] of Object.entries(tuning.ranges)) {
        const value = Number(point[name]);
        assert.ok(
          value >= range.min && value <= range.max,
          `${name}=${value} outside ${range.min}-${range.max}`,
        );
      }
      assert.ok(Number.isInteger(Number(point.max_depth)), point.max_depth);
    }
    const depths = new Set(points.map((p) => p.max_depth));
    assert.equal(depths.size, 6, "16 points reach every max_depth from 3 to 8");
    const below = points.filter((p) => Number(p.eta) < Math.sqrt(0.05 * 0.5)).length;
    assert.ok(
      below >= 6 && below <= 10,
      `eta is spread on a log scale: ${below} of 16 below the geometric mean`,
    );
  });

  it("runs at least 8 real trainings and continues with the one whose validation AUC is best", async () => {
    const runsRoot = mkdtempSync(join(tmpdir(), "runs-tune-"));
    const result = await runLocalPipeline({
      dataPath: join(ROOT, "sample-datasets", "customer-churn.csv"),
      configPath: TUNING_CONFIG_PATH,
      approval: "approve",
      runsRoot,
      log: () => undefined,
    });
    assert.equal(result.outcome, "released", result.message);
    const trials = result.tuning!.trials;
    assert.ok(trials.length >= 8, `${trials.length} trials`);
    assert.ok(trials.every((t) => t.status === "Completed" && typeof t.objective === "number"));
    const best = Math.max(...trials.map((t) => t.objective!));
    assert.equal(result.tuning!.best!.objective, best);
    assert.ok(new Set(trials.map((t) => t.objective)).size > 1, "the trials differ");
    // The registered model is the winner's, and the gate judged it on the test split.
    const winner = result.tuning!.best!.trainingJobName;
    assert.match(String(result.modelPackage?.modelDataUrl), new RegExp(`/${winner}/output/model.tar.gz$`));
    assert.ok(result.gateSummary?.startsWith("Gate passed: test AUC"));
    const report = readFileSync(writeReport(result), "utf8");
    assert.match(report, /<h2>Hyperparameter tuning<\/h2>/);
    assert.equal((report.match(/<tr( class="winner")?><td><code>/g) ?? []).length, trials.length);
    assert.match(report, /class="winner"/);
  });
});
