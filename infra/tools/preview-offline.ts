import { CommanderError } from "commander";
import { reportAndExit } from "./cli-support";
import { previewCommand } from "./preview-command";

previewCommand(process.argv.slice(2), (text) => process.stdout.write(text)).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  reportAndExit(error);
});
