import { APIGatewayClient, GetApiKeyCommand } from "@aws-sdk/client-api-gateway";
import {
  CodePipelineClient,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from "@aws-sdk/client-codepipeline";
import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { APIGatewayProxyEvent, CodePipelineEvent } from "aws-lambda";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import fixture from "../../functions/fixtures/api-test-cases.json";
import { predict } from "../../functions/microservice";
import { runTests } from "../../functions/test-runner";
import { describeReport, percentile, runSuite, type KnownCase } from "../../functions/test-suite";

let runtime: AwsClientStub<SageMakerRuntimeClient>;
let codepipeline: AwsClientStub<CodePipelineClient>;
let apigw: AwsClientStub<APIGatewayClient>;
const cases = fixture.cases as KnownCase[];

/** A fetch that routes to the real microservice handler in-process; the endpoint is a mocked client. */
function apiFetch(seen: { headers?: Record<string, string> }[] = []): typeof fetch {
  return (async (_url: string, init: { body: string; headers: Record<string, string> }) => {
    seen.push({ headers: init.headers });
    const result = await predict({ httpMethod: "POST", body: init.body } as APIGatewayProxyEvent, {
      endpointName: "e",
      featureCount: 69,
      threshold: 0.5,
      maxBatch: 100,
    });
    return { status: result.statusCode, text: async () => result.body };
  }) as unknown as typeof fetch;
}

/** An endpoint stand-in that scores each row by its expected class (row order tells which). */
function scoreByLabel(flip = 0) {
  const byRow = new Map(cases.map((c) => [c.features.join(","), c.expectedClass]));
  let flipped = 0;
  runtime.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => {
    const row = new TextDecoder().decode(input.Body);
    let label = byRow.get(row) ?? 0;
    if (flipped < flip) {
      label = 1 - label;
      flipped++;
    }
    return { Body: new TextEncoder().encode(label ? "0.9" : "0.1") };
  });
}

const jobEvent = { "CodePipeline.job": { id: "job-7", data: {} } } as unknown as CodePipelineEvent;

describe("test suite and test runner", () => {
  // Installed per suite, so a suite run before or after this one sees the real clients.
  before(() => {
    runtime = mockClient(SageMakerRuntimeClient);
    codepipeline = mockClient(CodePipelineClient);
    apigw = mockClient(APIGatewayClient);
  });
  // Client mocks patch the SDK classes for every instance; hand them back for the other suites.
  after(() => {
    runtime.restore();
    codepipeline.restore();
    apigw.restore();
  });

  beforeEach(() => {
    runtime.reset();
    codepipeline.reset();
    apigw.reset();
    codepipeline.on(PutJobSuccessResultCommand).resolves({});
    codepipeline.on(PutJobFailureResultCommand).resolves({});
  });

  it("the fixture holds 20 known test-split rows of 69 features, both classes", () => {
    assert.equal(cases.length, 20);
    assert.ok(cases.every((c) => c.features.length === 69));
    assert.deepEqual([...new Set(cases.map((c) => c.expectedClass))].sort(), [0, 1]);
  });

  it("passes against the real microservice when the model is right and malformed input gets 400", async () => {
    scoreByLabel();
    const seen: { headers?: Record<string, string> }[] = [];
    const report = await runSuite({
      url: "http://api/predictions",
      apiKey: "k-1",
      cases,
      latencyBudgetMs: 1000,
      minAccuracy: 0.8,
      fetchImpl: apiFetch(seen),
    });
    assert.equal(report.passed, true, describeReport(report));
    assert.match(report.summary, /^passed: 20\/20 known rows, 7\/7 malformed requests rejected/);
    assert.equal(seen[0].headers?.["x-api-key"], "k-1");
  });

  it("tolerates a few wrong rows but fails below the accuracy floor", async () => {
    scoreByLabel(3);
    assert.equal(
      (await runSuite({ url: "u", cases, latencyBudgetMs: 1000, minAccuracy: 0.8, fetchImpl: apiFetch() }))
        .passed,
      true,
    );
    runtime.reset();
    scoreByLabel(5);
    const report = await runSuite({
      url: "u",
      cases,
      latencyBudgetMs: 1000,
      minAccuracy: 0.8,
      fetchImpl: apiFetch(),
    });
    assert.equal(report.passed, false);
    assert.match(
      describeReport(report),
      /FAIL accuracy known-row accuracy: 15\/20 = 0\.750 \(minimum 0\.8\)/,
    );
  });

  it("judges latency at p95: one slow call among twenty passes, a slow p95 fails", async () => {
    scoreByLabel();
    let call = 0;
    const oneSlow = (async (u: string, init: { body: string }) => {
      if (call++ === 3) await new Promise((done) => setTimeout(done, 120));
      return apiFetch()(u, init as never);
    }) as unknown as typeof fetch;
    const known = cases.slice(0, 20);
    const report = await runSuite({
      url: "u",
      cases: known,
      latencyBudgetMs: 60,
      minAccuracy: 0,
      fetchImpl: oneSlow,
    });
    const latency = report.results.find((r) => r.kind === "latency")!;
    assert.ok(report.latency.max >= 100, `max ${report.latency.max}`);
    assert.equal(latency.passed, true, latency.detail);
    assert.match(latency.detail, /\(budget 60 ms at p95\)$/);
  });

  it("fails when malformed input is accepted or the latency budget is exceeded", async () => {
    const lenient = (async () => ({
      status: 200,
      text: async () => JSON.stringify({ predictions: [{ class: 0, probability: 0.1 }] }),
    })) as unknown as typeof fetch;
    const report = await runSuite({
      url: "u",
      cases,
      latencyBudgetMs: 1000,
      minAccuracy: 0,
      fetchImpl: lenient,
    });
    assert.equal(report.passed, false);
    assert.equal(report.results.filter((r) => r.kind === "malformed" && !r.passed).length, 7);
    const slow = (async (_u: string, init: { body: string }) => {
      await new Promise((done) => setTimeout(done, 30));
      return apiFetch()(_u, init as never);
    }) as unknown as typeof fetch;
    scoreByLabel();
    const timed = await runSuite({
      url: "u",
      cases: cases.slice(0, 2),
      latencyBudgetMs: 5,
      minAccuracy: 0,
      fetchImpl: slow,
    });
    assert.equal(timed.results.find((r) => r.kind === "latency")?.passed, false);
  });

  it("names an answer that is not a prediction instead of crashing on it", async () => {
    const bodies = ["not json", "{}", '{"predictions": []}', '{"predictions": [{"class": 1}]}'];
    for (const body of bodies) {
      const odd = (async () => ({ status: 200, text: async () => body })) as unknown as typeof fetch;
      const report = await runSuite({
        url: "u",
        cases: cases.slice(0, 1),
        latencyBudgetMs: 1000,
        minAccuracy: 0,
        fetchImpl: odd,
      });
      const known = report.results.find((r) => r.kind === "known-row")!;
      assert.equal(known.passed, false, body);
      assert.match(known.detail ?? "", /^200 with a body that is not a prediction/, body);
    }
  });

  it("percentiles", () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    assert.equal(percentile([5, 1, 3, 2, 4], 95), 5);
    assert.equal(percentile([], 95), 0);
  });

  it("the runner reports success to CodePipeline with the summary, reading the API key by id", async () => {
    scoreByLabel();
    apigw.on(GetApiKeyCommand).resolves({ value: "secret-key" });
    const savedFetch = globalThis.fetch;
    const seen: { headers?: Record<string, string> }[] = [];
    globalThis.fetch = apiFetch(seen);
    try {
      const outcome = await runTests(jobEvent, () => ({
        API_URL: "https://x/test/predictions",
        API_KEY_ID: "key-id",
        LATENCY_BUDGET_MS: 1000,
        MIN_ACCURACY: 0.8,
      }));
      assert.equal(outcome.reported, "passed");
    } finally {
      globalThis.fetch = savedFetch;
    }
    assert.equal(apigw.commandCalls(GetApiKeyCommand)[0].args[0].input.includeValue, true);
    assert.equal(seen[0].headers?.["x-api-key"], "secret-key");
    const success = codepipeline.commandCalls(PutJobSuccessResultCommand)[0].args[0].input;
    assert.equal(success.jobId, "job-7");
    assert.match(success.outputVariables!.testSummary, /^passed: 20\/20/);
  });

  it("the runner reports failure with per-case details, and for errors before any test", async () => {
    scoreByLabel(10);
    const savedFetch = globalThis.fetch;
    globalThis.fetch = apiFetch();
    try {
      const outcome = await runTests(jobEvent, () => ({
        API_URL: "https://x/p",
        LATENCY_BUDGET_MS: 1000,
        MIN_ACCURACY: 0.8,
      }));
      assert.equal(outcome.reported, "failed");
    } finally {
      globalThis.fetch = savedFetch;
    }
    const message =
      codepipeline.commandCalls(PutJobFailureResultCommand)[0].args[0].input.failureDetails!.message!;
    assert.match(message, /^FAILED: 10\/20 known rows/);
    assert.match(message, /FAIL known-row test-split row/);
    const broken = await runTests(jobEvent, () => {
      throw new Error("Function misconfigured: API_URL = (missing)");
    });
    assert.equal(broken.reported, "failed");
    assert.match(
      codepipeline.commandCalls(PutJobFailureResultCommand)[1].args[0].input.failureDetails!.message!,
      /could not run the suite: Function misconfigured: API_URL/,
    );
    assert.deepEqual(await runTests({} as CodePipelineEvent), {
      reported: "nothing",
      message: "the event has no CodePipeline job id",
    });
  });
});
