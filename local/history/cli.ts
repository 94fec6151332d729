import { CommanderError } from "commander";
import { historyCommand } from "./command";

try {
  process.exitCode = historyCommand(process.argv.slice(2), { out: console.log, err: console.error });
} catch (error) {
  process.exitCode = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : 1;
  if (!(error instanceof CommanderError)) console.error(`error: ${(error as Error).message}`);
}
