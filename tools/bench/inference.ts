import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { percentile } from "../../functions/test-suite";
import { startApi } from "../../local/aws/api-server";
import { useLocalServices } from "../../local/aws/clients";
import { LocalHosting } from "../../local/aws/hosting";
import { post as postRequest } from "../../local/aws/http-client";
import { inProcessRuntime } from "../../local/aws/runtime-server";
import { LocalAccount } from "../../local/aws/account";
import { localDeployment } from "../../local/aws/deployment";
import { loadMlPipelineConfig } from "../../config/ml-config";
import { ML_CONFIG_PATH } from "../../infra/program-config";
import { LocalAwsState } from "../../local/aws/state";
import { median, verdict } from "./measure";

/**
 * Inference through API → microservice → local endpoint, against two floors measured in the same
 * run with the same client (node:http, keep-alive): a bare node:http server answering a fixed body,
 * and a prediction in the worker called from Node directly. Each figure is the median of `rounds`.
 */

const ROOT = resolve(__dirname, "..", "..");
const SEQUENTIAL = 1000;
const CONCURRENT = 2000;

export interface Load {
  p50: number;
  p99: number;
  rps8: number;
  rps32: number;
}

export interface InferenceResult {
  rounds: number;
  bare: Load;
  worker: Load;
  api: Load;
}

async function measure(call: (i: number) => Promise<unknown>): Promise<Load> {
  for (let i = 0; i < 200; i++) await call(i);
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    const began = performance.now();
    await call(i);
    latencies.push(performance.now() - began);
  }
  const rate = async (clients: number) => {
    let next = 0;
    const began = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < CONCURRENT) await call(next++);
      }),
    );
    return CONCURRENT / ((performance.now() - began) / 1000);
  };
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rps8: await rate(8),
    rps32: await rate(32),
  };
}

/** POSTs a body and resolves with the answer; a status other than 200 is a failure. */
async function post(url: string, headers: Record<string, string>, body: string): Promise<string> {
  const { status, text } = await postRequest(url, headers, body);
  if (status !== 200) throw new Error(`${status}: ${text}`);
  return text;
}

async function bareServer(): Promise<string> {
  const server = createServer((req, res) => {
    req
      .resume()
      .on("end", () =>
        res
          .writeHead(200, { "content-type": "application/json" })
          .end('{"predictions":[{"probability":0.5,"class":1}]}'),
      );
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  server.unref();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

export async function inferenceBench(modelArtifact: string, rounds: number): Promise<InferenceResult> {
  const world = new LocalAwsState(
    mkdtempSync(join(tmpdir(), "bench-")),
    "local-staging",
    mkdtempSync(join(tmpdir(), "bench-registry-")),
  );
  // The test stack's microservice, as its role, in front of its endpoint serving the bench model.
  const config = loadMlPipelineConfig(ML_CONFIG_PATH);
  const account = new LocalAccount(await localDeployment(config, ML_CONFIG_PATH));
  world.models.set("bench", { artifact: modelArtifact, artifactPath: modelArtifact, image: "local" });
  world.endpointConfigs.set("bench", { variants: [{ name: "AllTraffic", model: "bench", weight: 1 }] });
  const hosting = new LocalHosting(world);
  useLocalServices({ runtime: inProcessRuntime(hosting, account) });
  await hosting.deploy(config.endpoints.test.name, "bench");
  const stage = (await startApi(account)).addStage("bench", "mlops-microservice");
  const rows = readFileSync(join(ROOT, "sample-datasets", "customer-churn.csv"), "utf8")
    .trim()
    .split("\n")
    .map((line) => line.replace(/"/g, "").split(",").slice(1));
  const body = (i: number) => JSON.stringify({ features: rows[i % rows.length].map(Number) });
  const bareUrl = await bareServer();
  const apiHeaders = { "x-api-key": stage.apiKey, "content-type": "application/json" };
  const runs: Record<keyof Omit<InferenceResult, "rounds">, Load[]> = { bare: [], worker: [], api: [] };
  for (let round = 0; round < rounds; round++) {
    runs.bare.push(await measure((i) => post(bareUrl, {}, body(i))));
    runs.worker.push(await measure((i) => hosting.worker.predict("bench", rows[i % rows.length].join(","))));
    runs.api.push(await measure((i) => post(stage.url, apiHeaders, body(i))));
  }
  await hosting.stop();
  const mid = (loads: Load[]): Load => ({
    p50: median(loads.map((l) => l.p50)),
    p99: median(loads.map((l) => l.p99)),
    rps8: median(loads.map((l) => l.rps8)),
    rps32: median(loads.map((l) => l.rps32)),
  });
  return { rounds, bare: mid(runs.bare), worker: mid(runs.worker), api: mid(runs.api) };
}

export function inferenceSection(result: InferenceResult): string {
  const floor = result.bare.p50 + result.worker.p50;
  const row = (name: string, l: Load) =>
    `| ${name} | ${l.p50.toFixed(2)} ms | ${l.p99.toFixed(2)} ms | ${l.rps8.toFixed(0)} | ${l.rps32.toFixed(0)} |`;
  return `## Inference: API → microservice → local endpoint

One-row requests from a node:http keep-alive client in the bench process: ${SEQUENTIAL} sequential
(latency), then ${CONCURRENT} from 8 and from 32 concurrent clients (throughput), after 200 warm-up
requests; each figure is the median of ${result.rounds} rounds. The microservice is the Lambda handler the
cloud runs, with its real SageMaker Runtime SDK client; locally that client's request handler calls the
endpoint in process, where in the cloud a network hop would be.

| path | p50 | p99 | req/s, 8 clients | req/s, 32 clients |
|---|---|---|---|---|
${row("bare node:http server, fixed body (floor)", result.bare)}
${row("predict in the worker, called from Node (floor)", result.worker)}
${row("API → microservice → endpoint", result.api)}

| target | value | verdict |
|---|---|---|
| p50 ≤ floor (bare p50 + worker p50 = ${floor.toFixed(2)} ms) + 1 ms | ${result.api.p50.toFixed(2)} ms | ${verdict(result.api.p50 <= floor + 1)} |
| ≥ 1,000 req/s at 32 clients | ${result.api.rps32.toFixed(0)} req/s | ${verdict(result.api.rps32 >= 1000)} |
`;
}
