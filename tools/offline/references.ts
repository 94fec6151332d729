import { PROJECT_ROOT, type OfflineRunOptions, type OfflineRun } from "./harness";
import { cachedRunOffline } from "./run-cache";
import { readStackFile } from "./stack-files";

/**
 * Outputs of referenced stacks already computed in this process, by root, stack and the stack file's
 * content: the program's sources cannot change within a process, so the same inputs give the same
 * outputs, and every prod variant a process runs reuses one run of the test stack.
 */
const computed = new Map<string, Promise<Record<string, unknown>>>();

function outputsOf(root: string, stack: string): Promise<Record<string, unknown>> {
  const key = `${root}\0${stack}\0${JSON.stringify(readStackFile(root, stack))}`;
  let outputs = computed.get(key);
  if (!outputs) {
    outputs = cachedRunOffline({ stack, root }).then((run) => run.outputs);
    outputs.catch(() => computed.delete(key));
    computed.set(key, outputs);
  }
  return outputs.then((value) => structuredClone(value));
}

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
  return { [referenced]: await outputsOf(root, localName) };
}

/** Runs a stack offline, supplying the outputs of stacks it references unless they are given. */
export async function runWithReferences(options: OfflineRunOptions): Promise<OfflineRun> {
  const stackOutputs = options.stackOutputs ?? (await referencedStackOutputs(options.stack, options.root));
  return cachedRunOffline({ ...options, stackOutputs });
}
