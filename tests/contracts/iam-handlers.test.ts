import { strict as assert } from "node:assert";
import { offline } from "../helpers/offline";
import { denied, type IamRequest } from "../../local/aws/iam/evaluator";
import { HANDLER_SCENARIOS, importedCommands } from "./iam/handler-scenarios";
import { StackIam } from "../../local/aws/iam/stack-iam";
import {
  mockAllClients,
  type Mocks,
  resetAll,
  restoreAll,
  sentCommands,
  withEnvironment,
} from "./iam/recorder";
import { requestsFor, type SentCommand } from "../../local/aws/iam/sdk-requests";

/**
 * Every AWS SDK command each Lambda handler sends must be allowed by that function's role as the
 * offline preview declares it, including the KMS calls services make with the caller's credentials.
 */

let mocks: Mocks;

async function record(scenario: (typeof HANDLER_SCENARIOS)[number], preview: StackIam) {
  const fn = preview.fn(scenario.functionName);
  resetAll(mocks);
  await withEnvironment({ ...fn.environment, AWS_REGION: preview.region }, () =>
    scenario.run(mocks, fn.environment, preview),
  );
  const sent = sentCommands(mocks);
  return { fn, sent, requests: sent.flatMap((c) => requestsFor(fn.roleArn, c, preview)) };
}

const previews = {
  test: () => offline({ stack: "test" }).then((run) => new StackIam(run)),
  prod: () => offline({ stack: "prod" }).then((run) => new StackIam(run)),
};

describe("AWS contract: each handler's SDK calls against its role (IAM evaluator)", function () {
  this.timeout(180_000);
  // Installed per suite, so suites run before or after this one see the real clients.
  before(() => {
    mocks = mockAllClients();
  });
  after(() => restoreAll(mocks));

  for (const scenario of HANDLER_SCENARIOS) {
    it(`${scenario.functionName} (${scenario.stack}): every call it makes is allowed`, async () => {
      const preview = await previews[scenario.stack]();
      const { sent, requests } = await record(scenario, preview);
      const exercised = new Set(sent.map((c: SentCommand) => c.operation));
      const missing = importedCommands(scenario.module).filter((c) => !exercised.has(c));
      assert.deepEqual(missing, [], `the scenario never sends ${missing.join(", ")}`);
      assert.ok(requests.length >= sent.length);
      assert.deepEqual(await denied(requests, (r) => preview.policiesFor(r)), []);
    });
  }

  it("every asynchronously invoked function may put a failed event on its encrypted failure queue", async () => {
    const preview = await previews.test();
    const configs = preview.ofType("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
    assert.equal(configs.length, 4);
    const requests: IamRequest[] = configs.flatMap((config) => {
      const fn = preview
        .ofType("aws:lambda/function:Function")
        .find((f) => f.inputs.name === config.inputs.functionName)!;
      const queueArn = (config.inputs.destinationConfig as { onFailure: { destination: string } }).onFailure
        .destination;
      const principal = String(fn.inputs.role);
      const because = `Lambda sends ${fn.name}'s failed events (with the function's role)`;
      return [
        { principal, action: "sqs:SendMessage", resource: queueArn, because },
        ...["kms:GenerateDataKey", "kms:Decrypt"].map((action) => ({
          principal,
          action,
          resource: preview.queueKey(queueArn)!,
          context: {
            "kms:ViaService": `sqs.${preview.region}.amazonaws.com`,
            "kms:CallerAccount": preview.account,
            "kms:EncryptionContext:aws:sqs:arn": queueArn,
          },
          because,
        })),
      ];
    });
    assert.deepEqual(await denied(requests, (r) => preview.policiesFor(r)), []);
  });

  describe("catches a planted defect", () => {
    it("a role without the state machine key: StartExecution on the encrypted state machine is denied", async () => {
      const preview = await previews.test();
      const runner = HANDLER_SCENARIOS.find((s) => s.module === "pipeline-runner")!;
      const { requests, fn } = await record(runner, preview);
      const withoutKms = preview.policiesWithout((s) =>
        JSON.stringify(s).includes("aws:states:stateMachineArn"),
      );
      const problems = await denied(requests, withoutKms);
      assert.ok(
        problems.some(
          (p) => p.startsWith(`${fn.roleArn} may not kms:GenerateDataKey`) && p.includes("StartExecution"),
        ),
        problems.join("\n"),
      );
      assert.ok(problems.some((p) => p.includes("may not kms:Decrypt") && p.includes("DescribeExecution")));
    });

    it("a misspelt action in the mapping is reported as invalid, not as allowed", async () => {
      const preview = await previews.test();
      const fn = preview.fn("mlops-controller");
      const problems = await denied(
        [{ principal: fn.roleArn, action: "sagemaker:DescribeEndpoints", resource: "*", because: "planted" }],
        (r) => preview.policiesFor(r),
      );
      assert.match(problems[0], /invalid request/);
    });

    it("a handler command with no IAM mapping fails loudly", async () => {
      const preview = await previews.test();
      assert.throws(
        () =>
          requestsFor(
            "arn:aws:iam::1:role/r",
            { service: "SFN", operation: "StopExecution", input: {} },
            preview,
          ),
        /SFN\.StopExecution has no IAM mapping/,
      );
    });
  });
});
