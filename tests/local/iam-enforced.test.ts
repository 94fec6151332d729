import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runLocalPipeline, type LocalRunOptions } from "../../local/run/pipeline";
import { withoutStatement } from "../helpers/planted-deployment";

/**
 * A local run makes every call as its role, decided by IAM against the policies the program
 * declares: a role the program narrows fails the run at the call that needs what it lost, with the
 * message AWS would give.
 */

const ROOT = join(__dirname, "..", "..");

function run(change: LocalRunOptions["changeDeployment"]) {
  return runLocalPipeline({
    dataPath: join(ROOT, "sample-datasets", "customer-churn.csv"),
    configPath: join(ROOT, "config", "ml-pipeline-config.json"),
    approval: "approve",
    runsRoot: mkdtempSync(join(tmpdir(), "iam-runs-")),
    log: () => undefined,
    changeDeployment: change,
  });
}

/** AWS's message for an implicit deny of `action` on a resource matching `resource`. */
const refused = (action: string, resource: string, quoted = false) =>
  new RegExp(
    `User: arn:aws:sts::000000000000:assumed-role/[\\w-]+/[\\w.-]+ is not authorized to perform: ${action} on resource: ${quoted ? '"' : ""}${resource}${quoted ? '"' : ""} because no identity-based policy allows the ${action} action`,
  );

describe("local mode enforces IAM: a role the program narrows fails the run at the call it needs", function () {
  this.timeout(120_000);

  it("the controller without WriteEvaluations: Evaluate's s3:PutObject is refused", async () => {
    const result = await run(withoutStatement("mlops-controller-role", "WriteEvaluations"));
    assert.equal(result.outcome, "failed");
    assert.equal(result.failedState, "EvaluationFailed");
    assert.match(
      result.message,
      refused(
        "s3:PutObject",
        "arn:aws:s3:::mlops-staging-bucket-\\w+/runs/[\\w-]+/evaluation/evaluation.json",
        true,
      ),
    );
  });

  it("the state machine's role without RegisterModels: RegisterModel's sagemaker:CreateModelPackage is refused", async () => {
    const result = await run(withoutStatement("mlops-ml-pipeline-role", "RegisterModels"));
    assert.equal(result.failedState, "RegistrationFailed");
    assert.match(
      result.message,
      refused(
        "sagemaker:CreateModelPackage",
        "arn:aws:sagemaker:us-east-1:000000000000:model-package/customer-churn-test/1",
      ),
    );
    assert.match(result.message, /Error Code: AccessDeniedException/);
  });

  it("SageMaker's execution role without ReadRunData: the training job cannot read its channels", async () => {
    const result = await run(withoutStatement("mlops-sagemaker-role", "ReadRunData"));
    assert.equal(result.failedState, "TrainingFailed");
    assert.match(result.message, /Training job [\w-]+ failed: ClientError: AccessDenied: /);
    assert.match(
      result.message,
      refused(
        "s3:GetObject",
        "arn:aws:s3:::mlops-staging-bucket-\\w+/runs/[\\w-]+/data/train/train.csv",
        true,
      ),
    );
  });

  it("the test microservice without InvokeTestEndpoint: the test stage fails and the run names the refusal", async () => {
    const result = await run(withoutStatement("mlops-microservice-role", "InvokeTestEndpoint"));
    assert.equal(result.failedState, "Test");
    assert.match(result.message, /AWS refused: /);
    assert.match(
      result.message,
      refused(
        "sagemaker:InvokeEndpoint",
        "arn:aws:sagemaker:us-east-1:000000000000:endpoint/mlops-churn-test",
      ),
    );
  });
});
