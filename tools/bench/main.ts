import "../../local/run/promise-with-resolvers";
import { cpus, freemem, loadavg, totalmem, type as osType, release } from "node:os";
import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stopAll } from "../../local/python/lifecycle";
import { findPython } from "../../local/python/python";
import { archiveBench, archiveSection } from "./archives";
import { inferenceBench, inferenceSection } from "./inference";
import { previewBench, previewLoadBench, previewSection } from "./preview";
import { startBench, startSection } from "./start";
import { testSuiteBench, testSuiteSection } from "./test-suite";

/**
 * `npm run bench`: where people wait, each figure next to a floor measured in the same run (this
 * machine is shared and noisy) — local mode as a user runs it, inference, the offline preview, the
 * test suite by phase, Lambda archives. Prints as it goes and writes BENCHMARKS.md.
 */

const ROOT = resolve(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TEST_RUNS = Number(process.env.BENCH_TEST_RUNS ?? RUNS);

function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(", ");
  return `${osType()} ${release()}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), load average ${load} at the start, Node.js ${process.version}, XGBoost ${findPython().xgboost}`;
}

function firstModel(runsRoot: string): string {
  const found = (readdirSync(runsRoot, { recursive: true }) as string[]).find((f) =>
    f.endsWith("model.tar.gz"),
  );
  if (!found) throw new Error(`no model.tar.gz under ${runsRoot}`);
  return join(runsRoot, found);
}

async function main() {
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  process.removeAllListeners("warning");
  const about = machine();
  console.log(`Local mode: npm start × ${RUNS} and its floor…`);
  const start = startBench(RUNS);
  console.log(`  npm start ${start.wall.toFixed(2)} s, floor ${start.floor.toFixed(2)} s`);
  console.log(`Inference (${RUNS} rounds)…`);
  const inference = await inferenceBench(firstModel(start.runsRoot), RUNS);
  console.log(`  p50 ${inference.api.p50.toFixed(2)} ms, 32 clients ${inference.api.rps32.toFixed(0)} req/s`);
  console.log("Offline preview per stack…");
  const previews = previewBench(RUNS);
  const previewLoad = previewLoadBench(RUNS);
  for (const p of previews)
    console.log(`  ${p.stack}: cold ${p.cold.toFixed(2)} s, warm ${p.warm.toFixed(2)} s`);
  console.log("Lambda archives…");
  const archives = await archiveBench(RUNS);
  console.log(`npm test by phase (${TEST_RUNS} run(s))…`);
  const tests = testSuiteBench(TEST_RUNS);
  console.log(`  total ${tests.total.toFixed(1)} s`);
  const markdown = [
    `# Benchmarks\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.\n\nMachine: ${about}.\n`,
    startSection(start),
    inferenceSection(inference),
    previewSection(previews, RUNS, previewLoad),
    testSuiteSection(tests),
    archiveSection(archives, RUNS),
  ].join("\n");
  // Formatted as the repository's markdown is, so `npm test`'s format check passes on a fresh bench.
  const { format } = await import("prettier");
  writeFileSync(join(ROOT, "BENCHMARKS.md"), await format(markdown, { parser: "markdown", printWidth: 110 }));
  console.log(`wrote ${join(ROOT, "BENCHMARKS.md")}`);
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await stopAll();
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
