import { CodePipelineClient, StartPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import {
  retrainOnDrift,
  settingsFromEnvironment,
  type AlarmStateChangeEvent,
  type DriftTriggerSettings,
} from "../../functions/drift-trigger";
import { driftDecision } from "../../functions/lib/drift-cooldown";

let codepipeline: AwsClientStub<CodePipelineClient>;
let s3: AwsClientStub<S3Client>;
const settings: DriftTriggerSettings = {
  pipelineName: "mlops-test",
  bucket: "staging",
  dataPrefix: "datasets/",
  dataFilePattern: "*.csv",
  alarmName: "mlops-monitor-drift-alarm-1a2b",
  ledgerKey: "drift/ledger.json",
  cooldownHours: 6,
  maxRunsPerDay: 2,
};
const NOW = new Date("2026-11-29T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000).toISOString();

/** A CloudWatch alarm state change as EventBridge delivers it. */
function alarm(value = "ALARM", name = settings.alarmName): AlarmStateChangeEvent {
  return {
    source: "aws.cloudwatch",
    "detail-type": "CloudWatch Alarm State Change",
    time: NOW.toISOString(),
    detail: { alarmName: name, state: { value, timestamp: NOW.toISOString() } },
  } as unknown as AlarmStateChangeEvent;
}

const ledger = (...startedAt: string[]) => ({
  Body: {
    transformToString: async () => JSON.stringify({ runs: startedAt.map((at) => ({ startedAt: at })) }),
  },
});

describe("drift trigger", () => {
  before(() => {
    codepipeline = mockClient(CodePipelineClient);
    s3 = mockClient(S3Client);
  });
  after(() => {
    codepipeline.restore();
    s3.restore();
  });
  beforeEach(() => {
    codepipeline.reset();
    s3.reset();
    codepipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: "exec-9" });
    s3.on(GetObjectCommand).rejects(
      Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" }),
    );
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: "datasets/customer-churn.csv", Size: 400_000, LastModified: new Date("2026-10-01T00:00:00Z") },
        { Key: "datasets/2026-11/churn.csv", Size: 410_000, LastModified: new Date("2026-11-28T00:00:00Z") },
        { Key: "datasets/empty.csv", Size: 0, LastModified: new Date("2026-11-29T00:00:00Z") },
        { Key: "datasets/notes.txt", Size: 10, LastModified: new Date("2026-11-29T01:00:00Z") },
      ],
    });
    s3.on(ListObjectsV2Command, { Prefix: "drift/ledger.json" }).resolves({ Contents: [] });
    s3.on(PutObjectCommand).resolves({});
  });

  /** A ledger in the bucket: its key is listed, and reading it gives these runs. */
  const withLedger = (...startedAt: string[]) => {
    s3.on(ListObjectsV2Command, { Prefix: "drift/ledger.json" }).resolves({
      Contents: [{ Key: "drift/ledger.json" }],
    });
    s3.on(GetObjectCommand).resolves(ledger(...startedAt) as never);
  };

  it("a first drift run (no ledger yet) looks for the ledger by listing its key, never reading a missing one", async () => {
    await retrainOnDrift(alarm(), settings, NOW);
    const lookups = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix);
    assert.ok(lookups.includes("drift/ledger.json"));
    assert.equal(
      s3.commandCalls(GetObjectCommand).length,
      0,
      "GetObject of a missing key is 403 to this role",
    );
  });

  it("starts the pipeline with trigger drift, the alarm and the newest data set, and records the run", async () => {
    const outcome = await retrainOnDrift(alarm(), settings, NOW);
    assert.deepEqual(outcome, {
      decision: "started",
      dataKey: "datasets/2026-11/churn.csv",
      executionId: "exec-9",
    });
    const start = codepipeline.commandCalls(StartPipelineExecutionCommand)[0].args[0].input;
    assert.equal(start.name, "mlops-test");
    assert.deepEqual(start.variables, [
      { name: "TriggerSource", value: "drift" },
      { name: "DataKey", value: "datasets/2026-11/churn.csv" },
      { name: "TriggerAlarm", value: settings.alarmName },
    ]);
    assert.match(String(start.clientRequestToken), /^drift-[0-9a-f]{48}$/);
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    assert.equal(put.Key, "drift/ledger.json");
    assert.deepEqual(JSON.parse(String(put.Body)), { runs: [{ startedAt: NOW.toISOString() }] });
  });

  it("retrains on the newest of this model's data sets, never a newer file of another model", async () => {
    s3.on(ListObjectsV2Command, { Prefix: "datasets/" }).resolves({
      Contents: [
        { Key: "datasets/customer-churn.csv", Size: 400_000, LastModified: new Date("2026-10-01T00:00:00Z") },
        {
          Key: "datasets/customer-churn-2025.csv",
          Size: 410_000,
          LastModified: new Date("2026-11-01T00:00:00Z"),
        },
        { Key: "datasets/loan-default.csv", Size: 90_000, LastModified: new Date("2026-11-28T00:00:00Z") },
      ],
    });
    const outcome = await retrainOnDrift(
      alarm(),
      { ...settings, dataFilePattern: "customer-churn*.csv" },
      NOW,
    );
    assert.equal(outcome.decision === "started" && outcome.dataKey, "datasets/customer-churn-2025.csv");
  });

  it("does not start a second run within the cooldown, and says when the next may start", async () => {
    withLedger(hoursAgo(2));
    const outcome = await retrainOnDrift(alarm(), settings, NOW);
    assert.equal(outcome.decision, "ignored");
    assert.match(
      (outcome as { reason: string }).reason,
      /^cooldown: the last drift run started at 2026-11-29T10:00:00.000Z; the next may start after 2026-11-29T16:00:00.000Z/,
    );
    assert.equal(codepipeline.commandCalls(StartPipelineExecutionCommand).length, 0);
  });

  it("stops at the daily cap, and forgets runs older than a day", async () => {
    withLedger(hoursAgo(20), hoursAgo(8));
    const capped = await retrainOnDrift(alarm(), settings, NOW);
    assert.match((capped as { reason: string }).reason, /^daily cap: 2 drift runs in the last 24 hours/);
    withLedger(hoursAgo(30), hoursAgo(8));
    const started = await retrainOnDrift(alarm(), settings, NOW);
    assert.equal(started.decision, "started");
    const runs = JSON.parse(String(s3.commandCalls(PutObjectCommand)[0].args[0].input.Body)).runs;
    assert.deepEqual(runs, [{ startedAt: hoursAgo(8) }, { startedAt: NOW.toISOString() }]);
  });

  it("ignores the alarm returning to OK and other alarms", async () => {
    assert.deepEqual(await retrainOnDrift(alarm("OK"), settings, NOW), {
      decision: "ignored",
      reason: `alarm ${settings.alarmName} changed to OK`,
    });
    assert.equal((await retrainOnDrift(alarm("ALARM", "other"), settings, NOW)).decision, "ignored");
    assert.equal((await retrainOnDrift({} as AlarmStateChangeEvent, settings, NOW)).decision, "ignored");
    assert.equal(codepipeline.commandCalls(StartPipelineExecutionCommand).length, 0);
  });

  it("fails (for a retry and the dead-letter queue) when there is no data set to retrain on", async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    await assert.rejects(
      retrainOnDrift(alarm(), settings, NOW),
      /no data set under s3:\/\/staging\/datasets\//,
    );
  });

  it("reads its settings from the environment, naming a bad one", () => {
    const env = {
      PIPELINE_NAME: "p",
      STAGING_BUCKET: "staging",
      DATA_PREFIX: "datasets/",
      DATA_FILE_PATTERN: "*.csv",
      ALARM_NAME: "a",
      LEDGER_KEY: "drift/ledger.json",
      COOLDOWN_HOURS: "6",
      MAX_RUNS_PER_DAY: "2",
    };
    assert.equal(settingsFromEnvironment(env).cooldownHours, 6);
    assert.throws(() => settingsFromEnvironment({ ...env, MAX_RUNS_PER_DAY: "0" }), /MAX_RUNS_PER_DAY/);
  });

  it("the cooldown rule is the same for local mode: off, cooldown, cap, allowed", () => {
    const on = { onDrift: true, cooldownHours: 6, maxRunsPerDay: 2 };
    assert.equal(driftDecision([], NOW, { ...on, onDrift: false }).allowed, false);
    assert.equal(driftDecision([new Date(hoursAgo(5.9))], NOW, on).allowed, false);
    assert.equal(driftDecision([new Date(hoursAgo(6))], NOW, on).allowed, true);
    assert.equal(driftDecision([new Date(hoursAgo(7)), new Date(hoursAgo(13))], NOW, on).allowed, false);
  });
});
