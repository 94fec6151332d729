import { createHash } from "node:crypto";
import type { LocalAccount } from "../aws/account";
import type { LocalAwsState } from "../aws/state";
import { localArn } from "../aws/state";
import { channelUri, jobAccess, runTrainingJob, type TrainingRecord } from "./sagemaker-jobs";
import { searchPoints, type SearchSpace } from "./tuning-search";
import { taskError, type TaskHandler, type TaskInput } from "./types";

/** One training job of a tuning job, as the report shows it. */
export interface TuningTrial {
  trainingJobName: string;
  hyperparameters: Record<string, string>;
  status: "Completed" | "Failed";
  objective?: number;
  failureReason?: string;
  /** When the training job started and ended, in epoch seconds (as the API's timestamps). */
  startedAt: number;
  endedAt: number;
}

/** What a local tuning job did: every trial, and the best by the objective. */
export interface TuningRecord {
  jobName: string;
  objective: { Type: "Maximize" | "Minimize"; MetricName: string };
  trials: TuningTrial[];
  best?: TuningTrial;
}

/** SageMaker names a tuning job's training jobs `<tuning job>-<3-digit trial>-<8 hex>`. */
function trialName(jobName: string, trial: number, hyperparameters: Record<string, string>): string {
  const hash = createHash("sha256").update(JSON.stringify(hyperparameters)).digest("hex").slice(0, 8);
  return `${jobName}-${String(trial).padStart(3, "0")}-${hash}`;
}

/** Runs tasks with at most `limit` at a time, keeping their order in the results. */
async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await tasks[i]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

function better(objective: TuningRecord["objective"], a: TuningTrial, b: TuningTrial | undefined): boolean {
  if (a.objective === undefined) return false;
  if (!b || b.objective === undefined) return true;
  return objective.Type === "Maximize" ? a.objective > b.objective : a.objective < b.objective;
}

/** One trial: a real training job with the static hyperparameters and this point's, scored by the objective. */
async function runTrial(
  world: LocalAwsState,
  definition: TaskInput,
  trial: { name: string; point: Record<string, string>; objective: TuningRecord["objective"] },
  featureNames: string[],
  jobs: Map<string, TrainingRecord>,
  account: LocalAccount,
): Promise<TuningTrial> {
  const { name, point, objective } = trial;
  const startedAt = Date.now() / 1000;
  const times = () => ({ startedAt, endedAt: Date.now() / 1000 });
  try {
    const record = await runTrainingJob(
      world,
      {
        name,
        access: jobAccess(account, definition.RoleArn, name),
        hyperparameters: { ...(definition.StaticHyperParameters as Record<string, string>), ...point },
        trainUri: channelUri(definition, "train"),
        validationUri: channelUri(definition, "validation"),
        outputPath: String(definition.OutputDataConfig.S3OutputPath),
      },
      featureNames,
    );
    jobs.set(name, record);
    const metric = record.FinalMetricDataList.find((m) => m.MetricName === objective.MetricName);
    if (!metric) throw new Error(`the job did not emit the objective metric ${objective.MetricName}`);
    return {
      trainingJobName: name,
      hyperparameters: point,
      status: "Completed",
      objective: metric.Value,
      ...times(),
    };
  } catch (error) {
    return {
      trainingJobName: name,
      hyperparameters: point,
      status: "Failed",
      failureReason: (error as Error).message,
      ...times(),
    };
  }
}

/** The tuning job: every trial a real training job, in parallel up to the job's limit. */
async function tune(
  world: LocalAwsState,
  input: TaskInput,
  featureNames: string[],
  jobs: Map<string, TrainingRecord>,
  account: LocalAccount,
): Promise<{ response: unknown; record: TuningRecord }> {
  const createdAt = Date.now() / 1000;
  const jobName = String(input.HyperParameterTuningJobName);
  const config = input.HyperParameterTuningJobConfig;
  const definition = input.TrainingJobDefinition;
  const objective = config.HyperParameterTuningJobObjective as TuningRecord["objective"];
  const limits = config.ResourceLimits as {
    MaxNumberOfTrainingJobs: number;
    MaxParallelTrainingJobs: number;
  };
  const seed = Number(definition.StaticHyperParameters.seed ?? 0);
  const points = searchPoints(config.ParameterRanges as SearchSpace, limits.MaxNumberOfTrainingJobs, seed);
  const trials = await inParallel(
    points.map(
      (point, i) => () =>
        runTrial(
          world,
          definition,
          { name: trialName(jobName, i + 1, point), point, objective },
          featureNames,
          jobs,
          account,
        ),
    ),
    limits.MaxParallelTrainingJobs,
  );
  const best = trials.reduce<TuningTrial | undefined>(
    (winner, t) => (better(objective, t, winner) ? t : winner),
    undefined,
  );
  const record = { jobName, objective, trials, best };
  if (!best)
    throw Object.assign(
      taskError(
        "States.TaskFailed",
        `Tuning job ${jobName} failed: no training job completed (${trials[0]?.failureReason ?? "no trials"})`,
      ),
      { record },
    );
  return { record, response: tuningJobDescription(input, record, best, jobs, createdAt) };
}

/** A trial as DescribeHyperParameterTuningJob's BestTrainingJob (HyperParameterTrainingJobSummary). */
function trainingJobSummary(
  jobName: string,
  trial: TuningTrial,
  objective: TuningRecord["objective"],
  jobs: Map<string, TrainingRecord>,
) {
  return {
    TrainingJobName: trial.trainingJobName,
    TrainingJobArn: jobs.get(trial.trainingJobName)!.TrainingJobArn,
    TuningJobName: jobName,
    CreationTime: trial.startedAt,
    TrainingStartTime: trial.startedAt,
    TrainingEndTime: trial.endedAt,
    TrainingJobStatus: trial.status,
    TunedHyperParameters: trial.hyperparameters,
    FinalHyperParameterTuningJobObjectiveMetric: { ...objective, Value: trial.objective! },
    ObjectiveStatus: "Succeeded",
  };
}

/**
 * The `.sync` result: the completed job's DescribeHyperParameterTuningJob response, every member
 * the API requires (BEHAVIOURS.tuningBestTrainingJob; the tests check it against the API model).
 */
export function tuningJobDescription(
  input: TaskInput,
  record: TuningRecord,
  best: TuningTrial,
  jobs: Map<string, TrainingRecord>,
  createdAt: number,
) {
  const { jobName, objective, trials } = record;
  const count = (status: TuningTrial["status"]) => trials.filter((t) => t.status === status).length;
  return {
    HyperParameterTuningJobName: jobName,
    HyperParameterTuningJobArn: localArn("sagemaker", `hyper-parameter-tuning-job/${jobName.toLowerCase()}`),
    HyperParameterTuningJobConfig: input.HyperParameterTuningJobConfig,
    TrainingJobDefinition: input.TrainingJobDefinition,
    HyperParameterTuningJobStatus: "Completed",
    CreationTime: createdAt,
    HyperParameterTuningEndTime: Math.max(...trials.map((t) => t.endedAt)),
    LastModifiedTime: Math.max(...trials.map((t) => t.endedAt)),
    TrainingJobStatusCounters: {
      Completed: count("Completed"),
      InProgress: 0,
      RetryableError: 0,
      NonRetryableError: count("Failed"),
      Stopped: 0,
    },
    ObjectiveStatusCounters: { Succeeded: count("Completed"), Pending: 0, Failed: count("Failed") },
    BestTrainingJob: trainingJobSummary(jobName, best, objective, jobs),
  };
}

/** `createHyperParameterTuningJob.sync`, recording each tuning job for the report. */
export function sageMakerTuningAdapters(
  world: LocalAwsState,
  featureNames: string[],
  jobs: Map<string, TrainingRecord>,
  tunings: TuningRecord[],
  account: LocalAccount,
): Record<string, TaskHandler> {
  return {
    "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync": async (input) => {
      try {
        const { response, record } = await tune(world, input, featureNames, jobs, account);
        tunings.push(record);
        return response;
      } catch (error) {
        const record = (error as { record?: TuningRecord }).record;
        if (record) tunings.push(record);
        throw error;
      }
    },
  };
}
