import { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { driftLedgerPath, resetDriftLedger } from "../watch/drift-ledger";
import { historyTable, readRuns } from "./records";
import { repairRunsFolder } from "./repair";

/** Where the command's text goes: the process's stdout and stderr, or a test's strings. */
export interface HistoryOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** `npm run runs`: the run history in the terminal (`--json` for a JSON array); returns the exit code. */
export function historyCommand(argv: string[], output: HistoryOutput): number {
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
    .option(
      "--repair",
      "move damaged state files aside (registry, SageMaker hosting, drift ledger) and rebuild them from the run records",
    )
    .option(
      "--reset-drift-ledger",
      "forget the drift runs watch mode counted, so the next drift may retrain at once (cooldown and daily cap start over)",
    )
    .exitOverride();
  program.parse(argv, { from: "user" });
  const options = program.opts<{
    runs: string;
    json?: boolean;
    resetDriftLedger?: boolean;
    repair?: boolean;
  }>();
  const runsRoot = resolve(options.runs);
  if (!existsSync(runsRoot)) {
    output.err(`error: no runs folder ${runsRoot} (run npm start first, or give --runs DIR)`);
    return 2;
  }
  if (options.repair) {
    const repaired = repairRunsFolder(runsRoot);
    for (const line of repaired) output.out(line);
    if (repaired.length === 0) output.out(`Every state file in ${runsRoot} reads well; nothing to repair.`);
    return 0;
  }
  if (options.resetDriftLedger) {
    const existed = resetDriftLedger(runsRoot);
    output.out(
      existed
        ? `Forgot the drift runs recorded in ${driftLedgerPath(runsRoot)}; the next drift may retrain at once.`
        : `No drift runs were recorded in ${runsRoot}; nothing to reset.`,
    );
    return 0;
  }
  const records = readRuns(runsRoot);
  if (options.json) output.out(JSON.stringify(records, null, 2));
  else output.out(records.length ? historyTable(records) : `no runs in ${runsRoot}`);
  for (const record of records.filter((r) => r.problem))
    output.err(`${record.runId}: its record is damaged (${record.problem}); it is listed as unreadable`);
  return 0;
}
