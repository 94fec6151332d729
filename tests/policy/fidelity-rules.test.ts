import { strict as assert } from "node:assert";
import type { CapturedResource, OfflineRun } from "../../tools/offline/harness";
import { evaluate, PACKS } from "../../policy/evaluator/evaluate";
import { offline, VPC_CONFIG } from "../helpers/offline";
import { editPolicy, planted, removed } from "../helpers/planted";

/**
 * The rules for defects that reached the program, against the program itself: its stacks pass, and
 * putting each old defect back into a stack is reported with its exact message.
 */

const RULES = [
  "aws-iam-policy-actions-exist",
  "aws-kms-key-service-principal-grants",
  "aws-lambda-function-async-failure-destination",
  "aws-apigateway-stage-canary-distinct-target",
  "aws-sfn-state-machine-error-names",
  "aws-ec2-vpc-endpoint-private-dns-unique",
];
const VPC = VPC_CONFIG;
const packs = () => PACKS.map((p) => ({ ...p, policies: p.policies.filter((r) => RULES.includes(r.name)) }));

async function messages(run: OfflineRun): Promise<string[]> {
  return (await evaluate(run, packs())).violations.map((v) => `${v.policy}: ${v.message}`);
}

const named = (run: OfflineRun, type: string, test: (r: CapturedResource) => boolean = () => true) =>
  run.resources.find((r) => r.type === type && test(r))!;

describe("policy: the rules for defects that reached the program, on its own stacks", function () {
  this.timeout(240_000);
  let test: OfflineRun;
  let prodCanary: OfflineRun;
  let testVpc: OfflineRun;
  before(async () => {
    test = await offline({ stack: "test" });
    prodCanary = await offline({ stack: "prod", config: ["apiStableVersion=3", "apiCanaryPercent=25"] });
    testVpc = await offline({ stack: "test", config: [VPC] });
  });

  it("the stacks pass all six (test, prod with an API canary, test in VPC mode)", async () => {
    assert.deepEqual(await messages(test), []);
    assert.deepEqual(await messages(prodCanary), []);
    assert.deepEqual(await messages(testVpc), []);
  });

  it("a misspelt action in a role's policy", async () => {
    const policy = named(test, "aws:iam/rolePolicy:RolePolicy", (r) =>
      String(r.inputs.policy).includes('"sagemaker:CreateTrainingJob"'),
    );
    const broken = planted(test, policy.name, "policy", (value) =>
      String(value).replace('"sagemaker:CreateTrainingJob"', '"sagemaker:CreateTrainingJobs"'),
    );
    assert.deepEqual(await messages(broken), [
      `aws-iam-policy-actions-exist: ${policy.name}: sagemaker:CreateTrainingJobs is not an IAM action (did you mean sagemaker:CreateTrainingJob?).`,
    ]);
  });

  it("the key without its grant to CloudWatch alarms", async () => {
    const broken = planted(
      test,
      "mlops-key",
      "policy",
      editPolicy("CloudWatchAlarmsPublishToTopics", () => undefined),
    );
    assert.deepEqual(await messages(broken), [
      "aws-kms-key-service-principal-grants: Key mlops-key encrypts mlops-alarms (used by mlops-dead-letters-alarm), but its policy does not allow cloudwatch.amazonaws.com kms:GenerateDataKey, kms:Decrypt.",
    ]);
  });

  it("an EventBridge-invoked function without its on-failure destination", async () => {
    const config = named(test, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", (r) =>
      r.name.startsWith("mlops-data-trigger"),
    );
    const found = await messages(removed(test, config.name));
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(
      found[0],
      /^aws-lambda-function-async-failure-destination: Function \S+ is invoked asynchronously by EventBridge target mlops-on-new-data-target and keeps no failed events/,
    );
  });

  it("an API canary that sends its share to the stable version", async () => {
    const stage = named(prodCanary, "aws:apigateway/stage:Stage");
    // The canary overrides the variable the integration routes by with the value the stage has.
    const stable = stage.inputs.variables as Record<string, string>;
    const broken = planted(prodCanary, stage.name, "canarySettings", (value) => ({
      ...(value as object),
      stageVariableOverrides: stable,
    }));
    assert.deepEqual(await messages(broken), [
      "aws-apigateway-stage-canary-distinct-target: Stage prod's canary reaches the same target as the stable stage: it uses the stable deployment and overrides no stage variable.",
    ]);
  });

  it("a SageMaker retry on a name Step Functions never raises", async () => {
    const broken = planted(test, "mlops-ml-pipeline", "definition", (value) =>
      String(value).replace("SageMaker.AmazonSageMakerException", "SageMaker.ThrottlingException"),
    );
    const found = await messages(broken);
    assert.ok(found.length > 0);
    for (const message of found)
      assert.match(
        message,
        /^aws-sfn-state-machine-error-names: mlops-ml-pipeline: state \w+'s Retry matches SageMaker.ThrottlingException, which is not an error SageMaker integrations raise.$/,
      );
  });

  it("a second sagemaker.runtime endpoint with private DNS in the same VPC", async () => {
    const endpoint = named(testVpc, "aws:ec2/vpcEndpoint:VpcEndpoint");
    const copy = { ...structuredClone(endpoint), name: "team-b-runtime", urn: `${endpoint.urn}-b` };
    const broken = { ...testVpc, resources: [...testVpc.resources, copy] };
    assert.deepEqual(await messages(broken), [
      `aws-ec2-vpc-endpoint-private-dns-unique: VPC vpc-0abc already has an interface endpoint with private DNS for ${String(endpoint.inputs.serviceName)} (${endpoint.name}); team-b-runtime would be refused.`,
    ]);
  });
});
