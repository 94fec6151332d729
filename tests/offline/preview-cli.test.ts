import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { previewCommand } from "../../tools/cli/preview-command";
import { asCli } from "../helpers/cli-in-process";
import { offline } from "../helpers/offline";

const ROOT = join(__dirname, "..", "..");

/** The command in-process, on the runs other suites share (offline()). */
async function previewed(...argv: string[]): Promise<string> {
  let stdout = "";
  await previewCommand(argv, (text) => (stdout += text), offline);
  return stdout;
}

/** The command as its process would end (exit code, stderr), in-process. */
const asProcessWould = (...argv: string[]) => asCli((write) => previewCommand(argv, write));

/** The CLI as a process, for its wiring. */
function preview(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(ROOT, "tools", "cli", "preview-offline.ts"), ...args],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, DEBUG: "" }, timeout: 120_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

type Entry = {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  inputs: Record<string, unknown>;
};

describe("npm run preview:offline", function () {
  this.timeout(180_000);

  it("as a process, --json prints only a JSON array of every registration for the test stack", () => {
    const { code, stdout } = preview("--stack", "test", "--json");
    assert.equal(code, 0);
    const entries = JSON.parse(stdout) as Entry[];
    const types = new Set(entries.map((e) => e.type));
    for (const type of [
      "aws:codecommit/repository:Repository",
      "aws:codepipeline/pipeline:Pipeline",
      "aws:kms/key:Key",
      "aws:s3/bucket:Bucket",
    ]) {
      assert.ok(types.has(type), type);
    }
    assert.ok(entries.filter((e) => e.type === "aws:codebuild/project:Project").length >= 2);
    assert.ok(entries.filter((e) => e.type === "aws:cloudwatch/eventRule:EventRule").length >= 3);
    const pipeline = entries.find((e) => e.type === "aws:codepipeline/pipeline:Pipeline")!;
    assert.equal(pipeline.inputs.pipelineType, "V2");
    assert.equal(pipeline.inputs.executionMode, "QUEUED");
    for (const e of entries) assert.deepEqual(Object.keys(e), ["urn", "type", "name", "parent", "inputs"]);
    const byUrn = new Map(entries.map((e) => [e.urn, e]));
    for (const e of entries.filter((x) => x.type.startsWith("aws:"))) {
      assert.match(
        byUrn.get(e.parent ?? "")?.type ?? "",
        /^mlops:/,
        `${e.name} has no mlops component parent`,
      );
    }
  });

  it("prints the resource tree without --json, and structured --config values are honoured", async () => {
    const stdout = await previewed(
      "--stack",
      "test",
      "--config",
      'triggerPaths=["models/**"]',
      "--config",
      "branch=release",
    );
    assert.match(stdout, /^pulumi:pulumi:Stack {2}mlops-test$/m);
    assert.match(stdout, /└─ mlops:cicd:CicdBackbone {2}mlops {2}\[component\]/);
    assert.match(stdout, /^\d+ resources and \d+ components, stack test, update/m);
    const json = JSON.parse(
      await previewed(
        "--stack",
        "test",
        "--json",
        "--config",
        'triggerPaths=["models/**"]',
        "--config",
        "branch=release",
      ),
    ) as Entry[];
    const filter = json.find(
      (e) => e.type === "aws:lambda/function:Function" && e.name === "mlops-push-filter",
    )!;
    const variables = (filter.inputs.environment as { variables: Record<string, string> }).variables;
    assert.equal(variables.TRIGGER_PATHS, '["models/**"]');
    assert.equal(
      json.find((e) => e.type === "aws:codecommit/repository:Repository")!.inputs.defaultBranch,
      "release",
    );
  });

  it("--preview leaves computed outputs unknown", async () => {
    const entries = JSON.parse(await previewed("--stack", "test", "--json", "--preview")) as Entry[];
    const repo = entries.find((e) => e.type === "aws:codecommit/repository:Repository")!;
    assert.deepEqual(
      repo.inputs.kmsKeyId,
      { __pulumiUnknown: true },
      "the key ARN is not known before the key exists",
    );
    assert.equal(repo.inputs.repositoryName, "mlops-repo");
  });

  it("previews the prod stack", async () => {
    const entries = JSON.parse(await previewed("--stack", "prod", "--json")) as Entry[];
    assert.equal(entries[0].type, "pulumi:pulumi:Stack");
  });

  it("exits 2 with one line for an unknown stack", async () => {
    const { code, stdout, stderr } = await asProcessWould("--stack", "nope");
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(stderr.trim().split("\n").length, 1);
    assert.match(
      stderr,
      /^error: Unknown stack "nope": there is no Pulumi\.nope\.yaml\. Stacks here: prod, test\.$/m,
    );
  });

  it("exits 2 naming the key, the value and what is allowed for bad config, without a stack trace", async () => {
    const { code, stderr } = await asProcessWould("--stack", "test", "--config", "logRetentionDays=12");
    assert.equal(code, 2);
    assert.match(stderr, /mlops:logRetentionDays = 12: must be one of 1, 3, 5/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  it("exits 2 for a malformed --config", async () => {
    const { code, stderr } = await asProcessWould("--stack", "test", "--config", "novalue");
    assert.equal(code, 2);
    assert.match(stderr, /--config "novalue": expected key=value/);
  });
});
