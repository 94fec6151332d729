import { strict as assert } from "node:assert";
import { loadMlPipelineConfig } from "../../config/ml-config";
import { buildRunInput, SAGEMAKER_NAME } from "../../functions/lib/run-input";
import { ML_CONFIG_PATH } from "../../infra/program-config";

const config = loadMlPipelineConfig(ML_CONFIG_PATH);
const env = {
  bucket: "staging-bucket",
  configKey: "config/ml-pipeline-config.json",
  modelPackageGroupName: "mlops-churn-test",
  image: "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1",
};
const trigger = {
  commitId: "0123456789abcdef0123456789abcdef01234567",
  source: "push" as const,
  startedAt: new Date("2026-11-28T08:24:10Z"),
};

describe("run input", () => {
  it("names the run after time and commit, and every SageMaker name fits the rules", () => {
    const input = buildRunInput(config, trigger, env);
    assert.equal(input.runId, "20261128-082410-0123456");
    for (const name of [
      input.training.jobName,
      input.model.name,
      input.endpoint.configName,
      input.evaluation.transformJobName,
    ]) {
      assert.match(name, SAGEMAKER_NAME);
      assert.ok(name.endsWith(input.runId), name);
    }
    const long = {
      ...config,
      name: "a".repeat(48),
      endpoints: { ...config.endpoints, test: { ...config.endpoints.test, name: "b".repeat(48) } },
    };
    const longInput = buildRunInput(long, trigger, env);
    for (const name of [longInput.training.jobName, longInput.endpoint.configName])
      assert.ok(name.length <= 63, name);
  });

  it("carries the config: data locations, hyperparameters as strings, gate, endpoint settings", () => {
    const input = buildRunInput(config, trigger, env);
    assert.equal(input.data.rawUri, "s3://staging-bucket/datasets/customer-churn.csv");
    assert.equal(input.data.trainUri, `s3://staging-bucket/runs/${input.runId}/data/train/`);
    assert.equal(input.training.hyperparameters.num_round, "100");
    assert.equal(input.training.hyperparameters.objective, "binary:logistic");
    assert.equal(
      input.training.image,
      "246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1",
    );
    assert.equal(input.training.trainDistribution, "FullyReplicated");
    assert.deepEqual(input.gate, config.gate);
    assert.equal(input.endpoint.name, "mlops-churn-test");
    assert.equal(input.endpoint.captureSamplingPercent, 100);
    assert.equal(input.experiment.trialName, "commit-0123456789ab-20261128-082410");
  });

  it("shards training data when training is distributed, and honours a data key from the trigger", () => {
    const distributed = { ...config, training: { ...config.training, instanceCount: 3 } };
    const input = buildRunInput(
      distributed,
      { ...trigger, source: "data", dataKey: "datasets/new.csv" },
      env,
    );
    assert.equal(input.training.trainDistribution, "ShardedByS3Key");
    assert.equal(input.training.instanceCount, 3);
    assert.equal(input.data.rawUri, "s3://staging-bucket/datasets/new.csv");
    assert.equal(input.triggerSource, "data");
  });

  it("local runs use the same s3:// URIs, under the local bucket", () => {
    const input = buildRunInput(config, { ...trigger, source: "local" }, { ...env, bucket: "local-staging" });
    assert.equal(input.data.rawUri, "s3://local-staging/datasets/customer-churn.csv");
    assert.equal(input.triggerSource, "local");
  });
});
