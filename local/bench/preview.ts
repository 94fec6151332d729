import { resolve } from "node:path";
import { medianProcess, seconds, verdict } from "./measure";

/**
 * `npm run -s preview:offline -- --stack <name>` per stack, each a whole process: cold (the program
 * runs: MLOPS_OFFLINE_CACHE=off) and warm (the run is read from the offline-run cache).
 */

const ROOT = resolve(__dirname, "..", "..");
const STACKS = ["test", "prod"];

export interface PreviewRow {
  stack: string;
  cold: number;
  warm: number;
}

export function previewBench(runs: number): PreviewRow[] {
  const preview = (stack: string, cache: "on" | "off") =>
    medianProcess(runs, "npm", ["run", "-s", "preview:offline", "--", "--stack", stack], {
      cwd: ROOT,
      env: { ...process.env, MLOPS_OFFLINE_CACHE: cache },
    });
  return STACKS.map((stack) => {
    const cold = preview(stack, "off");
    preview(stack, "on"); // fills the cache if it was empty
    return { stack, cold, warm: preview(stack, "on") };
  });
}

export function previewSection(rows: PreviewRow[], runs: number): string {
  return `## Offline preview per stack

\`npm run -s preview:offline -- --stack <name>\` as a whole process, median of ${runs}: cold runs the
Pulumi program under mocks (for prod, the referenced test stack's program too); warm reads the run
from the offline-run cache, keyed by the program's sources and the run's inputs.

| stack | cold | warm | warm ≤ 3 s |
|---|---|---|---|
${rows.map((r) => `| ${r.stack} | ${seconds(r.cold)} | ${seconds(r.warm)} | ${verdict(r.warm <= 3)} |`).join("\n")}
`;
}
