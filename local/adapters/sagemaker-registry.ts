import type { LocalAwsState } from "../aws/state";
import type { TaskHandler, TaskInput } from "./types";

/** Where the package's model-quality report is on this machine: later runs compare with it. */
const metricsPathOf = (world: LocalAwsState, uri: unknown) =>
  typeof uri === "string" ? world.path(uri) : undefined;

/** The model registry: a package version with its metrics, baselines and lineage. */
export function sageMakerRegistryAdapters(world: LocalAwsState): Record<string, TaskHandler> {
  return {
    "arn:aws:states:::aws-sdk:sagemaker:createModelPackage": async (input) => {
      const container = (input.InferenceSpecification.Containers as TaskInput[])[0];
      const registered = world.register({
        group: String(input.ModelPackageGroupName),
        description: input.ModelPackageDescription,
        modelDataUrl: String(container.ModelDataUrl),
        modelDataPath: world.path(String(container.ModelDataUrl)),
        customerMetadata: (input.CustomerMetadataProperties ?? {}) as Record<string, string>,
        metricsUri: input.ModelMetrics?.ModelQuality?.Statistics?.S3Uri,
        metricsPath: metricsPathOf(world, input.ModelMetrics?.ModelQuality?.Statistics?.S3Uri),
        statisticsUri: input.DriftCheckBaselines?.ModelDataQuality?.Statistics?.S3Uri,
        constraintsUri: input.DriftCheckBaselines?.ModelDataQuality?.Constraints?.S3Uri,
      });
      return { ModelPackageArn: registered.arn };
    },
  };
}
