import { strict as assert } from "node:assert";
import { DEPLOYER_PROFILE } from "../../infra/cicd/buildspecs";
import { emulateBuild, type StubCall } from "../helpers/codebuild-emulator";
import { offline } from "../helpers/offline";
import { denied, type IamRequest } from "../../local/aws/iam/evaluator";
import { StackIam } from "../../local/aws/iam/stack-iam";

/**
 * The CodeBuild roles against what their builds do: the `aws` commands each buildspec (as the
 * offline preview declares it) runs with the CodeBuild role, the role assumption that gives Pulumi
 * the deployment role, and what CodeBuild itself does with the project's role (logs, artifacts,
 * source, parameters): https://docs.aws.amazon.com/codebuild/latest/userguide/setting-up-service-role.html
 */

interface Project {
  name: string;
  roleArn: string;
  buildspec: string;
  variables: Record<string, string>;
  logGroup: string;
  sourceType: string;
}

function projects(preview: StackIam): Project[] {
  return preview.ofType("aws:codebuild/project:Project").map((p) => {
    const inputs = p.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    return {
      name: String(inputs.name),
      roleArn: String(inputs.serviceRole),
      buildspec: String(inputs.source.buildspec),
      variables: Object.fromEntries(
        (inputs.environment.environmentVariables as { name: string; value: string }[]).map((v) => [
          v.name,
          v.value,
        ]),
      ),
      logGroup: String(inputs.logsConfig.cloudwatchLogs.groupName),
      sourceType: String(inputs.source.type),
    };
  });
}

const kmsVia = (preview: StackIam, service: string, key: string, actions: string[]) =>
  actions.map((action) => ({
    action,
    resource: key,
    context: {
      "kms:ViaService": `${service}.${preview.region}.amazonaws.com`,
      "kms:CallerAccount": preview.account,
    },
  }));

/** IAM requests of the `aws` commands a build ran with the CodeBuild role. */
function cliRequests(
  call: StubCall,
  preview: StackIam,
  key: string,
): Omit<IamRequest, "principal" | "because">[] {
  const arg = (name: string) =>
    new RegExp(`--${name} (\\S+)`).exec(call.args)?.[1]?.replace(/^"|"$/g, "") ?? "";
  const [service, operation] = call.args.split(" ");
  switch (`${service} ${operation}`) {
    case "configure set":
      return [];
    case "codecommit post-comment-for-pull-request":
      return [
        {
          action: "codecommit:PostCommentForPullRequest",
          resource: `arn:aws:codecommit:${preview.region}:${preview.account}:${arg("repository-name")}`,
        },
        ...kmsVia(preview, "codecommit", key, ["kms:GenerateDataKey", "kms:Decrypt"]),
      ];
    case "sagemaker update-model-package":
      return [{ action: "sagemaker:UpdateModelPackage", resource: arg("model-package-arn") }];
    default:
      throw new Error(
        `aws ${service} ${operation} has no IAM mapping in ${__filename}; add the action it needs`,
      );
  }
}

async function requestsOf(project: Project, preview: StackIam): Promise<IamRequest[]> {
  const group = preview.fn("mlops-pipeline-runner").environment.MODEL_PACKAGE_GROUP.toLowerCase();
  const repository = String(preview.ofType("aws:codecommit/repository:Repository")[0].inputs.repositoryName);
  const env = {
    ...project.variables,
    APPROVED_MODEL_PACKAGE_ARN: `arn:aws:sagemaker:${preview.region}:${preview.account}:model-package/${group}/3`,
    APPROVED_RUN_ID: "20261129-100000-c0ffee0",
    REPOSITORY_NAME: repository,
    PULL_REQUEST_ID: "12",
  };
  // A build that succeeds and one whose deploy fails: together they run every command.
  const calls = [
    emulateBuild(project.buildspec, { env }),
    emulateBuild(project.buildspec, { env, failWhen: /^pulumi up/ }),
  ].flatMap((build) => build.calls);
  const key = preview.keyArns()[0];
  const as = (because: string) => (r: Omit<IamRequest, "principal" | "because">) => ({
    ...r,
    principal: project.roleArn,
    because,
  });
  const requests: IamRequest[] = calls
    .filter((c) => c.program === "aws" && c.profile === "")
    .flatMap((c) => cliRequests(c, preview, key).map(as(`aws ${c.args.slice(0, 80)}`)));
  if (calls.some((c) => c.profile === DEPLOYER_PROFILE)) {
    requests.push(
      as("the deployment role's profile")({
        action: "sts:AssumeRole",
        resource: project.variables.PULUMI_ROLE_ARN,
      }),
    );
  }
  const logGroup = `arn:aws:logs:${preview.region}:${preview.account}:log-group:${project.logGroup}`;
  for (const action of ["logs:CreateLogStream", "logs:PutLogEvents"])
    requests.push(as("CodeBuild writes the build log")({ action, resource: `${logGroup}:log-stream:7` }));
  if (project.sourceType === "CODEPIPELINE") {
    const stores = preview.ofType("aws:codepipeline/pipeline:Pipeline")[0].inputs.artifactStores as {
      location: string;
    }[];
    const bucket = stores[0].location;
    for (const action of ["s3:GetObject", "s3:PutObject"])
      requests.push(
        as("CodeBuild reads and writes the pipeline's artifacts")({
          action,
          resource: `arn:aws:s3:::${bucket}/mlops/x`,
          context: { "aws:SecureTransport": "true" },
        }),
      );
    requests.push(
      ...kmsVia(preview, "s3", key, ["kms:Decrypt", "kms:GenerateDataKey"]).map(
        as("artifacts are encrypted"),
      ),
    );
  } else {
    requests.push(
      as("CodeBuild clones the repository")({
        action: "codecommit:GitPull",
        resource: `arn:aws:codecommit:${preview.region}:${preview.account}:${repository}`,
      }),
    );
    requests.push(
      ...kmsVia(preview, "codecommit", key, ["kms:Decrypt"]).map(as("the repository is encrypted")),
    );
  }
  return requests;
}

describe("AWS contract: the CodeBuild roles against their buildspecs (IAM evaluator)", function () {
  this.timeout(180_000);

  it("every build's aws commands, role assumption, logs, artifacts and source are allowed", async () => {
    const preview = new StackIam(await offline({ stack: "test" }));
    const found = projects(preview);
    assert.equal(found.length, 3);
    for (const project of found) {
      const requests = await requestsOf(project, preview);
      assert.deepEqual(await denied(requests, (r) => preview.policiesFor(r)), [], project.name);
    }
  });

  it("the Deploy build approves the model it deployed (planted: without the grant it is denied)", async () => {
    const preview = new StackIam(await offline({ stack: "test" }));
    const deploy = projects(preview).find((p) => p.name.includes("deploy-prod"))!;
    const requests = await requestsOf(deploy, preview);
    assert.ok(requests.some((r) => r.action === "sagemaker:UpdateModelPackage"));
    const withoutGrant = preview.policiesWithout((s) =>
      JSON.stringify(s.Action).includes("sagemaker:UpdateModelPackage"),
    );
    const problems = await denied(requests, withoutGrant);
    assert.ok(
      problems.some((p) => p.includes("may not sagemaker:UpdateModelPackage")),
      problems.join("\n"),
    );
  });

  it("a command without an IAM mapping fails the test instead of passing unchecked", () => {
    assert.throws(
      () =>
        cliRequests(
          { program: "aws", args: "s3 cp a b", profile: "", accessKey: "", mlopsPython: "" },
          {} as StackIam,
          "k",
        ),
      /aws s3 cp has no IAM mapping/,
    );
  });
});
