import { strict as assert } from "node:assert";
import { prodDeployRole } from "../../infra/bootstrap/prod-deploy-role";
import {
  MULTI_ACCOUNT,
  PIPELINE_ACCOUNT,
  PROD_ACCOUNT,
  THIRD_ACCOUNT,
  prodAccount,
} from "../helpers/multi-account";
import { offline } from "../helpers/offline";
import {
  authorize,
  decide,
  denied,
  type IamRequest,
  type Policies,
  type PolicyDocument,
} from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";

/**
 * Production in its own account, evaluated as IAM evaluates a cross-account request: the caller's
 * identity policy (in the prod account) and the resource's policy (in the pipeline account) must both
 * allow. The prod roles reach exactly the approved model, its baseline and the key through S3; a
 * principal of any other account reaches nothing.
 */

const REGION = "us-west-2";
const PROD_SAGEMAKER = `arn:aws:iam::${PROD_ACCOUNT}:role/mlops-prod-sagemaker`;
const STRANGER = `arn:aws:iam::${THIRD_ACCOUNT}:role/ml-team`;
/** A role of another account that grants itself everything it could want: only resource policies stop it. */
const greedy: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["s3:GetObject", "kms:Decrypt", "sagemaker:DescribeModelPackage"],
      Resource: "*",
    },
  ],
};

const withoutCondition = ({ Condition: _condition, ...rest }: Record<string, unknown>) => rest;

const deployRole = prodDeployRole({
  prod: prodAccount,
  pipelineRoleArn: prodAccount.pipelineRoleArn,
  region: REGION,
  partition: "aws",
  prefix: "mlops",
});

describe("AWS contract: production in its own account (IAM evaluator, cross-account)", function () {
  this.timeout(180_000);
  let pipeline: StackIam;
  let prod: StackIam;
  let bucket: string;
  let key: string;
  let modelPackage: string;

  before(async () => {
    pipeline = new StackIam(await offline({ stack: "test", config: MULTI_ACCOUNT }));
    prod = new StackIam(await offline({ stack: "prod", config: MULTI_ACCOUNT }));
    bucket = String(pipeline.run.outputs.stagingBucketName);
    key = String(pipeline.run.outputs.kmsKeyArn);
    modelPackage = `arn:aws:sagemaker:${REGION}:${PIPELINE_ACCOUNT}:model-package/customer-churn-test/3`;
  });

  /** Identity policies from whichever account the principal is in; the resource's from the pipeline. */
  const policiesFor = (request: IamRequest): Policies => {
    const identity =
      request.principal === prodAccount.deployRoleArn
        ? [deployRole.permissionsPolicy as PolicyDocument]
        : request.principal.includes(`:${PROD_ACCOUNT}:`)
          ? prod.identityPolicies(request.principal)
          : [greedy];
    return { identity, resource: pipeline.policiesFor(request).resource };
  };
  const object = (path: string) => `arn:aws:s3:::${bucket}/${path}`;
  const viaS3 = { "kms:ViaService": `s3.${REGION}.amazonaws.com`, "kms:CallerAccount": PROD_ACCOUNT };
  const request = (principal: string, action: string, resource: string, because: string, context = {}) => ({
    principal,
    action,
    resource,
    context,
    because,
    resourceAccount: PIPELINE_ACCOUNT,
  });
  const allowed = async (r: IamRequest) => (await authorize(r, policiesFor(r))).allowed;

  it("the prod SageMaker role reads the approved model and its baseline, and decrypts them through S3", async () => {
    const run = "runs/20261128-082410-0123456";
    const requests = [
      request(
        PROD_SAGEMAKER,
        "s3:GetObject",
        object(`${run}/model/job/output/model.tar.gz`),
        "endpoint loads the model",
      ),
      request(
        PROD_SAGEMAKER,
        "s3:GetObject",
        object(`${run}/data/baseline/statistics.json`),
        "monitor reads the baseline",
      ),
      request(PROD_SAGEMAKER, "kms:Decrypt", key, "S3 decrypts the model for it", viaS3),
      request(
        prodAccount.deployRoleArn,
        "sagemaker:DescribeModelPackage",
        modelPackage,
        "CreateModel from the package: the provider reads it",
      ),
    ];
    assert.deepEqual(await denied(requests, policiesFor), []);
  });

  it("the deploy role creates the prod model from the approved package, allowed by both accounts' policies", () => {
    // CreateModel with another account's package is authorized on the package: the guide's group
    // policy grants sagemaker:CreateModel on model-package/<group>/* ("Deploy a Model Version from a
    // Different Account"), though the Service Authorization Reference lists only `model` for
    // CreateModel, so the evaluator's catalogue check is skipped for this one decision.
    const create = request(
      prodAccount.deployRoleArn,
      "sagemaker:CreateModel",
      modelPackage,
      "CreateModel from the package",
    );
    assert.equal(decide(create, policiesFor(create)), "Allowed");
    const group = policiesFor(create).resource as PolicyDocument;
    const withoutCreate = {
      ...group,
      Statement: (group.Statement as Record<string, unknown>[]).map((s) => ({
        ...s,
        Action: (s.Action as string[]).filter((a) => a !== "sagemaker:CreateModel"),
      })),
    };
    assert.notEqual(
      decide(create, { ...policiesFor(create), resource: withoutCreate }),
      "Allowed",
      "planted: a group policy without CreateModel (the defect) refuses it",
    );
    const identityWithout = { identity: [{ Statement: [] }], resource: group };
    assert.notEqual(
      decide(create, identityWithout),
      "Allowed",
      "the deploy role's own policy must allow it too",
    );
  });

  it("and nothing beyond: no training data, no direct key use, no encryption, no registry changes", async () => {
    const run = "runs/20261128-082410-0123456";
    const refused = [
      request(PROD_SAGEMAKER, "s3:GetObject", object(`${run}/data/train/part-0.csv`), "training data"),
      request(PROD_SAGEMAKER, "s3:GetObject", object("datasets/customer-churn.csv"), "raw data"),
      request(PROD_SAGEMAKER, "kms:Decrypt", key, "direct decrypt", { "kms:CallerAccount": PROD_ACCOUNT }),
      request(PROD_SAGEMAKER, "kms:GenerateDataKey", key, "encrypt with the pipeline key", viaS3),
      request(prodAccount.deployRoleArn, "sagemaker:UpdateModelPackage", modelPackage, "approve a package"),
    ];
    for (const r of refused)
      assert.equal(await allowed(r), false, `${r.action} on ${r.resource} (${r.because})`);
  });

  it("a principal of a third account reaches nothing, whatever its own policy grants", async () => {
    const refused = [
      request(STRANGER, "s3:GetObject", object("runs/x/model/job/output/model.tar.gz"), "model"),
      request(STRANGER, "kms:Decrypt", key, "key", { ...viaS3, "kms:CallerAccount": THIRD_ACCOUNT }),
      request(STRANGER, "sagemaker:DescribeModelPackage", modelPackage, "registry"),
    ];
    for (const r of refused) assert.equal(await allowed(r), false, `${r.principal} ${r.action}`);
  });

  it("only the pipeline's Deploy role, with the provider's session name, may assume the prod deploy role", async () => {
    const assume = (principal: string, session: string) =>
      authorize(
        {
          principal,
          action: "sts:AssumeRole",
          resource: prodAccount.deployRoleArn,
          context: { "sts:RoleSessionName": session },
          because: "prod provider",
        },
        {
          identity: [{ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] }],
          resource: deployRole.trustPolicy as PolicyDocument,
        },
      );
    assert.equal((await assume(prodAccount.pipelineRoleArn, "mlops-prod-deploy")).allowed, true);
    assert.equal((await assume(prodAccount.pipelineRoleArn, "someone-else")).allowed, false);
    assert.equal(
      (await assume(`arn:aws:iam::${PIPELINE_ACCOUNT}:role/mlops-pulumi-deployer`, "mlops-prod-deploy"))
        .allowed,
      false,
    );
    assert.equal((await assume(STRANGER, "mlops-prod-deploy")).allowed, false);
  });

  it("production's drift alarm reaches the pipeline account's event bus through the forwarding role only", async () => {
    const bus = `arn:aws:events:${REGION}:${PIPELINE_ACCOUNT}:event-bus/default`;
    const [busPolicy] = pipeline.ofType("aws:cloudwatch/eventBusPolicy:EventBusPolicy");
    const resource = JSON.parse(String(busPolicy.inputs.policy)) as PolicyDocument;
    const forwarder = `arn:aws:iam::${PROD_ACCOUNT}:role/mlops-drift-forwarder`;
    const anyPut: PolicyDocument = {
      Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: "*" }],
    };
    const put = (principal: string, identity: PolicyDocument[]) =>
      authorize(
        {
          principal,
          action: "events:PutEvents",
          resource: bus,
          context: {},
          because: "forward the drift alarm",
          resourceAccount: PIPELINE_ACCOUNT,
        },
        { identity, resource },
      );
    const identity = prod.identityPolicies(forwarder);
    assert.ok(identity.length > 0, "the forwarding role is in the prod stack");
    assert.equal((await put(forwarder, identity)).allowed, true);
    assert.equal((await put(`arn:aws:iam::${PROD_ACCOUNT}:role/intern`, [anyPut])).allowed, false);
    assert.equal((await put(STRANGER, [anyPut])).allowed, false);
    // Planted: a forwarding role without its PutEvents statement cannot deliver.
    assert.equal((await put(forwarder, [{ Statement: [] }])).allowed, false);
  });

  describe("catches a planted defect", () => {
    it("a bucket grant to the whole prod account (no role condition) lets any prod principal read models", async () => {
      const loose = (r: IamRequest): Policies => {
        const policies = policiesFor(r);
        if (!r.resource.startsWith("arn:aws:s3:::")) return policies;
        const doc = policies.resource as PolicyDocument;
        const Statement = (doc.Statement as Record<string, unknown>[]).map((s) =>
          s.Sid === "ProdAccountReadsApprovedModels" ? withoutCondition(s) : s,
        );
        return { ...policies, resource: { ...doc, Statement } };
      };
      const anyProdRole = `arn:aws:iam::${PROD_ACCOUNT}:role/intern`;
      const r = {
        ...request(anyProdRole, "s3:GetObject", object("runs/x/model/m.tar.gz"), "planted"),
        context: {},
      };
      assert.equal(
        (await authorize(r, { ...loose(r), identity: [greedy] })).allowed,
        true,
        "the loose grant lets it in",
      );
      assert.equal(
        (await authorize(r, { ...policiesFor(r), identity: [greedy] })).allowed,
        false,
        "the real grant does not",
      );
    });

    it("without the key grant the prod role cannot decrypt the model it may read", async () => {
      const r = request(PROD_SAGEMAKER, "kms:Decrypt", key, "planted", viaS3);
      const doc = pipeline.keyPolicy(key) as PolicyDocument;
      const Statement = (doc.Statement as Record<string, unknown>[]).filter(
        (s) => s.Sid !== "ProdAccountDecryptsSharedObjects",
      );
      const problems = await denied([r], (req) => ({ ...policiesFor(req), resource: { ...doc, Statement } }));
      assert.match(problems.join("\n"), /mlops-prod-sagemaker may not kms:Decrypt/);
    });
  });
});
