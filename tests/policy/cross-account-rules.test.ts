import { strict as assert } from "node:assert";
import type { CapturedResource, OfflineRun } from "../../infra/offline/harness";
import { evaluate, PACKS } from "../../policy/evaluator/evaluate";
import { MULTI_ACCOUNT } from "../helpers/multi-account";
import { offline } from "../helpers/offline";

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

/** A copy of a run with one resource's input changed (in the wire format the evaluator reads). */
function planted(
  run: OfflineRun,
  name: string,
  key: string,
  change: (value: unknown) => unknown,
): OfflineRun {
  const resources = structuredClone(run.resources) as CapturedResource[];
  const target = resources.find((r) => r.name === name)!;
  const value = change(target.wire!.inputs[key]);
  target.wire!.inputs[key] = value;
  // Stack policies read the resulting state, resource policies the inputs: the defect is in both.
  if (key in target.wire!.state) target.wire!.state[key] = value;
  return { ...run, resources };
}

const editPolicy =
  (sid: string, edit: (s: Record<string, unknown>) => Record<string, unknown>) => (value: unknown) => {
    const doc = JSON.parse(String(value)) as { Statement: Record<string, unknown>[] };
    return JSON.stringify({ ...doc, Statement: doc.Statement.map((s) => (s.Sid === sid ? edit(s) : s)) });
  };

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
