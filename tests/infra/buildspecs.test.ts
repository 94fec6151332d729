import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { parse } from "yaml";
import {
  BUILD_RUNTIMES,
  buildSpec,
  DEPLOYER_PROFILE,
  PYTHON_TEST_PACKAGES,
  type BuildKind,
} from "../../infra/cicd/buildspecs";
import { emulateBuild } from "../helpers/codebuild-emulator";

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

    it(`${kind}: installs the pinned Pulumi CLI, runs Pulumi as the deployment role, and enforces every policy pack`, () => {
      const all = commands(parse(buildSpec(kind)) as Spec);
      assert.ok(all.some((c) => c.includes('--version "$PULUMI_VERSION"')));
      const profile = all.findIndex((c) =>
        c.includes(`profile.${DEPLOYER_PROFILE}.role_arn "$PULUMI_ROLE_ARN"`),
      );
      const login = all.findIndex((c) => c.endsWith('pulumi login "$PULUMI_BACKEND_URL"'));
      assert.ok(profile >= 0 && login > profile, "the deployment role's profile exists before logging in");
      const packs = all.find((c) => c.includes("policy/*/PulumiPolicy.yaml"));
      assert.ok(packs, "no policy pack loop");
      // A pack is a project of its own: its dependencies come from its own lock, not the program's.
      assert.match(packs, /npm ci --prefix "\$dir"/);
      for (const c of all.filter((x) => /pulumi (preview|up)/.test(x))) {
        assert.ok(c.includes("$POLICY_ARGS"), `runs without policy packs: ${c}`);
      }
    });

    it(`${kind}: Node.js ${BUILD_RUNTIMES.nodejs} (20 is past end of life)`, () => {
      const spec = parse(buildSpec(kind)) as {
        phases: { install: { "runtime-versions": { nodejs: number } } };
      };
      assert.equal(spec.phases.install["runtime-versions"].nodejs, 22);
    });

    it(`${kind}: only Pulumi runs as the deployment role; every aws command runs as the CodeBuild role`, () => {
      const build = emulateBuild(buildSpec(kind), {
        env: {
          APPROVED_MODEL_PACKAGE_ARN: "arn:aws:sagemaker:us-west-2:1:model-package/g/3",
          APPROVED_RUN_ID: "r",
        },
      });
      assert.ok(build.succeeded, build.output);
      const pulumi = build.calls.filter((c) => c.program === "pulumi" && c.args !== "version");
      assert.ok(pulumi.length >= 2);
      for (const call of pulumi) assert.equal(call.profile, DEPLOYER_PROFILE, `pulumi ${call.args}`);
      const aws = build.calls.filter(
        (c) =>
          c.program === "aws" &&
          !c.args.startsWith("configure") &&
          !c.args.startsWith("sts get-caller-identity"),
      );
      for (const call of aws) assert.equal(call.profile, "", `aws ${call.args} runs as ${call.profile}`);
      assert.ok(
        build.calls.every((c) => c.accessKey === ""),
        "no static credentials are exported",
      );
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

  for (const kind of ["deploy-test", "pr-check"] as BuildKind[]) {
    it(`${kind}: npm test runs with XGBoost 1.7.4 installed into the interpreter it is told about`, () => {
      const build = emulateBuild(buildSpec(kind));
      const pip = build.calls.findIndex(
        (c) => c.program === "python3" && c.args.startsWith("-m pip install"),
      );
      const test = build.calls.findIndex((c) => c.program === "npm" && c.args === "test");
      assert.ok(pip >= 0 && test > pip, "installs the Python packages before npm test");
      for (const pkg of PYTHON_TEST_PACKAGES) assert.ok(build.calls[pip].args.includes(pkg), pkg);
      assert.ok(
        PYTHON_TEST_PACKAGES.includes("xgboost==1.7.4"),
        "the version SageMaker's xgboost:1.7-1 runs",
      );
      assert.ok(build.calls[test].mlopsPython.endsWith("/python3"), "local mode finds it");
    });
  }

  it("deploy-prod: the package is Approved only after the deploy, and a failed deploy rejects it and restores prod's model", () => {
    const env = {
      APPROVED_MODEL_PACKAGE_ARN: "arn:aws:sagemaker:us-west-2:1:model-package/g/3",
      APPROVED_RUN_ID: "20261129-100000-abc1234",
    };
    const ok = emulateBuild(buildSpec("deploy-prod"), { env });
    const order = (build: typeof ok, match: RegExp) =>
      build.calls.findIndex((c) => match.test(`${c.program} ${c.args}`));
    assert.ok(order(ok, /--model-approval-status Approved/) > order(ok, /pulumi up/));
    const failed = emulateBuild(buildSpec("deploy-prod"), { env, failWhen: /^pulumi up/ });
    assert.deepEqual(failed.failedPhases, ["build"]);
    assert.ok(order(failed, /--model-approval-status Rejected/) > 0, failed.output);
    assert.equal(order(failed, /--model-approval-status Approved/), -1);
    const restored = failed.calls.filter((c) =>
      /^config set -s prod mlops:approvedModelPackageArn/.test(c.args),
    );
    assert.equal(restored.length, 2, "set to the new model, then back");
  });

  it("pr-check: a comment that cannot be posted does not fail checks that passed", () => {
    const build = emulateBuild(buildSpec("pr-check"), {
      env: { PULL_REQUEST_ID: "12", SOURCE_COMMIT: "abc" },
      failWhen: /^aws codecommit post-comment-for-pull-request/,
    });
    assert.ok(build.succeeded, build.output);
    assert.match(build.output, /warning: could not comment on pull request 12/);
    const failing = emulateBuild(buildSpec("pr-check"), { failWhen: /^npm test/ });
    assert.deepEqual(failing.failedPhases, ["post_build"], "a failed check still fails the build");
    assert.ok(failing.calls.some((c) => c.args.startsWith("codecommit post-comment-for-pull-request")));
  });

  it("pr-check: runs every check, comments on the pull request, then fails if any check failed", () => {
    const spec = parse(buildSpec("pr-check")) as Spec;
    const build = spec.phases.build.commands!.join("\n");
    for (const check of ["npm test", "-s test", "-s prod"]) assert.ok(build.includes(check), check);
    assert.ok(
      spec.phases.build.finally!.some((c) => c.startsWith("aws codecommit post-comment-for-pull-request")),
    );
    assert.deepEqual(spec.phases.post_build.commands, ['exit "$FAILED"']);
    assert.ok(!commands(spec).some((c) => c.includes("pulumi up")), "a pull request never deploys");
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
      previewTest.replace(/if [^>]*pulumi preview [^>]*>/, "if true >"),
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
