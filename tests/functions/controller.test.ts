import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  CreateExperimentCommand,
  CreateTrialCommand,
  DescribeEndpointCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import { handler } from "../../functions/controller";

let s3: AwsClientStub<S3Client>;
let sagemaker: AwsClientStub<SageMakerClient>;
// The SDK hands object bodies as streams with transformToString(); that is all the handlers use.
const body = (text: string) => ({ Body: { transformToString: async () => text } }) as never;
const named = (name: string, message: string) => Object.assign(new Error(message), { name });
const gate = { minTestAuc: 0.8, maxTestError: 0.2, notWorseThanProduction: false };

async function rejects(promise: Promise<unknown>, name: string, message: RegExp) {
  await assert.rejects(promise, (error: Error) => error.name === name && message.test(error.message));
}

describe("controller", () => {
  // Installed per suite, so a suite run before or after this one sees the real clients.
  before(() => {
    s3 = mockClient(S3Client);
    sagemaker = mockClient(SageMakerClient);
  });
  // Client mocks patch the SDK classes for every instance; hand them back for the other suites.
  after(() => {
    s3.restore();
    sagemaker.restore();
  });

  beforeEach(() => {
    s3.reset();
    sagemaker.reset();
  });

  it("rejects an unknown action and a missing field by name", async () => {
    await rejects(
      handler({ action: "dance" }),
      "BadRequest",
      /Unknown action "dance"; expected one of explainDataFailure/,
    );
    await rejects(
      handler({ action: "findEndpoint" }),
      "BadRequest",
      /^findEndpoint: endpointName = \(missing\): required/,
    );
  });

  describe("explainDataFailure", () => {
    const failure = { Error: "States.TaskFailed", Cause: "Glue job failed: TooManyRejectedRows" };
    it("names too many rejected rows from the report", async () => {
      s3.on(GetObjectCommand).resolves(
        body(
          JSON.stringify({
            passed: false,
            rows: 100,
            rejected: 5,
            rejectedShare: 0.05,
            maxRejectedShare: 0.01,
            firstRejections: ["line 7: expected 70 fields, found 2"],
          }),
        ),
      );
      const result = (await handler({
        action: "explainDataFailure",
        reportUri: "s3://b/runs/r/data/report.json",
        failure,
      })) as { error: string; cause: string };
      assert.equal(result.error, "TooManyRejectedRows");
      assert.match(
        result.cause,
        /5 of 100 rows were rejected \(5\.0%\), over data\.maxRejectedShare 1\.0%\. First: line 7/,
      );
    });
    it("falls back to the job's own error when there is no report", async () => {
      s3.on(GetObjectCommand).rejects(named("NoSuchKey", "The specified key does not exist."));
      const result = await handler({ action: "explainDataFailure", reportUri: "s3://b/k", failure });
      assert.deepEqual(result, {
        error: "DataPreparationFailed",
        cause: "States.TaskFailed: Glue job failed: TooManyRejectedRows",
      });
    });
    it("reports a data set with an empty split", async () => {
      s3.on(GetObjectCommand).resolves(
        body(
          JSON.stringify({ passed: false, rows: 3, rejected: 0, rejectedShare: 0, maxRejectedShare: 0.01 }),
        ),
      );
      const result = (await handler({ action: "explainDataFailure", reportUri: "s3://b/k", failure })) as {
        error: string;
      };
      assert.equal(result.error, "DataRejected");
    });
    it("gives the report's reason once, without the job's error repeating it", async () => {
      const problem = "the label Churn has only one value (0) in 300 rows; a model needs both 0 and 1";
      s3.on(GetObjectCommand).resolves(
        body(
          JSON.stringify({
            passed: false,
            rows: 300,
            rejected: 0,
            rejectedShare: 0,
            maxRejectedShare: 0.01,
            problem,
          }),
        ),
      );
      const result = await handler({
        action: "explainDataFailure",
        reportUri: "s3://b/k",
        failure: { Error: "States.TaskFailed", Cause: `Glue job failed: ${problem}` },
      });
      assert.deepEqual(result, {
        error: "DataRejected",
        cause: `The data set cannot be trained on: ${problem}.`,
      });
    });
  });

  it("trackExperiment creates the experiment and trial, and reuses existing ones", async () => {
    sagemaker.on(CreateExperimentCommand).rejects(named("ValidationException", "Experiment already exists"));
    sagemaker.on(CreateTrialCommand).resolves({});
    const result = await handler({
      action: "trackExperiment",
      experimentName: "churn",
      trialName: "commit-abc",
      runId: "r1",
      commitId: "abc",
    });
    assert.deepEqual(result, { experimentName: "churn", trialName: "commit-abc" });
    assert.equal(sagemaker.commandCalls(CreateTrialCommand)[0].args[0].input.ExperimentName, "churn");
    sagemaker.on(CreateTrialCommand).rejects(named("AccessDeniedException", "no"));
    await rejects(
      handler({ action: "trackExperiment", experimentName: "churn", trialName: "t" }),
      "AccessDeniedException",
      /no/,
    );
  });

  describe("evaluate", () => {
    const request = {
      action: "evaluate",
      predictionsUri: "s3://b/runs/r/evaluation/predictions/",
      evaluationUri: "s3://b/runs/r/evaluation/evaluation.json",
      modelPackageGroupName: "group",
      gate,
    };
    beforeEach(() => {
      s3.on(ListObjectsV2Command).resolves({
        Contents: [
          { Key: "runs/r/evaluation/predictions/test.csv.out" },
          { Key: "runs/r/evaluation/predictions/_SUCCESS" },
        ],
      });
      s3.on(GetObjectCommand).resolves(body("1,0.9\n1,0.8\n0,0.3\n0,0.1\n1,0.4\n0,0.6\n"));
      s3.on(PutObjectCommand).resolves({});
    });

    it("computes test-split metrics, writes the model-quality report and explains the gate", async () => {
      const result = (await handler(request)) as Record<string, unknown>;
      assert.equal(result.testAuc, 8 / 9);
      assert.ok(Math.abs(Number(result.testError) - 2 / 6) < 1e-12);
      assert.equal(result.passed, false);
      assert.match(
        String(result.summary),
        /Gate rejected the model: test AUC 0\.8889 ≥ 0\.8; test error 0\.3333 > 0\.2 \(gate\.maxTestError\)\./,
      );
      const [put] = s3.commandCalls(PutObjectCommand);
      assert.equal(put.args[0].input.Key, "runs/r/evaluation/evaluation.json");
      const report = JSON.parse(String(put.args[0].input.Body));
      assert.equal(report.binary_classification_metrics.auc.value, 8 / 9);
      assert.equal(sagemaker.calls().length, 0, "no champion lookup when the option is off");
    });

    it("compares with the production model when asked", async () => {
      sagemaker
        .on(ListModelPackagesCommand)
        .resolves({ ModelPackageSummaryList: [{ ModelPackageArn: "arn:pkg/3" } as never] });
      sagemaker
        .on(DescribeModelPackageCommand)
        .resolves({ CustomerMetadataProperties: { testAuc: "0.95" } } as never);
      const result = (await handler({
        ...request,
        gate: { ...gate, maxTestError: 0.5, notWorseThanProduction: true },
      })) as Record<string, unknown>;
      assert.equal(result.productionAuc, 0.95);
      assert.equal(result.notWorseThanProduction, false);
      assert.match(
        String(result.summary),
        /worse than production \(AUC 0\.8889 < 0\.9500 − 0\.005 tolerance, gate\.notWorseThanProduction\)/,
      );
      assert.equal(
        sagemaker.commandCalls(ListModelPackagesCommand)[0].args[0].input.ModelApprovalStatus,
        "Approved",
      );
    });

    it("lets a candidate within gate.productionAucTolerance of production pass, and no further", async () => {
      sagemaker
        .on(ListModelPackagesCommand)
        .resolves({ ModelPackageSummaryList: [{ ModelPackageArn: "arn:pkg/3" } as never] });
      sagemaker
        .on(DescribeModelPackageCommand)
        .resolves({ CustomerMetadataProperties: { testAuc: "0.8920" } } as never);
      const judged = async (productionAucTolerance: number) =>
        (await handler({
          ...request,
          gate: { ...gate, maxTestError: 0.5, notWorseThanProduction: true, productionAucTolerance },
        })) as Record<string, unknown>;
      assert.equal((await judged(0.005)).notWorseThanProduction, true, "0.8889 ≥ 0.8920 − 0.005");
      assert.equal((await judged(0)).notWorseThanProduction, false, "0.8889 < 0.8920");
    });

    it("fails clearly when there is no transform output", async () => {
      s3.on(ListObjectsV2Command).resolves({ Contents: [] });
      await rejects(
        handler(request),
        "Error",
        /no batch-transform output \(\*\.out\) under s3:\/\/b\/runs\/r\/evaluation\/predictions\//,
      );
    });
  });

  describe("endpoints", () => {
    it("findEndpoint: create a missing endpoint, update a healthy one", async () => {
      sagemaker
        .on(DescribeEndpointCommand)
        .rejectsOnce(named("ValidationException", 'Could not find endpoint "e".'))
        .resolves({ EndpointStatus: "InService" } as never);
      assert.deepEqual(await handler({ action: "findEndpoint", endpointName: "e" }), {
        exists: false,
        status: "Missing",
        action: "create",
      });
      assert.deepEqual(await handler({ action: "findEndpoint", endpointName: "e" }), {
        exists: true,
        status: "InService",
        action: "update",
      });
    });

    it("findEndpoint: an instance endpoint going serverless is recreated (SageMaker refuses that update); the reverse is updated", async () => {
      const instance = { VariantName: "AllTraffic", CurrentInstanceCount: 1 };
      const serverless = {
        VariantName: "AllTraffic",
        CurrentServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 },
      };
      const find = (variant: object, kind: string) => {
        sagemaker
          .on(DescribeEndpointCommand)
          .resolves({ EndpointStatus: "InService", ProductionVariants: [variant] } as never);
        return handler({ action: "findEndpoint", endpointName: "e", kind });
      };
      assert.equal(((await find(instance, "serverless")) as { action: string }).action, "recreate");
      assert.equal(((await find(serverless, "instance")) as { action: string }).action, "update");
      assert.equal(((await find(serverless, "serverless")) as { action: string }).action, "update");
      assert.equal(((await find(instance, "instance")) as { action: string }).action, "update");
      await rejects(
        handler({ action: "findEndpoint", endpointName: "e", kind: "gpu" }),
        "BadRequest",
        /kind/,
      );
    });

    it("findEndpoint: a Failed, rolled-back-failed or out-of-service endpoint is recreated", async () => {
      for (const status of ["Failed", "UpdateRollbackFailed", "OutOfService"]) {
        sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: status } as never);
        assert.deepEqual(await handler({ action: "findEndpoint", endpointName: "e" }), {
          exists: true,
          status,
          action: "recreate",
        });
      }
    });

    it("findEndpoint: waits while the endpoint is busy or being deleted; an unknown status fails", async () => {
      for (const status of ["Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting"]) {
        sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: status } as never);
        await rejects(
          handler({ action: "findEndpoint", endpointName: "e" }),
          "EndpointPending",
          new RegExp(`Endpoint e is ${status}; waiting`),
        );
      }
      sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: "Hibernating" } as never);
      await rejects(
        handler({ action: "findEndpoint", endpointName: "e" }),
        "EndpointFailed",
        /status Hibernating, which this pipeline does not know/,
      );
    });

    it("findEndpoint lets other errors through", async () => {
      sagemaker.on(DescribeEndpointCommand).rejects(named("ThrottlingException", "Rate exceeded"));
      await rejects(
        handler({ action: "findEndpoint", endpointName: "e" }),
        "ThrottlingException",
        /Rate exceeded/,
      );
    });

    const check = { action: "checkEndpoint", endpointName: "e", expectedConfigName: "e-new" };
    it("checkEndpoint: pending while creating or updating", async () => {
      for (const status of ["Creating", "Updating", "SystemUpdating", "RollingBack"]) {
        sagemaker.on(DescribeEndpointCommand).resolves({ EndpointStatus: status } as never);
        await rejects(handler(check), "EndpointPending", new RegExp(`Endpoint e is ${status}`));
      }
    });
    it("checkEndpoint: failed with SageMaker's reason", async () => {
      sagemaker
        .on(DescribeEndpointCommand)
        .resolves({ EndpointStatus: "Failed", FailureReason: "image pull failed" } as never);
      await rejects(handler(check), "EndpointFailed", /Endpoint e is Failed: image pull failed/);
    });
    it("checkEndpoint: every terminal status fails at once, none waits", async () => {
      for (const status of ["UpdateRollbackFailed", "OutOfService", "Deleting", "Hibernating"]) {
        sagemaker
          .on(DescribeEndpointCommand)
          .resolves({ EndpointStatus: status, FailureReason: "rollback failed" } as never);
        await rejects(
          handler(check),
          "EndpointFailed",
          new RegExp(`Endpoint e is ${status}: rollback failed`),
        );
      }
    });
    it("checkEndpointDeleted: pending while deleting, done when gone, failed otherwise", async () => {
      const deleted = { action: "checkEndpointDeleted", endpointName: "e" };
      sagemaker
        .on(DescribeEndpointCommand)
        .resolvesOnce({ EndpointStatus: "Deleting" } as never)
        .rejectsOnce(named("ValidationException", 'Could not find endpoint "e".'))
        .resolves({ EndpointStatus: "Failed", FailureReason: "delete failed" } as never);
      await rejects(handler(deleted), "EndpointPending", /Endpoint e is Deleting/);
      assert.deepEqual(await handler(deleted), { deleted: true });
      await rejects(handler(deleted), "EndpointFailed", /was to be deleted, and is Failed: delete failed/);
    });
    it("checkEndpoint: an update that rolled back is a failure", async () => {
      sagemaker
        .on(DescribeEndpointCommand)
        .resolves({ EndpointStatus: "InService", EndpointConfigName: "e-old" } as never);
      await rejects(
        handler(check),
        "EndpointFailed",
        /InService on e-old, not the new e-new: the update failed and was rolled back/,
      );
    });
    it("checkEndpoint: in service on the new config", async () => {
      sagemaker
        .on(DescribeEndpointCommand)
        .resolves({ EndpointStatus: "InService", EndpointConfigName: "e-new" } as never);
      assert.deepEqual(await handler(check), { status: "InService", endpointConfigName: "e-new" });
    });
  });
});
