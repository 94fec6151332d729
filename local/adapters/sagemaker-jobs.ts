import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { filesUnder } from "../files";
import type { LocalHosting } from "../hosting";
import { PYTHON_DIR, runPython } from "../python";
import { localArn, type LocalWorld } from "../world";
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

/** Training: real XGBoost 1.7 with the job's hyperparameters, writing SageMaker's output contract. */
async function train(
  world: LocalWorld,
  input: TaskInput,
  featureNames: string[],
  outputs: Map<string, string>,
) {
  const channel = (name: string) =>
    (input.InputDataConfig as TaskInput[]).find((c) => c.ChannelName === name)?.DataSource.S3DataSource
      .S3Uri as string;
  const name = String(input.TrainingJobName);
  const outputUri = `${String(input.OutputDataConfig.S3OutputPath).replace(/\/?$/, "/")}${name}/output/`;
  const outputDir = world.path(outputUri);
  const done = await runPython(join(PYTHON_DIR, "train.py"), [
    "--train",
    world.path(channel("train")),
    "--validation",
    world.path(channel("validation")),
    "--hyperparameters",
    JSON.stringify(input.HyperParameters),
    "--output-dir",
    outputDir,
    "--feature-names",
    JSON.stringify(featureNames),
  ]);
  if (done.code !== 0)
    throw taskError(
      "States.TaskFailed",
      `Training job ${name} failed: AlgorithmError: ${lastLine(done.stderr)}`,
    );
  outputs.set(name, outputDir);
  const metrics = JSON.parse(readFileSync(join(outputDir, "metrics.json"), "utf8")) as {
    FinalMetricDataList: unknown[];
  };
  return {
    TrainingJobName: name,
    TrainingJobArn: localArn("sagemaker", `training-job/${name.toLowerCase()}`),
    TrainingJobStatus: "Completed",
    ModelArtifacts: { S3ModelArtifacts: `${outputUri}model.tar.gz` },
    FinalMetricDataList: metrics.FinalMetricDataList,
  };
}

/** Batch transform: every input file scored by the model, with the job's input and output filters. */
async function transform(world: LocalWorld, hosting: LocalHosting, input: TaskInput) {
  const model = String(input.ModelName);
  await hosting.ensureLoaded(model);
  const source = world.path(String(input.TransformInput.DataSource.S3DataSource.S3Uri));
  const processing = (input.DataProcessing ?? {}) as Record<string, string>;
  const outputUri = String(input.TransformOutput.S3OutputPath).replace(/\/?$/, "/");
  for (const file of filesUnder(source)) {
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
    world.write(
      `${outputUri}${basename(file)}.out`,
      joined.map((row) => applyFilter(processing.OutputFilter, row).join(",")).join("\n") + "\n",
    );
  }
  return { TransformJobName: input.TransformJobName, TransformJobStatus: "Completed" };
}

/** SageMaker's `.sync` jobs: training and batch transform. */
export function sageMakerJobAdapters(
  world: LocalWorld,
  hosting: LocalHosting,
  featureNames: string[],
  trainingOutputs: Map<string, string>,
): Record<string, TaskHandler> {
  return {
    "arn:aws:states:::sagemaker:createTrainingJob.sync": (input) =>
      train(world, input, featureNames, trainingOutputs),
    "arn:aws:states:::sagemaker:createTransformJob.sync": (input) => transform(world, hosting, input),
  };
}
