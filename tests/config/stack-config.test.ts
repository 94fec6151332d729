import { strict as assert } from "node:assert";
import { blueGreenProblems, rolloutPolicy } from "../../infra/environments/blue-green";
import { parseStackConfig, StackConfigError } from "../../infra/stack-config";
import { readStackFile } from "../../tools/offline/stack-files";
import { PROJECT_ROOT } from "../../tools/offline/harness";

const valid = {
  "aws:region": "eu-west-1",
  "mlops:stateBackendUrl": "s3://state-bucket/mlops",
  "mlops:deployRoleArn": "arn:aws:iam::111122223333:role/deployer",
};

function problemsOf(stack: string, raw: Record<string, string>): string[] {
  try {
    parseStackConfig(stack, raw);
  } catch (error) {
    assert.ok(error instanceof StackConfigError, `expected StackConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("expected the config to be rejected");
}

const prod = {
  "aws:region": "us-west-2",
  "mlops:testStackName": "test",
  "mlops:approvedModelPackageArn":
    "arn:aws:sagemaker:us-west-2:123456789012:model-package/customer-churn-test/4",
  "mlops:approvedRunId": "20261128-082410-0123456",
};

describe("stack config", () => {
  it("accepts the committed stack files", () => {
    for (const stack of ["test", "prod"]) {
      const parsed = parseStackConfig(stack, readStackFile(PROJECT_ROOT, stack).config);
      assert.equal(parsed.stack, stack);
      assert.equal(parsed.region, "us-west-2");
    }
  });

  it("fills defaults and decodes structured values as the CLI passes them", () => {
    const parsed = parseStackConfig("test", {
      ...valid,
      "mlops:triggerPaths": '["src/**","config/*.json"]',
      "mlops:logRetentionDays": "30",
      "mlops:tags": '{"team":"ml"}',
    });
    assert.equal(parsed.stack, "test");
    if (parsed.stack !== "test") return;
    assert.deepEqual(parsed.triggerPaths, ["src/**", "config/*.json"]);
    assert.equal(parsed.logRetentionDays, 30);
    assert.deepEqual(parsed.tags, { team: "ml" });
    assert.equal(parsed.branch, "main");
    assert.equal(parsed.repositoryName, "mlops-repo");
    assert.equal(parsed.secretsProvider, "default");
  });

  it("keeps string settings as typed, even when they look like JSON", () => {
    const parsed = parseStackConfig("test", { ...valid, "mlops:branch": "2024" });
    assert.equal(parsed.stack === "test" && parsed.branch, "2024");
  });

  it("rejects an unknown stack with the stacks that exist", () => {
    assert.throws(() => parseStackConfig("staging", valid), /Unknown stack "staging".*test and prod/);
  });

  it("names a missing required key", () => {
    const [problem, ...rest] = problemsOf("test", {
      "aws:region": "us-east-1",
      "mlops:deployRoleArn": valid["mlops:deployRoleArn"],
    });
    assert.equal(rest.length, 0);
    assert.match(problem, /^mlops:stateBackendUrl = \(missing\): required/);
  });

  const badValues: [string, string, RegExp][] = [
    ["aws:region", "moon-base-1x", /aws:region = "moon-base-1x": must be an AWS region/],
    ["mlops:stateBackendUrl", "file:///tmp/state", /file:\/\/ would be lost/],
    ["mlops:deployRoleArn", "arn:aws:iam::1:user/bob", /must be an IAM role ARN/],
    ["mlops:logRetentionDays", "12", /logRetentionDays = 12: must be one of 1, 3, 5/],
    ["mlops:triggerPaths", "[]", /triggerPaths = \[\]: needs at least one glob/],
    ["mlops:triggerPaths", '"infra/**"', /triggerPaths = "infra\/\*\*"/],
    ["mlops:branch", "feature//x", /must be a git branch name/],
    ["mlops:buildComputeType", "HUGE", /buildComputeType = "HUGE": must be one of BUILD_GENERAL1_SMALL/],
    ["mlops:pulumiVersion", "latest", /must be a Pulumi CLI version/],
    ["mlops:pulumiVersion", "3.150.9", /pulumiVersion = "3.150.9": must be 3.151.0 or later/],
    ["mlops:approvalEmail", "not-an-email", /approvalEmail = "not-an-email": must be an email address/],
    ["mlops:tags", '{"team": 7}', /mlops:tags.team = 7/],
    ["mlops:brnach", "main", /unknown key mlops:brnach/],
    [
      "mlops:source",
      '{"kind": "svn"}',
      /mlops:source.kind = "svn": kind must be "codecommit" or "codeconnections"/,
    ],
    [
      "mlops:source",
      '{"kind": "codeconnections", "providerType": "GitHub", "fullRepositoryId": "acme/churn"}',
      /source.connectionArn.*give either connectionArn .* or createConnection/,
    ],
    [
      "mlops:source",
      '{"kind": "codeconnections", "providerType": "GitHub", "connectionArn": "arn:aws:codecommit:us-west-2:123456789012:repo", "fullRepositoryId": "acme/churn"}',
      /source.connectionArn = "arn:aws:codecommit:us-west-2:123456789012:repo": must be a connection ARN/,
    ],
    [
      "mlops:source",
      '{"kind": "codeconnections", "providerType": "GitHub", "connectionArn": "arn:aws:codeconnections:us-west-2:123456789012:connection/0123abcd-0123-4567-89ab-0123456789ab", "fullRepositoryId": "acme/churn"}',
      /source.connectionArn.*is in us-west-2; the pipeline runs in eu-west-1/,
    ],
    [
      "mlops:source",
      '{"kind": "codeconnections", "providerType": "GitHub", "connectionArn": "arn:aws:codeconnections:eu-west-1:123456789012:connection/0123abcd-0123-4567-89ab-0123456789ab", "fullRepositoryId": "churn"}',
      /source.fullRepositoryId = "churn": must be the repository as owner\/name/,
    ],
    [
      "mlops:source",
      '{"kind": "codeconnections", "providerType": "GitHubEnterpriseServer", "createConnection": {}, "fullRepositoryId": "acme/churn", "serverUrl": "https://git.example.com"}',
      /source.createConnection.hostArn.*is required to create a GitHubEnterpriseServer connection/,
    ],
    [
      "mlops:source",
      '{"kind": "codeconnections", "providerType": "SVN", "createConnection": {}, "fullRepositoryId": "acme/churn"}',
      /source.providerType = "SVN": must be one of GitHub, GitLab, Bitbucket, GitHubEnterpriseServer/,
    ],
  ];
  for (const [key, value, expected] of badValues) {
    it(`rejects ${key} = ${value}`, () => {
      const problems = problemsOf("test", { ...valid, [key]: value });
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0], expected);
    });
  }

  it("a CodeConnections source takes at most 24 trigger globs (3 push filters of 8)", () => {
    const source = JSON.stringify({
      kind: "codeconnections",
      providerType: "GitLab",
      connectionArn:
        "arn:aws:codeconnections:eu-west-1:123456789012:connection/0123abcd-0123-4567-89ab-0123456789ab",
      fullRepositoryId: "acme/churn",
    });
    const globs = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => `src${i}/**`));
    const problems = problemsOf("test", {
      ...valid,
      "mlops:source": source,
      "mlops:triggerPaths": globs(25),
    });
    assert.equal(problems.length, 1, problems.join("\n"));
    assert.match(problems[0], /triggerPaths.*at most 24 globs/);
    const parsed = parseStackConfig("test", {
      ...valid,
      "mlops:source": source,
      "mlops:triggerPaths": globs(8),
    });
    assert.equal(parsed.stack === "test" && parsed.source.kind, "codeconnections");
  });

  it("reports every problem at once, in one message naming the stack", () => {
    try {
      parseStackConfig("test", { "aws:region": "x", "mlops:logRetentionDays": "2" });
      assert.fail("expected rejection");
    } catch (error) {
      assert.ok(error instanceof StackConfigError);
      assert.equal(error.problems.length, 4);
      assert.match(error.message, /^Invalid configuration for stack "test":/);
      assert.match(error.message, /pulumi config set <key> <value> -s test/);
    }
  });

  it("requires a token parameter for a Pulumi Cloud backend", () => {
    const [problem] = problemsOf("test", { ...valid, "mlops:stateBackendUrl": "https://api.pulumi.com" });
    assert.match(
      problem,
      /pulumiAccessTokenParameter = \(missing\): required when mlops:stateBackendUrl is a Pulumi Cloud URL/,
    );
    const parsed = parseStackConfig("test", {
      ...valid,
      "mlops:stateBackendUrl": "https://api.pulumi.com",
      "mlops:pulumiAccessTokenParameter": "/mlops/pulumi-token",
    });
    assert.equal(parsed.stack === "test" && parsed.pulumiAccessTokenParameter, "/mlops/pulumi-token");
  });

  it("keeps stack-specific keys in their stack", () => {
    assert.equal(parseStackConfig("prod", prod).stack, "prod");
    assert.match(problemsOf("prod", { ...prod, "mlops:branch": "main" })[0], /unknown key mlops:branch/);
    const { "mlops:testStackName": _dropped, ...withoutTestStack } = prod;
    assert.match(problemsOf("prod", withoutTestStack)[0], /testStackName = \(missing\)/);
    assert.match(
      problemsOf("prod", { ...prod, "mlops:testStackName": "a/b/c/d" })[0],
      /must be a stack name/,
    );
  });

  it("validates the prod model, rollout, canary and monitoring settings", () => {
    const parsed = parseStackConfig("prod", prod);
    assert.ok(parsed.stack === "prod");
    if (parsed.stack !== "prod") return;
    assert.deepEqual(parsed.rollout, {
      mode: "CANARY",
      stepPercent: 10,
      waitSeconds: 300,
      terminationWaitSeconds: 300,
    });
    assert.equal(parsed.apiCanaryPercent, 10);
    // The timeout follows the waits of the canary and the old fleet, so no waits can outlast it.
    assert.equal(rolloutPolicy(parsed.rollout).MaximumExecutionTimeoutInSeconds, 2400);
    const slow = {
      mode: "CANARY" as const,
      stepPercent: 10,
      waitSeconds: 3600,
      terminationWaitSeconds: 3600,
    };
    const timeout = rolloutPolicy(slow).MaximumExecutionTimeoutInSeconds!;
    assert.ok(timeout > 7200 && blueGreenProblems(rolloutPolicy(slow), 1).length === 0, `${timeout}`);
    assert.match(
      blueGreenProblems({ ...rolloutPolicy(slow), MaximumExecutionTimeoutInSeconds: 3600 }, 1)[0],
      /MaximumExecutionTimeoutInSeconds \(3600\) must be larger than the total waiting time .* \(7200 s\)/,
      "the previous fixed timeout, planted",
    );
    assert.equal(parsed.monitoring.scheduleExpression, "cron(0 * ? * * *)");
    const cases: [string, string, RegExp][] = [
      [
        "mlops:approvedModelPackageArn",
        "arn:aws:sagemaker:us-west-2:123456789012:model-package/customer-churn-test",
        /must be a versioned model package ARN/,
      ],
      ["mlops:approvedRunId", "latest", /must be a pipeline run id/],
      [
        "mlops:rollout",
        '{"mode":"ALL_AT_ONCE","stepPercent":10,"waitSeconds":60,"terminationWaitSeconds":0}',
        /mlops:rollout\.mode = "ALL_AT_ONCE": must be CANARY or LINEAR/,
      ],
      // SageMaker's rules for the blue/green update (TrafficRoutingConfig, BlueGreenUpdatePolicy).
      [
        "mlops:rollout",
        '{"mode":"LINEAR","stepPercent":5,"waitSeconds":60,"terminationWaitSeconds":0}',
        /mlops:rollout = .*LinearStepSize must be 10-50% of the variant's capacity \(it is 5%\)/,
      ],
      [
        "mlops:rollout",
        '{"mode":"LINEAR","stepPercent":10,"waitSeconds":3600,"terminationWaitSeconds":3600}',
        /the waits add to 39600 s; .* MaximumExecutionTimeoutInSeconds of 41400, over SageMaker's 28800/,
      ],
      ["mlops:apiCanaryPercent", "150", /must be 0-100/],
      [
        "mlops:monitoring",
        '{"scheduleExpression":"rate(1 hour)","driftThreshold":0.2,"instanceType":"ml.m5.large"}',
        /mlops:monitoring\.scheduleExpression = "rate\(1 hour\)": must be a cron\(\) expression/,
      ],
      [
        "mlops:vpc",
        '{"vpcId":"vpc-1","subnetIds":[],"securityGroupIds":["sg-1"]}',
        /mlops:vpc\.subnetIds = \[\]: needs at least one subnet/,
      ],
      [
        "mlops:vpc",
        '{"vpcId":"vpc-1","subnetIds":["subnet-1"],"securityGroupIds":["sg-1"],"runtimeEndpointId":"vpce-0a1","shareRuntimeEndpoint":true}',
        /runtimeEndpointId \(reuse an endpoint\) and shareRuntimeEndpoint \(create one for both stacks\) exclude each other/,
      ],
      [
        "mlops:vpc",
        '{"vpcId":"vpc-1","subnetIds":["subnet-1"],"securityGroupIds":["sg-1"],"runtimeEndpointId":"endpoint-1"}',
        /mlops:vpc\.runtimeEndpointId = "endpoint-1": must be a VPC endpoint id such as vpce-0abc123/,
      ],
      [
        "mlops:monitoring",
        '{"scheduleExpression":"cron(0 * ? * * *)","driftThreshold":0.2,"instanceType":"ml.m5.large","silentAfterHours":0}',
        /mlops:monitoring\.silentAfterHours = 0/,
      ],
    ];
    for (const [key, value, expected] of cases) {
      const problems = problemsOf("prod", { ...prod, [key]: value });
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${key}: ${problems.join("; ")}`,
      );
    }
  });
});
