import { strict as assert } from "node:assert";
import type { OfflineRun } from "../../tools/offline/harness";
import { evaluate, PACKS } from "../../policy/evaluator/evaluate";
import { MULTI_ACCOUNT } from "../helpers/multi-account";
import { offline } from "../helpers/offline";
import { editPolicy, planted } from "../helpers/planted";

/**
 * The rules for production in its own account, against the multi-account stacks themselves: they
 * pass as declared, and each planted defect is reported with its exact message.
 */

const RULES = [
  "aws-iam-resource-policy-principals-exact",
  "aws-provider-assume-role-session-name",
  "aws-kms-key-cross-account-decrypt-only",
];
const packs = () => PACKS.map((p) => ({ ...p, policies: p.policies.filter((r) => RULES.includes(r.name)) }));

async function messages(run: OfflineRun): Promise<string[]> {
  return (await evaluate(run, packs())).violations.map((v) => `${v.policy}: ${v.message}`);
}

describe("policy: production in its own account", function () {
  this.timeout(180_000);
  let test: OfflineRun;
  let prod: OfflineRun;
  before(async () => {
    test = await offline({ stack: "test", config: MULTI_ACCOUNT });
    prod = await offline({ stack: "prod", config: MULTI_ACCOUNT });
  });

  it("the multi-account stacks pass all three", async () => {
    assert.deepEqual(await messages(test), []);
    assert.deepEqual(await messages(prod), []);
  });

  it("a * cross-account principal in the model package group policy", async () => {
    const broken = planted(
      test,
      "mlops-models-prod-access",
      "resourcePolicy",
      editPolicy("ProdAccountDeploysApprovedModels", ({ Condition: _c, ...s }) => ({
        ...s,
        Principal: { AWS: "*" },
      })),
    );
    assert.deepEqual(await messages(broken), [
      "aws-iam-resource-policy-principals-exact: mlops-models-prod-access: the policy allows any principal of any account (ProdAccountDeploysApprovedModels).",
    ]);
  });

  it("a * principal in the bucket policy, even with a condition that pins no account", async () => {
    const staging = test.resources.find(
      (r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.name === "mlops-staging-policy",
    )!;
    const broken = planted(
      test,
      staging.name,
      "policy",
      editPolicy("ProdAccountReadsApprovedModels", (s) => ({
        ...s,
        Principal: "*",
        Condition: { Bool: { "aws:SecureTransport": "true" } },
      })),
    );
    assert.deepEqual(await messages(broken), [
      "aws-iam-resource-policy-principals-exact: mlops-staging-policy: the policy allows any principal of any account (ProdAccountReadsApprovedModels).",
    ]);
  });

  it("another account given more than decrypt on the pipeline key", async () => {
    const broken = planted(
      test,
      "mlops-key",
      "policy",
      editPolicy("ProdAccountDecryptsSharedObjects", (s) => ({
        ...s,
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      })),
    );
    assert.deepEqual(await messages(broken), [
      "aws-kms-key-cross-account-decrypt-only: Account 210987654321 may kms:GenerateDataKey with this key; other accounts may only decrypt.",
    ]);
  });

  it("a provider that assumes the prod role without a session name", async () => {
    const broken = planted(prod, "mlops-prod-account", "assumeRoles", () =>
      JSON.stringify([{ roleArn: "arn:aws:iam::210987654321:role/mlops-prod-deployer" }]),
    );
    assert.deepEqual(await messages(broken), [
      "aws-provider-assume-role-session-name: The provider assumes arn:aws:iam::210987654321:role/mlops-prod-deployer without a session name.",
    ]);
  });
});
