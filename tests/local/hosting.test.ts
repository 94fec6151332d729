import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { handler as controller } from "../../functions/controller";
import { applyFilter, localAdapters } from "../../local/adapters";
import { stopUsingLocalServices, useLocalServices } from "../../local/aws/clients";
import { actingAs } from "../../local/aws/identity";
import { SageMakerHosting } from "../../local/aws/sagemaker-hosting";
import { startSageMaker } from "../../local/aws/sagemaker-server";
import { LocalHosting } from "../../local/aws/hosting";
import { stopAll } from "../../local/python/lifecycle";
import { checkDrift, featureDistance, ksCriticalValue } from "../../local/aws/model-monitor";
import { LocalAwsState } from "../../local/aws/state";
import { defaultAccount } from "../helpers/local-account";
import { descendantsOf, stillRunning, waitFor } from "../helpers/processes";

const ROOT = join(__dirname, "..", "..");

describe("local hosting and monitoring", function () {
  this.timeout(60_000);
  after(() => stopAll());

  it("an endpoint whose model cannot load is Failed, and the controller reports SageMaker's reason", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hosting-"));
    const account = await defaultAccount();
    const stack = account.deployment.test.outputs;
    const world = new LocalAwsState(dir, String(stack.stagingBucketName), dir);
    const artifact = world.uri("runs/x/model/model.tar.gz");
    world.write(artifact, "not a tarball");
    const hosting = new LocalHosting(world);
    const sageMaker = new SageMakerHosting(world, hosting, account);
    sageMaker.createModel({
      ModelName: "broken",
      PrimaryContainer: { Image: "img", ModelDataUrl: artifact },
      ExecutionRoleArn: String(stack.sageMakerRoleArn),
    });
    sageMaker.createEndpointConfig({
      EndpointConfigName: "c1",
      ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "broken", InitialInstanceCount: 1 }],
    });
    const sagemaker = await startSageMaker(world, account, sageMaker);
    useLocalServices({ sagemaker: sagemaker.url });
    const endpointName = String(account.deployedFunction("mlops-microservice").environment.ENDPOINT_NAME);
    await sageMaker.createEndpoint({ EndpointName: endpointName, EndpointConfigName: "c1" });
    assert.equal(world.endpoints.get(endpointName)?.status, "Failed");
    // The controller, as its role, against the local SageMaker.
    const fn = account.deployedFunction("mlops-controller");
    const session = account.assume(fn.roleArn, "lambda.amazonaws.com", fn.name);
    const call = (request: Record<string, unknown>) => actingAs(session, () => controller(request));
    await assert.rejects(
      call({ action: "checkEndpoint", endpointName, expectedConfigName: "c1" }),
      (e: Error) =>
        e.name === "EndpointFailed" &&
        new RegExp(`Endpoint ${endpointName} is Failed: could not load the model`).test(e.message),
    );
    const { handlers } = localAdapters(world, hosting, [], account, sageMaker);
    // The workflow's recovery, against the local stand-ins: recreate, delete, confirm it is gone.
    assert.deepEqual(await call({ action: "findEndpoint", endpointName }), {
      exists: true,
      status: "Failed",
      action: "recreate",
    });
    await handlers["arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint"]({ EndpointName: endpointName });
    assert.deepEqual(await call({ action: "checkEndpointDeleted", endpointName }), { deleted: true });
    assert.deepEqual(await call({ action: "findEndpoint", endpointName }), {
      exists: false,
      status: "Missing",
      action: "create",
    });
    // An SDK integration reports a service error SageMaker does not model under its base name.
    await assert.rejects(
      handlers["arn:aws:states:::aws-sdk:sagemaker:deleteEndpoint"]({ EndpointName: endpointName }),
      (e: Error) =>
        e.name === "SageMaker.SageMakerException" &&
        /Could not find endpoint ".*endpoint\/mlops-churn-test"\..*Error Code: ValidationException/.test(
          e.message,
        ),
    );
    stopUsingLocalServices();
    await hosting.stop();
  });

  it("batch transform filters: drop the label going in, keep label and score coming out", () => {
    assert.deepEqual(applyFilter("$[1:]", ["1", "a", "b"]), ["a", "b"]);
    assert.deepEqual(applyFilter("$[0,-1]", ["1", "a", "b", "0.9"]), ["1", "0.9"]);
    assert.throws(() => applyFilter("$.features", ["1"]), /not supported locally/);
  });

  it("drift: the same distribution passes, a shifted one is a violation, small samples are allowed noise", () => {
    const buckets = Array.from({ length: 10 }, (_, i) => ({
      lower_bound: i * 10,
      upper_bound: (i + 1) * 10,
      count: 100,
    }));
    const feature = {
      name: "x",
      inferred_type: "Fractional",
      numerical_statistics: { mean: 50, min: 0, max: 100, distribution: { kll: { buckets } } },
    };
    const uniform = Array.from({ length: 500 }, (_, i) => (i * 100) / 500);
    assert.ok(featureDistance(feature, uniform) < 0.02);
    const shifted = uniform.map((v) => Math.min(100, v + 30));
    assert.ok(featureDistance(feature, shifted) > 0.25);
    const constraints = { monitoring_config: { distribution_constraints: { comparison_threshold: 0.1 } } };
    assert.equal(
      checkDrift(
        { features: [feature] },
        constraints,
        uniform.map((v) => [v]),
      ).violations.length,
      0,
    );
    const report = checkDrift(
      { features: [feature] },
      constraints,
      shifted.map((v) => [v]),
    );
    assert.equal(report.violations[0].feature_name, "x");
    assert.equal(report.violations[0].constraint_check_type, "baseline_drift_check");
    assert.ok(ksCriticalValue(1000, 20) > 0.3 && ksCriticalValue(1000, 1000) < 0.08);
  });

  it("Ctrl-C stops the run, its Python workers and its servers", async () => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "local", "start.js"), "--approve", "--runs", mkdtempSync(join(tmpdir(), "sigint-"))],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    let errors = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (errors += chunk));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (output.includes("Train")) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    // The processes the run started (the job server, the prediction worker forked from it, a job),
    // recorded before the interrupt.
    const workers = descendantsOf(child.pid!).map((p) => p.pid);
    assert.ok(workers.length >= 2, "the run started its job server and prediction worker");
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    assert.equal(code, 130);
    assert.match(errors, /Interrupted: stopping local services and workers/);
    // Gone: a worker that exited but was not reaped (a zombie under a container's init) counts as gone.
    assert.ok(
      await waitFor(() => stillRunning(workers).length === 0, 3000),
      JSON.stringify(stillRunning(workers)),
    );
  });
});
