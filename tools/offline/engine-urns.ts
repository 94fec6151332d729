import * as pulumi from "@pulumi/pulumi";

/**
 * URNs as the engine makes them. The mocks qualify a type with its parent's type alone; the engine
 * with the parent's whole qualified type, leaving out the root stack's (pulumi/pulumi
 * sdk/go/common/resource/urn.go, `NewURN`). Aliases, stack transforms and the `component` tag read
 * the ancestry from the URN, so an offline run needs the engine's.
 */
function engineUrn(stack: string, project: string, parentUrn: string, type: string, name: string): string {
  const parentType = parentUrn ? parentUrn.split("::")[2] : "";
  const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Makes the mock monitor name resources as the engine does. */
export function useEngineUrns(monitor: object): void {
  (monitor as { newUrn: (parent: string, type: string, name: string) => string }).newUrn = (
    parent,
    type,
    name,
  ) => engineUrn(pulumi.getStack(), pulumi.getProject(), parent, type, name);
}
