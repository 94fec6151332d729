import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { readStateFile, writeStateFile } from "../run/state-file";
import { DRIFT_LEDGER } from "../run/state-kinds";

/**
 * Local watch mode's ledger of drift runs (`<runs>/drift-ledger.json`), the cost guard of automatic
 * retraining as the cloud's drift trigger keeps it: when each recent drift run started. Only a drift
 * run that reached training is recorded, so one that failed on its data costs no cooldown.
 */

export const driftLedgerPath = (runsRoot: string) => join(runsRoot, "drift-ledger.json");

/** The recorded drift runs' start times; throws StateFileError when the ledger is damaged. */
export function readDriftLedger(runsRoot: string): Date[] {
  const ledger = readStateFile(driftLedgerPath(runsRoot), DRIFT_LEDGER);
  return (ledger?.runs ?? []).map((run) => new Date(run.startedAt));
}

/** Records the drift runs still inside the window, and this one. */
export function recordDriftRun(runsRoot: string, recent: Date[], startedAt: Date): void {
  const runs = [...recent, startedAt].map((at) => ({ startedAt: at.toISOString() }));
  writeStateFile(driftLedgerPath(runsRoot), { runs });
}

/** Forgets every drift run (`npm run runs -- --reset-drift-ledger`): the next drift may retrain at once. */
export function resetDriftLedger(runsRoot: string): boolean {
  const path = driftLedgerPath(runsRoot);
  const existed = existsSync(path);
  rmSync(path, { force: true });
  return existed;
}
