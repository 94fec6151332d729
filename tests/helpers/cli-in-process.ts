import { failureOf } from "../../tools/cli/cli-support";

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A command run the way its CLI process ends it (stdout, exit code, and for a thrown error the stderr
 * and exit code failureOf gives the process), without starting a process and loading ts-node and the
 * modules again for each. Each CLI keeps one test as a real process for its wiring.
 */
export async function asCli(
  command: (write: (text: string) => void) => Promise<number | void>,
): Promise<CliOutcome> {
  let stdout = "";
  try {
    const code = await command((text) => (stdout += text));
    return { code: code ?? 0, stdout, stderr: "" };
  } catch (error) {
    const { exitCode, stderr } = failureOf(error, false);
    return { code: exitCode, stdout, stderr };
  }
}
