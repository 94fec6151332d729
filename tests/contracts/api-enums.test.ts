import { EndpointStatus } from "@aws-sdk/client-sagemaker";
import { strict as assert } from "node:assert";
import { ENDPOINT_STATUS, endpointKind } from "../../functions/controller";
import { apiModel } from "../../local/aws/api-model";

/** Statuses an API lists that a classification table does not. */
function unclassified(statuses: Iterable<string>, table: Record<string, string>): string[] {
  return [...new Set(statuses)].filter((s) => !(s in table)).sort();
}

/** The endpoint statuses SageMaker can report: the vendored API model and the JavaScript SDK's enum. */
function endpointStatuses(): string[] {
  const model = apiModel("sagemaker");
  const shape = model.shapes[model.shapes.DescribeEndpointOutput.members!.EndpointStatus.shape];
  return [...(shape.enum ?? []), ...Object.values(EndpointStatus)];
}

describe("AWS contract: status enums the handlers branch on", () => {
  it("every endpoint status in SageMaker's API models has a meaning for the pipeline", () => {
    const statuses = endpointStatuses();
    assert.ok(statuses.includes("UpdateRollbackFailed") && statuses.includes("Failed"));
    assert.deepEqual(unclassified(statuses, ENDPOINT_STATUS), []);
  });

  it("terminal statuses are failures at once, and no status is waited on forever", () => {
    for (const status of ["Failed", "UpdateRollbackFailed", "OutOfService"])
      assert.equal(endpointKind(status), "broken", status);
    assert.equal(endpointKind("Creating"), "busy");
    assert.equal(endpointKind("SomethingNew"), "unknown");
  });

  it("catches a status the API lists and the table does not (planted)", () => {
    const { Failed: _failed, ...withoutFailed } = ENDPOINT_STATUS;
    assert.deepEqual(unclassified([...endpointStatuses(), "Hibernating"], withoutFailed), [
      "Failed",
      "Hibernating",
    ]);
  });
});
