import { resolve } from "node:path";
import { median, timeProcess, verdict } from "./measure";

/** `npm test` by phase, each phase as package.json runs it, timed as a whole process. */

const ROOT = resolve(__dirname, "..", "..");
const PHASES = ["format:check", "lint", "typecheck", "test:python", "test:unit"];

export interface TestSuiteResult {
  runs: number;
  phases: { phase: string; seconds: number }[];
  total: number;
}

export function testSuiteBench(runs: number): TestSuiteResult {
  const phases = PHASES.map((phase) => ({
    phase,
    seconds: median(
      Array.from({ length: runs }, () => timeProcess("npm", ["run", "-s", phase], { cwd: ROOT })),
    ),
  }));
  return { runs, phases, total: phases.reduce((sum, p) => sum + p.seconds, 0) };
}

export function testSuiteSection(result: TestSuiteResult): string {
  return `## \`npm test\` by phase

Each phase of \`npm test\` run as package.json runs it (median of ${result.runs}; a run takes minutes, so
\`BENCH_TEST_RUNS\` sets how many), with the caches a working copy has after its first \`npm test\`: offline
runs, the policy packs' installs, prettier's and eslint's caches, TypeScript's build info (all under
\`node_modules/.cache\`). A fresh clone's first \`npm test\` fills them and takes longer. Mocha runs the test
files in parallel workers (\`.mocharc.cjs\`).

| phase | seconds |
|---|---|
${result.phases.map((p) => `| ${p.phase} | ${p.seconds.toFixed(1)} |`).join("\n")}
| **total** | **${result.total.toFixed(1)}** (≤ 60 s: ${verdict(result.total <= 60)}) |
`;
}
