import type { MlPipelineConfig } from "./ml-config";

/**
 * The part of the ML config the Pulumi program deploys from: names (model group, experiment,
 * endpoints), the data layout, the serving image's version, the release thresholds (prod's alarms)
 * and retraining limits. The program is given only this, so a run that changes anything else (the gate,
 * hyperparameters, tuning) deploys the same stacks, and local mode can key its offline deployment
 * by exactly what the program read.
 */
export interface MlDeploymentSettings {
  name: MlPipelineConfig["name"];
  experiment: MlPipelineConfig["experiment"];
  data: Pick<MlPipelineConfig["data"], "features" | "stagingPrefix" | "fileName" | "filePattern">;
  training: Pick<MlPipelineConfig["training"], "imageVersion">;
  /** The test endpoint's name only: the pipeline deploys it each run from the ML config. */
  endpoints: {
    test: Pick<MlPipelineConfig["endpoints"]["test"], "name">;
    prod: MlPipelineConfig["endpoints"]["prod"];
  };
  release: MlPipelineConfig["release"];
  retraining: MlPipelineConfig["retraining"];
}

export function mlDeploymentSettings(config: MlPipelineConfig): MlDeploymentSettings {
  return {
    name: config.name,
    experiment: config.experiment,
    data: {
      features: config.data.features,
      stagingPrefix: config.data.stagingPrefix,
      fileName: config.data.fileName,
      filePattern: config.data.filePattern,
    },
    training: { imageVersion: config.training.imageVersion },
    endpoints: { test: { name: config.endpoints.test.name }, prod: config.endpoints.prod },
    release: config.release,
    retraining: config.retraining,
  };
}
