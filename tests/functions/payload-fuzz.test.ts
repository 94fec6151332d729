import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import type { APIGatewayProxyEvent } from "aws-lambda";
import fc from "fast-check";
import { strict as assert } from "node:assert";
import { predict, type MicroserviceSettings } from "../../functions/microservice";

const settings: MicroserviceSettings = { endpointName: "e", featureCount: 4, threshold: 0.5, maxBatch: 5 };
let runtime: AwsClientStub<SageMakerRuntimeClient>;

/** Bodies a client might send: any JSON, any text, and near-misses of the real shapes. */
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(1e39, -1e308, 3.4e38, 0, -0));
const cell = fc.oneof(number, fc.string({ maxLength: 20 }), fc.constant(null), fc.boolean());
const row = fc.array(cell, { maxLength: 6 });
const bodies = fc.oneof(
  fc.json(),
  fc.string({ maxLength: 200 }),
  fc.record({ features: row }).map((b) => JSON.stringify(b)),
  fc.record({ instances: fc.array(row, { maxLength: 7 }) }).map((b) => JSON.stringify(b)),
  fc.dictionary(fc.string({ maxLength: 500 }), fc.jsonValue(), { maxKeys: 3 }).map((b) => JSON.stringify(b)),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"features":${"[".repeat(depth)}${"]".repeat(depth)}}`),
);

describe("the prediction API's payload parser under generated input (fast-check)", function () {
  this.timeout(120_000);
  before(() => {
    runtime = mockClient(SageMakerRuntimeClient);
  });
  after(() => runtime.restore());

  it("answers 1,000 generated payloads with 200 or a 4xx whose message is at most 300 characters", async () => {
    runtime.on(InvokeEndpointCommand).callsFake((input: { Body: Uint8Array }) => {
      const rows = new TextDecoder().decode(input.Body).split("\n");
      return { Body: new TextEncoder().encode(rows.map(() => "0.25").join("\n")) };
    });
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const result = await predict({ httpMethod: "POST", body } as APIGatewayProxyEvent, settings);
        const answer = JSON.parse(result.body) as { message?: string; predictions?: unknown[] };
        if (result.statusCode === 200)
          return Array.isArray(answer.predictions) && answer.predictions.length > 0;
        return result.statusCode >= 400 && result.statusCode < 500 && (answer.message ?? "").length <= 300;
      }),
      { numRuns: 1000, seed: 20261129 },
    );
  });

  it("names the feature of a value the model cannot take, and never echoes a long input", async () => {
    const answer = async (body: string) => {
      const result = await predict({ httpMethod: "POST", body } as APIGatewayProxyEvent, settings);
      return { status: result.statusCode, message: String(JSON.parse(result.body).message) };
    };
    assert.deepEqual(await answer('{"features":[1,2,1e39,4]}'), {
      status: 400,
      message: "features[2] is outside the float32 range the model reads (±3.4e38), got 1e+39",
    });
    const long = await answer(JSON.stringify({ ["x".repeat(100_000)]: 1 }));
    assert.equal(long.status, 400);
    assert.ok(long.message.length <= 300, long.message.slice(0, 100));
  });
});
