import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { handler as controller } from "../functions/controller";
import type { StateMachineDefinition } from "../infra/ml/state-machine";
import type { LocalHosting } from "./hosting";
import { PYTHON_DIR, runPython } from "./python";
import { LOCAL_ACCOUNT, LOCAL_REGION, type LocalWorld } from "./world";

/**
 * Local adapters for the service APIs the state machine calls, keyed by a Task's `Resource`. A new
 * state that uses an API already covered here needs no new local code.
 */

type Input = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type TaskHandler = (input: Input) => Promise<unknown>;

/** A service error as Step Functions names it (`States.TaskFailed`, `SageMaker.ValidationException`). */
export function taskError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

const ETL_SCRIPT = join(__dirname, "..", "etl", "prepare_data.py");
const arn = (resource: string) => `arn:aws:sagemaker:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${resource}`;
const lastLine = (text: string) => text.trim().split("\n").pop() ?? "";

function localFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? localFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** Batch transform's CSV filters, for the forms the pipeline uses. */
export function applyFilter(filter: string | undefined, fields: string[]): string[] {
  if (!filter || filter === "$") return fields;
  const slice = /^\$\[(\d+):\]$/.exec(filter);
  if (slice) return fields.slice(Number(slice[1]));
  const pick = /^\$\[(-?\d+(?:,\s*-?\d+)*)\]$/.exec(filter);
  if (pick) return pick[1].split(",").map((i) => fields.at(Number(i)) ?? "");
  throw new Error(`batch transform filter ${filter} is not supported locally`);
}

export interface Adapters {
  handlers: Record<string, TaskHandler>;
  /** Feature importance by name, from the last training job (for the report). */
  trainingOutputs: Map<string, string>;
}

export function localAdapters(world: LocalWorld, hosting: LocalHosting, featureNames: string[]): Adapters {
  const trainingOutputs = new Map<string, string>();
  let runs = 0;
  const handlers: Record<string, TaskHandler> = {
    "arn:aws:states:::glue:startJobRun.sync": async (input) => {
      const args = input.Arguments as Record<string, string>;
      const done = await runPython(ETL_SCRIPT, [
        "--input",
        world.path(args["--raw_uri"]),
        "--config",
        world.path(args["--config_uri"]),
        "--output-dir",
        world.path(args["--output_uri"]),
      ]);
      if (done.code !== 0)
        throw taskError(
          "States.TaskFailed",
          `Glue job ${String(input.JobName)} failed: ${lastLine(done.stderr)}`,
        );
      runs++;
      return { Id: `jr_local_${runs}`, JobRunState: "SUCCEEDED" };
    },

    "arn:aws:states:::lambda:invoke": async (input) => {
      // The controller's own code, its SDK clients pointed at the local S3 and SageMaker.
      return { StatusCode: 200, Payload: await controller(input.Payload as Record<string, unknown>) };
    },

    "arn:aws:states:::sagemaker:createTrainingJob.sync": async (input) => {
      const channel = (name: string) =>
        (input.InputDataConfig as Input[]).find((c) => c.ChannelName === name)?.DataSource.S3DataSource
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
      trainingOutputs.set(name, outputDir);
      const metrics = JSON.parse(readFileSync(join(outputDir, "metrics.json"), "utf8")) as {
        FinalMetricDataList: unknown[];
      };
      return {
        TrainingJobName: name,
        TrainingJobArn: arn(`training-job/${name.toLowerCase()}`),
        TrainingJobStatus: "Completed",
        ModelArtifacts: { S3ModelArtifacts: `${outputUri}model.tar.gz` },
        FinalMetricDataList: metrics.FinalMetricDataList,
      };
    },

    "arn:aws:states:::sagemaker:createModel": async (input) => {
      const name = String(input.ModelName);
      if (world.models.has(name))
        throw taskError("SageMaker.ValidationException", `Cannot create already existing model "${name}".`);
      world.models.set(name, {
        artifact: String(input.PrimaryContainer.ModelDataUrl),
        image: String(input.PrimaryContainer.Image),
      });
      return { ModelArn: arn(`model/${name.toLowerCase()}`) };
    },

    "arn:aws:states:::sagemaker:createTransformJob.sync": async (input) => {
      const model = String(input.ModelName);
      await hosting.ensureLoaded(model);
      const source = world.path(String(input.TransformInput.DataSource.S3DataSource.S3Uri));
      const processing = (input.DataProcessing ?? {}) as Record<string, string>;
      const outputUri = String(input.TransformOutput.S3OutputPath).replace(/\/?$/, "/");
      for (const file of localFiles(source)) {
        const rows = readFileSync(file, "utf8")
          .split("\n")
          .filter((l) => l.trim())
          .map((l) => l.split(","));
        if (rows.length === 0) continue;
        const features = rows.map((r) => applyFilter(processing.InputFilter, r).join(",")).join("\n");
        const scores = (await hosting.worker.predict(model, features)).split("\n");
        const joined = rows.map((r, i) =>
          processing.JoinSource === "Input" ? [...r, scores[i]] : [scores[i]],
        );
        world.write(
          `${outputUri}${basename(file)}.out`,
          joined.map((r) => applyFilter(processing.OutputFilter, r).join(",")).join("\n") + "\n",
        );
      }
      return { TransformJobName: input.TransformJobName, TransformJobStatus: "Completed" };
    },

    "arn:aws:states:::aws-sdk:sagemaker:createModelPackage": async (input) => {
      const container = (input.InferenceSpecification.Containers as Input[])[0];
      const registered = world.register({
        group: String(input.ModelPackageGroupName),
        description: input.ModelPackageDescription,
        modelDataUrl: String(container.ModelDataUrl),
        modelDataPath: world.path(String(container.ModelDataUrl)),
        customerMetadata: (input.CustomerMetadataProperties ?? {}) as Record<string, string>,
        metricsUri: input.ModelMetrics?.ModelQuality?.Statistics?.S3Uri,
        statisticsUri: input.DriftCheckBaselines?.ModelDataQuality?.Statistics?.S3Uri,
        constraintsUri: input.DriftCheckBaselines?.ModelDataQuality?.Constraints?.S3Uri,
      });
      return { ModelPackageArn: registered.arn };
    },

    "arn:aws:states:::sagemaker:createEndpointConfig": async (input) => {
      const name = String(input.EndpointConfigName);
      if (world.endpointConfigs.has(name))
        throw taskError(
          "SageMaker.ValidationException",
          `Cannot create already existing endpoint configuration "${name}".`,
        );
      const capture = input.DataCaptureConfig?.EnableCapture
        ? {
            samplingPercent: Number(input.DataCaptureConfig.InitialSamplingPercentage),
            destination: String(input.DataCaptureConfig.DestinationS3Uri),
          }
        : undefined;
      world.endpointConfigs.set(name, {
        variants: (input.ProductionVariants as Input[]).map((v) => ({
          name: String(v.VariantName),
          model: String(v.ModelName),
          weight: Number(v.InitialVariantWeight ?? 1),
        })),
        capture,
      });
      return { EndpointConfigArn: arn(`endpoint-config/${name.toLowerCase()}`) };
    },

    "arn:aws:states:::sagemaker:createEndpoint": async (input) => {
      const name = String(input.EndpointName);
      if (world.endpoints.has(name))
        throw taskError(
          "SageMaker.ValidationException",
          `Cannot create already existing endpoint "${name}".`,
        );
      await hosting.deploy(name, String(input.EndpointConfigName));
      return { EndpointArn: arn(`endpoint/${name.toLowerCase()}`) };
    },

    "arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint": async (input) => {
      const name = String(input.EndpointName);
      if (!world.endpoints.delete(name))
        throw taskError("SageMaker.ValidationException", `Could not find endpoint "${name}".`);
      return {};
    },

    "arn:aws:states:::sagemaker:updateEndpoint": async (input) => {
      const name = String(input.EndpointName);
      if (!world.endpoints.has(name))
        throw taskError("SageMaker.ValidationException", `Could not find endpoint "${name}".`);
      await hosting.deploy(name, String(input.EndpointConfigName));
      return { EndpointArn: arn(`endpoint/${name.toLowerCase()}`) };
    },
  };
  return { handlers, trainingOutputs };
}

/** Task handlers by state name (what the local runner wants), from each Task's Resource. */
export function handlersByState(definition: StateMachineDefinition, byResource: Record<string, TaskHandler>) {
  const byState: Record<string, TaskHandler> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== "Task") continue;
    const handler = byResource[String(state.Resource)];
    if (!handler)
      throw new Error(
        `State ${name} calls ${String(state.Resource)}, which has no local adapter in local/adapters.ts`,
      );
    byState[name] = handler;
  }
  return byState;
}
