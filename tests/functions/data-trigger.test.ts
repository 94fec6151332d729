import { CodePipelineClient, StartPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import {
  settingsFromEnvironment,
  startForNewData,
  type DataTriggerSettings,
  type ObjectCreatedEvent,
} from "../../functions/data-trigger";

let codepipeline: AwsClientStub<CodePipelineClient>;
const settings: DataTriggerSettings = {
  pipelineName: "mlops-test",
  bucket: "staging",
  dataPrefix: "datasets/",
  dataFilePattern: "*.csv",
};

const ENV = {
  PIPELINE_NAME: "p",
  STAGING_BUCKET: "staging",
  DATA_PREFIX: "datasets/",
  DATA_FILE_PATTERN: "*.csv",
};

/** An S3 "Object Created" event as EventBridge delivers it. */
function created(key: string, extra: Record<string, unknown> = {}, bucket = "staging"): ObjectCreatedEvent {
  return {
    source: "aws.s3",
    "detail-type": "Object Created",
    detail: {
      version: "0",
      bucket: { name: bucket },
      object: { key, size: 1024, etag: "0a1b2c", "version-id": "v1", sequencer: "00617F", ...extra },
      reason: "PutObject",
    },
  } as unknown as ObjectCreatedEvent;
}

describe("data trigger", () => {
  // Installed per suite, so a suite run before or after this one sees the real clients.
  before(() => {
    codepipeline = mockClient(CodePipelineClient);
  });
  after(() => codepipeline.restore());
  beforeEach(() => {
    codepipeline.reset();
    codepipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: "exec-1" });
  });

  it("starts the pipeline with the trigger and the object as pipeline variables", async () => {
    const decision = await startForNewData(created("datasets/2026-12/churn.csv"), settings);
    assert.deepEqual(decision, {
      decision: "started",
      key: "datasets/2026-12/churn.csv",
      executionId: "exec-1",
    });
    const input = codepipeline.commandCalls(StartPipelineExecutionCommand)[0].args[0].input;
    assert.equal(input.name, "mlops-test");
    assert.deepEqual(input.variables, [
      { name: "TriggerSource", value: "data" },
      { name: "DataKey", value: "datasets/2026-12/churn.csv" },
    ]);
    assert.match(input.clientRequestToken!, /^data-[0-9a-f]{48}$/);
  });

  it("one run per object version: a redelivered event reuses the token, a new version gets its own", async () => {
    await startForNewData(created("datasets/a.csv"), settings);
    await startForNewData(created("datasets/a.csv"), settings);
    await startForNewData(created("datasets/a.csv", { "version-id": "v2" }), settings);
    const tokens = codepipeline
      .commandCalls(StartPipelineExecutionCommand)
      .map((c) => c.args[0].input.clientRequestToken);
    assert.equal(tokens[0], tokens[1]);
    assert.notEqual(tokens[0], tokens[2]);
  });

  it("ignores folder markers, empty objects, other prefixes and buckets, and malformed events, saying why", async () => {
    const cases: [ObjectCreatedEvent, RegExp][] = [
      [created("datasets/2026-12/"), /folder marker or empty/],
      [created("datasets/empty.csv", { size: 0 }), /folder marker or empty/],
      [created("runs/r/model.tar.gz"), /is not under s3:\/\/staging\/datasets\//],
      [created("datasets/a.csv", {}, "other-bucket"), /s3:\/\/other-bucket\/datasets\/a\.csv is not under/],
      [{ detail: { bucket: "x" } } as unknown as ObjectCreatedEvent, /not an S3 Object Created event/],
    ];
    for (const [event, reason] of cases) {
      const decision = await startForNewData(event, settings);
      assert.equal(decision.decision, "ignored");
      assert.match((decision as { reason: string }).reason, reason);
    }
    assert.equal(codepipeline.commandCalls(StartPipelineExecutionCommand).length, 0);
  });

  it("a key too long for a pipeline variable fails loudly (retried, then dead-lettered and alarmed)", async () => {
    await assert.rejects(
      startForNewData(created(`datasets/${"a".repeat(1000)}.csv`), settings),
      /has a 1013-character key; a pipeline variable holds at most 1000/,
    );
  });

  it("lets an SDK error through, so Lambda retries it and then dead-letters it", async () => {
    codepipeline
      .on(StartPipelineExecutionCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    await assert.rejects(startForNewData(created("datasets/a.csv"), settings), /Rate exceeded/);
  });

  it("starts only for this model's data sets: another model's file under the same prefix is ignored", async () => {
    const churn = { ...settings, dataFilePattern: "customer-churn*.csv" };
    const ignored = await startForNewData(created("datasets/loan-default.csv"), churn);
    assert.deepEqual(ignored, {
      decision: "ignored",
      reason:
        "s3://staging/datasets/loan-default.csv is not one of this model's data sets (files named customer-churn*.csv under datasets/)",
    });
    const started = await startForNewData(created("datasets/2026-12/customer-churn-2025.csv"), churn);
    assert.equal(started.decision, "started");
    assert.equal(codepipeline.commandCalls(StartPipelineExecutionCommand).length, 1);
  });

  it("reads its settings from the environment and names a bad variable", () => {
    assert.deepEqual(settingsFromEnvironment({ ...ENV, DATA_FILE_PATTERN: "churn*.csv" }), {
      pipelineName: "p",
      bucket: "staging",
      dataPrefix: "datasets/",
      dataFilePattern: "churn*.csv",
    });
    assert.throws(
      () => settingsFromEnvironment({ ...ENV, DATA_PREFIX: "datasets" }),
      /DATA_PREFIX.*must end with \//,
    );
    assert.throws(
      () => settingsFromEnvironment({ ...ENV, DATA_FILE_PATTERN: "a/*.csv" }),
      /DATA_FILE_PATTERN/,
    );
  });
});
