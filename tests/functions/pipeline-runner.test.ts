import {
  CodePipelineClient,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from "@aws-sdk/client-codepipeline";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { CodePipelineEvent } from "aws-lambda";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { runJob, settingsFromEnvironment, type RunnerSettings } from "../../functions/pipeline-runner";
import { ML_CONFIG_PATH } from "../../infra/program-config";

let codepipeline: AwsClientStub<CodePipelineClient>;
let s3: AwsClientStub<S3Client>;
let sfn: AwsClientStub<SFNClient>;
const body = (text: string) => ({ Body: { transformToString: async () => text } }) as never;
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

const settings: RunnerSettings = {
  stateMachineArn: "arn:aws:states:us-west-2:123456789012:stateMachine:mlops-ml-pipeline-test",
  bucket: "staging",
  configKey: "config/ml-pipeline-config.json",
  modelPackageGroupName: "mlops-churn-test",
  xgboostRepository: "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost",
};
const COMMIT = "c0ffee0000000000000000000000000000000000";
const NOW = new Date("2026-11-28T09:00:00Z");

function jobEvent(data: Record<string, unknown> = {}): CodePipelineEvent {
  return {
    "CodePipeline.job": {
      id: "job-1",
      accountId: "123456789012",
      data: {
        actionConfiguration: { configuration: { FunctionName: "runner", UserParameters: "" } },
        inputArtifacts: [
          {
            name: "SourceOutput",
            revision: COMMIT,
            location: { type: "S3", s3Location: { bucketName: "a", objectKey: "k" } },
          },
        ],
        outputArtifacts: [],
        artifactCredentials: { accessKeyId: "x", secretAccessKey: "y", sessionToken: "z" },
        ...data,
      },
    },
  } as unknown as CodePipelineEvent;
}
const run = (event: CodePipelineEvent) => runJob(event, () => settings, NOW);
const token = (executionArn: string) => JSON.stringify({ executionArn, runId: "20261128-090000-c0ffee0" });
const EXECUTION =
  "arn:aws:states:us-west-2:123456789012:execution:mlops-ml-pipeline-test:20261128-090000-c0ffee0";

describe("pipeline runner", () => {
  // Installed per suite, so a suite run before or after this one sees the real clients.
  before(() => {
    codepipeline = mockClient(CodePipelineClient);
    s3 = mockClient(S3Client);
    sfn = mockClient(SFNClient);
  });
  // Client mocks patch the SDK classes for every instance; hand them back for the other suites.
  after(() => {
    codepipeline.restore();
    s3.restore();
    sfn.restore();
  });

  beforeEach(() => {
    codepipeline.reset();
    s3.reset();
    sfn.reset();
    codepipeline.on(PutJobSuccessResultCommand).resolves({});
    codepipeline.on(PutJobFailureResultCommand).resolves({});
    s3.on(GetObjectCommand).resolves(body(readFileSync(ML_CONFIG_PATH, "utf8")));
  });

  it("starts the run for the commit with the run input, and hands CodePipeline a continuation token", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    const outcome = await run(jobEvent());
    assert.deepEqual(outcome, { reported: "started", executionArn: EXECUTION });
    const started = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
    assert.equal(started.name, "20261128-090000-c0ffee0");
    const input = JSON.parse(started.input!);
    assert.equal(input.commitId, COMMIT);
    // A job without the pipeline's variables (a hand-made pipeline) is a manual run on the configured file.
    assert.equal(input.triggerSource, "manual");
    assert.equal(input.data.rawUri, "s3://staging/datasets/customer-churn.csv");
    assert.equal(input.data.configUri, "s3://staging/config/ml-pipeline-config.json");
    const success = codepipeline.commandCalls(PutJobSuccessResultCommand)[0].args[0].input;
    assert.equal(success.jobId, "job-1");
    assert.deepEqual(JSON.parse(success.continuationToken!), {
      executionArn: EXECUTION,
      runId: "20261128-090000-c0ffee0",
    });
  });

  it("follows an execution that already exists instead of failing (a retried invocation)", async () => {
    sfn.on(StartExecutionCommand).rejects(named("ExecutionAlreadyExists", "Execution Already Exists"));
    const outcome = await run(jobEvent());
    assert.deepEqual(outcome, { reported: "started", executionArn: EXECUTION });
  });

  const withParameters = (parameters: Record<string, string>) =>
    jobEvent({ actionConfiguration: { configuration: { UserParameters: JSON.stringify(parameters) } } });

  it("a run started by new data trains on that object and records the trigger", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    await run(withParameters({ source: "data", dataKey: "datasets/2026-12/customer-churn-december.csv" }));
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input!);
    assert.equal(input.triggerSource, "data");
    assert.equal(input.data.rawUri, "s3://staging/datasets/2026-12/customer-churn-december.csv");
    assert.match(input.registry.description, /\(data, run /);
  });

  it("a drift run records its trigger and alarm in the input, the package description and its metadata", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    await run(
      withParameters({
        source: "drift",
        dataKey: "datasets/2026-12/customer-churn-december.csv",
        alarm: "mlops-drift-1",
      }),
    );
    await run(withParameters({ source: "push", dataKey: "datasets/customer-churn.csv", alarm: "none" }));
    const [drift, push] = sfn
      .commandCalls(StartExecutionCommand)
      .map((c) => JSON.parse(c.args[0].input.input!));
    assert.deepEqual([drift.triggerSource, drift.triggerAlarm], ["drift", "mlops-drift-1"]);
    assert.match(drift.registry.description, /\(drift on alarm mlops-drift-1, run /);
    assert.deepEqual([push.triggerSource, push.triggerAlarm], ["push", "none"]);
  });

  it("a push trains on the configured data set; unresolved variables are a manual run", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION });
    await run(withParameters({ source: "push", dataKey: "datasets/customer-churn.csv" }));
    await run(withParameters({ source: "#{variables.TriggerSource}", dataKey: "#{variables.DataKey}" }));
    const [push, manual] = sfn
      .commandCalls(StartExecutionCommand)
      .map((c) => JSON.parse(c.args[0].input.input!));
    assert.deepEqual(
      [push.triggerSource, push.data.rawUri],
      ["push", "s3://staging/datasets/customer-churn.csv"],
    );
    assert.deepEqual(
      [manual.triggerSource, manual.data.rawUri],
      ["manual", "s3://staging/datasets/customer-churn.csv"],
    );
  });

  it("refuses a data set outside the prefix or of another model, and says which files are this model's", async () => {
    for (const dataKey of ["runs/secret.csv", "datasets/loan-default.csv"]) {
      const outcome = await run(withParameters({ source: "data", dataKey }));
      assert.equal(outcome.reported, "failed");
      assert.match(
        (outcome as { message: string }).message,
        new RegExp(
          `s3://staging/${dataKey.replace(".", "\\.")} is not one of this model's data sets \\(files named customer-churn\\*\\.csv under datasets/`,
        ),
      );
    }
    assert.equal(sfn.commandCalls(StartExecutionCommand).length, 0);
  });

  it("keeps the action in progress while the execution runs", async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: "RUNNING" } as never);
    const outcome = await run(jobEvent({ continuationToken: token(EXECUTION) }));
    assert.equal(outcome.reported, "running");
    assert.equal(
      codepipeline.commandCalls(PutJobSuccessResultCommand)[0].args[0].input.continuationToken,
      token(EXECUTION),
    );
  });

  it("reports success with output variables as strings", async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      status: "SUCCEEDED",
      output: JSON.stringify({
        runId: "r",
        experimentName: "churn",
        trialName: "t",
        modelPackageArn: "arn:pkg/4",
        endpointName: "ep",
        testAuc: 0.91,
        extra: { x: 1 },
      }),
    } as never);
    const outcome = await run(jobEvent({ continuationToken: token(EXECUTION) }));
    assert.equal(outcome.reported, "succeeded");
    const success = codepipeline.commandCalls(PutJobSuccessResultCommand)[0].args[0].input;
    assert.deepEqual(success.outputVariables, {
      runId: "r",
      experimentName: "churn",
      trialName: "t",
      modelPackageArn: "arn:pkg/4",
      endpointName: "ep",
      testAuc: "0.91",
    });
    assert.equal(success.continuationToken, undefined);
  });

  for (const status of ["FAILED", "TIMED_OUT", "ABORTED"]) {
    it(`reports ${status} with the execution's error and cause`, async () => {
      sfn.on(DescribeExecutionCommand).resolves({
        status,
        error: "GateRejected",
        cause: "Gate rejected the model: test AUC 0.7 < 0.85",
      } as never);
      const outcome = await run(jobEvent({ continuationToken: token(EXECUTION) }));
      assert.equal(outcome.reported, "failed");
      const failure = codepipeline.commandCalls(PutJobFailureResultCommand)[0].args[0].input;
      assert.equal(failure.failureDetails?.type, "JobFailed");
      assert.equal(failure.failureDetails?.externalExecutionId, EXECUTION);
      assert.match(
        failure.failureDetails!.message!,
        new RegExp(`${status}: GateRejected: Gate rejected the model`),
      );
    });
  }

  it("reports a failure, never silence, when the config is invalid", async () => {
    const bad = JSON.parse(readFileSync(ML_CONFIG_PATH, "utf8"));
    bad.gate.minTestAuc = 7;
    s3.on(GetObjectCommand).resolves(body(JSON.stringify(bad)));
    const outcome = await run(jobEvent());
    assert.equal(outcome.reported, "failed");
    const message =
      codepipeline.commandCalls(PutJobFailureResultCommand)[0].args[0].input.failureDetails!.message!;
    assert.match(
      message,
      /could not start the ML pipeline: Invalid ML pipeline config s3:\/\/staging\/config\/ml-pipeline-config\.json:\n {2}- gate\.minTestAuc = 7/,
    );
    assert.equal(sfn.calls().length, 0);
  });

  it("reports a failure for SDK errors, a foreign continuation token and missing settings", async () => {
    sfn.on(StartExecutionCommand).rejects(named("AccessDeniedException", "not allowed"));
    assert.equal((await run(jobEvent())).reported, "failed");
    assert.equal((await run(jobEvent({ continuationToken: "garbage" }))).reported, "failed");
    const unconfigured = await runJob(jobEvent(), () => settingsFromEnvironment({}), NOW);
    assert.equal(unconfigured.reported, "failed");
    const messages = codepipeline
      .commandCalls(PutJobFailureResultCommand)
      .map((c) => c.args[0].input.failureDetails!.message!);
    assert.match(messages[0], /not allowed/);
    assert.match(messages[1], /continuation token is not one this function issued/);
    assert.match(messages[2], /STATE_MACHINE_ARN = \(missing\)/);
  });

  it("cannot report without a job id, and says so", async () => {
    const outcome = await run({ nonsense: true } as unknown as CodePipelineEvent);
    assert.deepEqual(outcome, { reported: "nothing", reason: "the event has no CodePipeline job id" });
    assert.equal(codepipeline.calls().length, 0);
  });

  it("lets the error through when even the failure report cannot be sent", async () => {
    sfn.on(StartExecutionCommand).rejects(new Error("boom"));
    codepipeline.on(PutJobFailureResultCommand).rejects(new Error("CodePipeline unavailable"));
    await assert.rejects(run(jobEvent()), /CodePipeline unavailable/);
  });
});
