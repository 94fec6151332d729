import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { API_MODELS_DIR, apiModel, modelsVersion } from "../../local/aws/api-model";
import { javaToJs, wholeValuePattern } from "../../local/aws/java-regex";
import { validateInput, validationMessage } from "../../local/aws/validate";

/** A valid CreateModelPackage request, to break one member at a time. */
const registration = () => ({
  ModelPackageGroupName: "customer-churn-test",
  ModelApprovalStatus: "PendingManualApproval",
  InferenceSpecification: {
    Containers: [{ Image: "img", ModelDataUrl: "s3://b/m/model.tar.gz" }],
    SupportedContentTypes: ["text/csv"],
    SupportedResponseMIMETypes: ["text/csv"],
  },
  CustomerMetadataProperties: { dataUri: "s3://b/datasets/customer-churn.csv" },
});

describe("AWS API models: vendored, and every request checked against them", () => {
  it("are a current botocore's (it knows ml.g6 instances and CodePipeline V2 variables)", () => {
    assert.match(modelsVersion(), /^1\.(4[3-9]|[5-9]\d)\./);
    const instanceTypes = apiModel("sagemaker").shapes.ProductionVariantInstanceType.enum ?? [];
    assert.ok(instanceTypes.includes("ml.g6.xlarge"));
    assert.ok(apiModel("codepipeline").shapes.StartPipelineExecutionInput.members?.variables);
  });

  it("every pattern of every vendored model compiles to a whole-value matcher", () => {
    let count = 0;
    for (const file of readdirSync(API_MODELS_DIR).filter((f) => /^[a-z-]+\.json$/.test(f))) {
      if (file === "source.json") continue;
      for (const shape of Object.values(apiModel(file.replace(/\.json$/, "")).shapes)) {
        if (shape.pattern === undefined) continue;
        count++;
        assert.doesNotThrow(() => wholeValuePattern(shape.pattern!), shape.pattern);
      }
    }
    assert.ok(count > 700, `${count} patterns`);
  });

  it("translates Java's pattern dialect: POSIX classes, \\A and \\z, a repeated anchor", () => {
    assert.equal(javaToJs("\\A\\S[\\p{Print}]*\\z"), "^\\S[ -~]*$");
    assert.equal(javaToJs("[\\p{Alnum}\\-]+"), "[a-zA-Z0-9\\-]+");
    assert.equal(javaToJs("([\\p{L}\\p{N}_]*)${1,256}"), "([\\p{L}\\p{N}_]*)$");
    assert.equal(javaToJs("[a-z\\_]"), "[a-z_]");
    assert.ok(wholeValuePattern("[a-z]+").test("abc"));
    assert.ok(!wholeValuePattern("[a-z]+").test("abc1"), "the whole value, not a part of it");
  });

  it("accepts a valid request", () => {
    assert.deepEqual(validateInput("sagemaker", "CreateModelPackage", registration()), []);
  });

  it("refuses a metadata value outside SageMaker's pattern, in SageMaker's words", () => {
    const request = registration();
    request.CustomerMetadataProperties.dataUri = "s3://b/datasets/churn (copy).csv";
    const violations = validateInput("sagemaker", "CreateModelPackage", request);
    assert.equal(violations.length, 1);
    assert.equal(
      validationMessage(violations),
      "1 validation error detected: Value '{dataUri=s3://b/datasets/churn (copy).csv}' at 'customerMetadataProperties' failed to satisfy constraint: Map value must satisfy constraint: [Member must satisfy regular expression pattern: ([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,256}]",
    );
    request.CustomerMetadataProperties.dataUri = `s3://b/${"x".repeat(300)}`;
    assert.match(
      validationMessage(validateInput("sagemaker", "CreateModelPackage", request)),
      /Map value must satisfy constraint: \[Member must have length less than or equal to 256\]/,
    );
  });

  it("names list items from 1, missing members, enums and ranges as the services do", () => {
    const violations = validateInput("sagemaker", "CreateEndpointConfig", {
      EndpointConfigName: "cfg",
      ProductionVariants: [
        { VariantName: "ok", ModelName: "m", InstanceType: "ml.m5.large", InitialInstanceCount: 1 },
        { ModelName: "bad name", InstanceType: "ml.huge", InitialInstanceCount: 0 },
      ],
    });
    const text = validationMessage(violations);
    assert.match(text, /^4 validation errors detected: /);
    assert.match(
      text,
      /Value null at 'productionVariants\.2\.member\.variantName' failed to satisfy constraint: Member must not be null/,
    );
    assert.match(
      text,
      /at 'productionVariants\.2\.member\.modelName' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
    assert.match(
      text,
      /Value 'ml\.huge' at 'productionVariants\.2\.member\.instanceType' failed to satisfy constraint: Member must satisfy enum value set: \[ml\.t2\.medium/,
    );
    assert.match(
      text,
      /Value '0' at 'productionVariants\.2\.member\.initialInstanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1/,
    );
  });

  it("refuses members the API does not have and values of the wrong type", () => {
    const violations = validateInput("sagemaker", "DescribeEndpoint", { EndpointName: 7, Extra: true });
    assert.deepEqual(
      violations.map((v) => [v.path, v.constraint.split(" (")[0]]),
      [
        ["endpointName", "Member must be a string"],
        ["extra", "Member is not in the API's DescribeEndpointInput"],
      ],
    );
  });
});
