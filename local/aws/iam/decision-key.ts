import { createHash } from "node:crypto";
import type { Policies, PolicyDocument } from "./evaluator";

/**
 * When two requests must get the same decision from IAM. A decision depends on the caller, the
 * action, the request's context keys, the policies, and the resource only through which of the
 * policies' `Resource`/`NotResource` patterns it matches (IAM matches resources by pattern:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 * So the key holds the resource's ARN up to its resource part (service, account, resource type)
 * and the set of patterns it matches, not the ARN itself: the 40th object a run writes under
 * `runs/<id>/` is decided like the first, and like the previous run's. Context keys are held the
 * same way: by which of the policies' string conditions on that key the value meets
 * (`StringLike "s3:prefix": "datasets/*"`), or by the value itself where a condition uses another
 * operator. Patterns with policy variables (`${aws:username}`) depend on the caller's context in ways
 * this key cannot hold, so a request they apply to is keyed by its full resource and context.
 */

type Statement = Record<string, unknown>;

const statementsOf = (doc: PolicyDocument | undefined): Statement[] =>
  doc ? ([] as Statement[]).concat(doc.Statement as Statement[]) : [];

const patternsOf = (statement: Statement): string[] =>
  ["Resource", "NotResource"].flatMap((field) =>
    ([] as string[]).concat((statement[field] as string[]) ?? []),
  );

const compiled = new Map<string, RegExp>();

/** IAM's wildcard match of an ARN pattern: `*` any run of characters, `?` any one. */
function matches(pattern: string, resource: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    compiled.set(pattern, (regex = new RegExp(`^${body}$`)));
  }
  return regex.test(resource);
}

/** The ARN without its resource id: `arn:aws:s3:::bucket/key` → `arn:aws:s3:::bucket`. */
function resourceKind(resource: string): string {
  const parts = resource.split(":");
  if (parts.length < 6) return resource;
  return [...parts.slice(0, 5), parts.slice(5).join(":").split("/")[0]].join(":");
}

const digests = new WeakMap<object, string>();

function digest(policies: Policies): string {
  let known = digests.get(policies);
  if (!known) {
    known = createHash("sha256").update(JSON.stringify(policies)).digest("hex").slice(0, 16);
    digests.set(policies, known);
  }
  return known;
}

/** String operators whose meaning is a plain comparison or wildcard match of the value. */
const STRING_TESTS: Record<string, (value: string, pattern: string) => boolean> = {
  StringEquals: (value, pattern) => value === pattern,
  StringNotEquals: (value, pattern) => value === pattern,
  StringEqualsIgnoreCase: (value, pattern) => value.toLowerCase() === pattern.toLowerCase(),
  StringNotEqualsIgnoreCase: (value, pattern) => value.toLowerCase() === pattern.toLowerCase(),
  StringLike: (value, pattern) => matches(pattern, value),
  StringNotLike: (value, pattern) => matches(pattern, value),
  ArnEquals: (value, pattern) => matches(pattern, value),
  ArnNotEquals: (value, pattern) => matches(pattern, value),
  ArnLike: (value, pattern) => matches(pattern, value),
  ArnNotLike: (value, pattern) => matches(pattern, value),
};

/** A context value as the conditions on its key see it: which of their values it meets. */
function contextSignature(key: string, value: string | string[], statements: Statement[]): unknown {
  const bits: string[] = [];
  for (const statement of statements) {
    for (const [operator, entries] of Object.entries(
      (statement.Condition ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      for (const [conditionKey, expected] of Object.entries(entries)) {
        if (conditionKey.toLowerCase() !== key.toLowerCase()) continue;
        const test =
          STRING_TESTS[operator.replace(/^ForAllValues:|^ForAnyValue:/, "").replace(/IfExists$/, "")];
        const patterns = ([] as string[]).concat(expected as string[]);
        if (!test || patterns.some((p) => String(p).includes("${"))) return value;
        const values = ([] as string[]).concat(value);
        bits.push(
          patterns.map((p) => values.map((v) => (test(v, String(p)) ? "1" : "0")).join("")).join(","),
        );
      }
    }
  }
  return [Array.isArray(value) ? value.length : "s", bits.join("|")];
}

export function decisionKey(
  principal: string,
  request: { action: string; resource: string; context?: Record<string, string | string[]> },
  policies: Policies,
): string {
  const statements = [...policies.identity.flatMap(statementsOf), ...statementsOf(policies.resource)];
  const patterns = statements.flatMap(patternsOf);
  const exact = patterns.some((p) => p.includes("${"));
  const matched = exact
    ? request.resource
    : patterns.map((p) => (matches(p, request.resource) ? "1" : "0")).join("");
  const context = Object.entries(request.context ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => [key, exact ? value : contextSignature(key, value, statements)]);
  return JSON.stringify([
    principal,
    request.action,
    context,
    digest(policies),
    resourceKind(request.resource),
    matched,
  ]);
}
