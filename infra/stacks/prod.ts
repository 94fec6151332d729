import type * as pulumi from "@pulumi/pulumi";
import type { ProdStackConfig } from "../config";

/**
 * The prod stack. Its configuration is validated here; the production environment it declares
 * (endpoint, API, monitoring, read from the test stack by reference) is added by the environments work.
 */
export function prodStack(
  _config: ProdStackConfig & { region: string },
): Record<string, pulumi.Output<unknown>> {
  return {};
}
