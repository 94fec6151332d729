import type { State } from "../../infra/ml/state-machine";
import { taskError, type TaskHandler, type TaskInput } from "./types";

/**
 * How long each local Task may run: the limit its cloud counterpart has, named in the error when it
 * is hit. aws-local-stepfunctions would give every Task without `TimeoutSeconds` 60 s (the ASL
 * spec's default, https://states-language.net/spec.html#task-state), but in Step Functions such a
 * Task has none of its own ("If not provided, the default value is 99999999",
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-task.html): the service's job limit and
 * the execution's `TimeoutSeconds` bound it. The runner hands the library a Task timeout that never
 * comes first (local/aws/state-machines.ts) and these limits decide.
 */

/** A Task's limit and what sets it. */
export interface TaskLimit {
  seconds: number;
  /** The setting and its value, as the error names them: `training.maxRuntimeSeconds (3600 s)`. */
  setting: string;
  /** What the cloud does at the limit, and how to allow more. */
  consequence: string;
  /** The error Step Functions reports: a failed `.sync` job, or the state's own timeout. */
  error: "States.TaskFailed" | "States.Timeout";
}

/** A deployed Glue job's `timeout` in minutes, by the job's name (undefined when it sets none). */
export type GlueJobTimeout = (jobName: string) => number | undefined;

/** Glue's job timeout when neither the job nor the run sets one (Job.Timeout, https://docs.aws.amazon.com/glue/latest/webapi/API_Job.html). */
const GLUE_DEFAULT_TIMEOUT_MINUTES = 2880;

/** setTimeout's longest delay (2^31 - 1 ms); a longer one fires at once, with a warning. */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

const positive = (value: unknown) => (typeof value === "number" && value > 0 ? value : undefined);

/**
 * SageMaker ends a training job when it reaches StoppingCondition.MaxRuntimeInSeconds
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StoppingCondition.html); the
 * run input passes the ML config's training.maxRuntimeSeconds there (functions/lib/run-input.ts).
 */
function trainingLimit(input: TaskInput): TaskLimit | undefined {
  const seconds = positive(input.StoppingCondition?.MaxRuntimeInSeconds);
  if (!seconds) return undefined;
  return {
    seconds,
    setting: `training.maxRuntimeSeconds (${seconds} s)`,
    consequence:
      "SageMaker stops a training job at its StoppingCondition; raise training.maxRuntimeSeconds in the ML config to train longer",
    error: "States.TaskFailed",
  };
}

/** The limit met first, if any. */
const shortest = (limits: (TaskLimit | undefined)[]) =>
  limits.filter((limit) => limit !== undefined).sort((a, b) => a.seconds - b.seconds)[0];

/**
 * A tuning job ends at ResourceLimits.MaxRuntimeInSeconds when set
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceLimits.html). Either way
 * each of its training jobs stops at its own StoppingCondition and at most MaxParallelTrainingJobs
 * run at once, so its MaxNumberOfTrainingJobs take at most ceil(jobs / parallel) rounds of that.
 */
function tuningLimit(input: TaskInput): TaskLimit | undefined {
  const limits = input.HyperParameterTuningJobConfig?.ResourceLimits ?? {};
  const overall = positive(limits.MaxRuntimeInSeconds);
  return shortest([
    overall === undefined
      ? undefined
      : {
          seconds: overall,
          setting: `the tuning job's ResourceLimits.MaxRuntimeInSeconds (${overall} s)`,
          consequence: "SageMaker stops a tuning job at its MaxRuntimeInSeconds",
          error: "States.TaskFailed",
        },
    tuningRounds(input, limits),
  ]);
}

function tuningRounds(input: TaskInput, limits: TaskInput): TaskLimit | undefined {
  const perJob = positive(input.TrainingJobDefinition?.StoppingCondition?.MaxRuntimeInSeconds);
  const jobs = positive(limits.MaxNumberOfTrainingJobs);
  const parallel = positive(limits.MaxParallelTrainingJobs);
  if (!perJob || !jobs || !parallel) return undefined;
  const seconds = perJob * Math.ceil(jobs / parallel);
  return {
    seconds,
    setting: `training.maxRuntimeSeconds × ceil(training.tuning.maxJobs / training.tuning.maxParallelJobs) (${perJob} s × ceil(${jobs} / ${parallel}) = ${seconds} s)`,
    consequence:
      "no tuning job runs longer, each training job stopped at its StoppingCondition; raise training.maxRuntimeSeconds or training.tuning.maxParallelJobs in the ML config",
    error: "States.TaskFailed",
  };
}

/**
 * A Glue job run ends in state TIMEOUT after its timeout in minutes: StartJobRun's Timeout, else the
 * job's, else 2880 (https://docs.aws.amazon.com/glue/latest/webapi/API_StartJobRun.html).
 */
function glueLimit(input: TaskInput, jobTimeout: GlueJobTimeout): TaskLimit {
  const run = positive(input.Timeout);
  const job = jobTimeout(String(input.JobName));
  const minutes = run ?? job ?? GLUE_DEFAULT_TIMEOUT_MINUTES;
  const setting = run
    ? `the StartJobRun Timeout (${minutes} min)`
    : job
      ? `the Glue job's timeout (${minutes} min, in infra/ml/ml-pipeline.ts)`
      : `Glue's default job timeout (${minutes} min)`;
  return {
    seconds: minutes * 60,
    setting,
    consequence: "Glue stops a job run at its timeout (state TIMEOUT)",
    error: "States.TaskFailed",
  };
}

/** A state's own TimeoutSeconds, which Step Functions ends with States.Timeout. */
function stateLimit(state: State): TaskLimit | undefined {
  const seconds = positive(state.TimeoutSeconds);
  if (!seconds) return undefined;
  return {
    seconds,
    setting: `its TimeoutSeconds (${seconds} s, in infra/ml/state-machine.ts)`,
    consequence: "Step Functions fails a Task that runs past its TimeoutSeconds",
    error: "States.Timeout",
  };
}

const SERVICE_LIMITS: Record<string, (input: TaskInput, glue: GlueJobTimeout) => TaskLimit | undefined> = {
  "arn:aws:states:::sagemaker:createTrainingJob.sync": trainingLimit,
  "arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync": tuningLimit,
  "arn:aws:states:::glue:startJobRun.sync": glueLimit,
};

/**
 * The first limit a Task meets: its service's or its own TimeoutSeconds. None for the rest (batch
 * transform, endpoint and Lambda calls): the execution's TimeoutSeconds bounds them, as in the cloud.
 */
export function taskLimit(state: State, input: TaskInput, glue: GlueJobTimeout): TaskLimit | undefined {
  return shortest([SERVICE_LIMITS[String(state.Resource)]?.(input, glue), stateLimit(state)]);
}

/** The error a Task that reached its limit fails with, naming the setting and its value. */
export function limitExceeded(stateName: string, limit: TaskLimit): Error {
  return taskError(limit.error, `${stateName} exceeded ${limit.setting}: ${limit.consequence}`);
}

/**
 * `run`'s result, or limitExceeded once the Task has run for its limit. A limit past setTimeout's
 * range is left to the execution's TimeoutSeconds (a standard execution lasts at most a year).
 */
export function withinLimit(stateName: string, limit: TaskLimit | undefined, run: () => Promise<unknown>) {
  if (!limit || limit.seconds > MAX_TIMER_SECONDS) return run();
  return new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(limitExceeded(stateName, limit)), limit.seconds * 1000);
    Promise.resolve()
      .then(run)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

/** Each Task's handler held to its limit, read from the Task's input as the service would. */
export function limitedHandlers(
  states: Record<string, State>,
  handlers: Record<string, TaskHandler>,
  glue: GlueJobTimeout,
): Record<string, TaskHandler> {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]): [string, TaskHandler] => [
      name,
      (input) => withinLimit(name, taskLimit(states[name], input, glue), () => handler(input)),
    ]),
  );
}
