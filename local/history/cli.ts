import { Command, CommanderError } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { historyTable, readRuns } from "./records";

/** `npm run runs`: the run history in the terminal (`--json` for a JSON array). */
function main(argv: string[]): number {
  const program = new Command("npm run runs --")
    .description(
      "List the local pipeline's runs: time, commit, trigger, data set, metrics, gate, model, outcome",
    )
    .option(
      "--runs <dir>",
      "where run directories live (as for npm start)",
      join(__dirname, "..", "..", ".runs"),
    )
    .option("--json", "print a JSON array of runs")
    .exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<{ runs: string; json?: boolean }>();
  const runsRoot = resolve(options.runs);
  if (!existsSync(runsRoot)) {
    console.error(`error: no runs folder ${runsRoot} (run npm start first, or give --runs DIR)`);
    return 2;
  }
  const records = readRuns(runsRoot);
  if (options.json) console.log(JSON.stringify(records, null, 2));
  else console.log(records.length ? historyTable(records) : `no runs in ${runsRoot}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.exitCode = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : 1;
  if (!(error instanceof CommanderError)) console.error(`error: ${(error as Error).message}`);
}
