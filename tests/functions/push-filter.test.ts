import { CodeCommitClient, GetDifferencesCommand } from "@aws-sdk/client-codecommit";
import { CodePipelineClient, StartPipelineExecutionCommand } from "@aws-sdk/client-codepipeline";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { strict as assert } from "node:assert";
import {
  filterPush,
  matchingPaths,
  settingsFromEnvironment,
  type PushFilterSettings,
  type ReferenceEvent,
} from "../../functions/push-filter";
import { EnvironmentError } from "../../functions/lib/env";
import { loadArchive } from "../helpers/lambda-archive";
import { offline, one } from "../helpers/offline";

const OLD = "a".repeat(40);
const NEW = "b".repeat(40);
const settings: PushFilterSettings = {
  pipelineName: "mlops-test",
  sourceActionName: "Source",
  triggerPaths: ["infra/**", "config/**", "package.json", ".github/**"],
};

function pushEvent(detail: Record<string, unknown> = {}): ReferenceEvent {
  return {
    version: "0",
    id: "1",
    "detail-type": "CodeCommit Repository State Change",
    source: "aws.codecommit",
    account: "123456789012",
    time: "2026-11-28T00:00:00Z",
    region: "us-west-2",
    resources: ["arn:aws:codecommit:us-west-2:123456789012:mlops-repo"],
    detail: {
      event: "referenceUpdated",
      repositoryName: "mlops-repo",
      referenceType: "branch",
      referenceName: "main",
      commitId: NEW,
      oldCommitId: OLD,
      ...detail,
    },
  };
}

let codecommit: AwsClientStub<CodeCommitClient>;
let codepipeline: AwsClientStub<CodePipelineClient>;

function changed(...paths: string[]) {
  return { differences: paths.map((path) => ({ afterBlob: { path, blobId: "x", mode: "100644" } })) };
}

describe("push filter", () => {
  // Installed per suite, so a suite run before or after this one sees the real clients.
  before(() => {
    codecommit = mockClient(CodeCommitClient);
    codepipeline = mockClient(CodePipelineClient);
  });
  // Client mocks patch the SDK classes for every instance; hand them back for the other suites.
  after(() => {
    codecommit.restore();
    codepipeline.restore();
  });

  beforeEach(() => {
    codecommit.reset();
    codepipeline.reset();
    codepipeline.on(StartPipelineExecutionCommand).resolves({ pipelineExecutionId: "exec-1" });
  });

  it("matches globs, dot files included", () => {
    assert.deepEqual(
      matchingPaths(
        ["README.md", "infra/cicd/backbone.ts", ".github/x.yml", "package.json"],
        settings.triggerPaths,
      ),
      ["infra/cicd/backbone.ts", ".github/x.yml", "package.json"],
    );
  });

  it("starts the pipeline pinned to the pushed commit when a watched path changed", async () => {
    codecommit.on(GetDifferencesCommand).resolves(changed("README.md", "config/ml-pipeline-config.json"));
    const result = await filterPush(pushEvent(), settings);
    assert.deepEqual(result, {
      decision: "started",
      commitId: NEW,
      matchedPaths: ["config/ml-pipeline-config.json"],
      executionId: "exec-1",
    });
    const [call] = codepipeline.commandCalls(StartPipelineExecutionCommand);
    assert.deepEqual(call.args[0].input, {
      name: "mlops-test",
      clientRequestToken: `push-${NEW}`,
      sourceRevisions: [{ actionName: "Source", revisionType: "COMMIT_ID", revisionValue: NEW }],
    });
    const [diff] = codecommit.commandCalls(GetDifferencesCommand);
    assert.equal(diff.args[0].input.beforeCommitSpecifier, OLD);
    assert.equal(diff.args[0].input.afterCommitSpecifier, NEW);
  });

  it("skips a push that only changed unwatched paths, and says why", async () => {
    codecommit.on(GetDifferencesCommand).resolves(changed("README.md", "docs/guide.md"));
    const result = await filterPush(pushEvent(), settings);
    assert.equal(result.decision, "skipped");
    assert.match(result.decision === "skipped" ? result.reason : "", /none of the 2 changed paths match/);
    assert.equal(codepipeline.commandCalls(StartPipelineExecutionCommand).length, 0);
  });

  it("reads every page of differences, and counts deleted files by their old path", async () => {
    codecommit
      .on(GetDifferencesCommand, { NextToken: undefined })
      .resolves({ ...changed("README.md"), NextToken: "page-2" })
      .on(GetDifferencesCommand, { NextToken: "page-2" })
      .resolves({ differences: [{ beforeBlob: { path: "infra/old.ts", blobId: "y", mode: "100644" } }] });
    const result = await filterPush(pushEvent(), settings);
    assert.equal(result.decision, "started");
    assert.deepEqual(result.decision === "started" && result.matchedPaths, ["infra/old.ts"]);
    assert.equal(codecommit.commandCalls(GetDifferencesCommand).length, 2);
  });

  it("builds a new branch, which has no parent to compare with", async () => {
    const result = await filterPush(
      pushEvent({ event: "referenceCreated", oldCommitId: undefined }),
      settings,
    );
    assert.equal(result.decision, "started");
    assert.equal(codecommit.commandCalls(GetDifferencesCommand).length, 0);
  });

  it("ignores deleted branches, tags and malformed events without calling AWS", async () => {
    for (const event of [
      pushEvent({ event: "referenceDeleted" }),
      pushEvent({ referenceType: "tag" }),
      { detail: { nonsense: true } } as unknown as ReferenceEvent,
      undefined as unknown as ReferenceEvent,
    ]) {
      assert.equal((await filterPush(event, settings)).decision, "ignored");
    }
    assert.equal(codecommit.calls().length + codepipeline.calls().length, 0);
  });

  it("lets an SDK error through, so EventBridge retries and dead-letters the event", async () => {
    codecommit.on(GetDifferencesCommand).rejects(new Error("ThrottlingException"));
    await assert.rejects(filterPush(pushEvent(), settings), /ThrottlingException/);
  });

  it("reads its settings from the environment and names a bad variable", () => {
    assert.deepEqual(
      settingsFromEnvironment({
        PIPELINE_NAME: "p",
        SOURCE_ACTION_NAME: "Source",
        TRIGGER_PATHS: '["a/**"]',
      }),
      { pipelineName: "p", sourceActionName: "Source", triggerPaths: ["a/**"] },
    );
    assert.throws(
      () =>
        settingsFromEnvironment({ PIPELINE_NAME: "p", SOURCE_ACTION_NAME: "Source", TRIGGER_PATHS: "a/**" }),
      (error: unknown) =>
        error instanceof EnvironmentError &&
        /TRIGGER_PATHS = "a\/\*\*": must be a JSON list of strings/.test(error.message),
    );
  });

  it("the archive Pulumi builds for Lambda runs: the serialized handler starts the pipeline", async () => {
    const run = await offline({ stack: "test" });
    const archive = loadArchive<{ handler: (event: ReferenceEvent) => Promise<{ decision: string }> }>(
      one(run, "aws:lambda/function:Function", "mlops-push-filter"),
    );
    try {
      codecommit.on(GetDifferencesCommand).resolves(changed("infra/index.ts"));
      const result = await archive.module.handler(pushEvent());
      assert.equal(result.decision, "started");
      assert.equal(
        codepipeline.commandCalls(StartPipelineExecutionCommand)[0].args[0].input.name,
        "mlops-test",
      );
    } finally {
      archive.restore();
    }
  });
});
