import { strict as assert } from "node:assert";
import { ASSUME_ROLE, type AssumingService } from "../../infra/shared/service-principals";
import { MULTI_ACCOUNT, PROD_ACCOUNT, THIRD_ACCOUNT } from "../helpers/multi-account";
import { offline } from "../helpers/offline";
import { authorize, type PolicyDocument } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";

/**
 * Every role's trust policy, evaluated as AWS would when its service assumes the role: the service,
 * sending exactly the condition keys it documents, can assume it; and where the service sends
 * aws:SourceAccount, the same service acting for another account cannot (confused deputy).
 */

const OTHER_ACCOUNT = THIRD_ACCOUNT;

function trustedServices(trust: PolicyDocument): string[] {
  return ([] as Record<string, unknown>[])
    .concat(trust.Statement as Record<string, unknown>[])
    .flatMap((s) =>
      ([] as string[]).concat((s.Principal as { Service?: string | string[] } | undefined)?.Service ?? []),
    );
}

async function assumes(service: string, roleArn: string, trust: PolicyDocument, account?: string) {
  const context: Record<string, string> = account ? { "aws:SourceAccount": account } : {};
  return (
    await authorize(
      { principal: service, action: "sts:AssumeRole", resource: roleArn, context, because: "trust" },
      { identity: [], resource: trust },
    )
  ).allowed;
}

/** Problems with one role's trust, judged by the service's documented behaviour. */
async function trustProblems(
  role: { logicalName: string; arn: string; trust: PolicyDocument },
  account: string,
): Promise<string[]> {
  const problems: string[] = [];
  for (const service of trustedServices(role.trust)) {
    const facts = ASSUME_ROLE[service as AssumingService];
    if (!facts) {
      problems.push(
        `${role.logicalName}: ${service} is not in infra/shared/service-principals.ts; add what it sends when it assumes a role`,
      );
      continue;
    }
    const sent = facts.sendsSourceAccount ? account : undefined;
    if (!(await assumes(service, role.arn, role.trust, sent)))
      problems.push(
        `${role.logicalName}: ${service} cannot assume it (it sends ${sent ? "aws:SourceAccount" : "no source keys"}; ${facts.source})`,
      );
    if (facts.sendsSourceAccount && (await assumes(service, role.arn, role.trust, OTHER_ACCOUNT)))
      problems.push(
        `${role.logicalName}: ${service} acting for account ${OTHER_ACCOUNT} can assume it (no aws:SourceAccount condition)`,
      );
  }
  return problems;
}

describe("AWS contract: every role can be assumed by its service, and only for this account where the service says which", function () {
  this.timeout(180_000);

  it("prod stack in its own account: its roles trust their services for that account", async () => {
    const preview = new StackIam(await offline({ stack: "prod", config: MULTI_ACCOUNT }));
    assert.equal(preview.account, PROD_ACCOUNT);
    const roles = preview.roles();
    assert.ok(roles.some((r) => r.logicalName === "mlops-account-sagemaker-role"));
    assert.deepEqual((await Promise.all(roles.map((r) => trustProblems(r, preview.account)))).flat(), []);
  });

  for (const stack of ["test", "prod"] as const) {
    it(`${stack} stack`, async () => {
      const preview = new StackIam(await offline({ stack }));
      const roles = preview.roles();
      assert.ok(roles.length >= (stack === "test" ? 10 : 1));
      const services = new Set(roles.flatMap((r) => trustedServices(r.trust)));
      if (stack === "test")
        for (const s of [
          "sagemaker.amazonaws.com",
          "glue.amazonaws.com",
          "states.amazonaws.com",
          "lambda.amazonaws.com",
          "codebuild.amazonaws.com",
          "codepipeline.amazonaws.com",
          "events.amazonaws.com",
          "apigateway.amazonaws.com",
        ])
          assert.ok(services.has(s), s);
      const problems = (await Promise.all(roles.map((r) => trustProblems(r, preview.account)))).flat();
      assert.deepEqual(problems, []);
    });
  }

  describe("catches a planted defect", () => {
    const roleArn = "arn:aws:iam::123456789012:role/planted";
    const trust = (service: string, condition?: Record<string, unknown>): PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { Service: service },
          ...(condition ? { Condition: condition } : {}),
        },
      ],
    });

    it("a source-account condition on a service that does not send it: nobody can assume the role", async () => {
      const problems = await trustProblems(
        {
          logicalName: "planted",
          arn: roleArn,
          trust: trust("lambda.amazonaws.com", { StringEquals: { "aws:SourceAccount": "123456789012" } }),
        },
        "123456789012",
      );
      assert.deepEqual(problems, [
        `planted: lambda.amazonaws.com cannot assume it (it sends no source keys; ${ASSUME_ROLE["lambda.amazonaws.com"].source})`,
      ]);
    });

    it("no condition where the service sends one: any account's SageMaker jobs could use the role", async () => {
      const problems = await trustProblems(
        { logicalName: "planted", arn: roleArn, trust: trust("sagemaker.amazonaws.com") },
        "123456789012",
      );
      assert.match(problems[0], /sagemaker\.amazonaws\.com acting for account 333333333333 can assume it/);
    });

    it("a service the table does not know", async () => {
      const problems = await trustProblems(
        { logicalName: "planted", arn: roleArn, trust: trust("ecs-tasks.amazonaws.com") },
        "123456789012",
      );
      assert.match(problems[0], /ecs-tasks\.amazonaws\.com is not in infra\/shared\/service-principals\.ts/);
    });
  });
});
