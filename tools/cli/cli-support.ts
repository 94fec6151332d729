import * as pulumi from "@pulumi/pulumi";
import { CommanderError } from "commander";

/** commander helper: a repeatable option collects its values. */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** How a CLI ends when its command throws: the exit status and what it adds to stderr. */
export interface CliFailure {
  exitCode: number;
  stderr: string;
}

const EXPECTED = [
  "OfflineUsageError",
  "StackConfigError",
  "ConfigValidationError",
  "SyntaxError",
  "TrustedRoleError",
];

/**
 * One clear line for problems the user can fix, exit 2; a stack trace only with DEBUG set. commander's
 * own usage errors and `--help` have printed their text already: 2, or 0 for help and version.
 */
export function failureOf(error: unknown, debug = Boolean(process.env.DEBUG)): CliFailure {
  if (error instanceof CommanderError) return { exitCode: error.exitCode === 0 ? 0 : 2, stderr: "" };
  const expected =
    pulumi.RunError.isInstance(error) || (error instanceof Error && EXPECTED.includes(error.name));
  const message = error instanceof Error ? error.message : String(error);
  const trace = !expected && debug && error instanceof Error ? `${error.stack}\n` : "";
  return { exitCode: 2, stderr: `error: ${message}\n${trace}` };
}

/** Ends the process as failureOf says. */
export function reportAndExit(error: unknown): never {
  const { exitCode, stderr } = failureOf(error);
  process.stderr.write(stderr);
  process.exit(exitCode);
}

/** Runs a synchronous CLI's main, ending the process as failureOf says when it throws. */
export function runCli(main: (argv: string[]) => void): void {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    reportAndExit(error);
  }
}
