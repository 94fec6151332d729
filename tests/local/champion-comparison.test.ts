import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLocalPipeline, type LocalRunOptions, type LocalRunResult } from "../../local/run/pipeline";
import { writeReport } from "../../local/report/report";
import { summary } from "../../local/report/summary";

/**
 * Decisions are made beside the champion: the gate refuses a candidate worse than production by
 * default, the approver is shown both models before being asked, and the summary and the report put
 * them side by side.
 */

const ROOT = join(__dirname, "..", "..");
const CONFIG = join(ROOT, "config", "ml-pipeline-config.json");

/** The default config with a weaker model (a few shallow trees) that still meets the thresholds. */
function weakerConfig(gate: Record<string, unknown> = {}): string {
  const config = JSON.parse(readFileSync(CONFIG, "utf8"));
  Object.assign(config.training.hyperparameters, { num_round: 3, max_depth: 2 });
  Object.assign(config.gate, { maxTestError: 0.2 }, gate);
  const path = join(mkdtempSync(join(tmpdir(), "weaker-")), "config.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe("the candidate beside the champion: gate, approval, summary and report", function () {
  this.timeout(120_000);
  const runsRoot = mkdtempSync(join(tmpdir(), "champion-"));
  const asked: string[] = [];
  let beside: LocalRunResult | undefined;
  const run = (options: Partial<LocalRunOptions> = {}) => {
    const lines: string[] = [];
    return runLocalPipeline({
      dataPath: join(ROOT, "sample-datasets", "customer-churn.csv"),
      configPath: CONFIG,
      approval: "approve",
      runsRoot,
      log: (line) => lines.push(line),
      ...options,
    }).then((result) => ({ result, lines }));
  };

  before(async () => {
    const first = await run();
    assert.equal(first.result.outcome, "released", first.result.message);
  });

  it("the approver sees the candidate beside the champion, the data set, the gate and the tests before being asked", async () => {
    const { result, lines } = await run({
      approval: "ask",
      prompt: async (question) => {
        asked.push(question);
        return false;
      },
    });
    assert.equal(result.outcome, "rejected");
    beside = result;
    const brief = lines.slice(lines.findIndex((l) => l.startsWith("Release decision")));
    assert.match(brief[1], /candidate v2 +champion v1$/);
    assert.match(brief[2], /^ {2}test AUC +0\.\d{4} +0\.\d{4} +[+-]0\.\d{4} (same|better|worse)$/);
    assert.ok(brief.some((l) => /^ {2}data set +s3:\/\/.*\/datasets\/customer-churn\.csv$/.test(l)));
    assert.ok(brief.some((l) => /^ {2}gate +Gate passed: .*not worse than production/.test(l)));
    assert.ok(brief.some((l) => /^ {2}tests +passed: 20\/20 known rows/.test(l)));
    assert.deepEqual(asked, ["Release model version 2 to production? [y/N] "]);
  });

  it("a candidate worse than the champion is stopped at the gate by default, and passes only when asked", async () => {
    const refused = (await run({ configPath: weakerConfig() })).result;
    assert.equal(refused.failedState, "GateRejected");
    assert.match(refused.message, /worse than production \(AUC 0\.\d+ < 0\.\d+ − 0\.005 tolerance/);
    const allowed = (await run({ configPath: weakerConfig({ notWorseThanProduction: false }) })).result;
    assert.equal(allowed.outcome, "released", allowed.message);
  });

  it("the summary and the report put the candidate and the champion side by side", () => {
    const result = beside!;
    assert.match(
      summary(result).join("\n"),
      /champion +champion v\d: test AUC 0\.\d{4}, error 0\.\d{4}; the candidate [+-]0\.\d{4} AUC/,
    );
    const html = readFileSync(writeReport(result), "utf8");
    assert.match(
      html,
      /<th class="num">candidate v\d<\/th><th class="num">champion v\d<\/th><th class="num">change<\/th>/,
    );
    assert.equal((html.match(/<table class="cm">/g) ?? []).length, 2, "both confusion matrices");
    const roc = /aria-label="ROC curve">([\s\S]*?)<\/svg>/.exec(html)![1];
    assert.equal((roc.match(/<polyline /g) ?? []).length, 2, "both ROC curves");
  });
});
