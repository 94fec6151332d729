import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { parse } from "yaml";
import { buildSpec, type BuildKind } from "../../infra/cicd/buildspecs";

type Spec = {
  version: string;
  env: { shell: string };
  phases: Record<string, { commands?: string[]; finally?: string[] }>;
};

const KINDS: BuildKind[] = ["deploy-test", "deploy-prod", "pr-check"];
const commands = (spec: Spec) =>
  Object.values(spec.phases).flatMap((phase) => [...(phase.commands ?? []), ...(phase.finally ?? [])]);

describe("buildspecs", () => {
  for (const kind of KINDS) {
    it(`${kind}: is buildspec 0.2 YAML whose every command is valid bash`, () => {
      const spec = parse(buildSpec(kind)) as Spec;
      assert.equal(spec.version, "0.2");
      assert.equal(spec.env.shell, "bash");
      const all = commands(spec);
      assert.ok(all.length >= 8);
      const check = spawnSync("bash", ["-n"], { input: all.join("\n"), encoding: "utf8" });
      assert.equal(check.status, 0, check.stderr);
    });

    it(`${kind}: installs the pinned Pulumi CLI, logs in with the assumed role, and enforces every policy pack`, () => {
      const all = commands(parse(buildSpec(kind)) as Spec);
      assert.ok(all.some((c) => c.includes('--version "$PULUMI_VERSION"')));
      const assume = all.findIndex((c) => c.includes('aws sts assume-role --role-arn "$PULUMI_ROLE_ARN"'));
      const login = all.findIndex((c) => c === 'pulumi login "$PULUMI_BACKEND_URL"');
      assert.ok(assume >= 0 && login > assume, "assume the role before logging in");
      assert.ok(all.some((c) => c.includes("policy/*/PulumiPolicy.yaml")));
      for (const c of all.filter(
        (x) => /^pulumi (preview|up)/.test(x) || (x.includes("then") && x.includes("pulumi preview")),
      )) {
        assert.ok(c.includes("$POLICY_ARGS"), `runs without policy packs: ${c}`);
      }
    });
  }

  it("prod previews and deploys with each pack's prod.json (every rule mandatory); test without", () => {
    const prod = commands(parse(buildSpec("deploy-prod")) as Spec).find((c) =>
      c.startsWith('POLICY_ARGS=""'),
    )!;
    assert.match(prod, /--policy-pack-config \$dir\/prod\.json/);
    const test = commands(parse(buildSpec("deploy-test")) as Spec).find((c) =>
      c.startsWith('POLICY_ARGS=""'),
    )!;
    assert.match(test, /\$dir\/test\.json/);
    const pr = (parse(buildSpec("pr-check")) as Spec).phases.build.commands!;
    assert.ok(
      pr.findIndex((c) => c.includes("prod.json")) < pr.findIndex((c) => c.includes("preview prod stack")),
    );
  });

  it("pr-check: runs every check, comments on the pull request, then fails if any check failed", () => {
    const spec = parse(buildSpec("pr-check")) as Spec;
    const build = spec.phases.build.commands!.join("\n");
    for (const check of ["npm test", "-s test", "-s prod"]) assert.ok(build.includes(check), check);
    assert.ok(
      spec.phases.build.finally!.some((c) => c.startsWith("aws codecommit post-comment-for-pull-request")),
    );
    assert.deepEqual(spec.phases.post_build.commands, ['exit "$FAILED"']);
    assert.ok(!commands(spec).some((c) => c.startsWith("pulumi up")), "a pull request never deploys");
  });

  it("the PR-check script records a failed step and still reaches the comment", () => {
    const commands = (parse(buildSpec("pr-check")) as Spec).phases.build.commands!;
    const [init] = commands;
    const tests = commands.find((c) => c.startsWith("if npm test"))!;
    const previewTest = commands.find((c) => c.includes("preview test stack"))!;
    // The real checks swapped for one failing and one passing command; the script itself runs for real.
    const script = [
      'cd "$(mktemp -d)"',
      init,
      tests.replace("if npm test >", "if false >"),
      previewTest.replace(/if pulumi preview [^>]*>/, "if true >"),
      'cat summary.md; echo "FAILED=$FAILED"',
    ].join("\n");
    const out = spawnSync("bash", ["-c", script], {
      encoding: "utf8",
      env: { ...process.env, SOURCE_COMMIT: "abc123" },
    });
    assert.equal(out.status, 0, out.stderr);
    assert.match(out.stdout, /### Pipeline checks for abc123/);
    assert.match(out.stdout, /\| npm test \| \*\*failed\*\*/);
    assert.match(out.stdout, /\| preview test stack with policies \| passed \|/);
    assert.match(out.stdout, /FAILED=1/);
  });
});
