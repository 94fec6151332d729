import { strict as assert } from "node:assert";
import type { MlPipelineConfig } from "../../config/ml-config";
import { buildRunInput } from "../../functions/lib/run-input";
import { pipelineDefinition, type StateMachineDefinition } from "../../infra/ml/state-machine";
import { glueJobTimeout } from "../../local/adapters/glue";
import type { TaskHandler, TaskInput } from "../../local/adapters/types";
import { withLocalTaskTimeouts } from "../../local/aws/state-machines";
import { runDefinition, type Outcome } from "../../local/stages/ml-pipeline";
import { defaultAccount } from "../helpers/local-account";
import { sampleConfig } from "../helpers/sample-config";
import { VirtualClock } from "../helpers/virtual-clock";

/**
 * Each local Task runs for as long as its cloud counterpart may, and no longer: the state machine
 * runs in aws-local-stepfunctions as a local run does (runDefinition), with stand-in Tasks that take
 * minutes or hours of a virtual clock, so nothing here waits for real.
 */

const definition = pipelineDefinition({
  glueJobName: "mlops-data-prep",
  controllerFunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:mlops-controller",
  sageMakerRoleArn: "arn:aws:iam::123456789012:role/mlops-sagemaker",
  kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/1234",
});

function runInput(change: (config: MlPipelineConfig) => void, tuning = false) {
  const config = sampleConfig({ tuning, serverless: false });
  change(config);
  return buildRunInput(
    config,
    { commitId: "feedface".repeat(5), source: "local", startedAt: new Date("2026-11-28T10:00:00Z") },
    { bucket: "staging", configKey: "config/ml.json", modelPackageGroupName: "churn", image: "img:1.7-1" },
  );
}

const lambda = (Payload: unknown) => ({ Payload, StatusCode: 200 });
const trained = (name: unknown) => ({
  TrainingJobName: name,
  TrainingJobArn: `arn:aws:sagemaker:us-west-2:123456789012:training-job/${String(name)}`,
  ModelArtifacts: { S3ModelArtifacts: "s3://staging/runs/r/model/output/model.tar.gz" },
  FinalMetricDataList: [{ MetricName: "validation:auc", Value: 0.92 }],
});

/** What each Task answers on the happy path. */
const ANSWERS: Record<string, (input: TaskInput) => unknown> = {
  PrepareData: () => ({ Id: "jr_1", JobRunState: "SUCCEEDED" }),
  ExplainDataFailure: () => lambda({ error: "DataPreparationFailed", cause: "unused" }),
  TrackExperiment: (i) =>
    lambda({ experimentName: i.Payload.experimentName, trialName: i.Payload.trialName }),
  Train: (i) => trained(i.TrainingJobName),
  Tune: (i) => ({ BestTrainingJob: { TrainingJobName: `${i.HyperParameterTuningJobName}-001-0a1b2c3d` } }),
  DescribeBestTrainingJob: (i) => trained(i.TrainingJobName),
  CreateModel: () => ({ ModelArn: "arn:model" }),
  ScoreTestSplit: () => ({ TransformJobStatus: "Completed" }),
  Evaluate: (i) =>
    lambda({
      testAuc: 0.91,
      testError: 0.05,
      notWorseThanProduction: true,
      gate: i.Payload.gate,
      summary: "ok",
    }),
  RegisterModel: () => ({
    ModelPackageArn: "arn:aws:sagemaker:us-west-2:123456789012:model-package/churn/7",
  }),
  CreateEndpointConfig: () => ({}),
  CreateServerlessEndpointConfig: () => ({}),
  FindEndpoint: () => lambda({ action: "create", status: "Missing" }),
  DeleteBrokenEndpoint: () => ({}),
  CheckEndpointDeleted: () => lambda({}),
  CreateEndpoint: () => ({}),
  UpdateEndpoint: () => ({}),
  CheckEndpoint: () => lambda({ status: "InService" }),
};

/** Stand-ins for every Task: each takes a virtual second, or the seconds `slow` gives it. */
function standIns(slow: Record<string, number>): Record<string, TaskHandler> {
  return Object.fromEntries(
    Object.entries(ANSWERS).map(([name, answer]): [string, TaskHandler] => [
      name,
      async (input) => {
        await new Promise((resolve) => setTimeout(resolve, (slow[name] ?? 1) * 1000));
        return answer(input);
      },
    ]),
  );
}

describe("local Task time limits: the cloud's, whatever aws-local-stepfunctions' default", function () {
  this.timeout(60_000);
  let clock: VirtualClock;
  beforeEach(() => (clock = new VirtualClock().install()));
  afterEach(() => clock.uninstall());

  /** One local execution of the pipeline's definition on the virtual clock. */
  async function run(
    input: unknown,
    slow: Record<string, number>,
    options: { definition?: StateMachineDefinition; glueMinutes?: number } = {},
  ): Promise<{ outcome: Outcome; seconds: number }> {
    const work = runDefinition(options.definition ?? definition, input, standIns(slow), {
      glueJobTimeout: () => options.glueMinutes ?? 60,
    });
    const { value, elapsedMs } = await clock.run(work);
    return { outcome: value, seconds: elapsedMs / 1000 };
  }

  it("every Task state of the definition has a stand-in here (none reaches AWS)", () => {
    const tasks = Object.entries(definition.States).filter(([, state]) => state.Type === "Task");
    assert.deepEqual(tasks.map(([name]) => name).sort(), Object.keys(ANSWERS).sort());
  });

  it("a training longer than the library's 60 s default succeeds when training.maxRuntimeSeconds allows it", async () => {
    const input = runInput((config) => (config.training.maxRuntimeSeconds = 3600));
    const { outcome, seconds } = await run(input, { Train: 65 });
    assert.ok(outcome.ok, `the run stopped: ${JSON.stringify(outcome)}`);
    assert.ok(seconds > 65, `${seconds} s`);
  });

  it("a training longer than training.maxRuntimeSeconds fails at that limit, naming the key and its value", async () => {
    const input = runInput((config) => (config.training.maxRuntimeSeconds = 65));
    const { outcome, seconds } = await run(input, { Train: 70 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.state, "TrainingFailed");
    assert.match(outcome.cause, /^Train exceeded training\.maxRuntimeSeconds \(65 s\): SageMaker stops/);
    // PrepareData and TrackExperiment take a second each, then Train its 65.
    assert.equal(seconds, 67);
  });

  it("a tuning search of 2 rounds of 35 s succeeds; one past maxRuntimeSeconds × rounds names the keys", async () => {
    const allowed = runInput((config) => (config.training.maxRuntimeSeconds = 3600), true);
    assert.equal(allowed.tuning?.resourceLimits.MaxNumberOfTrainingJobs, 8);
    assert.equal(allowed.tuning?.resourceLimits.MaxParallelTrainingJobs, 2);
    const searched = await run(allowed, { Tune: 2 * 35 });
    assert.ok(searched.outcome.ok, JSON.stringify(searched.outcome));

    const tight = runInput((config) => (config.training.maxRuntimeSeconds = 60), true);
    const { outcome, seconds } = await run(tight, { Tune: 300 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.state, "TrainingFailed");
    assert.match(
      outcome.cause,
      /^Tune exceeded training\.maxRuntimeSeconds × ceil\(training\.tuning\.maxJobs \/ training\.tuning\.maxParallelJobs\) \(60 s × ceil\(8 \/ 2\) = 240 s\)/,
    );
    assert.equal(seconds, 2 + 240);
  });

  it("data prep runs for the Glue job's timeout, and past it fails naming the timeout", async () => {
    const input = runInput(() => undefined);
    const long = await run(input, { PrepareData: 59 * 60 });
    assert.ok(long.outcome.ok, JSON.stringify(long.outcome));

    const { outcome, seconds } = await run(input, { PrepareData: 61 * 60 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.state, "DataPreparationFailed");
    assert.match(
      outcome.cause,
      /^PrepareData exceeded the Glue job's timeout \(60 min, in infra\/ml\/ml-pipeline\.ts\)/,
    );
    assert.equal(seconds, 3600 + 1, "stopped at 60 min; ExplainDataFailure takes a second");
  });

  it("the Glue job's timeout is the deployed job's (infra/ml/ml-pipeline.ts sets 60 minutes)", async () => {
    clock.uninstall();
    const account = await defaultAccount();
    const [job] = account.iam.ofType("aws:glue/job:Job");
    assert.equal(glueJobTimeout(account, String(job.inputs.name)), 60);
    assert.equal(glueJobTimeout(account, "no-such-job"), undefined);
  });

  it("a state's own TimeoutSeconds holds, and its error names it", async () => {
    const limited = structuredClone(definition);
    limited.States.Evaluate.TimeoutSeconds = 30;
    const input = runInput(() => undefined);
    const { outcome } = await run(input, { Evaluate: 40 }, { definition: limited });
    assert.ok(!outcome.ok);
    assert.equal(outcome.state, "EvaluationFailed");
    assert.match(
      outcome.cause,
      /^Evaluate exceeded its TimeoutSeconds \(30 s, in infra\/ml\/state-machine\.ts\)/,
    );
  });

  it("a Task without a limit of its own runs until the execution's TimeoutSeconds, which is named", async () => {
    const input = runInput(() => undefined);
    const { outcome, seconds } = await run(input, { ScoreTestSplit: 7 * 3600 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.state, "ScoreTestSplit");
    assert.match(
      outcome.cause,
      /^the execution exceeded the state machine's TimeoutSeconds \(21600 s, in infra\/ml\/state-machine\.ts\)/,
    );
    assert.equal(seconds, definition.TimeoutSeconds);
  });

  it("the library is handed Task timeouts past the execution's end; the deployed definition is unchanged", () => {
    const local = withLocalTaskTimeouts(definition);
    for (const [name, state] of Object.entries(local.States)) {
      if (state.Type === "Task") assert.equal(state.TimeoutSeconds, definition.TimeoutSeconds + 1, name);
      else assert.equal(state, definition.States[name], name);
    }
    assert.ok(Object.values(definition.States).every((state) => state.TimeoutSeconds === undefined));
  });
});
