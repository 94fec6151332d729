import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, StackConfigError, type StackConfig } from "./stack-config";

let cached: StackConfig | undefined;

/**
 * Reads and validates the current stack's config once per program run. A config problem ends the
 * program as a `RunError`: the Pulumi CLI prints its message alone, without a stack trace.
 */
export function stackConfig(): StackConfig {
  try {
    cached ??= parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
  } catch (error) {
    if (error instanceof StackConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
  return cached;
}
