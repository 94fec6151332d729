import { strict as assert } from "node:assert";
import { DescribeEndpointCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { loadArchive } from "../helpers/lambda-archive";
import { lambdaErrorResponse } from "../helpers/lambda-runtime-error";
import { offline, ofType, one } from "../helpers/offline";

/**
 * `pulumi up` uploads what Pulumi serialized from each handler's closure. A handler that captures
 * something that cannot be serialized (a built zod schema, a bound native) fails the deployment, and
 * one that loads but lost a module fails on its first event; both are caught here, offline.
 */

type Handler = { handler: (event: unknown) => Promise<{ statusCode?: number; body?: string }> };

describe("Lambda archives: every handler as Pulumi packs it", function () {
  this.timeout(180_000);

  for (const stack of ["test", "prod"] as const) {
    it(`${stack}: each function's archive loads and exports its handler`, async () => {
      const functions = ofType(await offline({ stack }), "aws:lambda/function:Function");
      assert.ok(functions.length > 0, `expected the stack's functions, found none`);
      for (const fn of functions) {
        const archive = loadArchive<Handler>(fn);
        try {
          assert.equal(typeof archive.module.handler, "function", `${fn.name} exports no handler`);
        } finally {
          archive.restore();
        }
      }
    });
  }

  it("the packed microservice validates a payload (its schema is built inside the archive)", async () => {
    const run = await offline({ stack: "test" });
    const archive = loadArchive<Handler>(one(run, "aws:lambda/function:Function", "mlops-microservice"));
    try {
      const response = await archive.module.handler({ httpMethod: "POST", body: '{"features": [1e39]}' });
      assert.equal(response.statusCode, 400);
      assert.match(String(response.body), /features/);
    } finally {
      archive.restore();
    }
  });

  it("the packed controller's errors reach Step Functions by name, with their message", async () => {
    const run = await offline({ stack: "test" });
    const archive = loadArchive<Handler>(one(run, "aws:lambda/function:Function", "mlops-controller"));
    const sagemaker = mockClient(SageMakerClient);
    const thrown = async (event: unknown) =>
      lambdaErrorResponse(
        await archive.module.handler(event).then(
          () => "no error",
          (error) => error,
        ),
      );
    try {
      sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: "Creating" } as never);
      assert.deepEqual(
        await thrown({ action: "checkEndpoint", endpointName: "e", expectedConfigName: "c" }),
        {
          errorType: "EndpointPending",
          errorMessage: "Endpoint e is Creating",
        },
      );
      const badRequest = await thrown({ action: "findEndpoint" });
      assert.equal(badRequest.errorType, "BadRequest");
      assert.match(badRequest.errorMessage, /endpointName/);
    } finally {
      archive.restore();
      sagemaker.restore();
    }
  });
});
