import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { running } from "../../local/python/lifecycle";
import { LocalUsageError, runLocalPipeline, type LocalRunOptions } from "../../local/run/pipeline";
import { LocalSetupError } from "../../local/python/python";
import { writeReport } from "../../local/report/report";
import { LocalAwsState } from "../../local/aws/state";

const ROOT = join(__dirname, "..", "..");
const CHURN = join(ROOT, "sample-datasets", "customer-churn.csv");
const CONFIG = join(ROOT, "config", "ml-pipeline-config.json");

function options(overrides: Partial<LocalRunOptions> = {}): LocalRunOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    dataPath: CHURN,
    configPath: CONFIG,
    approval: "approve",
    runsRoot: mkdtempSync(join(tmpdir(), "runs-")),
    log: (l) => lines.push(l),
    lines,
    ...overrides,
  };
}

// A config document changed field by field; its shape is what each case is about.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

function configWith(change: (c: Doc) => void): string {
  const config = JSON.parse(readFileSync(CONFIG, "utf8"));
  change(config);
  const path = join(mkdtempSync(join(tmpdir(), "cfg-")), "config.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe("local mode, end to end", function () {
  this.timeout(120_000);

  it("releases the churn model: every stage, AUC ≥ 0.85, capture, monitoring, report; then a canary against it", async () => {
    const first = options();
    const result = await runLocalPipeline(first);
    assert.equal(result.outcome, "released", result.message);
    assert.equal(result.exitCode, 0);
    for (const stage of [
      "start local services",
      "source",
      "ML pipeline",
      "test",
      "approval",
      "prod rollout",
      "monitoring",
    ]) {
      assert.ok(
        result.timings.some((t) => t.stage === stage),
        stage,
      );
    }
    for (const state of [
      "PrepareData",
      "TrackExperiment",
      "Train",
      "ScoreTestSplit",
      "Evaluate",
      "RegisterModel",
      "CreateEndpoint",
      "CheckEndpoint",
    ]) {
      assert.ok(
        first.lines.some((l) => l.trim().startsWith(state)),
        `no progress line for ${state}`,
      );
    }
    const auc = (result.evaluation as { binary_classification_metrics: { auc: { value: number } } })
      .binary_classification_metrics.auc.value;
    assert.ok(auc >= 0.85, `test AUC ${auc}`);
    assert.equal((result.dataReport as { rejected: number }).rejected, 0);
    assert.equal(result.modelPackage?.version, 1);
    assert.equal(result.modelPackage?.status, "Approved");
    assert.equal(result.testReport?.passed, true);
    assert.equal(result.endpoints.prod, "mlops-churn-prod");
    assert.notEqual(result.endpoints.prod, result.endpoints.test);
    assert.ok(result.drift && result.drift.capturedRows > 50 && result.drift.features.length === 69);
    assert.deepEqual(result.drift.violations, []);
    assert.ok(
      (result.featureImportance?.length ?? 0) > 0 && result.featureImportance![0].gain > 0,
      "feature importance by name",
    );
    assert.deepEqual(
      running(),
      { children: 0, servers: 0, idle: 1 },
      "every worker and server is stopped; the idle job server is kept for the next run",
    );
    const capture = readFileSync(
      join(
        result.runDir,
        "s3",
        result.input!.data.rawUri.split("/")[2],
        "capture",
        "mlops-churn-prod",
        "mlops-churn-prod",
        "AllTraffic",
        new Date().toISOString().slice(0, 13).replace(/[-T]/g, "/"),
        "capture.jsonl",
      ),
      "utf8",
    ).split("\n")[0];
    const record = JSON.parse(capture);
    assert.equal(record.captureData.endpointInput.encoding, "CSV");
    assert.equal(record.eventVersion, "0");
    const report = readFileSync(writeReport(result), "utf8");
    for (const section of ["ROC curve", "Confusion matrix", "Feature importance", "Drift", "Lineage"])
      assert.ok(report.includes(section), section);
    assert.ok(report.includes(result.commit.id));

    const second = await runLocalPipeline({ ...options(), runsRoot: first.runsRoot });
    assert.equal(second.outcome, "released", second.message);
    assert.equal(second.modelPackage?.version, 2);
    assert.equal(second.previousChampion?.version, 1);
    const [primary, canary] = second.canary!.variants;
    assert.deepEqual(
      [primary.name, primary.version, canary.name, canary.version],
      ["Primary", 1, "Canary", 2],
    );
    assert.ok(primary.requests > 0 && canary.requests > 0, JSON.stringify(second.canary));
  });

  it("stops at the gate with a non-zero exit when the model is not good enough; prod untouched", async () => {
    const run = options({ configPath: configWith((c) => (c.gate.minTestAuc = 0.99)) });
    const result = await runLocalPipeline(run);
    assert.equal(result.outcome, "failed");
    assert.equal(result.exitCode, 1);
    assert.equal(result.failedState, "GateRejected");
    assert.match(result.message, /test AUC 0\.\d+ < 0\.99 \(gate\.minTestAuc\)/);
    assert.equal(result.endpoints.prod, undefined);
    assert.deepEqual(new LocalAwsState(result.runDir, "x", run.runsRoot).packages(), []);
  });

  it("runs another data set with only a config change (header, label last, other features)", async () => {
    const result = await runLocalPipeline(
      options({
        dataPath: join(ROOT, "sample-datasets", "loan-default.csv"),
        configPath: join(ROOT, "config", "examples", "loan-default.json"),
      }),
    );
    assert.equal(result.outcome, "released", result.message);
    assert.equal(result.drift?.features.length, 7);
    assert.equal(result.endpoints.prod, "loan-default-prod");
  });

  it("quarantines malformed rows and counts them; too many stop the run at data prep", async () => {
    const lines = readFileSync(CHURN, "utf8").trim().split("\n");
    const dir = mkdtempSync(join(tmpdir(), "data-"));
    const some = join(dir, "some-bad.csv");
    writeFileSync(some, [...lines, '"1,abc"', '"9,' + lines[0].slice(3)].join("\n"));
    const tolerated = await runLocalPipeline(options({ dataPath: some, approval: "reject" }));
    assert.equal((tolerated.dataReport as { rejected: number }).rejected, 2);
    assert.ok(
      readFileSync(
        join(
          tolerated.runDir,
          "s3",
          tolerated.input!.data.rawUri.split("/")[2],
          "runs",
          tolerated.runId!,
          "data",
          "quarantine",
          "rejected.csv",
        ),
        "utf8",
      ).includes("expected 70 fields, found 2"),
    );
    assert.equal(tolerated.outcome, "rejected");
    const many = join(dir, "many-bad.csv");
    writeFileSync(many, [...lines.slice(0, 300), ...Array.from({ length: 30 }, () => '"x,y"')].join("\n"));
    const stopped = await runLocalPipeline(options({ dataPath: many }));
    assert.equal(stopped.failedState, "TooManyRejectedRows");
    assert.match(stopped.message, /30 of 330 rows were rejected/);
  });

  it("without a terminal or a flag, stops after the test stage with a clear message and exit 0", async () => {
    const result = await runLocalPipeline(options({ approval: "ask" }));
    assert.equal(result.outcome, "awaiting-approval");
    assert.equal(result.exitCode, 0);
    assert.match(result.message, /approval needs a terminal, or --approve \/ --reject/);
    assert.equal(result.endpoints.prod, undefined);
  });

  it("names an unreadable data file, an invalid config, and a missing XGBoost with the install command", async () => {
    await assert.rejects(
      runLocalPipeline(options({ dataPath: "/nonexistent/data.csv" })),
      (e: Error) =>
        e instanceof LocalUsageError && /\/nonexistent\/data\.csv: it does not exist/.test(e.message),
    );
    await assert.rejects(
      runLocalPipeline(options({ configPath: configWith((c) => (c.training.instanceCount = 0)) })),
      (e: Error) =>
        e instanceof LocalUsageError && /training\.instanceCount = 0: must be at least 1/.test(e.message),
    );
    const saved = process.env.MLOPS_PYTHON;
    process.env.MLOPS_PYTHON = "/nonexistent/python3";
    try {
      await assert.rejects(
        runLocalPipeline(options()),
        (e: Error) =>
          e instanceof LocalSetupError && /sudo apt-get install -y python3-xgboost/.test(e.message),
      );
      assert.equal(running().idle, 0, "a Python that never started is not kept for the next run");
    } finally {
      if (saved === undefined) delete process.env.MLOPS_PYTHON;
      else process.env.MLOPS_PYTHON = saved;
    }
    assert.ok(!existsSync("/nonexistent"));
  });
});
