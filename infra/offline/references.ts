import { PROJECT_ROOT, runOffline, type OfflineRunOptions, type OfflineRun } from "./harness";
import { readStackFile } from "./stack-files";

/**
 * The prod stack reads the test stack through a StackReference. Offline, the referenced stack's
 * outputs come from running that stack's program under the same mocks, so they always match what
 * the program really exports.
 */
export async function referencedStackOutputs(
  stack: string,
  root = PROJECT_ROOT,
): Promise<Record<string, Record<string, unknown>>> {
  const { config, project } = readStackFile(root, stack);
  const referenced = config[`${project}:testStackName`];
  if (!referenced) return {};
  const localName = referenced.split("/").pop() ?? referenced;
  const upstream = await runOffline({ stack: localName, root });
  return { [referenced]: upstream.outputs };
}

/** Runs a stack offline, supplying the outputs of stacks it references unless they are given. */
export async function runWithReferences(options: OfflineRunOptions): Promise<OfflineRun> {
  const stackOutputs = options.stackOutputs ?? (await referencedStackOutputs(options.stack, options.root));
  return runOffline({ ...options, stackOutputs });
}
