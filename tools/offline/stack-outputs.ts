import { TEST_STACK_OUTPUTS } from "../../infra/environments/test-stack-outputs";
import { OfflineUsageError, parseOverrides, readJsonFile, readStackFile } from "./stack-files";

/**
 * `--stack-outputs <file>`: the outputs of the stacks a program references, checked before the
 * program runs. The file maps each referenced stack's name, as the program references it
 * (`mlops:testStackName`), to that stack's outputs:
 * `{"test": {"kmsKeyArn": "arn:…", "stagingBucketName": "…", …}}`. Under Pulumi's mocks a reference
 * the file cannot answer fails inside the engine, which reports only the promises it left waiting.
 */

type Outputs = Record<string, Record<string, unknown>>;

const SHAPE = '{"<stack name>": {"<output name>": value, …}}';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const kindOf = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;

/** The stack `stack` references with its config and overrides, and the key that names it. */
function referencedStack(root: string, stack: string, config: readonly string[]) {
  const { project, config: values } = readStackFile(root, stack);
  const key = `${project}:testStackName`;
  const name = { ...values, ...parseOverrides(project, config) }[key];
  return name ? { name, key } : undefined;
}

/** `pulumi stack output --json` prints one stack's outputs: names of outputs, not of stacks. */
function looksLikeOneStack(document: Record<string, unknown>): boolean {
  const values = Object.values(document);
  return (
    values.some((value) => !isObject(value)) ||
    Object.keys(document).some((key) => (TEST_STACK_OUTPUTS as readonly string[]).includes(key))
  );
}

/** Why the document cannot answer the reference to `name`, or undefined when it can. */
function referenceProblem(
  document: Record<string, unknown>,
  stack: string,
  { name, key }: { name: string; key: string },
): string | undefined {
  const references = `the ${stack} stack references (${key})`;
  if (Object.keys(document).length === 0)
    return `the file is empty; give the outputs of stack "${name}", which ${references}, as {"${name}": {"<output name>": value, …}}, e.g. from \`pulumi stack output --json -s ${name}\``;
  if (!(name in document) && looksLikeOneStack(document))
    return `this looks like \`pulumi stack output --json\` of one stack; wrap it as {"${name}": …}, the stack ${references}`;
  if (!(name in document)) {
    const found = Object.keys(document).map((entry) => `"${entry}"`);
    return `no entry for stack "${name}", which ${references}; the file has ${found.join(", ")}`;
  }
  const outputs = document[name];
  if (!isObject(outputs))
    return `"${name}" is ${kindOf(outputs)}: expected that stack's outputs, {"<output name>": value, …}`;
  const missing = TEST_STACK_OUTPUTS.filter((output) => !(output in outputs));
  if (missing.length > 0)
    return `stack "${name}" lacks the output${missing.length > 1 ? "s" : ""} ${missing.join(", ")}, which the ${stack} stack reads`;
  return undefined;
}

/**
 * Reads and checks a `--stack-outputs` file for a run of `stack` with the `config` overrides:
 * an object of stacks' outputs that answers every reference the stack makes.
 */
export function readStackOutputs(
  file: string,
  stack: string,
  config: readonly string[],
  root: string,
): Outputs {
  const document = readJsonFile(file, "--stack-outputs");
  if (!isObject(document))
    throw new OfflineUsageError(`--stack-outputs ${file}: expected ${SHAPE}, found ${kindOf(document)}`);
  const reference = referencedStack(root, stack, config);
  const problem = reference && referenceProblem(document, stack, reference);
  if (problem) throw new OfflineUsageError(`--stack-outputs ${file}: ${problem}`);
  return document as Outputs;
}
