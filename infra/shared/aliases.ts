import type * as pulumi from "@pulumi/pulumi";

/**
 * The options with an alias to the type token a component had before: the engine then updates the
 * component and its children in place instead of replacing them (Pulumi, "Resource options: aliases";
 * children inherit their parent's aliases).
 */
export function withAlias(
  opts: pulumi.ComponentResourceOptions | undefined,
  formerType: string,
): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts?.aliases ?? []), { type: formerType }] };
}
