import { strict as assert } from "node:assert";
import { evaluate, PACKS, packConfigFor } from "../../policy/evaluator/evaluate";
import { pushTrigger } from "../../infra/cicd/source";
import { globsAsRegex } from "../../infra/cicd/triggers";
import { matchingPaths } from "../../functions/lib/watched-paths";
import { DEFAULT_TRIGGER_PATHS } from "../../functions/lib/watched-paths";
import { validateShape } from "../../local/aws/validate";
import type { OfflineRun } from "../../tools/offline/harness";
import { offline, ofType, one, statements } from "../helpers/offline";

const CONNECTION =
  "arn:aws:codeconnections:us-west-2:123456789012:connection/0123abcd-0123-4567-89ab-0123456789ab";
const source = (fields: Record<string, unknown>) =>
  `source=${JSON.stringify({ kind: "codeconnections", fullRepositoryId: "acme/churn-model", ...fields })}`;
const GITHUB = source({ providerType: "GitHub", connectionArn: CONNECTION });

type Action = { provider: string; configuration: Record<string, string> };
type Trigger = { providerType: string; gitConfiguration: { sourceActionName: string; pushes: Push[] } };
type Push = { branches: { includes: string[] }; filePaths: { includes: string[] } };

const pipelineOf = (run: OfflineRun) => one(run, "aws:codepipeline/pipeline:Pipeline").inputs;
const roleStatements = (run: OfflineRun, name: string) =>
  statements(one(run, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy);

/** The trigger as CodePipeline's API spells it (`push`, where the provider says `pushes`). */
const asApi = (trigger: Trigger) => ({
  providerType: trigger.providerType,
  gitConfiguration: {
    sourceActionName: trigger.gitConfiguration.sourceActionName,
    push: trigger.gitConfiguration.pushes,
  },
});

describe("source through CodeConnections (mlops:source)", function () {
  this.timeout(120_000);
  let run: OfflineRun;
  before(async () => {
    run = await offline({ stack: "test", config: [GITHUB] });
  });

  it("the Source action reads the repository through the connection, as a zip the builds need no grant for", () => {
    const stages = pipelineOf(run).stages as { name: string; actions: Action[] }[];
    const action = stages[0].actions[0];
    assert.equal(action.provider, "CodeStarSourceConnection");
    assert.deepEqual(action.configuration, {
      ConnectionArn: CONNECTION,
      FullRepositoryId: "acme/churn-model",
      BranchName: "main",
      OutputArtifactFormat: "CODE_ZIP",
    });
  });

  it("the V2 trigger filters pushes on the branch and the push filter's globs, in API-valid push filters", () => {
    const [trigger] = pipelineOf(run).triggers as Trigger[];
    assert.equal(trigger.providerType, "CodeStarSourceConnection");
    assert.equal(trigger.gitConfiguration.sourceActionName, "Source");
    const pushes = trigger.gitConfiguration.pushes;
    assert.deepEqual(
      pushes.flatMap((p) => p.filePaths.includes),
      DEFAULT_TRIGGER_PATHS,
    );
    for (const push of pushes) assert.deepEqual(push.branches.includes, ["main"]);
    assert.deepEqual(validateShape("codepipeline", "PipelineTriggerDeclaration", asApi(trigger)), []);
  });

  it("spreads globs over push filters of 8 (planted: one filter of 9 breaks the API's limit)", () => {
    const globs = Array.from({ length: 17 }, (_, i) => `src${i}/**`);
    const trigger = pushTrigger("main", globs) as unknown as Trigger;
    assert.deepEqual(
      trigger.gitConfiguration.pushes.map((p) => p.filePaths.includes.length),
      [8, 8, 1],
    );
    const planted = {
      ...trigger,
      gitConfiguration: {
        ...trigger.gitConfiguration,
        pushes: [{ branches: { includes: ["main"] }, filePaths: { includes: globs.slice(0, 9) } }],
      },
    };
    assert.notDeepEqual(validateShape("codepipeline", "PipelineTriggerDeclaration", asApi(planted)), []);
  });

  it("creates no CodeCommit repository, push filter or CodeCommit rules", () => {
    assert.deepEqual(ofType(run, "aws:codecommit/repository:Repository"), []);
    const functions = ofType(run, "aws:lambda/function:Function").map((f) => f.name);
    assert.ok(!functions.some((name) => name.includes("push-filter")), functions.join());
    const rules = ofType(run, "aws:cloudwatch/eventRule:EventRule").map((r) => r.name);
    assert.deepEqual(
      rules.filter((r) => /on-push|on-pull-request/.test(r)),
      [],
    );
    assert.ok(rules.includes("mlops-on-new-data"), "the data trigger stays");
  });

  it("the pipeline role may use that connection and no CodeCommit repository", () => {
    const granted = roleStatements(run, "mlops-pipeline-role-policy");
    const use = granted.find((s) => s.Sid === "UseSourceConnection");
    assert.deepEqual([use?.Action, use?.Resource], ["codeconnections:UseConnection", CONNECTION]);
    assert.ok(!JSON.stringify(granted).includes("codecommit:"), JSON.stringify(granted));
  });

  it("an older codestar-connections ARN is granted with its own prefix (IAM matches prefixes)", async () => {
    const legacy = CONNECTION.replace("codeconnections", "codestar-connections");
    const legacyRun = await offline({
      stack: "test",
      config: [source({ providerType: "GitHub", connectionArn: legacy })],
    });
    const use = roleStatements(legacyRun, "mlops-pipeline-role-policy").find(
      (s) => s.Sid === "UseSourceConnection",
    );
    assert.equal(use?.Action, "codestar-connections:UseConnection");
    const check = roleStatements(legacyRun, "mlops-pr-check-role-policy").find(
      (s) => s.Sid === "UseSourceConnection",
    );
    assert.deepEqual(check?.Action, [
      "codestar-connections:GetConnectionToken",
      "codestar-connections:GetConnection",
    ]);
  });

  it("the PR check clones through the connection, reports its status, and a webhook starts it on pull requests", () => {
    const project = one(run, "aws:codebuild/project:Project", "mlops-pr-check").inputs;
    const checkout = project.source as Record<string, unknown>;
    assert.equal(checkout.type, "GITHUB");
    assert.equal(checkout.location, "https://github.com/acme/churn-model.git");
    assert.deepEqual(checkout.auth, { type: "CODECONNECTIONS", resource: CONNECTION });
    assert.equal(checkout.reportBuildStatus, true);
    assert.doesNotMatch(String(checkout.buildspec), /codecommit/);
    const check = roleStatements(run, "mlops-pr-check-role-policy");
    assert.deepEqual(check.find((s) => s.Sid === "UseSourceConnection")?.Resource, CONNECTION);
    const webhook = one(run, "aws:codebuild/webhook:Webhook").inputs;
    assert.deepEqual(webhook.filterGroups, [
      {
        filters: [
          { type: "EVENT", pattern: "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED, PULL_REQUEST_REOPENED" },
          { type: "BASE_REF", pattern: "^refs/heads/main$" },
          { type: "FILE_PATH", pattern: globsAsRegex(DEFAULT_TRIGGER_PATHS) },
        ],
      },
    ]);
  });

  it("a connection the stack creates starts PENDING, and the stack says so", async () => {
    const created = await offline({
      stack: "test",
      config: [source({ providerType: "Bitbucket", createConnection: {} })],
    });
    assert.equal(one(created, "aws:codeconnections/connection:Connection").inputs.providerType, "Bitbucket");
    assert.equal(created.outputs.sourceConnectionStatus, "PENDING");
    const events = (
      one(created, "aws:codebuild/webhook:Webhook").inputs.filterGroups as {
        filters: { pattern: string }[];
      }[]
    )[0].filters[0].pattern;
    assert.equal(events, "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED", "Bitbucket sends no reopened event");
  });

  it("passes both policy packs with no mandatory violation", async () => {
    const configs = Object.fromEntries(PACKS.map((pack) => [pack.name, packConfigFor(pack, "test")]));
    const result = await evaluate(run, PACKS, configs);
    assert.deepEqual(
      result.violations.filter((v) => v.enforcementLevel === "mandatory"),
      [],
    );
  });

  it("the policy pack flags a connection of another account (planted)", async () => {
    const foreign = await offline({
      stack: "test",
      config: [
        source({ providerType: "GitHub", connectionArn: CONNECTION.replace("123456789012", "999999999999") }),
      ],
    });
    const result = await evaluate(foreign, PACKS);
    assert.deepEqual(
      result.violations
        .filter((v) => v.policy === "aws-codepipeline-source-connection-local")
        .map((v) => v.message),
      ["Action Source: the connection is in account 999999999999, the pipeline in 123456789012."],
    );
  });

  it("the webhook's path regex matches exactly the paths the push filter's globs match", () => {
    const paths = [
      "infra/cicd/source.ts",
      "infra",
      "docs/source-repositories.md",
      "README.md",
      ".github/workflows/ci.yml",
      "Pulumi.test.yaml",
      "Pulumi.yaml",
      "package.json",
      "sub/package.json",
      "tools/bench/main.ts",
      "etl/tests/test_transform.py",
      "src/a.ts",
      "src/deep/b.ts",
      "a1.txt",
      "a12.txt",
      "site/index.html",
      "odd,name.txt",
    ];
    const globSets = [
      DEFAULT_TRIGGER_PATHS,
      ["**/*.py", "src/*.ts", "a?.txt"],
      ["{docs,site}/**", ".github/**", "odd,name.txt"],
      ["**"],
    ];
    for (const globs of globSets) {
      const regex = new RegExp(globsAsRegex(globs));
      assert.deepEqual(
        paths.filter((path) => regex.test(path)),
        matchingPaths(paths, globs),
        JSON.stringify(globs),
      );
    }
  });
});
