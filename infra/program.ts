import type * as pulumi from "@pulumi/pulumi";
import { stackConfig } from "./program-config";
import { prodStack } from "./stacks/prod";
import { testStack } from "./stacks/test";

/** Declares the current stack's resources and returns its outputs. */
export function program(): Record<string, pulumi.Output<unknown>> {
  const config = stackConfig();
  return config.stack === "test" ? testStack(config) : prodStack(config);
}
