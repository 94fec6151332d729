import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../stack-config";

export type Tags = Record<string, string>;

/** The tags every resource carries: who owns it, which stack, which component declared it. */
export function componentTags(component: string, extra: Tags = {}): Tags {
  return { ...extra, project: PROJECT, stack: pulumi.getStack(), component };
}
