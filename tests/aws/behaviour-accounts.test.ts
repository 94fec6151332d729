import { strict as assert } from "node:assert";
import type { OfflineRun } from "../../tools/offline/harness";
import { crossAccountDeliveryRefused } from "../../local/aws/eventbridge";
import { decide, type IamRequest, type PolicyDocument } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";
import { row } from "../helpers/behaviour-row";
import { MULTI_ACCOUNT, PIPELINE_ACCOUNT, PROD_ACCOUNT } from "../helpers/multi-account";
import { offline } from "../helpers/offline";

/**
 * The rows of the behaviour table about requests between accounts, with production in its own
 * account: the IAM evaluator local mode uses, and EventBridge's delivery rules, against both stacks
 * as deployed and with one policy or property planted away at a time.
 */

type Statement = Record<string, unknown>;
const REGION = "us-west-2";
const PROD_SAGEMAKER = `arn:aws:iam::${PROD_ACCOUNT}:role/mlops-prod-sagemaker`;

/** A copy of a stack's run with a change to its resources. */
function changed(run: OfflineRun, change: (resources: OfflineRun["resources"]) => void): StackIam {
  const copy = structuredClone(run);
  change(copy.resources);
  return new StackIam(copy);
}

/** A policy document without the statements `drop` picks. */
const without = (doc: PolicyDocument | undefined, drop: (s: Statement) => boolean): PolicyDocument => ({
  ...doc,
  Statement: ((doc?.Statement ?? []) as Statement[]).filter((s) => !drop(s)),
});

const allows = (s: Statement, action: string) => [s.Action].flat().includes(action);

describe("AWS behaviour between accounts, row by row (local/aws/behaviour.ts)", function () {
  this.timeout(180_000);
  let pipelineRun: OfflineRun;
  let prodRun: OfflineRun;
  let pipeline: StackIam;
  let prod: StackIam;

  before(async () => {
    pipelineRun = await offline({ stack: "test", config: MULTI_ACCOUNT });
    prodRun = await offline({ stack: "prod", config: MULTI_ACCOUNT });
    pipeline = new StackIam(pipelineRun);
    prod = new StackIam(prodRun);
  });

  const request = (action: string, resource: string, context = {}): IamRequest => ({
    principal: PROD_SAGEMAKER,
    action,
    resource,
    context,
    because: "the prod endpoint loads the approved model",
    resourceAccount: PIPELINE_ACCOUNT,
  });

  row(
    "iamCrossAccount",
    "the prod role reads a model object only with its own policy and the bucket's",
    () => {
      const bucket = String(pipeline.run.outputs.stagingBucketName);
      const read = request("s3:GetObject", `arn:aws:s3:::${bucket}/runs/${"x"}/model/model.tar.gz`);
      const identity = prod.identityPolicies(PROD_SAGEMAKER);
      const resource = pipeline.bucketPolicy(bucket);
      assert.equal(decide(read, { identity, resource }), "Allowed");
      // Either alone is not enough across accounts.
      const noIdentity = identity.map((doc) => without(doc, (s) => allows(s, "s3:GetObject")));
      assert.equal(decide(read, { identity: noIdentity, resource }), "ImplicitlyDenied");
      const noGrant = without(
        resource,
        (s) => allows(s, "s3:GetObject") && JSON.stringify(s).includes(PROD_ACCOUNT),
      );
      assert.equal(decide(read, { identity, resource: noGrant }), "ImplicitlyDenied");
      // Within one account, the identity policy alone would have been enough.
      assert.equal(
        decide({ ...read, resourceAccount: PROD_ACCOUNT }, { identity, resource: noGrant }),
        "Allowed",
      );
    },
  );

  row(
    "kmsCrossAccount",
    "the prod role decrypts through S3 only with the key policy's grant and its own",
    () => {
      const key = String(pipeline.run.outputs.kmsKeyArn);
      const decrypt = request("kms:Decrypt", key, {
        "kms:ViaService": `s3.${REGION}.amazonaws.com`,
        "kms:CallerAccount": PROD_ACCOUNT,
      });
      const identity = prod.identityPolicies(PROD_SAGEMAKER);
      const keyPolicy = pipeline.keyPolicy(key);
      assert.equal(decide(decrypt, { identity, resource: keyPolicy }), "Allowed");
      const noGrant = without(keyPolicy, (s) => s.Sid === "ProdAccountDecryptsSharedObjects");
      assert.equal(decide(decrypt, { identity, resource: noGrant }), "ImplicitlyDenied");
      const noIdentity = identity.map((doc) => without(doc, (s) => allows(s, "kms:Decrypt")));
      assert.equal(decide(decrypt, { identity: noIdentity, resource: keyPolicy }), "ImplicitlyDenied");
    },
  );

  row(
    "eventBridgeCrossAccount",
    "production's drift alarm reaches the pipeline's bus only with a role, its grant and the bus policy",
    () => {
      assert.deepEqual(crossAccountDeliveryRefused(prod, pipeline), []);
      const target = (resources: OfflineRun["resources"]) =>
        resources.find(
          (r) =>
            r.type === "aws:cloudwatch/eventTarget:EventTarget" &&
            String(r.inputs.arn).includes(":event-bus/"),
        )!;
      const noRole = changed(prodRun, (resources) => delete target(resources).inputs.roleArn);
      assert.match(crossAccountDeliveryRefused(noRole, pipeline).join("\n"), /has no RoleArn/);
      const transformed = changed(prodRun, (resources) => (target(resources).inputs.input = "{}"));
      assert.match(
        crossAccountDeliveryRefused(transformed, pipeline).join("\n"),
        /InputTransformer are not available/,
      );
      const noBusPolicy = changed(pipelineRun, (resources) =>
        resources.splice(
          resources.findIndex((r) => r.type === "aws:cloudwatch/eventBusPolicy:EventBusPolicy"),
          1,
        ),
      );
      assert.match(
        crossAccountDeliveryRefused(prod, noBusPolicy).join("\n"),
        /bus's policy does not let .*mlops-drift-forwarder put events/,
      );
      const noGrant = changed(prodRun, (resources) => {
        for (const policy of resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")) {
          const doc = JSON.parse(String(policy.inputs.policy)) as PolicyDocument;
          policy.inputs.policy = JSON.stringify(without(doc, (s) => s.Sid === "PutEventsOnPipelineBus"));
        }
      });
      assert.match(
        crossAccountDeliveryRefused(noGrant, pipeline).join("\n"),
        /is not allowed events:PutEvents on the bus/,
      );
    },
  );
});
