import type { CapturedResource, OfflineRun } from "../../../tools/offline/harness";
import { evaluate, PACKS } from "../../../policy/evaluator/evaluate";
import type { Props, Rule } from "../../../policy/shared/rule";

/**
 * Fixtures in the style of pulumi/compliance-policies specs: per rule, a compliant set of resources
 * and edits that each break one property, with the exact messages the rule must report.
 */

/** A resource as the harness captures it; wire inputs and state are the same plain JSON here. */
export function res(type: string, name: string, props: Props): CapturedResource {
  return {
    urn: `urn:pulumi:prod::mlops::${type}::${name}`,
    type,
    name,
    custom: true,
    inputs: props,
    wire: { inputs: props, state: props },
  };
}

/** The messages one rule reports over the resources (as the CLI would, through the evaluator). */
export async function violationsOf(rule: Rule, resources: CapturedResource[]) {
  const run: OfflineRun = { project: "mlops", stack: "prod", preview: false, resources, outputs: {} };
  const pack = PACKS.find((p) => p.policies.includes(rule))!;
  const result = await evaluate(run, [{ ...pack, policies: [rule] }]);
  return result.violations.map((v) => v.message);
}

export const KEY = "arn:aws:kms:us-west-2:123456789012:key/k";
export const clone = <T>(value: T): T => structuredClone(value);
/** A compliant fixture, and edits that each break one property with the exact messages expected. */
export type Case = {
  compliant: CapturedResource[];
  breaks: [what: string, edit: (r: CapturedResource[]) => void, messages: string[]][];
};

export const without = (type: string) => (r: CapturedResource[]) =>
  r.splice(
    r.findIndex((x) => x.type === type),
    1,
  );
export const set = (type: string, path: string[], value: unknown) => (r: CapturedResource[]) => {
  const target = r.find((x) => x.type === type)!;
  let node = target.wire!.inputs as Props;
  for (const key of path.slice(0, -1)) node = node[key];
  // The wire format has no undefined: an unset property is an absent one.
  if (value === undefined) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
};

/** As `set`, on the resource with this name (for fixtures holding several of one type). */
export const setOn = (name: string, path: string[], value: unknown) => (r: CapturedResource[]) => {
  let node = r.find((x) => x.name === name)!.wire!.inputs as Props;
  for (const key of path.slice(0, -1)) node = node[key];
  if (value === undefined) delete node[path[path.length - 1]];
  else node[path[path.length - 1]] = value;
};
