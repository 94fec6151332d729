import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, StackConfigError, type StackConfig } from "./stack-config";
import { join } from "node:path";
import { ConfigValidationError } from "../config/validation";
import { mlDeploymentSettings, type MlDeploymentSettings } from "../config/deployment-settings";
import { loadMlPipelineConfig } from "../config/ml-config";

/**
 * What this run of the program reads: the current stack's config (its schema is stack-config.ts)
 * and the deployment settings of the ML config (its schema is config/ml-config.ts). A problem in
 * either ends the program as a `RunError`: the Pulumi CLI prints its message alone.
 */

let cached: StackConfig | undefined;

/**
 * Reads and validates the current stack's config once per program run. A config problem ends the
 * program as a `RunError`: the Pulumi CLI prints its message alone, without a stack trace.
 */
export function stackConfig(): StackConfig {
  try {
    cached ??= parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
  } catch (error) {
    if (error instanceof StackConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
  return cached;
}

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
