import type { EnforcementLevel, PolicyResource, ReportViolation } from "@pulumi/policy";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { countResources, STACK_TYPE } from "../../tools/offline/counts";
import type { CapturedResource, OfflineRun } from "../../tools/offline/harness";
import { readJsonFile } from "../../tools/offline/stack-files";
import { policies as baseline, PACK_NAME as BASELINE } from "../aws-baseline/policies";
import type { Rule } from "../shared/rule";
import { policies as mlEndpoints, PACK_NAME as ML_ENDPOINTS } from "../ml-endpoints/policies";

// The SDK's own deserializer and unknown-value proxy, exactly what the CLI's analyzer uses; their
// declarations are not published, so they are typed here.
/* eslint-disable @typescript-eslint/no-require-imports */
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
  deserializeProperties(
    struct: { toJavaScript(): Record<string, unknown> },
    proxySecrets: boolean,
  ): Record<string, unknown>;
};
const { unknownCheckingProxy, UnknownValueError } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T extends object>(value: T): T;
  UnknownValueError: new (...args: unknown[]) => Error;
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Evaluates the policy packs over a program's offline run the way the Pulumi CLI does: properties
 * deserialized from the wire format, unknown values during a preview reported instead of crashing,
 * `notApplicable` honoured, enforcement levels and config taken from the pack's policy config.
 */

export interface Pack {
  name: string;
  dir: string;
  policies: Rule[];
}

export const PACKS: Pack[] = [
  { name: ML_ENDPOINTS, dir: join(__dirname, "..", "ml-endpoints"), policies: mlEndpoints },
  { name: BASELINE, dir: join(__dirname, "..", "aws-baseline"), policies: baseline },
];

export interface Violation {
  pack: string;
  policy: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
  message: string;
  severity?: string;
}

export interface EvaluationResult {
  violations: Violation[];
  /** Custom resources evaluated, counted as the offline preview and the stack inventory count them. */
  resources: number;
  /** Components evaluated: resource policies are handed them too. */
  components: number;
  policies: number;
  notApplicable: number;
}

/** Policy config as `--policy-pack-config` takes it: `{"all": level, "<policy>": level | {enforcementLevel, ...config}}`. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** The policy config a stack uses: `<pack>/prod.json` for prod (every rule mandatory), none otherwise. */
export function packConfigFor(pack: Pack, stack: string): PackConfig {
  const file = join(pack.dir, `${stack}.json`);
  return existsSync(file) ? (readJsonFile(file, "policy pack config") as PackConfig) : {};
}

function enforcement(rule: Rule, config: PackConfig): EnforcementLevel {
  const own = config[rule.name];
  const all = config.all;
  const level = (value: PackConfig[string] | undefined) =>
    typeof value === "string" ? value : value?.enforcementLevel;
  return level(own) ?? level(all) ?? rule.enforcementLevel ?? "advisory";
}

function ruleConfig(rule: Rule, config: PackConfig): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(rule.configSchema?.properties ?? {}).map(([key, schema]) => [
      key,
      (schema as { default?: unknown }).default,
    ]),
  );
  const own = config[rule.name];
  return { ...defaults, ...(typeof own === "object" ? own : {}) };
}

class NotApplicable extends Error {}

const wireProps = (wire: Record<string, unknown>) =>
  unknownCheckingProxy(deserializeProperties({ toJavaScript: () => wire } as never, false));

const typeOf = (resourceClass: unknown) => (resourceClass as { __pulumiType?: string }).__pulumiType;

const NO_OPTIONS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

// ---- load: the resources as the CLI hands them to policies

/** Stack policies see each resource's resulting state (its inputs during a preview). */
function stackView(run: OfflineRun, analyzed: CapturedResource[]): PolicyResource[] {
  return analyzed.map((r) => {
    const props = wireProps((run.preview ? r.wire?.inputs : { ...r.wire?.inputs, ...r.wire?.state }) ?? {});
    return {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name,
      opts: NO_OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      isType: (cls: unknown) => typeOf(cls) === r.type,
      asType: (cls: unknown) => (typeOf(cls) === r.type ? props : undefined),
    } as unknown as PolicyResource;
  });
}

/** Resource policies see each resource's inputs. */
function resourceArgs(resource: CapturedResource, common: object) {
  const props = wireProps(resource.wire?.inputs ?? {});
  return {
    ...common,
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: NO_OPTIONS,
    isType: (cls: unknown) => typeOf(cls) === resource.type,
    asType: (cls: unknown) => (typeOf(cls) === resource.type ? props : undefined),
  };
}

// ---- run: one rule over the resources and the stack

type Validation = (args: unknown, report: ReportViolation) => unknown;

/** What one rule's evaluation reports into. */
interface Findings {
  violations: Violation[];
  notApplicable: number;
}

class RuleRun {
  private readonly common: object;

  constructor(
    private readonly pack: Pack,
    private readonly rule: Rule,
    private readonly level: EnforcementLevel,
    settings: Record<string, unknown>,
    private readonly findings: Findings,
  ) {
    this.common = {
      stackTags: new Map<string, string>(),
      getConfig: () => settings,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
  }

  private report(urn: string): ReportViolation {
    return (message: string, reportedUrn?: string) =>
      this.findings.violations.push({
        pack: this.pack.name,
        policy: this.rule.name,
        enforcementLevel: this.level,
        urn: reportedUrn || urn,
        message,
        severity: this.rule.severity,
      });
  }

  /** A policy that cannot see a value during a preview is reported as the CLI does, not crashed on. */
  private async guard(urn: string, work: () => unknown): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof NotApplicable) this.findings.notApplicable++;
      else if (error instanceof UnknownValueError) {
        this.findings.violations.push({
          pack: this.pack.name,
          policy: this.rule.name,
          enforcementLevel: "advisory",
          urn,
          message: `can't run policy '${this.rule.name}' during preview: ${error.message}`,
        });
      } else {
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`policy ${this.pack.name}/${this.rule.name} failed on ${urn}: ${reason}`, {
          cause: error,
        });
      }
    }
  }

  async resources(analyzed: CapturedResource[]): Promise<void> {
    if (!("validateResource" in this.rule) || !this.rule.validateResource) return;
    const validations = ([] as unknown[]).concat(this.rule.validateResource) as Validation[];
    const type = validations.length === 1 ? typeOf(validations[0]) : undefined;
    for (const resource of analyzed) {
      if (type && type !== resource.type) {
        this.findings.notApplicable++;
        continue;
      }
      const args = resourceArgs(resource, this.common);
      for (const validate of validations)
        await this.guard(resource.urn, () => validate(args, this.report(resource.urn)));
    }
  }

  async stack(resources: PolicyResource[], stackUrn: string): Promise<void> {
    if (!("validateStack" in this.rule) || !this.rule.validateStack) return;
    const validateStack = this.rule.validateStack as Validation;
    await this.guard(stackUrn, () => validateStack({ ...this.common, resources }, this.report(stackUrn)));
  }
}

// ---- report: every pack's rules, in order

export async function evaluate(
  run: OfflineRun,
  packs: Pack[] = PACKS,
  configs: Record<string, PackConfig> = {},
): Promise<EvaluationResult> {
  const findings: Findings = { violations: [], notApplicable: 0 };
  const analyzed = run.resources.filter((r) => r.type !== STACK_TYPE);
  const resources = stackView(run, analyzed);
  const stackUrn = run.resources.find((r) => r.type === STACK_TYPE)?.urn ?? "";
  for (const pack of packs) {
    const config = configs[pack.name] ?? {};
    for (const rule of pack.policies) {
      const level = enforcement(rule, config);
      if (level === "disabled") continue;
      const ruleRun = new RuleRun(pack, rule, level, ruleConfig(rule, config), findings);
      await ruleRun.resources(analyzed);
      await ruleRun.stack(resources, stackUrn);
    }
  }
  return {
    violations: findings.violations,
    ...countResources(analyzed),
    policies: packs.reduce((n, p) => n + p.policies.length, 0),
    notApplicable: findings.notApplicable,
  };
}
