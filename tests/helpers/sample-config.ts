import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMlPipelineConfig, type MlPipelineConfig } from "../../config/ml-config";
import { ML_CONFIG_PATH } from "../../infra/program-config";

/** The example config that searches hyperparameters (`training.tuning`). */
export const TUNING_CONFIG_PATH = join(
  __dirname,
  "..",
  "..",
  "config",
  "examples",
  "customer-churn-tuning.json",
);

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- edited in place

/**
 * The default ML config with the branches of the workflow chosen: tuning on or off, the test
 * endpoint serverless or on instances. Contract tests check each branch's Task parameters.
 */
export function sampleConfig(options: { tuning: boolean; serverless: boolean }): MlPipelineConfig {
  const doc = JSON.parse(readFileSync(ML_CONFIG_PATH, "utf8")) as Doc;
  const tuning = (JSON.parse(readFileSync(TUNING_CONFIG_PATH, "utf8")) as Doc).training.tuning;
  if (options.tuning) doc.training.tuning = tuning;
  else delete doc.training.tuning;
  if (!options.serverless) delete doc.endpoints.test.serverless;
  else doc.endpoints.test.serverless ??= { memorySizeMb: 2048, maxConcurrency: 5 };
  return parseMlPipelineConfig(doc, "sample");
}
