import { strict as assert } from "node:assert";
import type { CapturedResource, OfflineRun } from "../../tools/offline/harness";
import { prodBootstrap } from "../../tools/cli/bootstrap";
import { evaluate, PACKS } from "../../policy/evaluator/evaluate";
import { MULTI_ACCOUNT, PIPELINE_ACCOUNT } from "../helpers/multi-account";
import { res } from "./cases/fixture-kit";

/**
 * The bootstrap template is CloudFormation, applied by hand in the production account: no Pulumi
 * preview ever shows it to the packs. Its role is handed to them here as the `aws:iam/role:Role` it
 * would be in a program, so the rules on trust and identity policies judge the document the user
 * deploys, and a principal planted past the CLI's checks (an edited template) is still caught.
 */

type Document = { Statement: Record<string, unknown>[] };
type RoleProperties = {
  RoleName: string;
  AssumeRolePolicyDocument: Document;
  Policies: { PolicyName: string; PolicyDocument: Document }[];
};

const BREAK_GLASS = `arn:aws:iam::${PIPELINE_ACCOUNT}:role/ops/break-glass`;

function renderedRole(): RoleProperties {
  const { template } = prodBootstrap({ config: MULTI_ACCOUNT, trust: [BREAK_GLASS] });
  const resources = template.Resources as Record<string, { Type: string; Properties: RoleProperties }>;
  assert.equal(resources.DeployRole.Type, "AWS::IAM::Role");
  return structuredClone(resources.DeployRole.Properties);
}

/** The template's role as the AWS provider's Role resource (documents as JSON text, as on the wire). */
function asPulumiRole(role: RoleProperties): CapturedResource {
  return res("aws:iam/role:Role", role.RoleName, {
    name: role.RoleName,
    assumeRolePolicy: JSON.stringify(role.AssumeRolePolicyDocument),
    inlinePolicies: role.Policies.map((p) => ({
      name: p.PolicyName,
      policy: JSON.stringify(p.PolicyDocument),
    })),
  });
}

/** Every rule of both packs over the role alone, as `policy` would report them. */
async function messages(role: RoleProperties): Promise<string[]> {
  const run: OfflineRun = {
    project: "mlops",
    stack: "prod",
    preview: false,
    resources: [asPulumiRole(role)],
    outputs: {},
  };
  return (await evaluate(run, PACKS)).violations.map((v) => `${v.policy}: ${v.message}`);
}

const trustStatement = (role: RoleProperties) => role.AssumeRolePolicyDocument.Statement[0];
const EVERYONE =
  "aws-iam-resource-policy-principals-exact: mlops-prod-deployer: the policy allows any principal of any account (PipelineDeployStageOnly).";

describe("policy: the bootstrap template's deployment role", function () {
  this.timeout(120_000);

  it("as rendered (with a break-glass role), every rule of both packs passes", async () => {
    const role = renderedRole();
    assert.deepEqual((trustStatement(role).Principal as { AWS: string[] }).AWS.slice(-1), [BREAK_GLASS]);
    assert.deepEqual(await messages(role), []);
  });

  it('a "*" planted beside the trusted roles: the session-name condition pins no account', async () => {
    const role = renderedRole();
    const principal = trustStatement(role).Principal as { AWS: string[] };
    principal.AWS = [...principal.AWS, "*"];
    assert.deepEqual(await messages(role), [EVERYONE]);
  });

  it('the trust\'s principal replaced by "*"', async () => {
    const role = renderedRole();
    trustStatement(role).Principal = "*";
    assert.deepEqual(await messages(role), [EVERYONE]);
  });
});
