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

/** What every cold preview loads before its program runs: ts-node, Pulumi's SDK, the AWS provider. */
const LOAD_ONLY = [
  "-r",
  "ts-node/register/transpile-only",
  "-e",
  'require("@pulumi/pulumi"); require("@pulumi/aws")',
];

export function previewLoadBench(runs: number): number {
  return medianProcess(runs, process.execPath, LOAD_ONLY, { cwd: ROOT });
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

export function previewSection(rows: PreviewRow[], runs: number, load: number): string {
  return `## Offline preview per stack

\`npm run -s preview:offline -- --stack <name>\` as a whole process, median of ${runs}: cold runs the
Pulumi program under mocks (for prod, the referenced test stack's program too), as the first preview
after an edit to the program does; warm reads the run from the offline-run cache, keyed by the
program's sources and the run's inputs. Of a cold preview, ${seconds(load)} is loading ts-node, Pulumi's
SDK and the AWS provider (a process that loads them and exits); the rest is the program under mocks,
much of it Pulumi serializing each Lambda's closure (V8 inspector calls and TypeScript's parser over
every captured function), which \`pulumi preview\` does too.

| stack | cold | warm | warm ≤ 3 s |
|---|---|---|---|
${rows.map((r) => `| ${r.stack} | ${seconds(r.cold)} | ${seconds(r.warm)} | ${verdict(r.warm <= 3)} |`).join("\n")}
`;
}
