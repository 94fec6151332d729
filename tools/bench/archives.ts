import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { percentile } from "../../functions/test-suite";
import { archiveAssets, archiveBytes, LOAD_HANDLER, unpackArchive } from "../offline/lambda-archive";
import type { CapturedResource } from "../offline/harness";
import { runWithReferences } from "../offline/references";

/**
 * Each Lambda archive's unzipped size and cold start: a fresh node process requiring the unpacked
 * archive's entry point, with only the runtime's SDK beside it (median of `runs`), against the floor
 * of a fresh node process that loads nothing, measured in the same run.
 */

export interface ArchiveRow {
  name: string;
  megabytes: number;
  coldStartMs: number;
}

function medianMs(runs: number, start: () => void): number {
  const times = Array.from({ length: runs }, () => {
    const began = performance.now();
    start();
    return performance.now() - began;
  });
  return percentile(times, 50);
}

function coldStart(fn: CapturedResource, runs: number): number {
  const task = mkdtempSync(join(tmpdir(), `bench-${fn.name}-`));
  try {
    const runtime = unpackArchive(fn, task);
    const variables = (fn.inputs.environment as { variables?: Record<string, string> } | undefined)
      ?.variables;
    const env = { PATH: process.env.PATH, ...variables, NODE_PATH: runtime };
    return medianMs(runs, () => {
      const run = spawnSync(process.execPath, LOAD_HANDLER, { cwd: task, env });
      if (run.status !== 0) throw new Error(`${fn.name} does not load: ${run.stderr}`);
    });
  } finally {
    rmSync(task, { recursive: true, force: true });
  }
}

export async function archiveBench(runs: number): Promise<{ floorMs: number; rows: ArchiveRow[] }> {
  const floorMs = medianMs(runs, () => spawnSync(process.execPath, ["-e", ""]));
  const rows: ArchiveRow[] = [];
  for (const stack of ["test", "prod"]) {
    const run = await runWithReferences({ stack });
    for (const fn of run.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
      const megabytes = archiveBytes(archiveAssets(fn)) / 2 ** 20;
      rows.push({ name: fn.name, megabytes, coldStartMs: coldStart(fn, runs) });
    }
  }
  return { floorMs, rows };
}

export function archiveSection(
  { floorMs, rows }: { floorMs: number; rows: ArchiveRow[] },
  runs: number,
): string {
  const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
  return `## Lambda archives

Each function's archive as \`pulumi up\` would upload it (unzipped), and its cold start: a fresh node
process requiring the unpacked entry point with only the runtime's SDK beside it, median of ${runs},
against a fresh node process that loads nothing (${floorMs.toFixed(0)} ms in this run).

| function | unzipped | ≤ 5 MB | cold start | × floor |
|---|---|---|---|---|
${rows.map((r) => `| ${r.name} | ${r.megabytes.toFixed(2)} MB | ${verdict(r.megabytes <= 5)} | ${r.coldStartMs.toFixed(0)} ms | ${(r.coldStartMs / floorMs).toFixed(1)} |`).join("\n")}
`;
}
