import { strict as assert } from "node:assert";
import { prodDeployRole } from "../../infra/bootstrap/prod-deploy-role";
import {
  PROVIDER_CALLS,
  type DeployedResource,
  type ProviderCall,
  type StackPlace,
} from "../../infra/bootstrap/provider-calls";
import type { OfflineRun } from "../../tools/offline/harness";
import { actionExists, decide, type IamRequest, type PolicyDocument } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";
import { MULTI_ACCOUNT, PIPELINE_ACCOUNT, PROD_ACCOUNT, VPC, prodAccount } from "../helpers/multi-account";
import { offline } from "../helpers/offline";

/**
 * What `pulumi up -s prod` asks of AWS, call by call (infra/bootstrap/provider-calls: the provider's
 * own calls, from its source), against the production account's deployment role the bootstrap
 * prints, decided by the IAM evaluator with the resources' own policies (the prod key's, and the
 * pipeline account's model group for the cross-account package): in every variant of the stack.
 */

const REGION = "us-west-2";
const place: StackPlace = { partition: "aws", region: REGION, account: PROD_ACCOUNT };
const VARIANTS = {
  "production in its own account": MULTI_ACCOUNT,
  "in a VPC": [...MULTI_ACCOUNT, ...VPC],
  "with an alarm email": [...MULTI_ACCOUNT, "alarmEmail=ops@example.com"],
};

const deployPolicy = (
  role = prodDeployRole({
    prod: prodAccount,
    pipelineRoleArn: prodAccount.pipelineRoleArn,
    region: REGION,
    partition: "aws",
    prefix: "mlops",
  }),
) => role.permissionsPolicy as PolicyDocument;

const deployed = (run: OfflineRun): DeployedResource[] =>
  run.resources
    .filter((r) => r.custom && r.type.startsWith("aws:"))
    .map((r) => ({
      type: r.type,
      name: r.name,
      inputs: r.inputs,
      state: (r.wire?.state ?? r.inputs) as Record<string, unknown>,
    }));

interface Calls {
  prod: StackIam;
  pipeline: StackIam;
  resources: DeployedResource[];
}

async function stacks(config: string[]): Promise<Calls> {
  const run = await offline({ stack: "prod", config });
  return {
    prod: new StackIam(run),
    pipeline: new StackIam(await offline({ stack: "test", config: MULTI_ACCOUNT })),
    resources: deployed(run),
  };
}

/** Every request the provider makes for the stack's resources, with the row it comes from. */
function requests(resources: DeployedResource[]): { request: IamRequest; row: ProviderCall }[] {
  return resources.flatMap((resource) =>
    (PROVIDER_CALLS[resource.type] ?? [])
      .filter((row) => !row.when || row.when(resource, resources))
      .flatMap((row) =>
        row.on(resource, place, resources).map((target) => ({
          row,
          request: {
            principal: prodAccount.deployRoleArn,
            action: row.action,
            resource: target,
            context: row.context?.(resource, place) ?? {},
            because: `${resource.type} ${resource.name} (${row.phases.join(", ")}; ${row.source})`,
            ...(target.includes(`:${PIPELINE_ACCOUNT}:`) && { resourceAccount: PIPELINE_ACCOUNT }),
          },
        })),
      ),
  );
}

/** The requests the role may not make: each as AWS would decide it, with the resource's own policy. */
function refused(calls: Calls, policy: PolicyDocument): string[] {
  const decideWith = (request: IamRequest) => {
    const resource = request.resourceAccount
      ? calls.pipeline.policiesFor(request).resource
      : calls.prod.policiesFor(request).resource;
    return decide(request, { identity: [policy], resource });
  };
  return requests(calls.resources)
    .filter(({ request, row }) => {
      if (decideWith(request) === "Allowed") return false;
      return !row.orAction || decideWith({ ...request, action: row.orAction }) !== "Allowed";
    })
    .map(({ request }) => `${request.action} on ${request.resource}: ${request.because}`);
}

describe("AWS contract: what pulumi up calls, against the production deployment role (provider source, IAM evaluator)", function () {
  this.timeout(180_000);

  it("every resource type the prod stack declares has its provider calls listed, with their source", async () => {
    for (const config of Object.values(VARIANTS)) {
      const { resources } = await stacks(config);
      const missing = [...new Set(resources.map((r) => r.type))].filter((type) => !PROVIDER_CALLS[type]);
      assert.deepEqual(missing, []);
    }
    for (const [type, rows] of Object.entries(PROVIDER_CALLS))
      for (const row of rows)
        assert.match(row.source, /^(internal\/service\/|provider\/)\S+\.go#\S/, `${type} ${row.action}`);
  });

  it("every action the table names is in IAM's catalogue", async () => {
    const actions = new Set(
      Object.values(PROVIDER_CALLS).flatMap((rows) =>
        rows.flatMap((r) => [r.action, r.orAction ?? r.action]),
      ),
    );
    const unknown = [];
    for (const action of actions) if (!(await actionExists(action))) unknown.push(action);
    assert.deepEqual(unknown, []);
  });

  for (const [variant, config] of Object.entries(VARIANTS)) {
    it(`${variant}: the deployment role may make every call`, async () => {
      const calls = await stacks(config);
      assert.ok(requests(calls.resources).length > 300);
      assert.deepEqual(refused(calls, deployPolicy()), []);
    });
  }

  it("catches a role without a call the provider makes (planted: no sagemaker:AddTags)", async () => {
    const calls = await stacks([...MULTI_ACCOUNT, ...VPC]);
    const policy = deployPolicy();
    const without = {
      ...policy,
      Statement: (policy.Statement as Record<string, unknown>[]).map((s) => ({
        ...s,
        Action: ([] as string[])
          .concat((s.Action as string[]) ?? [])
          .filter((a) => a !== "sagemaker:AddTags"),
      })),
    };
    const problems = refused(calls, without);
    assert.ok(
      problems.some((p) =>
        /^sagemaker:AddTags on arn:aws:sagemaker:us-west-2:210987654321:endpoint\//.test(p),
      ),
      problems.join("\n"),
    );
  });
});
