import { existsSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import type { LocalRunResult } from "../run/types";
import { readStateFile, StateFileError, writeStateFile, type StateFileKind } from "../run/state-file";
import { HOSTING, REGISTRY } from "../aws/state-files";
import { DRIFT_LEDGER } from "../run/state-kinds";
import { driftLedgerPath } from "../watch/drift-ledger";
import type { ModelPackage } from "../aws/state";

/**
 * `npm run runs -- --repair`: each damaged state file of the runs folder is moved aside (kept, with
 * `.damaged-<time>` appended) and, where the run records hold what it held, rebuilt from them: the
 * registry from the packages the runs registered and decided, the drift ledger from the drift runs
 * that trained. SageMaker's hosting state starts empty (the next run deploys what it needs).
 */

/** The run records that can be read, oldest first (a damaged one has nothing to rebuild from). */
function readableResults(runsRoot: string): LocalRunResult[] {
  return readdirSync(runsRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(runsRoot, entry.name, "result.json")))
    .flatMap((entry) => {
      try {
        return [
          JSON.parse(readFileSync(join(runsRoot, entry.name, "result.json"), "utf8")) as LocalRunResult,
        ];
      } catch {
        return [];
      }
    })
    .filter((result) => typeof result.startedAt === "string")
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Every package the runs saw, as the latest run to see it left it. */
function registryFrom(results: LocalRunResult[]): { packages: ModelPackage[] } {
  const byArn = new Map<string, ModelPackage>();
  for (const result of results)
    for (const pkg of [result.previousChampion, result.modelPackage]) if (pkg?.arn) byArn.set(pkg.arn, pkg);
  return {
    packages: [...byArn.values()].sort((a, b) => a.group.localeCompare(b.group) || a.version - b.version),
  };
}

/** The drift runs that trained: what the ledger counts. */
function ledgerFrom(results: LocalRunResult[]): { runs: { startedAt: string }[] } {
  const trained = results.filter(
    (r) => r.trigger?.source === "drift" && (r.tasks ?? []).some((t) => t === "Train" || t === "Tune"),
  );
  return { runs: trained.map((r) => ({ startedAt: r.startedAt })) };
}

interface Repairable {
  file: string;
  kind: StateFileKind<unknown>;
  rebuild?: (results: LocalRunResult[]) => unknown;
}

/** Repairs what is damaged; returns one line per file it changed (none when all were readable). */
export function repairRunsFolder(runsRoot: string, now = new Date()): string[] {
  const files: Repairable[] = [
    {
      file: join(runsRoot, "model-registry.json"),
      kind: REGISTRY as StateFileKind<unknown>,
      rebuild: registryFrom,
    },
    { file: join(runsRoot, "sagemaker-hosting.json"), kind: HOSTING as StateFileKind<unknown> },
    { file: driftLedgerPath(runsRoot), kind: DRIFT_LEDGER as StateFileKind<unknown>, rebuild: ledgerFrom },
  ];
  const done: string[] = [];
  for (const { file, kind, rebuild } of files) {
    try {
      readStateFile(file, kind);
      continue;
    } catch (error) {
      if (!(error instanceof StateFileError)) throw error;
      const aside = `${file}.damaged-${now.toISOString().replace(/[:.]/g, "-")}`;
      renameSync(file, aside);
      if (rebuild) writeStateFile(file, rebuild(readableResults(runsRoot)), 2);
      done.push(
        `${file}: ${error.problem}; moved to ${aside}${rebuild ? ", rebuilt from the run records" : ", starts empty"}`,
      );
    }
  }
  return done;
}
