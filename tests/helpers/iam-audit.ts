import type { CapturedResource } from "../../tools/offline/harness";

import { RESOURCELESS_ACTIONS } from "../../policy/shared/iam";

const list = (value: unknown): unknown[] => (value === undefined ? [] : ([] as unknown[]).concat(value));

export interface Finding {
  resource: string;
  problem: string;
}

/** Every policy document a resource carries, with whether it is an identity policy. */
function documents(resource: CapturedResource): { doc: unknown; identity: boolean }[] {
  const found: { doc: unknown; identity: boolean }[] = [];
  if (typeof resource.inputs.policy === "string") {
    found.push({ doc: JSON.parse(resource.inputs.policy), identity: resource.type.startsWith("aws:iam/") });
  }
  if (typeof resource.inputs.assumeRolePolicy === "string") {
    found.push({ doc: JSON.parse(resource.inputs.assumeRolePolicy), identity: false });
  }
  return found;
}

/** Least-privilege rules over captured resources: no wildcard actions, no unscoped PassRole, no broad managed policies. */
export function auditIam(resources: CapturedResource[]): Finding[] {
  const findings: Finding[] = [];
  for (const resource of resources) {
    const where = `${resource.type} ${resource.name}`;
    const managed = [...list(resource.inputs.managedPolicyArns), ...list(resource.inputs.policyArn)];
    for (const arn of managed) {
      if (/(FullAccess|AdministratorAccess|PowerUserAccess)/.test(String(arn))) {
        findings.push({ resource: where, problem: `attaches broad managed policy ${String(arn)}` });
      }
    }
    for (const { doc, identity } of documents(resource)) {
      for (const raw of list((doc as { Statement?: unknown }).Statement)) {
        const s = raw as Record<string, unknown>;
        if (s.Effect !== "Allow") continue;
        const actions = list(s.Action).map(String);
        for (const action of actions) {
          if (action === "*" || /^[a-z0-9-]+:\*$/i.test(action)) {
            findings.push({ resource: where, problem: `allows wildcard action ${action}` });
          }
        }
        if (list(s.NotAction).length > 0) findings.push({ resource: where, problem: "uses NotAction" });
        const resourcesOf = list(s.Resource).map(String);
        if (actions.includes("iam:PassRole")) {
          const passedTo = (s.Condition as Record<string, Record<string, unknown>> | undefined)
            ?.StringEquals?.["iam:PassedToService"];
          if (!passedTo)
            findings.push({
              resource: where,
              problem: "iam:PassRole without an iam:PassedToService condition",
            });
          if (resourcesOf.includes("*"))
            findings.push({ resource: where, problem: "iam:PassRole on every role" });
        }
        if (identity && resourcesOf.includes("*") && !actions.every((a) => RESOURCELESS_ACTIONS.has(a))) {
          findings.push({ resource: where, problem: `allows ${actions.join(", ")} on every resource` });
        }
      }
    }
  }
  return findings;
}
