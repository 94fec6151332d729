import { strict as assert } from "node:assert";
import type { OfflineRun } from "../../tools/offline/harness";
import { MULTI_ACCOUNT, PIPELINE_ACCOUNT, PROD_ACCOUNT } from "../helpers/multi-account";
import { offline, ofType, one, statements } from "../helpers/offline";

type Inputs = Record<string, unknown>;

describe("the continuous loop in the stacks", function () {
  this.timeout(180_000);
  let prod: OfflineRun;
  before(async () => {
    prod = await offline({ stack: "prod" });
  });

  it("prod: the drift alarm's change to ALARM invokes the drift trigger, retried and dead-lettered", () => {
    const rule = one(prod, "aws:cloudwatch/eventRule:EventRule", "mlops-drift-retrain-on-alarm").inputs;
    const alarm = one(prod, "aws:cloudwatch/metricAlarm:MetricAlarm", "mlops-monitor-drift-alarm");
    assert.deepEqual(JSON.parse(String(rule.eventPattern)), {
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      resources: [alarm.wire!.state.arn],
      detail: { state: { value: ["ALARM"] } },
    });
    // Under the project's rule prefix, so the key lets EventBridge dead-letter its events.
    assert.match(String(rule.name), /^mlops-/);
    const target = one(prod, "aws:cloudwatch/eventTarget:EventTarget", "mlops-drift-retrain-target").inputs;
    const fn = one(prod, "aws:lambda/function:Function", "mlops-drift-retrain-trigger");
    assert.equal(target.arn, fn.wire!.state.arn);
    const queue = one(prod, "aws:sqs/queue:Queue", "mlops-drift-retrain-dead-letters");
    assert.deepEqual(target.deadLetterConfig, { arn: queue.wire!.state.arn });
    assert.equal((target.retryPolicy as Inputs).maximumRetryAttempts, 8);
    const permission = one(prod, "aws:lambda/permission:Permission", "mlops-drift-retrain-invoke").inputs;
    assert.equal(permission.principal, "events.amazonaws.com");
    assert.equal(
      permission.sourceArn,
      one(prod, "aws:cloudwatch/eventRule:EventRule", "mlops-drift-retrain-on-alarm").wire!.state.arn,
    );
  });

  it("prod: the trigger has the cooldown and cap of the ML config, one copy at a time, and a failure destination", () => {
    const fn = one(prod, "aws:lambda/function:Function", "mlops-drift-retrain-trigger").inputs;
    const env = (fn.environment as { variables: Record<string, string> }).variables;
    assert.equal(env.COOLDOWN_HOURS, "6");
    assert.equal(env.MAX_RUNS_PER_DAY, "2");
    assert.equal(env.DATA_PREFIX, "datasets/");
    assert.equal(
      env.ALARM_NAME,
      one(prod, "aws:cloudwatch/metricAlarm:MetricAlarm", "mlops-monitor-drift-alarm").wire!.state.name,
    );
    assert.equal(fn.reservedConcurrentExecutions, 1);
    const invoke = ofType(prod, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig").find((c) =>
      String(c.inputs.functionName).includes("drift-retrain"),
    );
    assert.ok(invoke, "an asynchronously invoked function has a failure destination");
  });

  it("prod in its own account: the drift alarm is forwarded to the pipeline account, whose drift trigger runs the pipeline", async () => {
    const separate = await offline({ stack: "prod", config: MULTI_ACCOUNT });
    assert.equal(
      ofType(separate, "aws:lambda/function:Function").filter((f) => f.name.includes("drift")).length,
      0,
    );
    const forward = one(
      separate,
      "aws:cloudwatch/eventTarget:EventTarget",
      "mlops-drift-forward-target",
    ).inputs;
    assert.equal(forward.arn, `arn:aws:events:us-west-2:${PIPELINE_ACCOUNT}:event-bus/default`);
    assert.equal(forward.roleArn, `arn:aws:iam::${PROD_ACCOUNT}:role/mlops-drift-forwarder`);
    assert.ok(forward.deadLetterConfig);
    const pipeline = await offline({ stack: "test", config: MULTI_ACCOUNT });
    const rule = one(pipeline, "aws:cloudwatch/eventRule:EventRule", "mlops-drift-retrain-on-alarm").inputs;
    assert.deepEqual(JSON.parse(String(rule.eventPattern)), {
      source: ["aws.cloudwatch"],
      "detail-type": ["CloudWatch Alarm State Change"],
      account: [PROD_ACCOUNT],
      resources: [`arn:aws:cloudwatch:us-west-2:${PROD_ACCOUNT}:alarm:mlops-churn-prod-data-drift`],
      detail: { state: { value: ["ALARM"] } },
    });
    // The alarm the rule names is the one the prod stack creates.
    assert.equal(
      one(separate, "aws:cloudwatch/metricAlarm:MetricAlarm", "mlops-monitor-drift-alarm").inputs.name,
      "mlops-churn-prod-data-drift",
    );
    const trigger = one(pipeline, "aws:lambda/function:Function", "mlops-drift-retrain-trigger").inputs;
    assert.equal(
      (trigger.environment as { variables: Record<string, string> }).variables.ALARM_NAME,
      "mlops-churn-prod-data-drift",
    );
  });

  it("one account: the test stack has no drift trigger of its own (prod's is enough)", async () => {
    const test = await offline({ stack: "test" });
    assert.equal(ofType(test, "aws:cloudwatch/eventBusPolicy:EventBusPolicy").length, 0);
    assert.equal(
      ofType(test, "aws:lambda/function:Function").filter((f) => f.name.includes("drift")).length,
      0,
    );
  });

  it("test: the state machine deploys the serverless test endpoint of the default config", async () => {
    const test = await offline({ stack: "test" });
    const machine = one(test, "aws:sfn/stateMachine:StateMachine");
    const definition = JSON.parse(String(machine.inputs.definition)) as { States: Record<string, Inputs> };
    const serverless = definition.States.CreateServerlessEndpointConfig.Parameters as Inputs;
    assert.deepEqual(serverless.ProductionVariants, [
      {
        VariantName: "AllTraffic",
        "ModelName.$": "$$.Execution.Input.model.name",
        "ServerlessConfig.$": "$$.Execution.Input.endpoint.serverless",
      },
    ]);
    assert.equal(serverless.DataCaptureConfig, undefined);
    const role = statements(
      one(test, "aws:iam/rolePolicy:RolePolicy", "mlops-ml-pipeline-role-policy").inputs.policy,
    );
    assert.ok(
      role.some((s) =>
        ([] as string[]).concat(s.Action as string).includes("sagemaker:CreateHyperParameterTuningJob"),
      ),
    );
  });
});
