import { type MlPipelineConfig } from "../../config/ml-config";
import { TUNABLE_HYPERPARAMETERS, TUNING_OBJECTIVES, type TuningConfig } from "../../config/tuning";
import { metadataValue } from "./model-metadata";

/**
 * The input of one ML pipeline run. Every `$$.Execution.Input` path in the state machine reads from
 * this shape, and one function builds it, for the cloud (pipeline-runner) and for local mode alike.
 */

export interface RunTrigger {
  /** The commit the run builds; `local` (or a hash of the work tree) outside git. */
  commitId: string;
  /** What started the run. */
  source: "push" | "data" | "manual" | "local" | "drift";
  /** The alarm that started a drift run (its name), recorded in lineage and the model package. */
  alarm?: string;
  startedAt: Date;
  /** A specific data object to train on; defaults to the configured file under the staging prefix. */
  dataKey?: string;
}

export interface RunEnvironment {
  /** Staging bucket holding data, run outputs and the published config (local mode's is a folder). */
  bucket: string;
  /** Key of the ML pipeline config the run uses (the Glue job reads it). */
  configKey: string;
  modelPackageGroupName: string;
  /** The training and serving image. */
  image: string;
}

/** A SageMaker hyperparameter range; the API takes bounds as strings. */
export interface ParameterRange {
  Name: string;
  MinValue: string;
  MaxValue: string;
  ScalingType: string;
}

/** The tuning job of a run, in the shapes CreateHyperParameterTuningJob takes. */
export interface TuningInput {
  /** At most 32 characters (HyperParameterTuningJobName). */
  jobName: string;
  objective: { Type: "Maximize" | "Minimize"; MetricName: string };
  resourceLimits: { MaxNumberOfTrainingJobs: number; MaxParallelTrainingJobs: number };
  parameterRanges: { IntegerParameterRanges: ParameterRange[]; ContinuousParameterRanges: ParameterRange[] };
  /** The configured hyperparameters that are not searched, with the seed. */
  staticHyperparameters: Record<string, string>;
  /** Seeds the local search's sequence. */
  seed: number;
}

export interface RunInput {
  runId: string;
  commitId: string;
  triggerSource: RunTrigger["source"];
  /** The alarm that started a drift run; "none" otherwise (model package metadata needs a value). */
  triggerAlarm: string;
  data: {
    rawUri: string;
    configUri: string;
    outputUri: string;
    trainUri: string;
    validationUri: string;
    testUri: string;
    reportUri: string;
    statisticsUri: string;
    constraintsUri: string;
  };
  experiment: { name: string; trialName: string };
  training: {
    jobName: string;
    image: string;
    instanceType: string;
    instanceCount: number;
    volumeSizeGb: number;
    maxRuntimeSeconds: number;
    /** SageMaker takes hyperparameters as strings. */
    hyperparameters: Record<string, string>;
    outputUri: string;
    /** Distributed training shards the training data across instances. */
    trainDistribution: "FullyReplicated" | "ShardedByS3Key";
  };
  evaluation: { transformJobName: string; instanceType: string; outputUri: string; evaluationUri: string };
  gate: MlPipelineConfig["gate"];
  /** Serverless endpoints do not support network isolation, so a model served by one runs without. */
  model: { name: string; networkIsolation: boolean };
  registry: {
    groupName: string;
    description: string;
    /**
     * The run's lineage as the model package's CustomerMetadataProperties hold it: each value in
     * the form SageMaker accepts whatever the data key or alarm name is (see model-metadata.ts).
     */
    metadata: { commitId: string; runId: string; dataUri: string; trigger: string; triggerAlarm: string };
  };
  endpoint: {
    name: string;
    /** What the new configuration runs on: SageMaker cannot update an instance endpoint to serverless. */
    kind: "instance" | "serverless";
    configName: string;
    instanceType: string;
    initialInstanceCount: number;
    captureSamplingPercent: number;
    captureUri: string;
    /** Present when the test endpoint is serverless (no data capture then). */
    serverless?: { MemorySizeInMB: number; MaxConcurrency: number };
  };
  /** Present when the config asks for hyperparameter tuning. */
  tuning?: TuningInput;
}

/** A run's id: `<yyyymmdd>-<hhmmss>-<commit>`, as runIdFor makes it (config and rollback check it). */
export const RUN_ID_PATTERN = /^\d{8}-\d{6}-[a-zA-Z0-9]+$/;

/** A versioned model package ARN; group 1 is the group's ARN, group 2 the version. */
export const MODEL_PACKAGE_ARN_PATTERN =
  /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-z0-9-]+)\/(\d+)$/;

/** SageMaker names: at most 63 characters, letters, digits and single hyphens. */
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

function stamp(date: Date): string {
  const iso = date.toISOString(); // 2026-11-28T08:24:10.123Z
  return `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 19).replace(/:/g, "")}`;
}

function resourceName(prefix: string, runId: string, maxLength = 63): string {
  const room = maxLength - runId.length - 1;
  return `${prefix.slice(0, room).replace(/-+$/, "")}-${runId}`;
}

/**
 * The start of every tuning job name of a pipeline: tuning job names have at most 32 characters
 * (HyperParameterTuningJobName), and a run id takes up to 24, so the pipeline name keeps 7. IAM scopes
 * tuning jobs and their training jobs by it.
 */
export function tuningJobPrefix(pipelineName: string): string {
  return pipelineName.toLowerCase().slice(0, 7).replace(/-+$/, "");
}

export function runIdFor(trigger: RunTrigger): string {
  const commit = trigger.commitId.replace(/[^a-zA-Z0-9]/g, "").slice(0, 7) || "nocommit";
  return `${stamp(trigger.startedAt)}-${commit}`;
}

export function buildRunInput(config: MlPipelineConfig, trigger: RunTrigger, env: RunEnvironment): RunInput {
  const runId = runIdFor(trigger);
  // Local mode uses the same s3:// URIs; its world maps them to files under the run's folder.
  const uri = (key: string) => `s3://${env.bucket}/${key}`;
  const run = `runs/${runId}/`;
  const out = (path: string) => uri(`${run}${path}`);
  const dataKey = trigger.dataKey ?? `${config.data.stagingPrefix}${config.data.fileName}`;
  const training = config.training;
  const endpoint = config.endpoints.test;
  return {
    runId,
    commitId: trigger.commitId,
    triggerSource: trigger.source,
    triggerAlarm: trigger.alarm ?? "none",
    data: {
      rawUri: uri(dataKey),
      configUri: uri(env.configKey),
      outputUri: out("data/"),
      trainUri: out("data/train/"),
      validationUri: out("data/validation/"),
      testUri: out("data/test/"),
      reportUri: out("data/report.json"),
      statisticsUri: out("data/baseline/statistics.json"),
      constraintsUri: out("data/baseline/constraints.json"),
    },
    experiment: {
      name: config.experiment.name,
      trialName: `commit-${trigger.commitId.slice(0, 12)}-${stamp(trigger.startedAt)}`,
    },
    training: {
      jobName: resourceName(config.name, runId),
      image: env.image,
      instanceType: training.instanceType,
      instanceCount: training.instanceCount,
      volumeSizeGb: training.volumeSizeGb,
      maxRuntimeSeconds: training.maxRuntimeSeconds,
      hyperparameters: Object.fromEntries(
        Object.entries(training.hyperparameters).map(([k, v]) => [k, String(v)]),
      ),
      outputUri: out("model/"),
      trainDistribution: training.instanceCount > 1 ? "ShardedByS3Key" : "FullyReplicated",
    },
    evaluation: {
      transformJobName: resourceName(`${config.name}-eval`, runId),
      instanceType: endpoint.instanceType,
      outputUri: out("evaluation/predictions/"),
      evaluationUri: out("evaluation/evaluation.json"),
    },
    gate: config.gate,
    model: { name: resourceName(config.name, runId), networkIsolation: !endpoint.serverless },
    registry: {
      groupName: env.modelPackageGroupName,
      description: `${config.name} from commit ${trigger.commitId} (${trigger.source}${trigger.alarm ? ` on alarm ${trigger.alarm}` : ""}, run ${runId})`,
      metadata: {
        commitId: metadataValue(trigger.commitId),
        runId: metadataValue(runId),
        dataUri: metadataValue(uri(dataKey)),
        trigger: metadataValue(trigger.source),
        triggerAlarm: metadataValue(trigger.alarm ?? "none"),
      },
    },
    endpoint: {
      name: endpoint.name,
      kind: endpoint.serverless ? "serverless" : "instance",
      configName: resourceName(endpoint.name, runId),
      instanceType: endpoint.instanceType,
      initialInstanceCount: endpoint.initialInstanceCount,
      captureSamplingPercent: endpoint.dataCaptureSamplingPercent,
      captureUri: uri(`capture/${endpoint.name}/`),
      ...(endpoint.serverless && {
        serverless: {
          MemorySizeInMB: endpoint.serverless.memorySizeMb,
          MaxConcurrency: endpoint.serverless.maxConcurrency,
        },
      }),
    },
    ...(training.tuning && {
      tuning: tuningInput(
        training.tuning,
        training.hyperparameters,
        `${tuningJobPrefix(config.name)}-${runId}`,
      ),
    }),
  };
}

/** The tuning job's objective, limits and ranges; searched hyperparameters leave the static ones. */
export function tuningInput(
  tuning: TuningConfig,
  hyperparameters: MlPipelineConfig["training"]["hyperparameters"],
  jobName: string,
): TuningInput {
  const ranges = Object.entries(tuning.ranges).map(([name, range]) => ({
    kind: TUNABLE_HYPERPARAMETERS[name as keyof typeof TUNABLE_HYPERPARAMETERS],
    range: {
      Name: name,
      MinValue: String(range!.min),
      MaxValue: String(range!.max),
      ScalingType: range!.scaling,
    },
  }));
  const pick = (kind: string) => ranges.filter((r) => r.kind === kind).map((r) => r.range);
  const statics = Object.entries(hyperparameters).filter(([name]) => !(name in tuning.ranges));
  return {
    jobName,
    objective: { Type: TUNING_OBJECTIVES[tuning.objectiveMetric], MetricName: tuning.objectiveMetric },
    resourceLimits: {
      MaxNumberOfTrainingJobs: tuning.maxJobs,
      MaxParallelTrainingJobs: tuning.maxParallelJobs,
    },
    parameterRanges: {
      IntegerParameterRanges: pick("integer"),
      ContinuousParameterRanges: pick("continuous"),
    },
    staticHyperparameters: Object.fromEntries([
      ...statics.map(([name, value]) => [name, String(value)]),
      ["seed", String(tuning.seed)],
    ]),
    seed: tuning.seed,
  };
}
