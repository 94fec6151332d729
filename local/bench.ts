import "./promise-with-resolvers";
import { cpus, freemem, totalmem, type as osType, release } from "node:os";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { useLocalServices } from "./clients";
import { percentile } from "../functions/test-suite";
import { startApi } from "./api-server";
import { LocalHosting } from "./hosting";
import { inProcessRuntime } from "./runtime-server";
import { stopAll } from "./lifecycle";
import { runLocalPipeline, type LocalRunResult } from "./pipeline";
import { archiveBench, archiveSection } from "./bench-archives";
import { findPython } from "./python";
import { LocalWorld } from "./world";

/**
 * `npm run bench`: end-to-end wall time of local mode (median of runs) with per-stage times, and
 * inference latency and throughput through API → microservice → endpoint. Prints the figures and
 * writes BENCHMARKS.md with a description of the machine.
 */

const ROOT = resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = 8;
const median = (values: number[]) => percentile(values, 50);

async function endToEnd(runsRoot: string): Promise<LocalRunResult[]> {
  const results: LocalRunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const result = await runLocalPipeline({
      dataPath: join(ROOT, "sample-datasets", "customer-churn.csv"),
      configPath: join(ROOT, "config", "ml-pipeline-config.json"),
      approval: "approve",
      runsRoot,
      log: () => undefined,
    });
    if (result.outcome !== "released")
      throw new Error(`bench run ${i + 1} did not release: ${result.message}`);
    result.timings.push({ stage: "total", seconds: (performance.now() - started) / 1000 });
    console.log(`  run ${i + 1}: ${result.timings.at(-1)!.seconds.toFixed(2)} s`);
    results.push(result);
  }
  return results;
}

async function inference(last: LocalRunResult, runsRoot: string) {
  const world = new LocalWorld(mkdtempSync(join(tmpdir(), "bench-")), "local-staging", runsRoot);
  world.models.set("bench", { artifact: last.modelPackage!.modelDataPath, image: "local" });
  world.endpointConfigs.set("bench", { variants: [{ name: "AllTraffic", model: "bench", weight: 1 }] });
  const hosting = new LocalHosting(world);
  useLocalServices({ runtime: inProcessRuntime(hosting) });
  await hosting.deploy("bench", "bench");
  const api = await startApi();
  const stage = api.addStage("bench", {
    endpointName: "bench",
    featureCount: 69,
    threshold: 0.5,
    maxBatch: 100,
  });
  const rows = readFileSync(join(ROOT, "sample-datasets", "customer-churn.csv"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.replace(/"/g, "").split(",").slice(1).map(Number));
  const call = async (i: number) => {
    const started = performance.now();
    const response = await fetch(stage.url, {
      method: "POST",
      headers: { "x-api-key": stage.apiKey, "content-type": "application/json" },
      body: JSON.stringify({ features: rows[i % rows.length] }),
    });
    await response.text();
    if (response.status !== 200) throw new Error(`request ${i} got ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 100; i++) await call(i); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < REQUESTS; i++) latencies.push(await call(i));
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) await call(next++);
    }),
  );
  const throughput = REQUESTS / ((performance.now() - started) / 1000);
  hosting.stop();
  await stopAll();
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    sequentialRps: 1000 / (latencies.reduce((a, b) => a + b, 0) / latencies.length),
    throughput,
  };
}

async function main() {
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  process.removeAllListeners("warning");
  const { xgboost } = findPython();
  const runsRoot = mkdtempSync(join(tmpdir(), "bench-runs-"));
  console.log(`End to end (${RUNS} runs of npm start -- --approve on the churn sample):`);
  const results = await endToEnd(runsRoot);
  const stages = [...new Set(results.flatMap((r) => r.timings.map((t) => t.stage)))];
  const stageMedians = stages.map((stage) => ({
    stage,
    seconds: median(results.map((r) => r.timings.find((t) => t.stage === stage)?.seconds ?? 0)),
  }));
  for (const s of stageMedians) console.log(`  ${s.stage.padEnd(22)} ${s.seconds.toFixed(2)} s (median)`);
  console.log(`Inference through API → microservice → endpoint (${REQUESTS} requests, one row each):`);
  const latency = await inference(results.at(-1)!, runsRoot);
  console.log(
    `  p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms, sequential ${latency.sequentialRps.toFixed(0)} req/s, ${CONCURRENCY} concurrent ${latency.throughput.toFixed(0)} req/s`,
  );

  console.log("Lambda archives (size, cold start):");
  const archives = await archiveBench(5);
  for (const row of archives.rows)
    console.log(`  ${row.name.padEnd(30)} ${row.megabytes.toFixed(2)} MB, ${row.coldStartMs.toFixed(0)} ms`);
  const total = stageMedians.find((s) => s.stage === "total")!.seconds;
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const machine = `${osType()} ${release()}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Node.js ${process.version}, XGBoost ${xgboost}`;
  const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
  const markdown = `# Benchmarks

Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.

Machine: ${machine}.

## Local mode, end to end

Median of ${RUNS} runs of the whole pipeline on \`sample-datasets/customer-churn.csv\` (data prep,
training, batch evaluation, gate, registration, test endpoint, API tests, approval, prod canary,
monitoring). Target ≤ 10 s on a 2-core machine: ${verdict(total <= 10)}.

| stage | median seconds |
|---|---|
${stageMedians.map((s) => `| ${s.stage} | ${s.seconds.toFixed(2)} |`).join("\n")}

## Inference: API → microservice → local endpoint

${REQUESTS} sequential requests of one row each after 100 warm-up requests, then ${REQUESTS} requests from
${CONCURRENCY} concurrent clients.

| measure | value | target |
|---|---|---|
| p50 latency | ${latency.p50.toFixed(2)} ms | ≤ 5 ms: ${verdict(latency.p50 <= 5)} |
| p99 latency | ${latency.p99.toFixed(2)} ms | |
| sequential throughput | ${latency.sequentialRps.toFixed(0)} req/s | |
| throughput, ${CONCURRENCY} concurrent clients | ${latency.throughput.toFixed(0)} req/s | ≥ 300 req/s: ${verdict(latency.throughput >= 300)} |

${archiveSection(archives, 5)}`;
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
