import type { CapturedResource } from "../../tools/offline/harness";
import { BEHAVIOURS } from "./behaviour";

/**
 * API Gateway's rule for stage logging (BEHAVIOURS.apiGatewayLoggingRole): access logs and execution
 * logging are refused until the account, in that region, names a CloudWatch Logs role, so a stack
 * that sets the role must create it before the stages that log. Given every resource deployed in
 * one account and region, what API Gateway would refuse, in its words.
 */

const ACCOUNT = "aws:apigateway/account:Account";
const STAGE = "aws:apigateway/stage:Stage";
const METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings";

/** Whether a resource turns on logging: a stage's access logs or its methods' execution logging. */
function logs(resource: CapturedResource): boolean {
  if (resource.type === STAGE) return Boolean(resource.inputs.accessLogSettings);
  if (resource.type !== METHOD_SETTINGS) return false;
  const settings = (resource.inputs.settings ?? {}) as { loggingLevel?: string; dataTraceEnabled?: boolean };
  return (
    (settings.loggingLevel !== undefined && settings.loggingLevel !== "OFF") ||
    settings.dataTraceEnabled === true
  );
}

/** Everything a resource waits for before it is created, through inputs or `dependsOn`. */
function waitsFor(
  resource: CapturedResource,
  byUrn: Map<string, CapturedResource>,
  seen = new Set<string>(),
): Set<string> {
  for (const urn of resource.dependencies ?? []) {
    if (seen.has(urn)) continue;
    seen.add(urn);
    const next = byUrn.get(urn);
    if (next) waitsFor(next, byUrn, seen);
  }
  return seen;
}

export function loggingRefused(accountResources: CapturedResource[]): string[] {
  const settings = accountResources.filter((r) => r.type === ACCOUNT && r.inputs.cloudwatchRoleArn);
  const logging = accountResources.filter(logs);
  if (logging.length === 0) return [];
  if (settings.length === 0)
    return logging.map(
      (r) =>
        `${r.name}: BadRequestException: CloudWatch Logs role ARN must be set in account settings to enable logging (${BEHAVIOURS.apiGatewayLoggingRole.source})`,
    );
  // Where this stack sets the role, each logging resource must be created after it.
  const byUrn = new Map(accountResources.map((r) => [r.urn, r]));
  const sameStack = (a: CapturedResource, b: CapturedResource) =>
    a.urn.split("::")[0] === b.urn.split("::")[0];
  return logging
    .filter(
      (r) => settings.some((s) => sameStack(r, s)) && !settings.some((s) => waitsFor(r, byUrn).has(s.urn)),
    )
    .map(
      (r) =>
        `${r.name}: may be created before the account's CloudWatch Logs role is set, and then be refused ("CloudWatch Logs role ARN must be set in account settings to enable logging")`,
    );
}
