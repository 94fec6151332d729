import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigValidationError } from "../../config/validation";
import {
  expandFeatures,
  loadMlPipelineConfig,
  oneHotGroups,
  parseMlPipelineConfig,
} from "../../config/ml-config";
import { mlPipelineJsonSchema } from "../../config/write-json-schema";
import { ML_CONFIG_PATH } from "../../infra/program-config";

// A config document mutated field by field; its shape is the point of each case.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const good = JSON.parse(readFileSync(ML_CONFIG_PATH, "utf8")) as Doc;

function problems(mutate: (doc: Doc) => void): string[] {
  const doc = structuredClone(good);
  mutate(doc);
  try {
    parseMlPipelineConfig(doc, "test-input");
  } catch (error) {
    assert.ok(error instanceof ConfigValidationError);
    assert.match(error.message, /^Invalid ML pipeline config test-input:/);
    return error.problems;
  }
  return assert.fail("expected rejection");
}

describe("ML pipeline config", () => {
  it("reads a config file saved with a byte-order mark", () => {
    const path = join(mkdtempSync(join(tmpdir(), "bom-")), "config.json");
    writeFileSync(path, `\uFEFF${readFileSync(ML_CONFIG_PATH, "utf8")}`);
    assert.equal(loadMlPipelineConfig(path).name, "customer-churn");
  });

  it("the committed config is valid and describes the churn sample's 69 features", () => {
    const config = loadMlPipelineConfig(ML_CONFIG_PATH);
    const features = expandFeatures(config.data.features);
    assert.equal(features.length, 69);
    assert.equal(features[0], "Account Length");
    assert.equal(features[11], "State_AK");
    assert.equal(features[68], "VMail Plan_yes");
    assert.deepEqual(
      oneHotGroups(config.data.features).map((g) => [g.name, g.columns.length]),
      [
        ["State", 51],
        ["Area Code", 3],
        ["Intl Plan", 2],
        ["VMail Plan", 2],
      ],
    );
    assert.equal(config.training.imageVersion, "1.7-1");
  });

  const tuning = () => ({
    objectiveMetric: "validation:auc",
    maxJobs: 8,
    maxParallelJobs: 2,
    ranges: { eta: { min: 0.05, max: 0.5 }, max_depth: { min: 3, max: 8 } },
    seed: 7,
  });
  const cases: [string, (d: Doc) => void, RegExp][] = [
    [
      "a misspelt hyperparameter",
      (d) => (d.training.hyperparameters.max_dept = 5),
      /training\.hyperparameters\.max_dept = 5: unknown hyperparameter; did you mean `max_depth`\?/,
    ],
    [
      "a hyperparameter XGBoost does not have",
      (d) => (d.training.hyperparameters.learning_momentum = 0.9),
      /training\.hyperparameters\.learning_momentum = 0\.9: unknown hyperparameter of XGBoost 1\.7/,
    ],
    [
      "an eta above 1",
      (d) => (d.training.hyperparameters.eta = 1.5),
      /training\.hyperparameters\.eta = 1\.5: must be a number above 0 and at most 1/,
    ],
    [
      "a fractional max_depth given as text",
      (d) => (d.training.hyperparameters.max_depth = "4.5"),
      /training\.hyperparameters\.max_depth = "4\.5": must be a whole number at least 0/,
    ],
    [
      "a tree method XGBoost does not know",
      (d) => (d.training.hyperparameters.tree_method = "fast"),
      /training\.hyperparameters\.tree_method = "fast": must be one of auto, exact, approx, hist, gpu_hist/,
    ],
    [
      "a tuning range on a hyperparameter XGBoost cannot tune",
      (d) => (d.training.tuning = { ...tuning(), ranges: { objective: { min: 0, max: 1 } } }),
      /training\.tuning\.ranges\.objective = .*objective is not a tunable XGBoost hyperparameter; tunable: alpha, /,
    ],
    [
      "a tuning range whose min is not below its max",
      (d) => (d.training.tuning = { ...tuning(), ranges: { eta: { min: 0.5, max: 0.1 } } }),
      /training\.tuning\.ranges\.eta = .*min \(0\.5\) must be below max \(0\.1\)/,
    ],
    [
      "a fractional range on an integer hyperparameter",
      (d) => (d.training.tuning = { ...tuning(), ranges: { max_depth: { min: 2.5, max: 6 } } }),
      /training\.tuning\.ranges\.max_depth = .*max_depth is an integer hyperparameter/,
    ],
    [
      "a tuning range outside what the hyperparameter takes",
      (d) => (d.training.tuning = { ...tuning(), ranges: { subsample: { min: 0.5, max: 1.5 } } }),
      /training\.tuning\.ranges\.subsample\.max = 1\.5: subsample must be a number above 0 and at most 1/,
    ],
    [
      "more parallel tuning jobs than jobs",
      (d) => (d.training.tuning = { ...tuning(), maxJobs: 2, maxParallelJobs: 4 }),
      /training\.tuning\.maxParallelJobs = 4: must be at most maxJobs \(2\)/,
    ],
    [
      "a tuning objective the eval_metric does not compute",
      (d) => (d.training.tuning = { ...tuning(), objectiveMetric: "validation:logloss" }),
      /training\.hyperparameters\.eval_metric = "auc": must be "logloss": the tuning objective validation:logloss/,
    ],
    [
      "a serverless memory size SageMaker does not offer",
      (d) => (d.endpoints.test.serverless = { memorySizeMb: 1500, maxConcurrency: 5 }),
      /endpoints\.test\.serverless\.memorySizeMb = 1500: must be 1024, 2048, 3072, 4096, 5120 or 6144/,
    ],
    [
      "a serverless production endpoint",
      (d) => (d.endpoints.prod.serverless = { memorySizeMb: 2048, maxConcurrency: 5 }),
      /endpoints\.prod\.serverless = .*production must run on instances: Model Monitor needs data capture/,
    ],
    [
      "a negative drift cooldown",
      (d) => (d.retraining.cooldownHours = -1),
      /retraining\.cooldownHours = -1: must be 0 or more hours/,
    ],
    [
      "split shares that do not add up",
      (d) => (d.data.split.test = 0.3),
      /data\.split = .*add up to 1 \(they add up to 1\.15/,
    ],
    ["a share above 1", (d) => (d.gate.minTestAuc = 1.5), /gate\.minTestAuc = 1\.5: must be between 0 and 1/],
    [
      "a deprecated image",
      (d) => (d.training.imageVersion = "1"),
      /training\.imageVersion = "1": must be a current SageMaker XGBoost image version/,
    ],
    [
      "a non-binary objective",
      (d) => (d.training.hyperparameters.objective = "reg:squarederror"),
      /objective must be "binary:logistic"/,
    ],
    [
      "a fractional num_round",
      (d) => (d.training.hyperparameters.num_round = 2.5),
      /num_round must be a whole number/,
    ],
    [
      "zero training instances",
      (d) => (d.training.instanceCount = 0),
      /training\.instanceCount = 0: must be at least 1/,
    ],
    [
      "a bad instance type",
      (d) => (d.endpoints.test.instanceType = "m5.large"),
      /endpoints\.test\.instanceType = "m5\.large": must be a SageMaker instance type/,
    ],
    [
      "prod sharing the test endpoint",
      (d) => (d.endpoints.prod.name = d.endpoints.test.name),
      /endpoints\.prod\.name .*separate from the test endpoint/,
    ],
    ["a duplicated feature", (d) => d.data.features.push("Day Mins"), /feature "Day Mins" is listed twice/],
    [
      "a label column past the row",
      (d) => (d.data.label.column = 70),
      /data\.label\.column = 70: must be at most 69/,
    ],
    [
      "a prefix without a slash",
      (d) => (d.data.stagingPrefix = "datasets"),
      /data\.stagingPrefix = "datasets": must be an S3 key prefix ending in '\/'/,
    ],
    [
      "a data-set pattern the configured file does not match",
      (d) => (d.data.filePattern = "churn-*.csv"),
      /data\.filePattern = .*must match data\.fileName "customer-churn\.csv"/,
    ],
    [
      "a data-set pattern with a folder",
      (d) => (d.data.filePattern = "2026/*.csv"),
      /data\.filePattern = "2026\/\*\.csv": must be a CSV file name in which \* stands for any text/,
    ],
    [
      "a label named like a feature in a file with a header",
      (d) => {
        d.data.format.header = true;
        d.data.label.name = "Day Mins";
      },
      /data\.label\.name = "Day Mins": "Day Mins" is also a feature's name/,
    ],
    [
      "a production AUC tolerance beyond 0.1",
      (d) => (d.gate.productionAucTolerance = 0.2),
      /gate\.productionAucTolerance = 0\.2: must be between 0 and 0\.1/,
    ],
    ["an unknown key", (d) => (d.gate.minAuc = 0.9), /unknown key gate\.minAuc/],
    ["a missing section", (d) => delete d.gate, /^gate = \(missing\): required/],
  ];
  for (const [what, mutate, expected] of cases) {
    it(`rejects ${what}, naming the field`, () => {
      const found = problems(mutate);
      assert.ok(
        found.some((p) => expected.test(p)),
        `no problem matched ${expected}:\n${found.join("\n")}`,
      );
    });
  }

  it("names an unreadable file and invalid JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "mlcfg-"));
    assert.throws(
      () => loadMlPipelineConfig(join(dir, "missing.json")),
      /Cannot read ML pipeline config .*missing\.json: ENOENT/,
    );
    writeFileSync(join(dir, "broken.json"), "{ not json");
    assert.throws(
      () => loadMlPipelineConfig(join(dir, "broken.json")),
      /broken\.json:1:3: not valid JSON \(Expected property name or '}'\)/,
    );
  });

  it("the committed JSON Schema matches the zod schema (run config/write-json-schema.ts to refresh)", () => {
    const committed = readFileSync(
      join(__dirname, "..", "..", "config", "ml-pipeline-config.schema.json"),
      "utf8",
    );
    assert.deepEqual(JSON.parse(committed), JSON.parse(mlPipelineJsonSchema()));
  });
});
