import { resolve } from "node:path";
import { median, timeProcess, verdict } from "./measure";

/** `npm test` by phase, each phase as package.json runs it, timed as a whole process. */

const ROOT = resolve(__dirname, "..", "..");
/** What `npm run check` runs at once (run-p), timed alone too for the breakdown. */
const STATIC_PHASES = ["format:check", "lint", "typecheck", "test:python"];
/** What `npm test` runs, in order. */
const TEST_PHASES = ["check", "test:unit"];

export interface TestSuiteResult {
  runs: number;
  /** Each static phase run alone. */
  alone: { phase: string; seconds: number }[];
  /** npm test's own phases; their sum is the total. */
  phases: { phase: string; seconds: number }[];
  /** The type-check when an input changed: tsc itself, which the typecheck script skips otherwise. */
  fullTypecheck: number;
  total: number;
}

function timePhase(phase: string, runs: number): { phase: string; seconds: number } {
  const times = Array.from({ length: runs }, () => timeProcess("npm", ["run", "-s", phase], { cwd: ROOT }));
  return { phase, seconds: median(times) };
}

export function testSuiteBench(runs: number): TestSuiteResult {
  const alone = STATIC_PHASES.map((phase) => timePhase(phase, runs));
  const phases = TEST_PHASES.map((phase) => timePhase(phase, runs));
  const tsc = require.resolve("typescript/bin/tsc");
  const fullTypecheck = median(
    Array.from({ length: runs }, () => timeProcess(process.execPath, [tsc, "--noEmit"], { cwd: ROOT })),
  );
  return { runs, alone, phases, fullTypecheck, total: phases.reduce((sum, p) => sum + p.seconds, 0) };
}

export function testSuiteSection(result: TestSuiteResult): string {
  const alone = result.alone.map((p) => `${p.phase} ${p.seconds.toFixed(1)}`).join(", ");
  return `## \`npm test\` by phase

Each phase of \`npm test\` run as package.json runs it (median of ${result.runs}; \`BENCH_TEST_RUNS\` sets
how many), with the caches a working copy has after its first \`npm test\`: offline
runs, the policy packs' installs, prettier's and eslint's caches, the type-check's record of the inputs it
last passed with (all under \`node_modules/.cache\`). A fresh clone's first \`npm test\` fills them and takes
longer; after an edit, the type-check runs in full (\`tsc --noEmit\`, incremental: ${result.fullTypecheck.toFixed(1)} s
here). \`check\` runs the static phases at once (run-p; alone: ${alone} s); mocha runs the test files in
parallel workers (\`.mocharc.cjs\`).

| phase | seconds |
|---|---|
${result.phases.map((p) => `| ${p.phase} | ${p.seconds.toFixed(1)} |`).join("\n")}
| **total** | **${result.total.toFixed(1)}** (≤ 60 s: ${verdict(result.total <= 60)}) |
`;
}
