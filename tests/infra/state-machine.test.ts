import "../../local/run/promise-with-resolvers";
import aslValidator from "asl-validator";
import { stateMachineFor } from "../../local/aws/state-machines";
import { strict as assert } from "node:assert";
import { buildRunInput, type RunInput } from "../../functions/lib/run-input";
import { FAILURES, pipelineDefinition, type PipelineResources } from "../../infra/ml/state-machine";
import { sampleConfig } from "../helpers/sample-config";

const resources: PipelineResources = {
  glueJobName: "mlops-data-prep-test",
  controllerFunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:mlops-controller-test",
  sageMakerRoleArn: "arn:aws:iam::123456789012:role/mlops-sagemaker",
  kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/1234",
  endpointMaxChecks: 3,
};
const definition = pipelineDefinition(resources);
/** Without tuning, on an instance endpoint: the workflow that takes neither branch. */
const inputFor = (branch: { tuning: boolean; serverless: boolean }) =>
  buildRunInput(
    sampleConfig(branch),
    { commitId: "feedface".repeat(5), source: "push", startedAt: new Date("2026-11-28T10:00:00Z") },
    {
      bucket: "staging",
      configKey: "config/ml-pipeline-config.json",
      modelPackageGroupName: "churn",
      image: "img:1.7-1",
    },
  );
const baseInput = buildRunInput(
  sampleConfig({ tuning: false, serverless: false }),
  { commitId: "feedface".repeat(5), source: "push", startedAt: new Date("2026-11-28T10:00:00Z") },
  {
    bucket: "staging",
    configKey: "config/ml-pipeline-config.json",
    modelPackageGroupName: "churn",
    image: "img:1.7-1",
  },
);

type Handler = (input: Record<string, unknown>) => Promise<unknown>;
const named = (name: string, message: string) => Object.assign(new Error(message), { name });
const lambda = (payload: unknown) => ({ Payload: payload, StatusCode: 200 });

/** Stub results for every Task state; a test swaps the ones its path needs. */
function happyPath(): Record<string, Handler> {
  return {
    PrepareData: async () => ({ Id: "jr_1", JobRunState: "SUCCEEDED" }),
    ExplainDataFailure: async () => lambda({ error: "DataPreparationFailed", cause: "unused" }),
    TrackExperiment: async (i) =>
      lambda({
        experimentName: (i.Payload as Record<string, string>).experimentName,
        trialName: (i.Payload as Record<string, string>).trialName,
      }),
    Train: async (i) => ({
      TrainingJobName: i.TrainingJobName,
      TrainingJobArn: `arn:aws:sagemaker:us-west-2:123456789012:training-job/${String(i.TrainingJobName)}`,
      ModelArtifacts: { S3ModelArtifacts: "s3://staging/runs/r/model/output/model.tar.gz" },
      FinalMetricDataList: [{ MetricName: "validation:auc", Value: 0.92 }],
    }),
    Tune: async (i) => ({
      HyperParameterTuningJobStatus: "Completed",
      BestTrainingJob: {
        TrainingJobName: `${String(i.HyperParameterTuningJobName)}-003-0a1b2c3d`,
        FinalHyperParameterTuningJobObjectiveMetric: { MetricName: "validation:auc", Value: 0.93 },
      },
    }),
    DescribeBestTrainingJob: async (i) => ({
      TrainingJobName: i.TrainingJobName,
      TrainingJobArn: `arn:aws:sagemaker:us-west-2:123456789012:training-job/${String(i.TrainingJobName)}`,
      ModelArtifacts: {
        S3ModelArtifacts: `s3://staging/runs/r/model/${String(i.TrainingJobName)}/output/model.tar.gz`,
      },
      FinalMetricDataList: [{ MetricName: "validation:auc", Value: 0.93 }],
    }),
    CreateModel: async () => ({ ModelArn: "arn:model" }),
    ScoreTestSplit: async () => ({ TransformJobStatus: "Completed" }),
    Evaluate: async (i) => {
      const p = i.Payload as { gate: unknown };
      return lambda({
        testAuc: 0.91,
        testError: 0.05,
        notWorseThanProduction: true,
        gate: p.gate,
        summary: "Gate passed: ...",
      });
    },
    RegisterModel: async () => ({
      ModelPackageArn: "arn:aws:sagemaker:us-west-2:123456789012:model-package/churn/7",
    }),
    CreateEndpointConfig: async () => ({ EndpointConfigArn: "arn:ec" }),
    CreateServerlessEndpointConfig: async () => ({ EndpointConfigArn: "arn:ec" }),
    FindEndpoint: async () => lambda({ exists: false, status: "Missing", action: "create" }),
    DeleteBrokenEndpoint: async () => ({}),
    CheckEndpointDeleted: async () => lambda({ deleted: true }),
    CreateEndpoint: async () => ({ EndpointArn: "arn:ep" }),
    UpdateEndpoint: async () => ({ EndpointArn: "arn:ep" }),
    CheckEndpoint: async () => lambda({ status: "InService" }),
  };
}

interface Outcome {
  output?: Record<string, unknown>;
  error?: string;
  cause?: string;
  calls: Record<string, Record<string, unknown>[]>;
}

async function execute(changes: Record<string, Handler> = {}, input: RunInput = baseInput): Promise<Outcome> {
  const handlers = { ...happyPath(), ...changes };
  const calls: Outcome["calls"] = {};
  const recorded = Object.fromEntries(
    Object.entries(handlers).map(([state, fn]) => [
      state,
      async (i: Record<string, unknown>) => {
        (calls[state] ??= []).push(i);
        return fn(i);
      },
    ]),
  );
  const machine = stateMachineFor(structuredClone(definition));
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: recorded as never,
      waitTimeOverrides: { WaitForEndpoint: 0, WaitForDeletion: 0 },
      retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((s) => [s, 0])),
    },
  });
  try {
    return { output: (await execution.result) as Record<string, unknown>, calls };
  } catch (error) {
    const failure = (error as { cause?: { name: string; message: string } }).cause;
    return { error: failure?.name, cause: failure?.message, calls };
  }
}

describe("ML pipeline state machine", () => {
  it("is valid ASL and every state is reachable, every Next exists", () => {
    // Both ASL tools may annotate the object they are given; each gets its own copy.
    const result = aslValidator(structuredClone(definition) as never);
    assert.deepEqual(result.errors, []);
    assert.equal(result.isValid, true);
    const targets = (state: Record<string, unknown>): string[] => [
      ...(typeof state.Next === "string" ? [state.Next] : []),
      ...(typeof state.Default === "string" ? [state.Default] : []),
      ...((state.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
      ...((state.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
    ];
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      assert.ok(definition.States[name], `missing state ${name}`);
      seen.add(name);
      targets(definition.States[name]).forEach(visit);
    };
    visit(definition.StartAt);
    assert.deepEqual([...seen].sort(), Object.keys(definition.States).sort());
  });

  it("uses only JSONPath (no JSONata, no Assign) so the local runtime can run it", () => {
    const text = JSON.stringify(definition);
    assert.doesNotMatch(text, /"QueryLanguage"|"Assign"|\{%/);
  });

  it("names a Fail state for every failure, each with a cause to read", () => {
    for (const name of Object.keys(FAILURES)) {
      assert.equal(definition.States[name].Type, "Fail");
      assert.ok(definition.States[name].CausePath, name);
    }
  });

  it("path: a new endpoint is created, the model registered with lineage, and the run summarised", async () => {
    const { output, error, calls } = await execute();
    assert.equal(error, undefined);
    assert.deepEqual(Object.keys(calls), [
      "PrepareData",
      "TrackExperiment",
      "Train",
      "CreateModel",
      "ScoreTestSplit",
      "Evaluate",
      "RegisterModel",
      "CreateEndpointConfig",
      "FindEndpoint",
      "CreateEndpoint",
      "CheckEndpoint",
    ]);
    assert.deepEqual(output, {
      runId: baseInput.runId,
      commitId: baseInput.commitId,
      endpointName: "mlops-churn-test",
      experimentName: "customer-churn",
      trialName: baseInput.experiment.trialName,
      trainingJobName: baseInput.training.jobName,
      modelPackageArn: "arn:aws:sagemaker:us-west-2:123456789012:model-package/churn/7",
      testAuc: 0.91,
      testError: 0.05,
      gateSummary: "Gate passed: ...",
    });
    const glue = calls.PrepareData[0] as { JobName: string; Arguments: Record<string, string> };
    assert.equal(glue.JobName, "mlops-data-prep-test");
    assert.equal(glue.Arguments["--raw_uri"], "s3://staging/datasets/customer-churn.csv");
    const register = calls.RegisterModel[0] as Record<string, Record<string, unknown>>;
    assert.deepEqual(register.CustomerMetadataProperties, {
      commitId: baseInput.commitId,
      runId: baseInput.runId,
      dataUri: baseInput.data.rawUri,
      trigger: "push",
      triggerAlarm: "none",
      trainingJob: baseInput.training.jobName,
      testAuc: "0.91",
      testError: "0.05",
    });
    assert.equal(register.ModelApprovalStatus, "PendingManualApproval");
    const config = calls.CreateEndpointConfig[0] as Record<string, Record<string, unknown>>;
    assert.equal(config.DataCaptureConfig.EnableCapture, true);
    assert.equal(config.DataCaptureConfig.InitialSamplingPercentage, 100);
    assert.equal(config.KmsKeyId, resources.kmsKeyArn);
  });

  it("path: with tuning, the best trial's model continues the run; Train never runs", async () => {
    const input = inputFor({ tuning: true, serverless: false });
    const { output, error, calls } = await execute({}, input);
    assert.equal(error, undefined);
    assert.equal(calls.Train, undefined);
    const tune = calls.Tune[0] as Record<string, Record<string, unknown>>;
    assert.equal(tune.HyperParameterTuningJobName, input.tuning!.jobName);
    assert.deepEqual(tune.HyperParameterTuningJobConfig.ParameterRanges, input.tuning!.parameterRanges);
    assert.deepEqual(tune.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective, {
      Type: "Maximize",
      MetricName: "validation:auc",
    });
    const statics = tune.TrainingJobDefinition.StaticHyperParameters as Record<string, string>;
    assert.equal(statics.eta, undefined, "a searched hyperparameter is not also static");
    assert.equal(statics.seed, "7");
    const best = `${input.tuning!.jobName}-003-0a1b2c3d`;
    assert.deepEqual(calls.DescribeBestTrainingJob[0], { TrainingJobName: best });
    const model = calls.CreateModel[0] as Record<string, Record<string, unknown>>;
    assert.match(String(model.PrimaryContainer.ModelDataUrl), new RegExp(`${best}/output/model.tar.gz$`));
    assert.equal(output!.trainingJobName, best);
  });

  it("path: a serverless test endpoint gets a serverless config, no capture, and a model without network isolation", async () => {
    const input = inputFor({ tuning: false, serverless: true });
    const { error, calls } = await execute({}, input);
    assert.equal(error, undefined);
    assert.equal(calls.CreateEndpointConfig, undefined);
    const config = calls.CreateServerlessEndpointConfig[0] as Record<string, Record<string, unknown>[]>;
    assert.deepEqual(config.ProductionVariants, [
      {
        VariantName: "AllTraffic",
        ModelName: input.model.name,
        ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
      },
    ]);
    assert.equal(config.DataCaptureConfig, undefined);
    assert.equal((calls.CreateModel[0] as Record<string, unknown>).EnableNetworkIsolation, false);
    assert.equal((calls.ScoreTestSplit ?? []).length, 1);
  });

  it("path: an instance endpoint's model keeps network isolation", async () => {
    const { calls } = await execute();
    assert.equal((calls.CreateModel[0] as Record<string, unknown>).EnableNetworkIsolation, true);
  });

  it("path: training takes hyperparameters, instances and data from the run input", async () => {
    const input = structuredClone(baseInput);
    input.training.instanceCount = 4;
    input.training.trainDistribution = "ShardedByS3Key";
    const { calls } = await execute({}, input);
    const train = calls.Train[0] as Record<string, never>;
    assert.deepEqual(train.HyperParameters, baseInput.training.hyperparameters);
    assert.equal((train.ResourceConfig as Record<string, unknown>).InstanceCount, 4);
    const [trainChannel] = train.InputDataConfig as {
      DataSource: { S3DataSource: Record<string, string> };
    }[];
    assert.equal(trainChannel.DataSource.S3DataSource.S3DataDistributionType, "ShardedByS3Key");
    assert.equal(trainChannel.DataSource.S3DataSource.S3Uri, baseInput.data.trainUri);
    assert.equal((train.AlgorithmSpecification as Record<string, string>).TrainingImage, "img:1.7-1");
    const score = calls.ScoreTestSplit[0] as Record<string, Record<string, unknown>>;
    assert.deepEqual(score.DataProcessing, {
      InputFilter: "$[1:]",
      JoinSource: "Input",
      OutputFilter: "$[0,-1]",
    });
  });

  it("path: an existing endpoint is updated, not re-created", async () => {
    const { error, calls } = await execute({
      FindEndpoint: async () => lambda({ exists: true, status: "InService", action: "update" }),
    });
    assert.equal(error, undefined);
    assert.equal(calls.UpdateEndpoint.length, 1);
    assert.equal(calls.CreateEndpoint, undefined);
    assert.deepEqual(calls.UpdateEndpoint[0], {
      EndpointName: "mlops-churn-test",
      EndpointConfigName: baseInput.endpoint.configName,
    });
  });

  it("path: a Failed test endpoint is deleted, awaited and created again", async () => {
    let deleteChecks = 0;
    const { error, calls } = await execute({
      FindEndpoint: async () => lambda({ exists: true, status: "Failed", action: "recreate" }),
      CheckEndpointDeleted: async () => {
        if (++deleteChecks < 2) throw named("EndpointPending", "Endpoint mlops-churn-test is Deleting");
        return lambda({ deleted: true });
      },
    });
    assert.equal(error, undefined);
    assert.deepEqual(calls.DeleteBrokenEndpoint, [{ EndpointName: "mlops-churn-test" }]);
    assert.equal(calls.CheckEndpointDeleted.length, 2);
    assert.equal(calls.CreateEndpoint.length, 1);
    assert.equal(calls.UpdateEndpoint, undefined);
  });

  it("path: a busy endpoint is awaited before deploying; one that stays busy times out", async () => {
    let finds = 0;
    const settles = await execute({
      FindEndpoint: async () => {
        if (++finds < 3) throw named("EndpointPending", "Endpoint mlops-churn-test is Updating; waiting");
        return lambda({ exists: true, status: "InService", action: "update" });
      },
    });
    assert.equal(settles.error, undefined);
    assert.equal(settles.calls.FindEndpoint.length, 3);
    const stuck = await execute({
      FindEndpoint: async () => {
        throw named("EndpointPending", "Endpoint mlops-churn-test is SystemUpdating; waiting");
      },
    });
    assert.equal(stuck.error, "EndpointDeploymentTimedOut");
    assert.equal(stuck.calls.CreateEndpoint, undefined);
  });

  it("path: the gate rejects a weak model; nothing is registered or deployed", async () => {
    const { error, cause, calls } = await execute({
      Evaluate: async (i) =>
        lambda({
          testAuc: 0.72,
          testError: 0.05,
          notWorseThanProduction: true,
          gate: (i.Payload as { gate: unknown }).gate,
          summary: "Gate rejected the model: test AUC 0.7200 < 0.85 (gate.minTestAuc).",
        }),
    });
    assert.equal(error, "GateRejected");
    assert.equal(cause, "Gate rejected the model: test AUC 0.7200 < 0.85 (gate.minTestAuc).");
    for (const state of ["RegisterModel", "CreateEndpointConfig", "CreateEndpoint", "UpdateEndpoint"])
      assert.equal(calls[state], undefined, state);
  });

  it("path: gate thresholds come from the run input, not the definition", async () => {
    const strict = structuredClone(baseInput);
    strict.gate.minTestAuc = 0.95;
    assert.equal((await execute({}, strict)).error, "GateRejected");
    const tooManyErrors = structuredClone(baseInput);
    tooManyErrors.gate.maxTestError = 0.01;
    assert.equal((await execute({}, tooManyErrors)).error, "GateRejected");
    const champion = await execute({
      Evaluate: async (i) =>
        lambda({
          testAuc: 0.91,
          testError: 0.05,
          notWorseThanProduction: false,
          gate: (i.Payload as { gate: unknown }).gate,
          summary: "worse than production",
        }),
    });
    assert.equal(champion.error, "GateRejected");
  });

  it("path: a pending endpoint is checked again until it is in service", async () => {
    let checks = 0;
    const { error, calls } = await execute({
      CheckEndpoint: async () => {
        checks++;
        if (checks < 3) throw named("EndpointPending", "Endpoint mlops-churn-test is Creating");
        return lambda({ status: "InService" });
      },
    });
    assert.equal(error, undefined);
    assert.equal(calls.CheckEndpoint.length, 3);
  });

  it("path: an endpoint that never settles fails as timed out after the bounded checks", async () => {
    const { error, cause, calls } = await execute({
      CheckEndpoint: async () => {
        throw named("EndpointPending", "Endpoint mlops-churn-test is Updating");
      },
    });
    assert.equal(error, "EndpointDeploymentTimedOut");
    assert.equal(cause, "Endpoint mlops-churn-test is Updating");
    assert.equal(calls.CheckEndpoint.length, 1 + resources.endpointMaxChecks!);
  });

  it("path: a failed endpoint ends the run with SageMaker's reason", async () => {
    const { error, cause } = await execute({
      CheckEndpoint: async () => {
        throw named("EndpointFailed", "Endpoint mlops-churn-test is Failed: image pull failed");
      },
    });
    assert.equal(error, "EndpointDeploymentFailed");
    assert.equal(cause, "Endpoint mlops-churn-test is Failed: image pull failed");
  });

  it("path: a training failure ends in TrainingFailed with the job's reason", async () => {
    const { error, cause, calls } = await execute({
      Train: async () => {
        throw named("States.TaskFailed", "AlgorithmError: num_round must be positive");
      },
    });
    assert.equal(error, "TrainingFailed");
    assert.equal(cause, "AlgorithmError: num_round must be positive");
    assert.equal(calls.CreateModel, undefined);
  });

  it("path: too many rejected rows stop the run at data prep, with the report's explanation", async () => {
    const { error, cause, calls } = await execute({
      PrepareData: async () => {
        throw named("States.TaskFailed", "Glue job run failed: TooManyRejectedRows");
      },
      ExplainDataFailure: async () =>
        lambda({ error: "TooManyRejectedRows", cause: "5 of 100 rows were rejected (5.0%)" }),
    });
    assert.equal(error, "TooManyRejectedRows");
    assert.equal(cause, "5 of 100 rows were rejected (5.0%)");
    assert.equal(
      (calls.ExplainDataFailure[0].Payload as { failure: { Error: string } }).failure.Error,
      "States.TaskFailed",
    );
    assert.equal(calls.Train, undefined);
  });

  it("path: a data-prep failure without a report keeps the job's own cause", async () => {
    const { error, cause } = await execute({
      PrepareData: async () => {
        throw named("States.TaskFailed", "Glue: out of memory");
      },
      ExplainDataFailure: async () => {
        throw named("Lambda.Unknown", "controller crashed");
      },
    });
    assert.equal(error, "DataPreparationFailed");
    assert.equal(cause, "Glue: out of memory");
  });

  it("path: a failing registration stops before deployment", async () => {
    const { error, calls } = await execute({
      RegisterModel: async () => {
        throw named("SageMaker.ValidationException", "Model package group churn does not exist");
      },
    });
    assert.equal(error, "RegistrationFailed");
    assert.equal(calls.CreateEndpointConfig, undefined);
  });
});
