import { CommanderError } from "commander";
import { reportAndExit } from "../../infra/tools/cli-support";
import { policyCommand } from "./command";

// The process around the command: its output to stdout, usage errors exit 2 (commander has printed
// them), any other error one line on stderr and exit 2.
policyCommand(process.argv.slice(2), (text) => process.stdout.write(text)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    reportAndExit(error);
  },
);
