// Generated from policy/shared/rule.ts by `npm run policy:build`: edit that file, not this copy.
import { validateResourceOfType } from "@pulumi/policy";
import type { Resource, Unwrap } from "@pulumi/pulumi";
import type {
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** What every rule here declares besides its check: why it exists and how to fix a violation. */
export interface RuleMeta {
  name: string;
  description: string;
  severity: Severity;
  remediation: string;
  /** Rules of the trusted tools this rule covers (Checkov, AWS Config, cfn-guard, Pulumi packs). */
  externalIds: string[];
  configSchema?: PolicyConfigSchema;
}

// Properties arrive as the engine's plain JSON; rules read them defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Props = Record<string, any>;

export type Rule = (ResourceValidationPolicy | StackValidationPolicy) & { meta: RuleMeta };

/** The policy fields every rule fills from its metadata; rules start advisory (prod.json raises them). */
function fromMeta(meta: RuleMeta) {
  return {
    name: meta.name,
    description: meta.description,
    severity: meta.severity,
    remediationSteps: meta.remediation,
    tags: meta.externalIds,
    configSchema: meta.configSchema,
    enforcementLevel: "advisory" as const,
    meta,
  };
}

/** A provider resource class, as `validateResourceOfType` takes it. */
export type ResourceClass<TResource extends Resource, TArgs> = new (
  name: string,
  args: TArgs,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the providers' own constructor signature
  ...rest: any[]
) => TResource;

/**
 * A rule over resources of one provider type, through `validateResourceOfType`: the check sees the
 * resource's inputs typed by the provider's Args, so a renamed property is a compile error, and the
 * engine skips other types early.
 */
export function resourceRule<TResource extends Resource, TArgs>(
  meta: RuleMeta,
  resourceClass: ResourceClass<TResource, TArgs>,
  check: (props: Unwrap<NonNullable<TArgs>>, args: ResourceValidationArgs, report: ReportViolation) => void,
): Rule {
  return { ...fromMeta(meta), validateResource: validateResourceOfType(resourceClass, check) };
}

/**
 * A rule over provider resources (`pulumi:providers:<package>`). `validateResourceOfType` cannot
 * select them: a provider class's `__pulumiType` is the bare package name, which the engine compares
 * with the resource type and never matches, so the check names the type token and its Args itself.
 */
export function providerRule<TArgs>(
  meta: RuleMeta,
  type: `pulumi:providers:${string}`,
  check: (props: Unwrap<NonNullable<TArgs>>, args: ResourceValidationArgs, report: ReportViolation) => void,
): Rule {
  const validateResource = Object.assign(
    (args: ResourceValidationArgs, report: ReportViolation) => {
      if (args.type !== type) return args.notApplicable(`Policy only applies to resources of type '${type}'`);
      return check(args.props as Unwrap<NonNullable<TArgs>>, args, report);
    },
    { __pulumiType: type },
  );
  return { ...fromMeta(meta), validateResource };
}

/** A rule over the whole stack (relations between resources of several types). */
export function stackRule(
  meta: RuleMeta,
  check: (
    resources: PolicyResource[],
    args: StackValidationArgs,
    report: ReportViolation,
  ) => void | Promise<void>,
): Rule {
  return {
    ...fromMeta(meta),
    validateStack: (args: StackValidationArgs, report: ReportViolation) =>
      check(args.resources, args, report),
  };
}

export const ofType = (resources: PolicyResource[], type: string) => resources.filter((r) => r.type === type);

/** A policy document property (JSON text or object) as its statement list. */
export function statementsOf(policy: unknown): Props[] {
  if (policy === undefined || policy === null || policy === "") return [];
  const doc = (typeof policy === "string" ? JSON.parse(policy) : policy) as { Statement?: unknown };
  return ([] as unknown[]).concat(doc.Statement ?? []) as Props[];
}

export const list = (value: unknown): unknown[] =>
  value === undefined || value === null ? [] : ([] as unknown[]).concat(value);
