import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { OfflineRun } from "../../tools/offline/harness";
import { parseStackConfig } from "../../infra/stack-config";
import { MULTI_ACCOUNT, PIPELINE_ACCOUNT, PROD_ACCOUNT, prodAccount } from "../helpers/multi-account";
import { offline, ofType, one, statements } from "../helpers/offline";
import { SNAPSHOT_DIR, stackSnapshot } from "../helpers/stack-snapshot";

type Inputs = Record<string, unknown>;
const state = (r: { wire?: { state: Inputs }; inputs: Inputs }) => (r.wire?.state ?? r.inputs) as Inputs;
const prodRoles = [prodAccount.deployRoleArn, `arn:aws:iam::${PROD_ACCOUNT}:role/mlops-prod-sagemaker`];

/** The statement with this Sid in a policy document (JSON text). */
function statement(policy: unknown, sid: string): Inputs {
  const found = statements(policy).find((s) => s.Sid === sid);
  assert.ok(found, `no statement ${sid} in ${String(policy).slice(0, 200)}`);
  return found;
}

describe("Production in its own account", function () {
  this.timeout(180_000);

  it("a single-account configuration declares exactly what it did before (npm run snapshots records it)", async () => {
    for (const stack of ["test", "prod"] as const) {
      const before = readFileSync(join(SNAPSHOT_DIR, `${stack}.json`), "utf8");
      assert.ok(stackSnapshot(await offline({ stack })) === before, `the ${stack} stack changed`);
    }
  });

  describe("pipeline account (test stack)", () => {
    let run: OfflineRun;
    before(async () => {
      run = await offline({ stack: "test", config: MULTI_ACCOUNT });
    });

    it("the model package group lets the prod roles describe and list its packages and create models from them, nothing more", () => {
      const policy = one(run, "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy").inputs;
      const grant = statement(policy.resourcePolicy, "ProdAccountDeploysApprovedModels");
      assert.deepEqual(grant.Principal, { AWS: `arn:aws:iam::${PROD_ACCOUNT}:root` });
      assert.deepEqual(grant.Action, [
        "sagemaker:DescribeModelPackageGroup",
        "sagemaker:DescribeModelPackage",
        "sagemaker:ListModelPackages",
        "sagemaker:CreateModel",
      ]);
      assert.deepEqual(grant.Condition, { ArnEquals: { "aws:PrincipalArn": prodRoles } });
    });

    it("the staging bucket lets the prod SageMaker role read models and baselines only", () => {
      const staging = String(run.outputs.stagingBucketName);
      const policy = ofType(run, "aws:s3/bucketPolicy:BucketPolicy").find(
        (p) => p.inputs.bucket === staging,
      )!;
      const grant = statement(policy.inputs.policy, "ProdAccountReadsApprovedModels");
      assert.equal(grant.Action, "s3:GetObject");
      assert.deepEqual(grant.Resource, [
        `arn:aws:s3:::${staging}/runs/*/model/*`,
        `arn:aws:s3:::${staging}/runs/*/data/baseline/*`,
      ]);
      assert.deepEqual(grant.Condition, { ArnEquals: { "aws:PrincipalArn": [prodRoles[1]] } });
    });

    it("the key lets the prod SageMaker role decrypt through S3, and nothing else", () => {
      const key = one(run, "aws:kms/key:Key").inputs;
      const grant = statement(key.policy, "ProdAccountDecryptsSharedObjects");
      assert.equal(grant.Action, "kms:Decrypt");
      assert.deepEqual(grant.Condition, {
        StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" },
        ArnEquals: { "aws:PrincipalArn": [prodRoles[1]] },
      });
    });

    it("the Deploy build runs as the pipeline role the prod account trusts; pull requests check prod offline", () => {
      const deploy = ofType(run, "aws:codebuild/project:Project").find(
        (p) => p.name === "mlops-deploy-prod",
      )!;
      const variables = (deploy.inputs.environment as { environmentVariables: Inputs[] })
        .environmentVariables;
      assert.ok(variables.some((v) => v.value === prodAccount.pipelineRoleArn));
      const prCheck = ofType(run, "aws:codebuild/project:Project").find((p) => p.name === "mlops-pr-check")!;
      const spec = String((prCheck.inputs.source as Inputs).buildspec);
      assert.match(spec, /npm run -s policy -- --stack prod/);
      assert.doesNotMatch(spec, /pulumi preview[^\n]*-s prod/);
    });
  });

  describe("production account (prod stack)", () => {
    let run: OfflineRun;
    let pipeline: OfflineRun;
    before(async () => {
      pipeline = await offline({ stack: "test" });
      run = await offline({ stack: "prod", config: MULTI_ACCOUNT });
    });

    it("every AWS resource goes through a provider that assumes the deploy role with a session name", () => {
      const provider = one(run, "pulumi:providers:aws").inputs;
      assert.deepEqual(JSON.parse(String(provider.assumeRoles)), [
        { roleArn: prodAccount.deployRoleArn, sessionName: prodAccount.sessionName },
      ]);
      assert.deepEqual(JSON.parse(String(provider.allowedAccountIds)), [PROD_ACCOUNT]);
      const aws = run.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
      assert.ok(aws.length > 30);
      for (const resource of aws)
        assert.match(String(resource.provider), /mlops-prod-account/, resource.name);
    });

    it("ARNs carry the production account", () => {
      for (const resource of run.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
        const arn = state(resource).arn;
        // The one pointer out of the account: the drift alarm goes to the pipeline account's bus.
        if (resource.type === "aws:cloudwatch/eventTarget:EventTarget" && String(arn).includes(":event-bus/"))
          assert.equal(arn, `arn:aws:events:us-west-2:${PIPELINE_ACCOUNT}:event-bus/default`);
        else if (typeof arn === "string" && /^arn:aws:[^:]+:[^:]*:\d{12}:/.test(arn))
          assert.equal(arn.split(":")[4], PROD_ACCOUNT, `${resource.name}: ${arn}`);
      }
    });

    it("capture, monitoring reports, topic, function and logs use production's own key and bucket", () => {
      const key = String(state(one(run, "aws:kms/key:Key")).arn);
      assert.equal(key.split(":")[4], PROD_ACCOUNT);
      const bucket = String(
        state(ofType(run, "aws:s3/bucket:Bucket").find((b) => b.name === "mlops-account-data-bucket")!)
          .bucket,
      );
      const config = one(run, "aws:sagemaker/endpointConfiguration:EndpointConfiguration").inputs;
      assert.equal(config.kmsKeyArn, key);
      assert.equal(
        (config.dataCaptureConfig as Inputs).destinationS3Uri,
        `s3://${bucket}/capture/mlops-churn-prod/`,
      );
      const job = one(run, "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition").inputs;
      const output = job.dataQualityJobOutputConfig as {
        kmsKeyId: string;
        monitoringOutputs: { s3Output: Inputs };
      };
      assert.equal(output.kmsKeyId, key);
      assert.match(
        String(output.monitoringOutputs.s3Output.s3Uri),
        new RegExp(`^s3://${bucket}/monitoring/`),
      );
      assert.equal(one(run, "aws:sns/topic:Topic").inputs.kmsMasterKeyId, key);
      assert.equal(one(run, "aws:lambda/function:Function").inputs.kmsKeyArn, key);
      for (const group of ofType(run, "aws:cloudwatch/logGroup:LogGroup"))
        assert.equal(group.inputs.kmsKeyId, key);
    });

    it("the model is the approved package, served and monitored by production's named SageMaker role", () => {
      const role = `arn:aws:iam::${PROD_ACCOUNT}:role/mlops-prod-sagemaker`;
      assert.equal(one(run, "aws:sagemaker/model:Model").inputs.executionRoleArn, role);
      assert.equal(
        one(run, "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition").inputs.roleArn,
        role,
      );
      const baseline = (
        one(run, "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition").inputs
          .dataQualityBaselineConfig as { statisticsResource: { s3Uri: string } }
      ).statisticsResource.s3Uri;
      assert.ok(baseline.startsWith(`s3://${String(pipeline.outputs.stagingBucketName)}/runs/`), baseline);
      const policy = ofType(run, "aws:iam/rolePolicy:RolePolicy").find(
        (p) => p.name === "mlops-account-sagemaker-role-policy",
      )!;
      const read = statement(policy.inputs.policy, "ReadApprovedModelsAndBaselines");
      assert.deepEqual(read.Resource, [
        `arn:aws:s3:::${String(pipeline.outputs.stagingBucketName)}/runs/*/model/*`,
        `arn:aws:s3:::${String(pipeline.outputs.stagingBucketName)}/runs/*/data/baseline/*`,
      ]);
      assert.equal(
        statement(policy.inputs.policy, "DecryptSharedObjects").Resource,
        pipeline.outputs.kmsKeyArn,
      );
      assert.equal(String(pipeline.outputs.kmsKeyArn).split(":")[4], PIPELINE_ACCOUNT);
    });
  });

  describe("configuration", () => {
    const test = parse(readFileSync(join(__dirname, "..", "..", "Pulumi.test.yaml"), "utf8"))
      .config as Record<string, string>;
    const configured =
      (value: unknown, extra: Record<string, string> = {}) =>
      () =>
        parseStackConfig("test", { ...test, "mlops:prodAccount": JSON.stringify(value), ...extra });

    it("accepts the production account and fills the session name", () => {
      const config = parseStackConfig("test", {
        ...test,
        "mlops:prodAccount": JSON.stringify({
          accountId: PROD_ACCOUNT,
          deployRoleArn: prodAccount.deployRoleArn,
        }),
      });
      assert.equal(config.prodAccount?.sessionName, "mlops-prod-deploy");
    });

    it("names each problem: a role in another account, the pipeline's own account, a shared VPC endpoint", () => {
      assert.throws(
        configured({ ...prodAccount, deployRoleArn: "arn:aws:iam::444444444444:role/x" }),
        /mlops:prodAccount = .*deployRoleArn must be a role in accountId/,
      );
      assert.throws(
        configured({
          ...prodAccount,
          accountId: PIPELINE_ACCOUNT,
          deployRoleArn: `arn:aws:iam::${PIPELINE_ACCOUNT}:role/x`,
          pipelineRoleArn: undefined,
        }),
        /mlops:prodAccount\.accountId = "123456789012": is the pipeline account/,
      );
      assert.throws(
        configured({ ...prodAccount, pipelineRoleArn: "arn:aws:iam::444444444444:role/x" }),
        /mlops:prodAccount\.pipelineRoleArn = .*must be a role in the pipeline account \(123456789012/,
      );
      assert.throws(
        configured({ ...prodAccount, accountId: "12345" }),
        /mlops:prodAccount\.accountId = "12345": must be a 12-digit AWS account id/,
      );
      assert.throws(
        configured(prodAccount, {
          "mlops:vpc": JSON.stringify({
            vpcId: "vpc-0a",
            subnetIds: ["subnet-0a"],
            securityGroupIds: ["sg-0a"],
            shareRuntimeEndpoint: true,
          }),
        }),
        /mlops:vpc\.shareRuntimeEndpoint = true: cannot serve the prod stack, which runs in another account/,
      );
    });

    it("the prod stack refuses the pipeline's own account too: the approved package's account is the pipeline's", () => {
      const prod = parse(readFileSync(join(__dirname, "..", "..", "Pulumi.prod.yaml"), "utf8"))
        .config as Record<string, string>;
      const prodConfigured = (value: unknown) => () =>
        parseStackConfig("prod", { ...prod, "mlops:prodAccount": JSON.stringify(value) });
      assert.equal(prod["mlops:approvedModelPackageArn"].split(":")[4], PIPELINE_ACCOUNT);
      assert.equal(prodConfigured(prodAccount)().prodAccount?.accountId, PROD_ACCOUNT);
      assert.throws(
        prodConfigured({
          ...prodAccount,
          accountId: PIPELINE_ACCOUNT,
          deployRoleArn: `arn:aws:iam::${PIPELINE_ACCOUNT}:role/x`,
          pipelineRoleArn: undefined,
        }),
        /mlops:prodAccount\.accountId = "123456789012": is the pipeline account \(approvedModelPackageArn's, where the model registry is\); leave prodAccount out/,
      );
      assert.throws(
        prodConfigured({ ...prodAccount, pipelineRoleArn: "arn:aws:iam::444444444444:role/x" }),
        /mlops:prodAccount\.pipelineRoleArn = .*must be a role in the pipeline account \(123456789012, approvedModelPackageArn's\)/,
      );
    });
  });
});
