import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLocalPipeline } from "../../local/run/pipeline";

/**
 * The test endpoint outlives a run, as in SageMaker, so a run finds the previous run's endpoint and
 * updates it; where SageMaker cannot update it (an instance endpoint to serverless), the run
 * replaces it instead of failing.
 */

const ROOT = join(__dirname, "..", "..");
const CONFIG = join(ROOT, "config", "ml-pipeline-config.json");

function instanceConfig(): string {
  const config = JSON.parse(readFileSync(CONFIG, "utf8"));
  delete config.endpoints.test.serverless;
  const path = join(mkdtempSync(join(tmpdir(), "instance-cfg-")), "config.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe("the test endpoint between runs: updated, or replaced where SageMaker cannot update it", function () {
  this.timeout(120_000);
  const runsRoot = mkdtempSync(join(tmpdir(), "kinds-"));
  const run = (configPath: string) =>
    runLocalPipeline({
      dataPath: join(ROOT, "sample-datasets", "customer-churn.csv"),
      configPath,
      approval: "reject",
      runsRoot,
      log: () => undefined,
    });

  it("an instance endpoint, then a serverless config: the endpoint is replaced, not updated", async () => {
    const first = await run(instanceConfig());
    assert.equal(first.outcome, "rejected", first.message);
    const second = await run(CONFIG);
    assert.equal(second.outcome, "rejected", second.message);
    const hosting = JSON.parse(readFileSync(join(runsRoot, "sagemaker-hosting.json"), "utf8")) as {
      endpoints: [string, { configName: string; status: string }][];
      endpointConfigs: [string, { serverless?: object }][];
    };
    const [, endpoint] = hosting.endpoints.find(([name]) => name === "mlops-churn-test")!;
    assert.equal(endpoint.status, "InService");
    assert.equal(endpoint.configName, second.input!.endpoint.configName);
    assert.ok(new Map(hosting.endpointConfigs).get(endpoint.configName)?.serverless, "now serverless");
  });

  it("serverless to instances is an update SageMaker allows", async () => {
    const third = await run(instanceConfig());
    assert.equal(third.outcome, "rejected", third.message);
  });
});
