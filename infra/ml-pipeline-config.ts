import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { ConfigValidationError } from "../config/validation";
import { loadMlPipelineConfig, type MlPipelineConfig } from "../config/schema";

/** Where the ML run's settings live in the repository; a change to it starts a run. */
export const ML_CONFIG_PATH = join(__dirname, "..", "config", "ml-pipeline-config.json");

/** The ML pipeline config, validated; a bad file stops the program with the config's own message. */
export function mlPipelineConfig(path = ML_CONFIG_PATH): MlPipelineConfig {
  try {
    return loadMlPipelineConfig(path);
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
