import { strict as assert } from "node:assert";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromMetadataValue } from "../../functions/lib/model-metadata";
import { runLocalPipeline, type LocalRunOptions } from "../../local/run/pipeline";
import { withDefinition } from "../helpers/planted-deployment";

/**
 * A local run's calls are validated against AWS's API models, patterns included: a data set whose
 * name SageMaker's metadata pattern refuses still registers its model (its lineage is written in a
 * form SageMaker accepts), and a definition that passes the raw key fails the run where SageMaker
 * would, with SageMaker's message.
 */

const ROOT = join(__dirname, "..", "..");
const ODD_NAME = "churn (copy), 2025.csv";

/** The sample data under an odd name: a run stages and trains on it under that name. */
function oddlyNamed(): Pick<LocalRunOptions, "dataPath" | "configPath"> {
  const dataPath = join(mkdtempSync(join(tmpdir(), "odd-data-")), ODD_NAME);
  copyFileSync(join(ROOT, "sample-datasets", "customer-churn.csv"), dataPath);
  return { dataPath, configPath: join(ROOT, "config", "ml-pipeline-config.json") };
}

const run = (change?: LocalRunOptions["changeDeployment"]) =>
  runLocalPipeline({
    ...oddlyNamed(),
    approval: "reject",
    runsRoot: mkdtempSync(join(tmpdir(), "odd-runs-")),
    log: () => undefined,
    changeDeployment: change,
  });

describe("local mode validates every call against the API models, patterns included", function () {
  this.timeout(120_000);

  it("a data set named outside SageMaker's metadata pattern registers, its lineage readable", async () => {
    const result = await run();
    assert.equal(result.outcome, "rejected", result.message);
    const lineage = result.modelPackage?.customerMetadata.dataUri ?? "";
    assert.equal(lineage, "s3://mlops-staging-bucket-53ab21c/datasets/churn =28copy=29=2C 2025.csv");
    assert.equal(fromMetadataValue(lineage), result.input?.data.rawUri);
  });

  it("a definition that registers the raw data key fails at RegisterModel with SageMaker's ValidationException", async () => {
    const result = await run(
      withDefinition((definition) => {
        const register = definition.States.RegisterModel as {
          Parameters: Record<string, Record<string, unknown>>;
        };
        register.Parameters.CustomerMetadataProperties["dataUri.$"] = "$$.Execution.Input.data.rawUri";
      }),
    );
    assert.equal(result.failedState, "RegistrationFailed");
    assert.match(
      result.message,
      /1 validation error detected: Value '\{.*dataUri=s3:\/\/[\w-]+\/datasets\/churn \(copy\), 2025\.csv.*\}' at 'customerMetadataProperties' failed to satisfy constraint: Map value must satisfy constraint: \[Member must satisfy regular expression pattern: /,
    );
    assert.match(result.message, /Error Code: ValidationException/);
  });
});
