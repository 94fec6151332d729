import * as pulumi from "@pulumi/pulumi";
import { CommanderError } from "commander";

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
 * Runs a synchronous CLI's main: `--help` exits 0, a usage error from commander exits 2 (commander
 * has printed it), anything else is reported as one line by reportAndExit.
 */
export function runCli(main: (argv: string[]) => void): void {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    reportAndExit(error);
  }
}
