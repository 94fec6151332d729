import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { LocalAccount } from "../aws/account";
import { readObjectFile, readPrefix, writeObject, wrotePrefix } from "../aws/data-access";
import { AccessDenied } from "../aws/iam/denial";
import type { Session } from "../aws/identity";
import type { LocalHosting } from "../aws/hosting";
import { PYTHON_DIR } from "../python/python";
import { runPython } from "../python/jobs";
import { localArn, type LocalAwsState } from "../aws/state";
import { lastLine, taskError, type TaskHandler, type TaskInput } from "./types";

/** Batch transform's CSV filters, for the forms the pipeline uses. */
export function applyFilter(filter: string | undefined, fields: string[]): string[] {
  if (!filter || filter === "$") return fields;
  const slice = /^\$\[(\d+):\]$/.exec(filter);
  if (slice) return fields.slice(Number(slice[1]));
  const pick = /^\$\[(-?\d+(?:,\s*-?\d+)*)\]$/.exec(filter);
  if (pick) return pick[1].split(",").map((i) => fields.at(Number(i)) ?? "");
  throw new Error(`batch transform filter ${filter} is not supported locally`);
}

/** A finished local training job, as DescribeTrainingJob reports it (and where its files are). */
export interface TrainingRecord {
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobStatus: "Completed";
  HyperParameters: Record<string, string>;
  ModelArtifacts: { S3ModelArtifacts: string };
  FinalMetricDataList: { MetricName: string; Value: number }[];
  /** The job's output folder: its metrics and feature importance, for the report. */
  outputDir: string;
}

/** The role a SageMaker job runs as, and the account that decides what it may do. */
export interface JobAccess {
  account: LocalAccount;
  session: Session;
}

/**
 * The job's S3 access as its role, before the job starts (its input channels listed and read, its
 * output written); a refusal fails the job as SageMaker reports it ("ClientError: … AccessDenied").
 */
export function asJobRole(job: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof AccessDenied)) throw error;
    throw taskError("States.TaskFailed", `${job} failed: ClientError: AccessDenied: ${error.message}`);
  }
}

/** What a training job is given: a Train Task's parameters, or one tuning trial's. */
export interface TrainingRequest {
  name: string;
  /** The job's execution role session. */
  access: JobAccess;
  hyperparameters: Record<string, string>;
  trainUri: string;
  validationUri: string;
  outputPath: string;
}

/** Training: real XGBoost 1.7 with the job's hyperparameters, writing SageMaker's output contract. */
export async function runTrainingJob(
  world: LocalAwsState,
  request: TrainingRequest,
  featureNames: string[],
): Promise<TrainingRecord> {
  const outputUri = `${request.outputPath.replace(/\/?$/, "/")}${request.name}/output/`;
  const outputDir = world.path(outputUri);
  const { account, session } = request.access;
  asJobRole(`Training job ${request.name}`, () => {
    readPrefix(account, world, session, request.trainUri);
    readPrefix(account, world, session, request.validationUri);
    writeObject(account, session, `${outputUri}model.tar.gz`);
  });
  const done = await runPython(join(PYTHON_DIR, "train.py"), [
    ...["--train", world.path(request.trainUri), "--validation", world.path(request.validationUri)],
    ...["--hyperparameters", JSON.stringify(request.hyperparameters), "--output-dir", outputDir],
    ...["--feature-names", JSON.stringify(featureNames)],
  ]);
  if (done.signal)
    throw taskError(
      "States.TaskFailed",
      `Training job ${request.name} failed: training was killed (signal ${done.signal}${done.signal === "SIGKILL" ? "; out of memory?" : ""})`,
    );
  if (done.code !== 0)
    throw taskError(
      "States.TaskFailed",
      `Training job ${request.name} failed: AlgorithmError: ${lastLine(done.stderr) || `exit code ${done.code}`}`,
    );
  asJobRole(`Training job ${request.name}`, () => wrotePrefix(account, world, session, outputUri));
  const metrics = JSON.parse(readFileSync(join(outputDir, "metrics.json"), "utf8")) as {
    FinalMetricDataList: TrainingRecord["FinalMetricDataList"];
  };
  return {
    TrainingJobName: request.name,
    TrainingJobArn: localArn("sagemaker", `training-job/${request.name.toLowerCase()}`),
    TrainingJobStatus: "Completed",
    HyperParameters: request.hyperparameters,
    ModelArtifacts: { S3ModelArtifacts: `${outputUri}model.tar.gz` },
    FinalMetricDataList: metrics.FinalMetricDataList,
    outputDir,
  };
}

/** The S3 URI of a Task's input channel. */
export function channelUri(input: TaskInput, name: string): string {
  const channel = (input.InputDataConfig as TaskInput[]).find((c) => c.ChannelName === name);
  if (!channel) throw taskError("SageMaker.ValidationException", `the training job has no ${name} channel`);
  return String(channel.DataSource.S3DataSource.S3Uri);
}

/** SageMaker assumes the job's role for the job (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html). */
export function jobAccess(account: LocalAccount, roleArn: unknown, job: string): JobAccess {
  return { account, session: account.assume(String(roleArn), "sagemaker.amazonaws.com", job.slice(0, 64)) };
}

async function train(
  world: LocalAwsState,
  input: TaskInput,
  featureNames: string[],
  jobs: Map<string, TrainingRecord>,
  account: LocalAccount,
) {
  const record = await runTrainingJob(
    world,
    {
      name: String(input.TrainingJobName),
      access: jobAccess(account, input.RoleArn, String(input.TrainingJobName)),
      hyperparameters: input.HyperParameters as Record<string, string>,
      trainUri: channelUri(input, "train"),
      validationUri: channelUri(input, "validation"),
      outputPath: String(input.OutputDataConfig.S3OutputPath),
    },
    featureNames,
  );
  jobs.set(record.TrainingJobName, record);
  return record;
}

/** Batch transform: every input file scored by the model, with the job's input and output filters. */
async function transform(
  world: LocalAwsState,
  hosting: LocalHosting,
  input: TaskInput,
  account: LocalAccount,
) {
  const model = String(input.ModelName);
  const job = `Transform job ${String(input.TransformJobName)}`;
  const served = world.models.get(model);
  if (!served) throw taskError("SageMaker.AmazonSageMakerException", `Could not find model "${model}".`);
  const { session } = jobAccess(account, served.executionRoleArn, String(input.TransformJobName));
  const outputUri = String(input.TransformOutput.S3OutputPath).replace(/\/?$/, "/");
  let files: string[] = [];
  asJobRole(job, () => {
    readObjectFile(account, world, session, served.artifact);
    files = readPrefix(account, world, session, String(input.TransformInput.DataSource.S3DataSource.S3Uri));
  });
  await hosting.ensureLoaded(model);
  const processing = (input.DataProcessing ?? {}) as Record<string, string>;
  for (const file of files) {
    const rows = readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => line.split(","));
    if (rows.length === 0) continue;
    const features = rows.map((row) => applyFilter(processing.InputFilter, row).join(",")).join("\n");
    const scores = (await hosting.worker.predict(model, features)).split("\n");
    const joined = rows.map((row, i) =>
      processing.JoinSource === "Input" ? [...row, scores[i]] : [scores[i]],
    );
    const output = `${outputUri}${basename(file)}.out`;
    asJobRole(job, () => writeObject(account, session, output));
    world.write(
      output,
      joined.map((row) => applyFilter(processing.OutputFilter, row).join(",")).join("\n") + "\n",
    );
  }
  return { TransformJobName: input.TransformJobName, TransformJobStatus: "Completed" };
}

/** SageMaker's `.sync` jobs (training and batch transform) and the training jobs they left. */
export function sageMakerJobAdapters(
  world: LocalAwsState,
  hosting: LocalHosting,
  featureNames: string[],
  jobs: Map<string, TrainingRecord>,
  account: LocalAccount,
): Record<string, TaskHandler> {
  return {
    "arn:aws:states:::sagemaker:createTrainingJob.sync": (input) =>
      train(world, input, featureNames, jobs, account),
    "arn:aws:states:::aws-sdk:sagemaker:describeTrainingJob": async (input) => {
      const record = jobs.get(String(input.TrainingJobName));
      if (!record)
        throw taskError(
          "SageMaker.ResourceNotFoundException",
          `Requested resource not found: ${String(input.TrainingJobName)}`,
        );
      return record;
    },
    "arn:aws:states:::sagemaker:createTransformJob.sync": (input) =>
      transform(world, hosting, input, account),
  };
}
