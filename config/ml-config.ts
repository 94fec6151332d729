import { readFileSync } from "node:fs";
import { z } from "zod";
import { dataSetPattern, FILE_PATTERN, isDataSetName } from "./data-sets";
import { builtOnce } from "./built-once";
import { parseJsonText } from "./json-text";
import { retrainingSchema } from "./retraining";
import { TUNING_OBJECTIVES, tuningSchema } from "./tuning";
import { hyperparameterProblem } from "./xgboost-hyperparameters";
import { ConfigValidationError, describeIssues } from "./validation";

/**
 * The schema of `config/ml-pipeline-config.json`: one definition shared by the Pulumi program, the
 * Lambda handlers and local mode, so a bad value is rejected the same way everywhere.
 */

const SERVERLESS_MEMORY_SIZES =
  "must be 1024, 2048, 3072, 4096, 5120 or 6144 (SageMaker Serverless memory sizes)";

/** A share of a whole, 0 to 1. */
const share = () => z.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1");

/** The evaluation gate: the thresholds a model must meet to be registered (the controller reads it too). */
export function gateSchema() {
  return z.strictObject({
    minTestAuc: share().describe("the lowest test-split AUC a model may have"),
    maxTestError: share().describe("the highest test-split error rate (share misclassified at 0.5)"),
    notWorseThanProduction: z
      .boolean()
      .default(true)
      .describe(
        "also require a test AUC at least the champion's (the newest approved model), less productionAucTolerance; false turns the comparison off",
      ),
    productionAucTolerance: z
      .number()
      .min(0, "must be between 0 and 0.1")
      .max(0.1, "must be between 0 and 0.1")
      .default(0.005)
      .describe(
        "how far below the champion's test AUC a candidate may be and still pass (the test split's noise)",
      ),
  });
}

/**
 * Builds the schema. A function, not a module constant: handlers that validate config are serialized
 * into Lambda archives by closure capture, and a built zod schema cannot be captured by value.
 */
export function buildMlPipelineConfigSchema() {
  const name = (what: string) =>
    z
      .string()
      .regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, `${what} must be letters, digits and single hyphens`)
      .max(48, `${what} must be at most 48 characters (SageMaker appends suffixes)`);

  /** A one-hot group is written once and expands to `<group>_<value>` feature columns. */
  const oneHotGroup = z.strictObject({
    oneHot: z.string().min(1, "a one-hot group needs a name").describe("the group's name"),
    values: z
      .array(z.string().min(1))
      .min(2, "a one-hot group needs at least two values")
      .describe("its values; each is a column `<group>_<value>`"),
  });

  const featureEntry = z.union([z.string().min(1, "a feature name cannot be empty"), oneHotGroup]);

  const instanceType = z
    .string()
    .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, "must be a SageMaker instance type such as ml.m5.large");

  const hyperparameterValue = z.union([z.string(), z.number(), z.boolean()]);

  const endpoint = z.strictObject({
    name: name("an endpoint name").describe("the SageMaker endpoint's name"),
    instanceType: instanceType.describe("the endpoint's instance type"),
    initialInstanceCount: z
      .number()
      .int()
      .min(1, "must be at least 1")
      .describe("instances behind the endpoint"),
    dataCaptureSamplingPercent: z
      .number()
      .int()
      .min(0)
      .max(100, "must be a whole percentage 0-100")
      .describe("share of requests captured for monitoring, in percent (instance endpoints only)"),
    serverless: z
      .strictObject({
        // zod's own checks rather than a refine, so the JSON Schema and the docs carry the sizes too;
        // each stops the rest, so a wrong size is one problem, not two.
        memorySizeMb: z
          .number()
          .int()
          .min(1024, { message: SERVERLESS_MEMORY_SIZES, abort: true })
          .max(6144, { message: SERVERLESS_MEMORY_SIZES, abort: true })
          .multipleOf(1024, SERVERLESS_MEMORY_SIZES)
          .describe("memory per serverless worker, in MB"),
        maxConcurrency: z
          .number()
          .int()
          .min(1, "must be at least 1")
          .max(200, "must be at most 200")
          .describe("concurrent invocations the endpoint serves"),
      })
      .optional()
      .describe(
        "serve with SageMaker Serverless Inference instead of instances (no idle cost; no data capture, network isolation or VPC); the instance type then sizes only the evaluation's batch transform",
      ),
  });

  /**
   * How a new model is released to production, locally and in the cloud alike: the share of traffic
   * it takes as a canary, and the thresholds that fail it (the prod stack's rollback alarms and local
   * mode's canary judgement both read these).
   */
  const release = z
    .strictObject({
      canaryPercent: z
        .number()
        .int()
        .min(1)
        .max(50, "must be 1-50 (percent of traffic on the new model)")
        .describe("share of traffic the new model takes as a canary, in percent"),
      canaryRequests: z
        .number()
        .int()
        .min(10, "must be at least 10")
        .max(100000)
        .describe("requests a local canary is judged over"),
      max5xxPercent: z
        .number()
        .min(0)
        .max(100, "must be a percentage 0-100")
        .describe("5XX error rate above which the canary fails and traffic returns to the champion"),
      maxModelLatencyMs: z
        .number()
        .positive("must be above 0")
        .describe("model latency above which the canary fails, in ms"),
    })
    .default({ canaryPercent: 10, canaryRequests: 200, max5xxPercent: 1, maxModelLatencyMs: 500 })
    .describe("how a new model is released to production (prod rollback alarms and local canary alike)");

  return z
    .strictObject({
      $schema: z.string().optional().describe("the JSON Schema editors validate this file with"),
      name: name("the pipeline name").describe("names runs, the model group and jobs"),
      data: z
        .strictObject({
          stagingPrefix: z
            .string()
            .regex(/^([a-zA-Z0-9!_.*'()-]+\/)+$/, "must be an S3 key prefix ending in '/', e.g. datasets/")
            .describe("where data sets live in the staging bucket; a new object here starts a run"),
          fileName: z
            .string()
            .regex(/^[^/]+\.csv$/, "must be a CSV file name without a folder")
            .describe("the data set a push or a manual run trains on"),
          filePattern: z
            .string()
            .regex(
              FILE_PATTERN,
              "must be a CSV file name in which * stands for any text (no folder, no ?, no **), e.g. customer-churn*.csv",
            )
            .optional()
            .describe(
              "which files under stagingPrefix are this model's data sets (new ones start a run, drift retrains on the newest); default: fileName's stem then *, e.g. customer-churn*.csv",
            ),
          format: z
            .strictObject({
              quotedLines: z
                .boolean()
                .describe("each line is wrapped in double quotes (the sample's format)"),
              header: z
                .boolean()
                .describe("the first line names the columns; columns are then matched by name, in any order"),
            })
            .describe("how the CSV is written"),
          label: z
            .strictObject({
              name: z.string().min(1).describe("the label's name (0/1)"),
              column: z
                .number()
                .int()
                .min(0, "must be a zero-based column index")
                .describe("its zero-based column in a file without a header (a header is matched by name)"),
            })
            .describe("the column to predict"),
          features: z
            .array(featureEntry)
            .min(1, "at least one feature is needed")
            .describe(
              "the other columns, in this order in a file without a header (a header's names are matched to these, in any order); a one-hot group is written once",
            ),
          maxRejectedShare: share().describe("share of rows that may be quarantined before the run fails"),
          split: z
            .strictObject({
              train: share().describe("share of rows to train on"),
              validation: share().describe("share for the training job's validation"),
              test: share().describe("share held out for the gate's evaluation"),
              seed: z
                .string()
                .min(1, "the split seed keeps splits stable; it cannot be empty")
                .describe("a row lands in the same split on every run and engine"),
            })
            .describe("how rows are split, by a seeded hash of the row"),
        })
        .describe("the data set and its schema"),
      training: z
        .strictObject({
          algorithm: z
            .literal("xgboost", "only the built-in XGBoost algorithm is supported")
            .describe("the built-in algorithm"),
          imageVersion: z
            .string()
            .regex(/^1\.(5|7)-1$/, "must be a current SageMaker XGBoost image version: 1.7-1 (or 1.5-1)")
            .describe("SageMaker's XGBoost image version"),
          instanceType: instanceType.describe("the training instance type"),
          instanceCount: z.number().int().min(1, "must be at least 1").describe("training instances"),
          volumeSizeGb: z.number().int().min(1).max(16384).describe("training volume size, in GB"),
          maxRuntimeSeconds: z.number().int().min(60).max(432000).describe("the training job's time limit"),
          hyperparameters: z
            .record(
              z.string().regex(/^[a-z_:]+$/, "hyperparameter names are lower_snake_case"),
              hyperparameterValue,
            )
            .refine((h) => h.objective === "binary:logistic", {
              message: 'objective must be "binary:logistic" (the gate scores probabilities)',
            })
            .refine((h) => Number.isInteger(h.num_round) && (h.num_round as number) >= 1, {
              message: "num_round must be a whole number of at least 1",
            })
            .superRefine((hyperparameters, ctx) => {
              for (const [name, value] of Object.entries(hyperparameters)) {
                const problem = hyperparameterProblem(name, value);
                if (problem) ctx.addIssue({ code: "custom", path: [name], message: problem });
              }
            })
            .describe("XGBoost's hyperparameters; objective binary:logistic and num_round are required"),
          tuning: tuningSchema()
            .optional()
            .describe("search hyperparameters with a tuning job; the best training job continues the run"),
        })
        .describe("the training job"),
      gate: gateSchema().describe("the evaluation gate a model must pass to be registered"),
      experiment: z
        .strictObject({
          name: name("the experiment name").describe("the SageMaker experiment runs are tracked in"),
        })
        .describe("experiment tracking"),
      endpoints: z
        .strictObject({
          test: endpoint.describe("the test endpoint the pipeline deploys to"),
          prod: endpoint.describe("the production endpoint"),
        })
        .describe("the two endpoints"),
      release,
      retraining: retrainingSchema(),
    })
    .superRefine((config, ctx) => {
      const tuning = config.training.tuning;
      const evalMetric = String(config.training.hyperparameters.eval_metric ?? "");
      if (tuning && `validation:${evalMetric}` !== tuning.objectiveMetric) {
        ctx.addIssue({
          code: "custom",
          path: ["training", "hyperparameters", "eval_metric"],
          message: `must be "${tuning.objectiveMetric.slice("validation:".length)}": the tuning objective ${tuning.objectiveMetric} is only emitted for the eval_metric XGBoost computes (objectives: ${Object.keys(TUNING_OBJECTIVES).join(", ")})`,
        });
      }
      if (config.endpoints.prod.serverless) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", "prod", "serverless"],
          message:
            "production must run on instances: Model Monitor needs data capture, which serverless endpoints do not support; remove serverless from endpoints.prod",
        });
      }
      if (!isDataSetName(config.data.fileName, config.data)) {
        ctx.addIssue({
          code: "custom",
          path: ["data", "filePattern"],
          message: `must match data.fileName "${config.data.fileName}": pushes and manual runs train on that file (the pattern is ${dataSetPattern(config.data)})`,
        });
      }
      const { train, validation, test } = config.data.split;
      if (Math.abs(train + validation + test - 1) > 1e-9) {
        ctx.addIssue({
          code: "custom",
          path: ["data", "split"],
          message: `train + validation + test must add up to 1 (they add up to ${train + validation + test})`,
        });
      }
      if (train === 0 || test === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["data", "split"],
          message: "train and test shares must be above 0",
        });
      }
      const names = expandFeatures(config.data.features);
      const seen = new Set<string>();
      names.forEach((feature) => {
        if (seen.has(feature)) {
          ctx.addIssue({
            code: "custom",
            path: ["data", "features"],
            message: `feature "${feature}" is listed twice`,
          });
        }
        seen.add(feature);
      });
      if (config.data.format.header && seen.has(config.data.label.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["data", "label", "name"],
          message: `"${config.data.label.name}" is also a feature's name: a header matched by name could not tell them apart; rename one`,
        });
      }
      if (config.data.label.column > names.length) {
        ctx.addIssue({
          code: "custom",
          path: ["data", "label", "column"],
          message: `must be at most ${names.length}: a row has ${names.length + 1} columns (label + features)`,
        });
      }
      if (config.endpoints.test.name === config.endpoints.prod.name) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoints", "prod", "name"],
          message: "the production endpoint must be separate from the test endpoint",
        });
      }
    });
}

export const mlPipelineConfigSchema = buildMlPipelineConfigSchema();

export type MlPipelineConfig = z.infer<typeof mlPipelineConfigSchema>;
export type FeatureEntry = MlPipelineConfig["data"]["features"][number];

/** Feature column names in file order, with one-hot groups expanded to `<group>_<value>`. */
export function expandFeatures(features: readonly FeatureEntry[]): string[] {
  return features.flatMap((entry) =>
    typeof entry === "string" ? [entry] : entry.values.map((value) => `${entry.oneHot}_${value}`),
  );
}

/** The one-hot groups as lists of expanded column names; each must sum to 1 in a valid row. */
export function oneHotGroups(features: readonly FeatureEntry[]): { name: string; columns: string[] }[] {
  return features.flatMap((entry) =>
    typeof entry === "string"
      ? []
      : [{ name: entry.oneHot, columns: entry.values.map((value) => `${entry.oneHot}_${value}`) }],
  );
}

/** Validates an already-parsed document; `source` names it in the error (a file path, "inline"). */
export function parseMlPipelineConfig(document: unknown, source: string): MlPipelineConfig {
  const schema = builtOnce("ml-pipeline-config", buildMlPipelineConfigSchema);
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, document, undefined, schema);
  throw new ConfigValidationError(
    `Invalid ML pipeline config ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    problems,
  );
}

/** Reads and validates a config file; unreadable files and bad JSON get the same kind of error. */
export function loadMlPipelineConfig(path: string): MlPipelineConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigValidationError(`Cannot read ML pipeline config ${path}: ${reason}`, [reason]);
  }
  const document = parseJsonText(text, path, (where, reason) => {
    const problem = `not valid JSON (${reason})`;
    return new ConfigValidationError(`Invalid ML pipeline config ${where}: ${problem}`, [problem]);
  });
  return parseMlPipelineConfig(document, path);
}
