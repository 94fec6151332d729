import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT, runOffline } from "../offline/harness";
import { readStackFile } from "../offline/stack-files";

/** commander helper: a repeatable option collects its values. */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** Prints one clear line for problems the user can fix; a stack trace only with DEBUG set. */
export function reportAndExit(error: unknown): never {
  const expected =
    pulumi.RunError.isInstance(error) ||
    (error instanceof Error &&
      ["OfflineUsageError", "StackConfigError", "ConfigValidationError", "SyntaxError"].includes(error.name));
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  if (!expected && process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  process.exit(2);
}

/**
 * The prod stack reads the test stack through a StackReference. Offline, the referenced stack's
 * outputs come from running that stack's program under the same mocks, so they always match what
 * the program really exports.
 */
export async function referencedStackOutputs(
  stack: string,
): Promise<Record<string, Record<string, unknown>>> {
  const { config, project } = readStackFile(PROJECT_ROOT, stack);
  const referenced = config[`${project}:testStackName`];
  if (!referenced) return {};
  const localName = referenced.split("/").pop() ?? referenced;
  const upstream = await runOffline({ stack: localName });
  return { [referenced]: upstream.outputs };
}
