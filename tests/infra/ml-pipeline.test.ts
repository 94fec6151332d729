import { CodePipelineClient, PutJobSuccessResultCommand } from "@aws-sdk/client-codepipeline";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DescribeEndpointCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import aslValidator from "asl-validator";
import { mockClient } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import type { OfflineRun } from "../../tools/offline/harness";
import { ML_CONFIG_PATH } from "../../infra/program-config";
import { loadArchive } from "../helpers/lambda-archive";
import { offline, ofType, one, statements } from "../helpers/offline";

type Definition = { StartAt: string; States: Record<string, Record<string, unknown>> };

describe("MlPipeline in the test stack", () => {
  let run: OfflineRun;
  let definition: Definition;
  before(async () => {
    run = await offline({ stack: "test" });
    definition = JSON.parse(String(one(run, "aws:sfn/stateMachine:StateMachine").inputs.definition));
  });

  it("declares a state machine whose definition is valid ASL with the pipeline's integrations", () => {
    assert.equal(aslValidator(structuredClone(definition)).isValid, true);
    const resources = Object.values(definition.States).map((s) => s.Resource);
    for (const resource of [
      "arn:aws:states:::glue:startJobRun.sync",
      "arn:aws:states:::sagemaker:createTrainingJob.sync",
      "arn:aws:states:::sagemaker:createTransformJob.sync",
      "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
      "arn:aws:states:::sagemaker:createEndpointConfig",
      "arn:aws:states:::sagemaker:createEndpoint",
      "arn:aws:states:::sagemaker:updateEndpoint",
    ]) {
      assert.ok(resources.includes(resource), resource);
    }
    const gate = JSON.stringify(definition.States.Gate);
    assert.match(gate, /"Variable":"\$\.evaluation\.testAuc"/);
    assert.match(gate, /"NumericGreaterThanEqualsPath":"\$\.evaluation\.gate\.minTestAuc"/);
  });

  it("wires the definition to this stack's Glue job, controller, SageMaker role and key", () => {
    assert.equal(
      (definition.States.PrepareData.Parameters as Record<string, unknown>).JobName,
      "mlops-data-prep-test",
    );
    const controller = one(run, "aws:lambda/function:Function", "mlops-controller");
    assert.equal(
      (definition.States.Evaluate.Parameters as Record<string, unknown>).FunctionName,
      "arn:aws:lambda:us-west-2:123456789012:function:mlops-controller-test",
    );
    assert.equal(controller.inputs.name, "mlops-controller-test");
    const role = ofType(run, "aws:iam/role:Role").find((r) => r.name === "mlops-sagemaker-role")!;
    assert.ok(role);
    assert.match(
      String((definition.States.Train.Parameters as Record<string, unknown>).RoleArn),
      /^arn:aws:iam::123456789012:role\/mlops-sagemaker-role-/,
    );
    assert.match(
      String((definition.States.CreateEndpointConfig.Parameters as Record<string, unknown>).KmsKeyId),
      /^arn:aws:kms:us-west-2:123456789012:key\//,
    );
  });

  it("logs every execution with its data to an encrypted log group and traces with X-Ray", () => {
    const sm = one(run, "aws:sfn/stateMachine:StateMachine").inputs;
    const logging = sm.loggingConfiguration as Record<string, unknown>;
    assert.equal(logging.level, "ALL");
    assert.equal(logging.includeExecutionData, true);
    assert.equal(
      logging.logDestination,
      "arn:aws:logs:us-west-2:123456789012:log-group:/mlops/test/states/mlops-ml-pipeline-test:*",
    );
    assert.deepEqual(sm.tracingConfiguration, { enabled: true });
    assert.equal((sm.encryptionConfiguration as Record<string, unknown>).type, "CUSTOMER_MANAGED_KMS_KEY");
  });

  it("runs data prep on Glue 4.0 or later with an encrypting security configuration", () => {
    const job = one(run, "aws:glue/job:Job").inputs;
    assert.ok(Number(job.glueVersion) >= 4, String(job.glueVersion));
    assert.match(
      String((job.command as Record<string, string>).scriptLocation),
      /^s3:\/\/mlops-staging-bucket-[0-9a-f]+\/etl\/glue_job\.py$/,
    );
    assert.match(
      String((job.defaultArguments as Record<string, string>)["--extra-py-files"]),
      /\/etl\/transform\.py$/,
    );
    const security = one(run, "aws:glue/securityConfiguration:SecurityConfiguration").inputs
      .encryptionConfiguration as Record<string, Record<string, string>>;
    assert.equal(security.s3Encryption.s3EncryptionMode, "SSE-KMS");
    assert.equal(security.cloudwatchEncryption.cloudwatchEncryptionMode, "SSE-KMS");
    assert.equal(job.securityConfiguration, "mlops-data-prep-test");
  });

  it("publishes the ML config and both scripts, KMS-encrypted", () => {
    const objects = ofType(run, "aws:s3/bucketObjectv2:BucketObjectv2").map((o) => o.inputs);
    assert.deepEqual(objects.map((o) => o.key).sort(), [
      "config/ml-pipeline-config.json",
      "etl/glue_job.py",
      "etl/transform.py",
    ]);
    for (const o of objects) assert.equal(o.serverSideEncryption, "aws:kms");
    const config = objects.find((o) => o.key === "config/ml-pipeline-config.json")!;
    assert.equal((config.source as { asset: { path: string } }).asset.path, ML_CONFIG_PATH);
  });

  it("has a model package group and Node.js arm64 functions", () => {
    assert.equal(
      one(run, "aws:sagemaker/modelPackageGroup:ModelPackageGroup").inputs.modelPackageGroupName,
      "customer-churn-test",
    );
    const functions = ofType(run, "aws:lambda/function:Function");
    assert.deepEqual(functions.map((f) => f.name).sort(), [
      "mlops-controller",
      "mlops-data-trigger",
      "mlops-microservice",
      "mlops-pipeline-runner",
      "mlops-push-filter",
      "mlops-test-runner",
    ]);
    for (const f of functions) {
      assert.match(String(f.inputs.runtime), /^nodejs\d+\.x$/);
      assert.deepEqual(f.inputs.architectures, ["arm64"]);
    }
  });

  it("passes the SageMaker role only to SageMaker, and scopes SageMaker actions to this project's names", () => {
    const policy = statements(
      one(run, "aws:iam/rolePolicy:RolePolicy", "mlops-ml-pipeline-role-policy").inputs.policy,
    );
    const pass = policy.find((s) => s.Action === "iam:PassRole")!;
    assert.match(String(pass.Resource), /role\/mlops-sagemaker-role-/);
    assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } });
    const sagemaker = policy.filter((s) =>
      ([] as string[]).concat(s.Action as string).some((a) => a.startsWith("sagemaker:")),
    );
    for (const s of sagemaker) {
      for (const resource of ([] as string[]).concat(s.Resource as string)) {
        assert.match(
          resource,
          /^arn:aws:sagemaker:us-west-2:123456789012:(training-job|transform-job|hyper-parameter-tuning-job|model|model-package|model-package-group|endpoint|endpoint-config|experiment-trial|experiment-trial-component)\/(customer-churn|custome-|mlops-churn-test|\*)/,
          resource,
        );
      }
    }
  });

  it("the serialized pipeline-runner archive starts a run", async () => {
    const archive = loadArchive<{ handler: (e: unknown) => Promise<{ reported: string }> }>(
      one(run, "aws:lambda/function:Function", "mlops-pipeline-runner"),
    );
    const s3 = mockClient(S3Client);
    const sfn = mockClient(SFNClient);
    const codepipeline = mockClient(CodePipelineClient);
    try {
      s3.on(GetObjectCommand).resolves({
        Body: { transformToString: async () => readFileSync(ML_CONFIG_PATH, "utf8") },
      } as never);
      sfn.on(StartExecutionCommand).resolves({
        executionArn: "arn:aws:states:us-west-2:123456789012:execution:mlops-ml-pipeline-test:x",
      });
      codepipeline.on(PutJobSuccessResultCommand).resolves({});
      const outcome = await archive.module.handler({
        "CodePipeline.job": { id: "j1", data: { inputArtifacts: [{ revision: "abc1234" }] } },
      });
      assert.equal(outcome.reported, "started");
      const started = sfn.commandCalls(StartExecutionCommand)[0].args[0].input;
      assert.equal(
        started.stateMachineArn,
        "arn:aws:states:us-west-2:123456789012:stateMachine:mlops-ml-pipeline-test",
      );
      // The repository comes from the provider's SageMaker registry table; the version from the run's config.
      assert.equal(
        JSON.parse(String(started.input)).training.image,
        "000000000000.dkr.ecr.us-west-2.amazonaws.com/sagemaker-xgboost:1.7-1",
      );
    } finally {
      archive.restore();
      s3.restore();
      sfn.restore();
      codepipeline.restore();
    }
  });

  it("the serialized controller archive checks an endpoint and raises its typed error", async () => {
    const archive = loadArchive<{ handler: (e: unknown) => Promise<unknown> }>(
      one(run, "aws:lambda/function:Function", "mlops-controller"),
    );
    const sagemaker = mockClient(SageMakerClient);
    try {
      sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: "Updating" } as never);
      await assert.rejects(
        archive.module.handler({ action: "checkEndpoint", endpointName: "e", expectedConfigName: "c" }),
        (e: Error) => e.name === "EndpointPending",
      );
    } finally {
      archive.restore();
      sagemaker.restore();
    }
  });
});
