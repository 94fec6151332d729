import type { CapturedResource } from "./harness";

/**
 * How every report counts a stack, so the offline preview, docs/stack-inventory.md and the policy
 * CLI print the same numbers: a resource is a custom resource, what a provider creates or reads
 * (stack references and explicit providers included); a component is a ComponentResource that
 * groups them. The stack itself is neither: every program has exactly one.
 */

export const STACK_TYPE = "pulumi:pulumi:Stack";

export interface StackCounts {
  readonly resources: number;
  readonly components: number;
}

export function countResources(resources: readonly CapturedResource[]): StackCounts {
  const declared = resources.filter((resource) => resource.type !== STACK_TYPE);
  const custom = declared.filter((resource) => resource.custom).length;
  return { resources: custom, components: declared.length - custom };
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** The phrase each report prints: "114 resources and 8 components". */
export function describeCounts({ resources, components }: StackCounts): string {
  return `${plural(resources, "resource")} and ${plural(components, "component")}`;
}
