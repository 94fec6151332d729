import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import { handler, predict, type MicroserviceSettings } from "../../functions/microservice";

let runtime: AwsClientStub<SageMakerRuntimeClient>;
const settings: MicroserviceSettings = {
  endpointName: "mlops-churn-test",
  featureCount: 3,
  threshold: 0.5,
  maxBatch: 2,
};
const event = (body: string | null, httpMethod = "POST") => ({ body, httpMethod }) as APIGatewayProxyEvent;
const scores = (text: string) =>
  ({ Body: new TextEncoder().encode(text), InvokedProductionVariant: "AllTraffic" }) as never;
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

async function expect400(body: string | null, message: RegExp) {
  const response = await predict(event(body), settings);
  assert.equal(response.statusCode, 400, response.body);
  assert.match(JSON.parse(response.body).message, message);
}

describe("microservice", () => {
  // Installed per suite, so a suite run before or after this one sees the real clients.
  before(() => {
    runtime = mockClient(SageMakerRuntimeClient);
  });
  // Client mocks patch the SDK classes for every instance; hand them back for the other suites.
  after(() => {
    runtime.restore();
  });

  beforeEach(() => runtime.reset());

  it("scores one row: CSV to the endpoint, probability and class back", async () => {
    runtime.on(InvokeEndpointCommand).resolves(scores("0.83"));
    const response = await predict(event(JSON.stringify({ features: [1, 2.5, 3] })), settings);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(JSON.parse(response.body), {
      predictions: [{ probability: 0.83, class: 1 }],
      endpoint: "mlops-churn-test",
      variant: "AllTraffic",
    });
    const input = runtime.commandCalls(InvokeEndpointCommand)[0].args[0].input;
    assert.equal(input.EndpointName, "mlops-churn-test");
    assert.equal(input.ContentType, "text/csv");
    assert.equal(new TextDecoder().decode(input.Body as Uint8Array), "1,2.5,3");
  });

  it("scores a batch, whichever separator the endpoint uses", async () => {
    for (const body of ["0.1\n0.7", "0.1,0.7"]) {
      runtime.on(InvokeEndpointCommand).resolves(scores(body));
      const response = await predict(
        event(
          JSON.stringify({
            instances: [
              [1, 2, 3],
              [4, 5, 6],
            ],
          }),
        ),
        settings,
      );
      assert.deepEqual(JSON.parse(response.body).predictions, [
        { probability: 0.1, class: 0 },
        { probability: 0.7, class: 1 },
      ]);
    }
    assert.equal(
      new TextDecoder().decode(
        runtime.commandCalls(InvokeEndpointCommand)[0].args[0].input.Body as Uint8Array,
      ),
      "1,2,3\n4,5,6",
    );
  });

  it("answers bad input with 400 and a message naming the problem, without calling the endpoint", async () => {
    await expect400(null, /the request body is empty/);
    await expect400("{nope", /the request body is not JSON/);
    await expect400("[1,2,3]", /must be an object/);
    await expect400(JSON.stringify({ features: [1, 2] }), /^features must have 3 values, got 2$/);
    await expect400(
      JSON.stringify({ features: [1, "2", 3] }),
      /^features\[1\] must be a finite number, got "2"$/,
    );
    await expect400(
      JSON.stringify({ features: [1, null, 3] }),
      /features\[1\] must be a finite number, got null/,
    );
    await expect400(JSON.stringify({ features: "1,2,3" }), /features must be a list of 3 numbers/);
    await expect400(
      JSON.stringify({
        instances: [
          [1, 2, 3],
          [1, 2],
        ],
      }),
      /^instances\[1\] must have 3 values, got 2$/,
    );
    await expect400(
      JSON.stringify({
        instances: [
          [1, 2, 3],
          [1, 2, 3],
          [1, 2, 3],
        ],
      }),
      /^instances has 3 rows; at most 2 per request$/,
    );
    await expect400(JSON.stringify({ instances: [] }), /non-empty list/);
    await expect400(
      JSON.stringify({ features: [1, 2, 3], instances: [[1, 2, 3]] }),
      /either "features" or "instances"/,
    );
    await expect400(JSON.stringify({ rows: [1, 2, 3] }), /unknown field "rows"/);
    await expect400("{}", /missing "features"/);
    assert.equal(runtime.calls().length, 0);
  });

  it("refuses numbers the model cannot read (past float32, infinite) and never echoes a long value", async () => {
    await expect400(
      '{"features": [1, 1e39, 3]}',
      /^features\[1\] is outside the float32 range .* got 1e\+39$/,
    );
    await expect400(
      '{"features": [1, 2, -1e308]}',
      /^features\[2\] is outside the float32 range .* got -1e\+308$/,
    );
    await expect400('{"instances": [[1, 2, 3], [1e999, 2, 3]]}', /^instances\[1\]\[0\] .* got Infinity$/);
    const long = "x".repeat(5000);
    const response = await predict(event(JSON.stringify({ features: [1, long, 3] })), settings);
    assert.equal(response.statusCode, 400);
    assert.ok(response.body.length < 200, response.body);
    const ok = await predict(event('{"features": [3.4e38, -3.4e38, 0]}'), settings).catch((e) => e);
    assert.notEqual(ok.statusCode, 400, "values inside float32 range are accepted");
  });

  it("refuses other methods", async () => {
    assert.equal((await predict(event(null, "GET"), settings)).statusCode, 405);
  });

  it("maps endpoint trouble to 503 (retry may help) or 502, with a safe message", async () => {
    const cases: [Error, number][] = [
      [named("ThrottlingException", "Rate exceeded"), 503],
      [named("ValidationError", "Endpoint mlops-churn-test of account 123 not found."), 503],
      [named("ModelError", 'Received client error (400) from primary with message "bad input"'), 502],
      [new Error("connect ECONNREFUSED 127.0.0.1:9999"), 503],
    ];
    for (const [error, status] of cases) {
      runtime.on(InvokeEndpointCommand).rejects(error);
      const response = await predict(event(JSON.stringify({ features: [1, 2, 3] })), settings);
      assert.equal(response.statusCode, status, error.message);
      assert.doesNotMatch(response.body, /at .*\.ts|ECONNREFUSED|account 123/);
    }
    runtime.on(InvokeEndpointCommand).resolves(scores("0.1,0.2"));
    assert.equal(
      (await predict(event(JSON.stringify({ features: [1, 2, 3] })), settings)).statusCode,
      502,
      "score count mismatch",
    );
  });

  it("the handler reads its settings from the environment and never leaks a stack trace", async () => {
    const saved = { ...process.env };
    try {
      delete process.env.ENDPOINT_NAME;
      const response = await handler(event(JSON.stringify({ features: [1] })));
      assert.equal(response.statusCode, 500);
      assert.deepEqual(JSON.parse(response.body), { message: "internal error" });
      Object.assign(process.env, { ENDPOINT_NAME: "e", FEATURE_COUNT: "1" });
      runtime.on(InvokeEndpointCommand).resolves(scores("0.2"));
      assert.equal((await handler(event(JSON.stringify({ features: [1] })))).statusCode, 200);
    } finally {
      process.env = saved;
    }
  });
});
