import { strict as assert } from "node:assert";
import { join } from "node:path";
import { parse } from "yaml";
import type { CapturedResource, OfflineRun } from "../../tools/offline/harness";
import { offline, ofType, one, statements } from "../helpers/offline";

type Stage = {
  name: string;
  actions: { name: string; provider: string; configuration: Record<string, string> }[];
};
const FIXTURE = join(__dirname, "..", "fixtures", "backbone-with-stages.ts");

describe("CicdBackbone in the test stack", function () {
  let run: OfflineRun;
  before(async () => {
    run = await offline({ stack: "test" });
  });

  const pipeline = () => one(run, "aws:codepipeline/pipeline:Pipeline");
  const stages = () => pipeline().inputs.stages as Stage[];

  it("declares the repository on the configured branch, encrypted with the project key", () => {
    const repo = one(run, "aws:codecommit/repository:Repository");
    assert.equal(repo.inputs.repositoryName, "mlops-repo");
    assert.equal(repo.inputs.defaultBranch, "main");
    assert.equal(repo.inputs.kmsKeyId, run.outputs.kmsKeyArn);
  });

  it("uses a V2 pipeline that queues runs, with an encrypted artifact store", () => {
    const p = pipeline();
    assert.equal(p.inputs.pipelineType, "V2");
    assert.equal(p.inputs.executionMode, "QUEUED");
    const [store] = p.inputs.artifactStores as {
      location: string;
      encryptionKey: { id: string; type: string };
    }[];
    assert.equal(store.location, run.outputs.artifactBucketName);
    assert.deepEqual(store.encryptionKey, { id: run.outputs.kmsKeyArn, type: "KMS" });
  });

  it("runs the ML pipeline in Train and the API test suite in Test", () => {
    assert.deepEqual(
      stages().map((s) => s.name),
      ["Source", "Build", "Train", "Test", "Approve", "Deploy"],
    );
    assert.equal(stages()[3].actions[0].configuration.FunctionName, "mlops-test-runner-test");
    const train = stages()[2].actions[0];
    assert.equal(train.provider, "Lambda");
    assert.equal(train.configuration.FunctionName, "mlops-pipeline-runner-test");
  });

  it("pins the source to CodeCommit without polling", () => {
    const [source] = stages()[0].actions;
    assert.equal(source.provider, "CodeCommit");
    assert.equal(source.configuration.BranchName, "main");
    assert.equal(source.configuration.PollForSourceChanges, "false");
  });

  it("has a KMS key with rotation on and no wildcard principal", () => {
    const key = one(run, "aws:kms/key:Key");
    assert.equal(key.inputs.enableKeyRotation, true);
    for (const s of statements(key.inputs.policy)) assert.notEqual(s.Principal, "*");
  });

  for (const bucket of ["mlops-staging", "mlops-artifacts"]) {
    it(`${bucket}: KMS encryption, versioning, public access blocked, TLS only, access logs`, () => {
      const inBucket = (type: string) => one(run, type, `${bucket}-${suffix[type]}`);
      const sse = inBucket(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      const [rule] = sse.inputs.rules as { applyServerSideEncryptionByDefault: Record<string, string> }[];
      assert.deepEqual(rule.applyServerSideEncryptionByDefault, {
        sseAlgorithm: "aws:kms",
        kmsMasterKeyId: run.outputs.kmsKeyArn,
      });
      assert.equal(
        (
          inBucket("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration as {
            status: string;
          }
        ).status,
        "Enabled",
      );
      const block = inBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
      for (const flag of [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ])
        assert.equal(block[flag], true, flag);
      const deny = statements(inBucket("aws:s3/bucketPolicy:BucketPolicy").inputs.policy).find(
        (s) => s.Sid === "DenyInsecureTransport",
      );
      assert.deepEqual(deny?.Condition, { Bool: { "aws:SecureTransport": "false" } });
      assert.equal(deny?.Effect, "Deny");
      const logging = inBucket("aws:s3/bucketLogging:BucketLogging").inputs;
      assert.match(String(logging.targetBucket), /^mlops-access-logs-bucket-/);
    });
  }
  const suffix: Record<string, string> = {
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "encryption",
    "aws:s3/bucketVersioning:BucketVersioning": "versioning",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "public-access",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:s3/bucketLogging:BucketLogging": "logging",
  };

  it("sends staging-bucket events to EventBridge", () => {
    assert.equal(one(run, "aws:s3/bucketNotification:BucketNotification").inputs.eventbridge, true);
  });

  it("has three trigger rules: a push to the branch, new data under the prefix, pull requests", () => {
    const rules = ofType(run, "aws:cloudwatch/eventRule:EventRule");
    const pattern = (name: string) =>
      JSON.parse(String(rules.find((r) => r.name === name)?.inputs.eventPattern));
    assert.equal(rules.length, 3);
    const push = pattern("mlops-on-push");
    assert.deepEqual(push.detail.referenceName, ["main"]);
    assert.deepEqual(push.resources, ["arn:aws:codecommit:us-west-2:123456789012:mlops-repo"]);
    const data = pattern("mlops-on-new-data");
    // Only this model's data sets start a run (config/data-sets.ts), in any folder under the prefix.
    assert.deepEqual(data.detail.object.key, [{ wildcard: "datasets/*customer-churn*.csv" }]);
    assert.deepEqual(data.detail.bucket.name, [run.outputs.stagingBucketName]);
    const pr = pattern("mlops-on-pull-request");
    assert.deepEqual(pr.detail.event, ["pullRequestCreated", "pullRequestSourceBranchUpdated"]);
    assert.deepEqual(pr.detail.destinationReference, ["refs/heads/main"]);
  });

  it("routes pushes through the path filter, new data through the data trigger, pull requests to the PR check", () => {
    const targets = ofType(run, "aws:cloudwatch/eventTarget:EventTarget");
    const target = (rule: string) =>
      targets.find((t) => String(t.inputs.rule).startsWith(`${rule}-`))!.inputs;
    assert.equal(
      target("mlops-on-push").arn,
      "arn:aws:lambda:us-west-2:123456789012:function:mlops-push-filter-test",
    );
    assert.equal(
      target("mlops-on-new-data").arn,
      "arn:aws:lambda:us-west-2:123456789012:function:mlops-data-trigger-test",
    );
    assert.equal(
      target("mlops-on-pull-request").arn,
      "arn:aws:codebuild:us-west-2:123456789012:project/mlops-pr-check-test",
    );
    for (const t of targets)
      assert.match(
        (t.inputs.deadLetterConfig as { arn: string }).arn,
        /^arn:aws:sqs:us-west-2:123456789012:mlops-dead-letters-/,
      );
    const filter = one(run, "aws:lambda/function:Function", "mlops-push-filter");
    const env = (filter.inputs.environment as { variables: Record<string, string> }).variables;
    assert.equal(env.PIPELINE_NAME, "mlops-test");
    assert.ok(JSON.parse(env.TRIGGER_PATHS).includes("infra/**"));
    const permission = one(run, "aws:lambda/permission:Permission", "mlops-push-filter-invoke");
    assert.match(
      String(permission.inputs.sourceArn),
      /^arn:aws:events:us-west-2:123456789012:rule\/mlops-on-push-test$/,
    );
    const data = one(run, "aws:lambda/function:Function", "mlops-data-trigger");
    assert.deepEqual((data.inputs.environment as { variables: Record<string, string> }).variables, {
      POWERTOOLS_SERVICE_NAME: "mlops-data-trigger",
      PIPELINE_NAME: "mlops-test",
      STAGING_BUCKET: run.outputs.stagingBucketName,
      DATA_PREFIX: "datasets/",
      DATA_FILE_PATTERN: "customer-churn*.csv",
    });
  });

  it("gives every asynchronously invoked function a failure destination, and alarms on dead letters", () => {
    const queue = one(run, "aws:sqs/queue:Queue");
    const configs = ofType(run, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig");
    // EventBridge invokes the push filter and the data trigger; CodePipeline the runner and test runner.
    assert.deepEqual(configs.map((c) => String(c.inputs.functionName)).sort(), [
      "mlops-data-trigger-test",
      "mlops-pipeline-runner-test",
      "mlops-push-filter-test",
      "mlops-test-runner-test",
    ]);
    for (const c of configs)
      assert.deepEqual(c.inputs.destinationConfig, { onFailure: { destination: queue.wire!.state.arn } });
    const alarm = one(run, "aws:cloudwatch/metricAlarm:MetricAlarm", "mlops-dead-letters-alarm").inputs;
    assert.equal(alarm.metricName, "ApproximateNumberOfMessagesVisible");
    assert.deepEqual(alarm.dimensions, { QueueName: queue.wire!.state.name });
    assert.deepEqual(alarm.alarmActions, [run.outputs.operationsAlarmTopicArn]);
  });

  it("starts runs with the trigger and the data set as pipeline variables the Train stage hands on", () => {
    const pipeline = one(run, "aws:codepipeline/pipeline:Pipeline").inputs;
    assert.deepEqual(pipeline.variables, [
      {
        name: "TriggerSource",
        defaultValue: "manual",
        description: "What started the run: push (the push filter), data (a new data set), drift or manual",
      },
      { name: "TriggerAlarm", defaultValue: "none", description: "The alarm that started a drift run" },
      {
        name: "DataKey",
        defaultValue: "datasets/customer-churn.csv",
        description: "Staging-bucket key of the data set the run trains on",
      },
    ]);
    const train = stages().find((s) => s.name === "Train")!.actions[0];
    assert.deepEqual(JSON.parse(String(train.configuration.UserParameters)), {
      source: "#{variables.TriggerSource}",
      dataKey: "#{variables.DataKey}",
      alarm: "#{variables.TriggerAlarm}",
    });
  });

  it("runs the push filter on arm64 with tracing, JSON logs in its own log group and capped concurrency", () => {
    const filter = one(run, "aws:lambda/function:Function", "mlops-push-filter").inputs;
    assert.deepEqual(filter.architectures, ["arm64"]);
    assert.match(String(filter.runtime), /^nodejs(2[2-9]|[3-9]\d)\.x$/);
    assert.deepEqual(filter.tracingConfig, { mode: "Active" });
    assert.equal((filter.loggingConfig as Record<string, string>).logFormat, "JSON");
    assert.equal(
      (filter.loggingConfig as Record<string, string>).logGroup,
      "/mlops/test/lambda/mlops-push-filter",
    );
    assert.equal(filter.reservedConcurrentExecutions, 2);
    assert.equal(filter.kmsKeyArn, run.outputs.kmsKeyArn);
  });

  it("builds with unprivileged, encrypted CodeBuild projects that log to encrypted, expiring log groups", () => {
    const projects = ofType(run, "aws:codebuild/project:Project");
    assert.deepEqual(projects.map((p) => p.name).sort(), [
      "mlops-deploy-prod",
      "mlops-deploy-test",
      "mlops-pr-check",
    ]);
    for (const p of projects) {
      assert.equal(p.inputs.encryptionKey, run.outputs.kmsKeyArn);
      assert.equal((p.inputs.environment as { privilegedMode: boolean }).privilegedMode, false);
    }
    for (const group of ofType(run, "aws:cloudwatch/logGroup:LogGroup")) {
      assert.equal(group.inputs.retentionInDays, 365);
      assert.equal(group.inputs.kmsKeyId, run.outputs.kmsKeyArn);
    }
  });

  it("deploys test after tests and a policy preview, prod only from the Deploy stage", () => {
    const spec = (name: string) => {
      const project = one(run, "aws:codebuild/project:Project", name);
      return parse(String((project.inputs.source as { buildspec: string }).buildspec)) as {
        phases: Record<string, { commands: string[] }>;
      };
    };
    const build = spec("mlops-deploy-test");
    assert.ok(build.phases.pre_build.commands.includes("npm test"));
    assert.deepEqual(
      build.phases.build.commands.slice(1).map((c) =>
        c
          .replace(/^AWS_PROFILE=\S+ AWS_SDK_LOAD_CONFIG=1 /, "")
          .split(" ")
          .slice(0, 3)
          .join(" "),
      ),
      ["pulumi preview --non-interactive", "pulumi up --yes"],
    );
    assert.ok(
      build.phases.build.commands.every(
        (c, i) => i === 0 || (c.includes("$POLICY_ARGS") && c.includes('-s "test"')),
      ),
    );
    const deploy = spec("mlops-deploy-prod");
    assert.ok(
      deploy.phases.build.commands.some((c) => c.includes(" pulumi up --yes") && c.includes('-s "prod"')),
    );
    const [deployStage] = stages().filter((s) => s.name === "Deploy");
    assert.equal(deployStage.actions[0].configuration.ProjectName, "mlops-deploy-prod-test");
  });

  it("parents every resource to an mlops component (the stack's provider stands at its root)", () => {
    const components = new Map(run.resources.filter((r) => !r.custom).map((r) => [r.urn, r]));
    const orphans = run.resources
      .filter((r: CapturedResource) => r.custom && !r.type.startsWith("pulumi:providers:"))
      .filter((r) => !r.parent || !components.get(r.parent)?.type.startsWith("mlops:"));
    assert.deepEqual(
      orphans.map((r) => r.name),
      [],
    );
  });
});

describe("CicdBackbone with stage functions (component alone)", () => {
  let run: OfflineRun;
  before(async () => {
    run = await offline({ stack: "test", program: FIXTURE });
  });

  it("orders the stages Source → Build → Train → Test → Approve → Deploy", () => {
    const pipeline = one(run, "aws:codepipeline/pipeline:Pipeline");
    const stages = pipeline.inputs.stages as Stage[];
    assert.deepEqual(
      stages.map((s) => s.name),
      ["Source", "Build", "Train", "Test", "Approve", "Deploy"],
    );
    assert.deepEqual(
      run.outputs.stageNames,
      stages.map((s) => s.name),
    );
    const train = stages[2].actions[0];
    assert.equal(train.provider, "Lambda");
    assert.equal(train.configuration.FunctionName, "fixture-train");
    assert.equal(
      train.configuration.UserParameters,
      '{"source":"#{variables.TriggerSource}","dataKey":"#{variables.DataKey}","alarm":"#{variables.TriggerAlarm}"}',
    );
    assert.equal(stages[4].actions[0].provider, "Manual");
  });

  it("lets the pipeline invoke exactly the two stage functions", () => {
    const policy = one(run, "aws:iam/rolePolicy:RolePolicy", "fixture-pipeline-role-policy");
    const invoke = statements(policy.inputs.policy).find((s) => s.Sid === "InvokeStageFunctions");
    assert.deepEqual(invoke?.Resource, [
      "arn:aws:lambda:eu-central-1:123456789012:function:fixture-train",
      "arn:aws:lambda:eu-central-1:123456789012:function:fixture-test",
    ]);
  });

  it("reads the Pulumi Cloud token from SSM and previews pull requests with the preview role", () => {
    const pr = one(run, "aws:codebuild/project:Project", "fixture-pr-check");
    const vars = (
      pr.inputs.environment as { environmentVariables: { name: string; value: string; type: string }[] }
    ).environmentVariables;
    assert.deepEqual(
      vars.find((v) => v.name === "PULUMI_ACCESS_TOKEN"),
      {
        name: "PULUMI_ACCESS_TOKEN",
        value: "/fixture/pulumi-token",
        type: "PARAMETER_STORE",
      },
    );
    assert.equal(
      vars.find((v) => v.name === "PULUMI_ROLE_ARN")?.value,
      "arn:aws:iam::123456789012:role/fixture-previewer",
    );
    const policy = one(run, "aws:iam/rolePolicy:RolePolicy", "fixture-pr-check-role-policy");
    const token = statements(policy.inputs.policy).find((s) => s.Sid === "ReadPulumiToken");
    assert.equal(token?.Resource, "arn:aws:ssm:eu-central-1:123456789012:parameter/fixture/pulumi-token");
    const assume = statements(policy.inputs.policy).find((s) => s.Sid === "AssumePulumiRole");
    assert.equal(assume?.Resource, "arn:aws:iam::123456789012:role/fixture-previewer");
  });

  it("subscribes the approval email", () => {
    const sub = one(run, "aws:sns/topicSubscription:TopicSubscription");
    assert.equal(sub.inputs.protocol, "email");
    assert.equal(sub.inputs.endpoint, "release-approvers@example.com");
    assert.equal(ofType(run, "aws:sns/topic:Topic").length, 2, "approvals and operational alarms");
  });

  it("rejects a data prefix without a trailing slash, saying what to change", async () => {
    const { CicdBackbone } = await import("../../infra/cicd/backbone");
    assert.throws(
      () =>
        new CicdBackbone("bad", {
          dataPrefix: "incoming",
          defaultDataKey: "incoming/a.csv",
          triggerPaths: ["**"],
          branch: "main",
        } as never),
      /CicdBackbone "bad": dataPrefix "incoming" must be a key prefix ending in '\/'/,
    );
  });
});
