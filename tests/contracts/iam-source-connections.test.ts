import { strict as assert } from "node:assert";
import { denied, type IamRequest } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";
import { offline } from "../helpers/offline";

/**
 * With a CodeConnections source, the roles that use the connection against what AWS asks of them:
 * CodePipeline's role `UseConnection` on it (CodePipeline User Guide, service role permissions for
 * CodeStarSourceConnection), the PR check's CodeBuild role `GetConnectionToken` and `GetConnection`
 * (CodeBuild User Guide, "Connect to GitHub with a connection"), each named with the ARN's prefix.
 */
const ARN = (service: string) =>
  `arn:aws:${service}:us-west-2:123456789012:connection/0123abcd-0123-4567-89ab-0123456789ab`;
const config = (service: string) => [
  `source=${JSON.stringify({ kind: "codeconnections", providerType: "GitHub", connectionArn: ARN(service), fullRepositoryId: "acme/churn-model" })}`,
];

function requests(preview: StackIam, service: string): IamRequest[] {
  const role = (logical: string) =>
    String(preview.ofType("aws:iam/role:Role").find((r) => r.name === logical)!.wire!.state.arn);
  const connection = ARN(service);
  return [
    {
      principal: role("mlops-pipeline-role"),
      action: `${service}:UseConnection`,
      resource: connection,
      because: "the Source action",
    },
    ...["GetConnectionToken", "GetConnection"].map((action) => ({
      principal: role("mlops-pr-check-role"),
      action: `${service}:${action}`,
      resource: connection,
      because: "the PR check clones through the connection",
    })),
  ];
}

describe("AWS contract: the roles that use a source connection (IAM evaluator)", function () {
  this.timeout(120_000);

  for (const service of ["codeconnections", "codestar-connections"])
    it(`${service}: the pipeline and the PR check may use the connection, and only it`, async () => {
      const preview = new StackIam(await offline({ stack: "test", config: config(service) }));
      const asked = requests(preview, service);
      assert.deepEqual(await denied(asked, (r) => preview.policiesFor(r)), []);
      const elsewhere = asked.map((r) => ({ ...r, resource: r.resource.replace("0123abcd", "ffffffff") }));
      assert.equal((await denied(elsewhere, (r) => preview.policiesFor(r))).length, asked.length);
    });

  it("the other prefix is denied (planted: IAM matches the action's prefix to the ARN's)", async () => {
    const preview = new StackIam(await offline({ stack: "test", config: config("codestar-connections") }));
    const wrongPrefix = requests(preview, "codestar-connections").map((r) => ({
      ...r,
      action: r.action.replace("codestar-connections:", "codeconnections:"),
    }));
    assert.equal((await denied(wrongPrefix, (r) => preview.policiesFor(r))).length, wrongPrefix.length);
  });
});
