import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  retrainOnDrift,
  settingsFromEnvironment,
  type AlarmStateChangeEvent,
} from "../../functions/drift-trigger";
import { stopUsingLocalServices, useLocalServices } from "../../local/aws/clients";
import { startCodePipeline, type StartedExecution } from "../../local/aws/codepipeline-server";
import { actingAs } from "../../local/aws/identity";
import { startS3 } from "../../local/aws/s3-server";
import { stopAll } from "../../local/python/lifecycle";
import { LocalAwsState } from "../../local/aws/state";
import { defaultAccount } from "../helpers/local-account";

/**
 * The prod stack's drift trigger, run as its deployed role against the local S3 and CodePipeline
 * (IAM and API models enforced), on a deployment as fresh as `pulumi up` leaves it: no ledger yet.
 */

const ROOT = join(__dirname, "..", "..");

function alarm(at: string): AlarmStateChangeEvent {
  return {
    version: "0",
    id: "1",
    "detail-type": "CloudWatch Alarm State Change",
    source: "aws.cloudwatch",
    account: "000000000000",
    time: at,
    region: "us-east-1",
    resources: [],
    detail: { alarmName: "mlops-churn-prod-data-drift", state: { value: "ALARM", timestamp: at } },
  };
}

describe("the drift trigger on a fresh deployment, as its role against local AWS", function () {
  this.timeout(60_000);
  after(async () => {
    stopUsingLocalServices();
    await stopAll();
  });

  it("with no ledger yet, it starts a drift run on the newest data set; within the cooldown, it does not", async () => {
    const account = await defaultAccount();
    const fn = account.deployedFunction("mlops-drift-retrain-trigger");
    const settings = settingsFromEnvironment(fn.environment);
    const staging = mkdtempSync(join(tmpdir(), "staging-"));
    const world = new LocalAwsState(staging, settings.bucket, staging);
    world.write(
      world.uri("datasets/customer-churn.csv"),
      readFileSync(join(ROOT, "sample-datasets", "customer-churn.csv")),
    );
    const started: StartedExecution[] = [];
    const [s3, codepipeline] = await Promise.all([
      startS3(world, account),
      startCodePipeline(account, (execution) => started.push(execution)),
    ]);
    useLocalServices({ s3: s3.url, codepipeline: codepipeline.url });
    const session = account.assume(fn.roleArn, "lambda.amazonaws.com", fn.name);
    const now = new Date("2026-12-08T10:00:00Z");
    const first = await actingAs(session, () => retrainOnDrift(alarm(now.toISOString()), settings, now));
    assert.equal(first.decision, "started", JSON.stringify(first));
    assert.deepEqual(
      started.map((e) => e.variables),
      [
        {
          TriggerSource: "drift",
          TriggerAlarm: "mlops-churn-prod-data-drift",
          DataKey: "datasets/customer-churn.csv",
        },
      ],
    );
    const later = new Date(now.getTime() + 3600_000);
    const second = await actingAs(session, () => retrainOnDrift(alarm(later.toISOString()), settings, later));
    assert.equal(second.decision, "ignored");
    assert.match((second as { reason: string }).reason, /^cooldown/);
    assert.equal(started.length, 1);
  });
});
