import { reportAndExit } from "../../tools/cli/cli-support";
import { policyCommand } from "./command";

// The process around the command: its output to stdout, its exit code; a thrown error ends it as
// failureOf says (one line on stderr, exit 2; commander's usage errors have printed theirs).
policyCommand(process.argv.slice(2), (text) => process.stdout.write(text)).then(
  (code) => process.exit(code),
  reportAndExit,
);
