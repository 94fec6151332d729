import { InvokeEndpointCommand, SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalHosting } from "../../local/aws/hosting";
import { inProcessRuntime } from "../../local/aws/runtime-server";
import { defaultAccount } from "../helpers/local-account";
import { stopAll } from "../../local/python/lifecycle";
import { PredictionWorker } from "../../local/python/prediction-worker";
import { findPython, PYTHON_DIR, pythonEnv } from "../../local/python/python";
import { LocalAwsState } from "../../local/aws/state";

const ROOT = join(__dirname, "..", "..");

describe("local endpoint predictions", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "equality-"));
  let rows: string[];
  let python: string;

  before(() => {
    python = findPython().python;
    const prep = spawnSync(
      python,
      [
        join(ROOT, "etl", "prepare_data.py"),
        "--input",
        join(ROOT, "sample-datasets", "customer-churn.csv"),
        "--config",
        join(ROOT, "config", "ml-pipeline-config.json"),
        "--output-dir",
        join(dir, "data"),
      ],
      { encoding: "utf8" },
    );
    assert.equal(prep.status, 0, prep.stderr);
    const hyperparameters = JSON.stringify({
      objective: "binary:logistic",
      num_round: "50",
      max_depth: "5",
      eta: "0.2",
      eval_metric: "auc",
    });
    const train = spawnSync(
      python,
      [
        join(PYTHON_DIR, "train.py"),
        "--train",
        join(dir, "data", "train"),
        "--validation",
        join(dir, "data", "validation"),
        "--hyperparameters",
        hyperparameters,
        "--output-dir",
        join(dir, "model"),
      ],
      { encoding: "utf8" },
    );
    assert.equal(train.status, 0, train.stderr);
    rows = readFileSync(join(dir, "data", "test", "test.csv"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split(",").slice(1).join(","));
  });

  after(() => stopAll());

  it("equal Python xgboost's for the same model and rows (max abs difference ≤ 1e-6)", async () => {
    // Python xgboost directly, printing full double precision.
    const script = [
      "import sys, tarfile, tempfile, numpy as np, xgboost as xgb",
      "t = tarfile.open(sys.argv[1]); d = tempfile.mkdtemp(); t.extractall(d)",
      "b = xgb.Booster(model_file=d + '/xgboost-model')",
      "x = np.loadtxt(sys.argv[2], delimiter=',', ndmin=2)[:, 1:]",
      "print('\\n'.join(repr(float(p)) for p in b.predict(xgb.DMatrix(x))))",
    ].join("\n");
    const direct = spawnSync(
      python,
      ["-c", script, join(dir, "model", "model.tar.gz"), join(dir, "data", "test", "test.csv")],
      { encoding: "utf8" },
    );
    assert.equal(direct.status, 0, direct.stderr);
    const expected = direct.stdout.trim().split("\n").map(Number);

    const world = new LocalAwsState(dir, "bucket", dir);
    world.models.set("m", {
      artifact: join(dir, "model", "model.tar.gz"),
      artifactPath: join(dir, "model", "model.tar.gz"),
      image: "local",
    });
    world.endpointConfigs.set("c", { variants: [{ name: "AllTraffic", model: "m", weight: 1 }] });
    const hosting = new LocalHosting(world);
    // The endpoint the test stack's microservice calls, called with that function's role.
    const account = await defaultAccount();
    const fn = account.deployedFunction("mlops-microservice");
    const endpointName = String(fn.environment.ENDPOINT_NAME);
    assert.equal((await hosting.deploy(endpointName, "c")).status, "InService");
    const session = account.assume(fn.roleArn, "lambda.amazonaws.com", fn.name);
    const client = new SageMakerRuntimeClient({
      endpoint: "http://runtime.sagemaker.local",
      requestHandler: inProcessRuntime(hosting, account),
      region: account.region,
      credentials: session,
    });
    const actual: number[] = [];
    for (let i = 0; i < rows.length; i += 50) {
      const response = await client.send(
        new InvokeEndpointCommand({
          EndpointName: endpointName,
          ContentType: "text/csv",
          Body: new TextEncoder().encode(rows.slice(i, i + 50).join("\n")),
        }),
      );
      actual.push(...new TextDecoder().decode(response.Body).split("\n").map(Number));
      assert.equal(response.InvokedProductionVariant, "AllTraffic");
    }
    assert.equal(actual.length, expected.length);
    assert.ok(actual.length > 400);
    const worst = Math.max(...actual.map((v, i) => Math.abs(v - expected[i])));
    assert.ok(worst <= 1e-6, `max abs difference ${worst}`);
    await hosting.stop();
  });

  it("requests that reach the worker together are scored as each alone, and a bad one fails alone", async () => {
    const worker = new PredictionWorker();
    await worker.load("m", join(dir, "model", "model.tar.gz"));
    const requests = rows.slice(0, 60).map((row, i) => (i % 7 === 3 ? rows.slice(i, i + 5).join("\n") : row));
    const alone: string[] = [];
    for (const csv of requests) alone.push(await worker.predict("m", csv));
    const before = await worker.stats();
    const bad = assert.rejects(worker.predict("m", "1,2,3"), /expected \d+ features per row, got 3/);
    const together = await Promise.all(requests.map((csv) => worker.predict("m", csv)));
    await bad;
    const after = await worker.stats();
    assert.deepEqual(together, alone);
    assert.equal(after.requests - before.requests, requests.length);
    assert.ok(
      after.calls - before.calls < requests.length / 2,
      `${after.calls - before.calls} XGBoost calls for ${requests.length} requests sent together`,
    );
    await worker.stop();
  });
});

describe("Python children's environment", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("one OpenMP thread that sleeps when idle, so an idle evaluation thread cannot spin against Node", () => {
    delete process.env.OMP_NUM_THREADS;
    delete process.env.OMP_WAIT_POLICY;
    const env = pythonEnv();
    assert.equal(env.OMP_NUM_THREADS, "1");
    assert.equal(env.OMP_WAIT_POLICY, "PASSIVE");
  });

  it("a user's own OpenMP settings win", () => {
    process.env.OMP_NUM_THREADS = "4";
    assert.equal(pythonEnv().OMP_NUM_THREADS, "4");
  });
});
