import * as pulumi from "@pulumi/pulumi";
import { join } from "node:path";
import { ConfigValidationError } from "../config/validation";
import { mlDeploymentSettings, type MlDeploymentSettings } from "../config/deployment-settings";
import { loadMlPipelineConfig } from "../config/schema";

/** Where the ML run's settings live in the repository; a change to it starts a run. */
export const ML_CONFIG_PATH = join(__dirname, "..", "config", "ml-pipeline-config.json");

/**
 * The ML config file this run of the program deploys: the repository's, or the file a local run
 * trains with (local mode deploys the stacks offline for it and sets `MLOPS_ML_CONFIG`).
 */
export const mlConfigPath = () => process.env.MLOPS_ML_CONFIG || ML_CONFIG_PATH;

/**
 * What the program deploys from the ML config (validated whole; a bad file stops the program with
 * the config's own message). The rest of it, the gate and training settings, is read by each run.
 */
export function mlPipelineConfig(path = mlConfigPath()): MlDeploymentSettings {
  try {
    return mlDeploymentSettings(loadMlPipelineConfig(path));
  } catch (error) {
    if (error instanceof ConfigValidationError) throw new pulumi.RunError(error.message);
    throw error;
  }
}
