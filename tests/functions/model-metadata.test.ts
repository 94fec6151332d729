import { strict as assert } from "node:assert";
import fc from "fast-check";
import { fromMetadataValue, metadataValue } from "../../functions/lib/model-metadata";
import { validateShape } from "../../local/aws/validate";

/** What SageMaker's API model says a CustomerMetadataValue must be. */
const accepted = (value: string) => validateShape("sagemaker", "CustomerMetadataValue", value).length === 0;

describe("model package lineage values (CustomerMetadataProperties)", () => {
  it("a plain S3 URI is kept as it is", () => {
    const uri = "s3://mlops-staging/datasets/customer-churn.csv";
    assert.equal(metadataValue(uri), uri);
  });

  it("characters SageMaker refuses are written =XX per UTF-8 byte, and read back", () => {
    const uri = "s3://b/datasets/churn (copy), 2025 = v2.csv";
    const value = metadataValue(uri);
    assert.equal(value, "s3://b/datasets/churn =28copy=29=2C 2025 =3D v2.csv");
    assert.ok(accepted(value));
    assert.ok(!accepted(uri), "the raw key is what SageMaker refuses");
    assert.equal(fromMetadataValue(value), uri);
  });

  it("any text, of any length, becomes a value SageMaker accepts; whole ones read back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 1100 }), (text) => {
        const value = metadataValue(text);
        assert.ok(accepted(value), JSON.stringify(value));
        if (!value.includes("@sha256:")) assert.equal(fromMetadataValue(value), text || "none");
      }),
      { numRuns: 300 },
    );
  });

  it("a value too long is cut with the digest of the whole, never inside an escape", () => {
    const uri = `s3://b/${"é(".repeat(200)}.csv`;
    const value = metadataValue(uri);
    assert.ok(value.length <= 256 && accepted(value));
    assert.match(value, /@sha256:[0-9a-f]{16}$/);
    assert.ok(uri.startsWith(fromMetadataValue(value)));
    assert.notEqual(metadataValue(`${uri}x`), value, "different texts keep different values");
  });
});
