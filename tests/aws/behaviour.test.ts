import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { StartPipelineExecutionCommand, type SourceRevisionOverride } from "@aws-sdk/client-codepipeline";
import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codepipeline, s3 } from "../../functions/lib/clients";
import type { CapturedResource } from "../../tools/offline/harness";
import { loggingRefused } from "../../local/aws/api-gateway";
import { BEHAVIOURS } from "../../local/aws/behaviour";
import { stopUsingLocalServices, useLocalServices } from "../../local/aws/clients";
import { startCodePipeline, type StartedExecution } from "../../local/aws/codepipeline-server";
import { actingAs } from "../../local/aws/identity";
import { startS3 } from "../../local/aws/s3-server";
import { stopAll } from "../../local/python/lifecycle";
import { LocalAwsState } from "../../local/aws/state";
import { failure, row, testedRows } from "../helpers/behaviour-row";
import { defaultAccount } from "../helpers/local-account";
import { MULTI_ACCOUNT } from "../helpers/multi-account";
import { offline } from "../helpers/offline";

/**
 * Every row of the stand-ins' table of AWS behaviour (local/aws/behaviour.ts) against the stand-in
 * that implements it, with the deployed stacks' own roles and policies.
 */

/** The local S3 and CodePipeline of a fresh deployment (changed, if asked), and sessions of its roles. */
async function localAws(change?: Parameters<typeof defaultAccount>[0]) {
  const account = await defaultAccount(change);
  const bucket = String(account.deployment.test.outputs.stagingBucketName);
  const dir = mkdtempSync(join(tmpdir(), "behaviour-"));
  const world = new LocalAwsState(dir, bucket, dir);
  const started: StartedExecution[] = [];
  const [s3Server, pipeline] = await Promise.all([
    startS3(world, account),
    startCodePipeline(account, (execution) => started.push(execution)),
  ]);
  useLocalServices({ s3: s3Server.url, codepipeline: pipeline.url });
  const as = (logicalName: string) => {
    const fn = account.deployedFunction(logicalName);
    return account.assume(fn.roleArn, "lambda.amazonaws.com", fn.name);
  };
  return { account, bucket, world, started, as };
}

describe("AWS behaviour of S3, CodePipeline and API Gateway, row by row (local/aws/behaviour.ts)", function () {
  this.timeout(120_000);
  after(async () => {
    stopUsingLocalServices();
    await stopAll();
  });

  row("s3MissingKey", "404 to a caller that may list the bucket, 403 to one that may not", async () => {
    const { bucket, as } = await localAws();
    // The controller may list runs/ only under a prefix condition; the drift trigger, the ledger's key.
    const controller = await failure(
      actingAs(as("mlops-controller"), () =>
        s3().send(new GetObjectCommand({ Bucket: bucket, Key: "runs/x/none.json" })),
      ),
    );
    assert.equal(controller.name, "AccessDenied");
    assert.equal(controller.$metadata?.httpStatusCode, 403);
    assert.match(
      controller.message,
      /not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::mlops-staging/,
    );
    // A role allowed s3:ListBucket on the whole bucket (planted) gets S3's 404.
    const open = await localAws((deployment) => {
      const copy = structuredClone(deployment);
      const policy = copy.test.resources.find(
        (r) =>
          r.type === "aws:iam/rolePolicy:RolePolicy" &&
          String(r.inputs.role).startsWith("mlops-controller-role"),
      )!;
      const doc = JSON.parse(String(policy.inputs.policy));
      doc.Statement.push({ Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` });
      policy.inputs.policy = JSON.stringify(doc);
      return copy;
    });
    const missing = await failure(
      actingAs(open.as("mlops-controller"), () =>
        s3().send(new GetObjectCommand({ Bucket: bucket, Key: "runs/x/none.json" })),
      ),
    );
    assert.equal(missing.name, "NoSuchKey");
    assert.equal(missing.$metadata?.httpStatusCode, 404);
  });

  row(
    "s3HeadObject",
    "HeadObject is authorized as s3:GetObject and answers an error without a body",
    async () => {
      const { bucket, as } = await localAws();
      const head = await failure(
        actingAs(as("mlops-microservice"), () =>
          s3().send(new HeadObjectCommand({ Bucket: bucket, Key: "runs/x/y" })),
        ),
      );
      assert.equal(head.$metadata?.httpStatusCode, 403, "the microservice may not read run data");
      assert.equal(head.message.includes("not authorized"), false, "a HEAD answer carries no message");
    },
  );

  row(
    "s3AccessDeniedMessage",
    "a denial names the assumed-role caller, the action, the quoted resource and the missing policy",
    async () => {
      const { bucket, as } = await localAws();
      const denied = await failure(
        actingAs(as("mlops-microservice"), () =>
          s3().send(new PutObjectCommand({ Bucket: bucket, Key: "datasets/x.csv", Body: "a" })),
        ),
      );
      assert.match(
        denied.message,
        /^User: arn:aws:sts::000000000000:assumed-role\/mlops-microservice-role-\w+\/mlops-microservice-test is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::mlops-staging-bucket-\w+\/datasets\/x\.csv" because no identity-based policy allows the s3:PutObject action$/,
      );
    },
  );

  row(
    "codePipelineVariables",
    "declared variables override their defaults; an undeclared one is refused",
    async () => {
      const { started, as } = await localAws();
      const trigger = as("mlops-data-trigger");
      await actingAs(trigger, () =>
        codepipeline().send(
          new StartPipelineExecutionCommand({
            name: "mlops-test",
            variables: [{ name: "DataKey", value: "datasets/new.csv" }],
          }),
        ),
      );
      assert.deepEqual(started[0].variables, {
        TriggerSource: "manual",
        TriggerAlarm: "none",
        DataKey: "datasets/new.csv",
      });
      const undeclared = await failure(
        actingAs(trigger, () =>
          codepipeline().send(
            new StartPipelineExecutionCommand({
              name: "mlops-test",
              variables: [{ name: "Branch", value: "x" }],
            }),
          ),
        ),
      );
      assert.match(undeclared.message, /declares no variable Branch/);
      const empty = await failure(
        actingAs(trigger, () =>
          codepipeline().send(
            new StartPipelineExecutionCommand({
              name: "mlops-test",
              variables: [{ name: "DataKey", value: "" }],
            }),
          ),
        ),
      );
      assert.match(empty.message, /Member must have length greater than or equal to 1/);
    },
  );

  row(
    "codePipelineSourceRevisions",
    "the push filter's commit override names the CodeCommit source; other actions and types are refused",
    async () => {
      const { started, as } = await localAws();
      const filter = as("mlops-push-filter");
      const start = (revision: { actionName: string; revisionType: string; revisionValue: string }) =>
        actingAs(filter, () =>
          codepipeline().send(
            // A type outside the SDK's enum too, as a caller without types could send.
            new StartPipelineExecutionCommand({
              name: "mlops-test",
              sourceRevisions: [revision as SourceRevisionOverride],
            }),
          ),
        );
      const commit = "0123456789abcdef0123456789abcdef01234567";
      await start({ actionName: "Source", revisionType: "COMMIT_ID", revisionValue: commit });
      assert.deepEqual(started[0].sourceRevisions, {
        Source: { revisionType: "COMMIT_ID", revisionValue: commit },
      });
      const notSource = await failure(
        start({ actionName: "Build", revisionType: "COMMIT_ID", revisionValue: commit }),
      );
      assert.match(notSource.message, /has no source action Build \(its source actions: Source\)/);
      const wrongType = await failure(
        start({ actionName: "Source", revisionType: "S3_OBJECT_KEY", revisionValue: "a.zip" }),
      );
      assert.match(wrongType.message, /Source action Source \(CodeCommit\) takes revision types COMMIT_ID/);
      const badEnum = await failure(
        start({ actionName: "Source", revisionType: "BRANCH", revisionValue: "main" }),
      );
      assert.match(badEnum.message, /Member must satisfy enum value set/);
      assert.equal(started.length, 1, "no refused request started a run");
    },
  );

  row(
    "apiGatewayLoggingRole",
    "a stage that logs needs the account's CloudWatch Logs role, set before the stage",
    async () => {
      const resources = async (stack: "test" | "prod", config: string[] = []) =>
        (await offline({ stack, config })).resources.filter((r) => r.custom) as CapturedResource[];
      // One account: the test stack sets the role and its stage waits for it; prod's stage finds it.
      const test = await resources("test");
      assert.deepEqual(loggingRefused([...test, ...(await resources("prod"))]), []);
      // Production in its own account logs too, so the prod stack must set that account's role.
      const prodAlone = await resources("prod", MULTI_ACCOUNT);
      assert.deepEqual(loggingRefused(prodAlone), []);
      assert.ok(prodAlone.some((r) => r.type === "aws:apigateway/account:Account"));
      // Planted: without the setting, API Gateway refuses every stage and method setting that logs.
      const refused = loggingRefused(prodAlone.filter((r) => r.type !== "aws:apigateway/account:Account"));
      assert.equal(refused.length, 2);
      assert.match(refused[0], /CloudWatch Logs role ARN must be set in account settings to enable logging/);
      // Planted: a stage that does not wait for the setting may be created first.
      const racing = test.map((r) =>
        r.type === "aws:apigateway/stage:Stage" ? { ...r, dependencies: [] } : r,
      );
      assert.match(
        loggingRefused(racing).join("\n"),
        /may be created before the account's CloudWatch Logs role is set/,
      );
    },
  );

  it("every row of the table has a test in tests/aws/behaviour*.test.ts, and cites an AWS page", () => {
    const tested = testedRows();
    assert.deepEqual(
      Object.keys(BEHAVIOURS).filter((id) => !tested.has(id)),
      [],
    );
    assert.deepEqual(
      [...tested].filter((id) => !(id in BEHAVIOURS)),
      [],
      "a test names a row the table does not have",
    );
    for (const [id, behaviour] of Object.entries(BEHAVIOURS))
      assert.match(behaviour.source, /^https:\/\/docs\.aws\.amazon\.com\//, id);
  });
});
