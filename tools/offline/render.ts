import { countResources, describeCounts } from "./counts";
import type { CapturedResource, OfflineRun } from "./harness";

/** The resource tree as `pulumi preview` would show it: each resource under its parent. */
export function renderTree(run: OfflineRun): string {
  const children = new Map<string | undefined, CapturedResource[]>();
  for (const resource of run.resources) {
    const siblings = children.get(resource.parent) ?? [];
    siblings.push(resource);
    children.set(resource.parent, siblings);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((resource, i) => {
      const last = i === list.length - 1;
      const kind = resource.custom ? "" : "  [component]";
      lines.push(`${indent}${last ? "└─ " : "├─ "}${resource.type}  ${resource.name}${kind}`);
      walk(resource.urn, indent + (last ? "   " : "│  "));
    });
  };
  const roots = children.get(undefined) ?? [];
  for (const root of roots) {
    lines.push(`${root.type}  ${root.name}`);
    walk(root.urn, "");
  }
  const mode = run.preview ? "preview (computed values unknown)" : "update (computed values mocked)";
  lines.push("", `${describeCounts(countResources(run.resources))}, stack ${run.stack}, ${mode}`);
  const outputs = Object.entries(run.outputs);
  if (outputs.length > 0) {
    lines.push("", "Outputs:");
    for (const [key, value] of outputs)
      lines.push(`  ${key}: ${value === undefined ? "(unknown)" : JSON.stringify(value)}`);
  }
  return lines.join("\n");
}

/** The machine-readable form: one entry per registration, stable field order. */
export function toJson(run: OfflineRun): string {
  return JSON.stringify(
    run.resources.map(({ urn, type, name, parent, inputs }) => ({
      urn,
      type,
      name,
      parent: parent ?? null,
      inputs,
    })),
    null,
    2,
  );
}
