import { stringify } from "yaml";

/**
 * CodeBuild buildspecs, as pure functions of their settings so they can be read and tested without
 * AWS. Settings reach the build as environment variables set on the project (see `backbone.ts`), so
 * a config change does not rewrite the script.
 */

export type BuildKind = "deploy-test" | "deploy-prod" | "pr-check";

/** Environment variables every Pulumi build reads. */
export const PULUMI_ENV = {
  version: "PULUMI_VERSION",
  backend: "PULUMI_BACKEND_URL",
  secretsProvider: "PULUMI_SECRETS_PROVIDER",
  roleArn: "PULUMI_ROLE_ARN",
  accessToken: "PULUMI_ACCESS_TOKEN",
} as const;

const install = [
  `curl -fsSL https://get.pulumi.com | sh -s -- --version "$${PULUMI_ENV.version}"`,
  'export PATH="$HOME/.pulumi/bin:$PATH"',
  "pulumi version",
  "npm ci --no-audit --no-fund",
];

/** Credentials of the deployment role, assumed for this build only. */
const assumeRole = [
  `read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN <<< "$(aws sts assume-role --role-arn "$${PULUMI_ENV.roleArn}" --role-session-name "pulumi-$CODEBUILD_BUILD_NUMBER" --query '[Credentials.AccessKeyId,Credentials.SecretAccessKey,Credentials.SessionToken]' --output text)"`,
  "export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN",
  `pulumi login "$${PULUMI_ENV.backend}"`,
];

/**
 * Every policy pack in the repository, so a new pack is enforced without editing the pipeline; a
 * pack's `<stack>.json` (prod.json makes every rule mandatory) is its policy config for that stack.
 */
const policyPacks = (stack: string) => [
  `POLICY_ARGS=""; for pack in policy/*/PulumiPolicy.yaml; do dir=$(dirname "$pack"); POLICY_ARGS="$POLICY_ARGS --policy-pack $dir"; if [ -f "$dir/${stack}.json" ]; then POLICY_ARGS="$POLICY_ARGS --policy-pack-config $dir/${stack}.json"; fi; done`,
  `echo "policy packs for ${stack}:$POLICY_ARGS"`,
];

/**
 * Before deploying prod: mark the run's model package Approved in the registry (the manual approval
 * just happened) and point the prod stack at it and at its run's baseline.
 */
const approveModel = [
  'if [ -n "${APPROVED_MODEL_PACKAGE_ARN:-}" ]; then aws sagemaker update-model-package --model-package-arn "$APPROVED_MODEL_PACKAGE_ARN" --model-approval-status Approved --approval-description "Approved in CodePipeline ($CODEBUILD_BUILD_ID)"; pulumi config set -s prod mlops:approvedModelPackageArn "$APPROVED_MODEL_PACKAGE_ARN"; pulumi config set -s prod mlops:approvedRunId "$APPROVED_RUN_ID"; fi',
];

const selectStack = (stack: string) =>
  `pulumi stack select --create "${stack}" --secrets-provider "$${PULUMI_ENV.secretsProvider}" --non-interactive`;

function deploy(stack: "test" | "prod", runTests: boolean) {
  return {
    version: "0.2",
    env: { shell: "bash", "exported-variables": ["STACK_OUTPUTS_FILE"] },
    phases: {
      install: { "runtime-versions": { nodejs: 20 }, commands: install },
      pre_build: { commands: [...(runTests ? ["npm test"] : []), ...assumeRole, ...policyPacks(stack)] },
      build: {
        commands: [
          selectStack(stack),
          ...(stack === "prod" ? approveModel : []),
          // A preview with the packs first: a mandatory violation stops the build before any change.
          `pulumi preview --non-interactive --diff $POLICY_ARGS -s "${stack}"`,
          `pulumi up --yes --non-interactive --skip-preview $POLICY_ARGS -s "${stack}"`,
        ],
      },
      post_build: {
        commands: [
          `pulumi stack output --json -s "${stack}" > stack-outputs.json`,
          "STACK_OUTPUTS_FILE=stack-outputs.json",
        ],
      },
    },
    artifacts: { files: ["stack-outputs.json"] },
  };
}

/**
 * The pull-request check: tests and a policy-enforced preview of both stacks, every step run even when
 * one fails, then one comment on the pull request with the outcome, and a failed build if anything failed.
 */
function prCheck() {
  const step = (label: string, command: string, log: string) =>
    `if ${command} > ${log} 2>&1; then echo "| ${label} | passed |" >> summary.md; else FAILED=1; echo "| ${label} | **failed** (see build log) |" >> summary.md; fi; tail -n 40 ${log}`;
  return {
    version: "0.2",
    env: { shell: "bash" },
    phases: {
      install: { "runtime-versions": { nodejs: 20 }, commands: install },
      pre_build: { commands: [...assumeRole] },
      build: {
        commands: [
          'FAILED=0; printf "### Pipeline checks for %s\\n\\n| check | result |\\n|---|---|\\n" "$SOURCE_COMMIT" > summary.md',
          step("npm test", "npm test", "tests.log"),
          ...policyPacks("test"),
          step(
            "preview test stack with policies",
            "pulumi preview --non-interactive $POLICY_ARGS -s test",
            "preview-test.log",
          ),
          ...policyPacks("prod"),
          step(
            "preview prod stack with policies",
            "pulumi preview --non-interactive $POLICY_ARGS -s prod",
            "preview-prod.log",
          ),
        ],
        finally: [
          'echo "" >> summary.md; echo "Build: $CODEBUILD_BUILD_URL" >> summary.md',
          'aws codecommit post-comment-for-pull-request --pull-request-id "$PULL_REQUEST_ID" --repository-name "$REPOSITORY_NAME" --before-commit-id "$DESTINATION_COMMIT" --after-commit-id "$SOURCE_COMMIT" --content "$(cat summary.md)"',
        ],
      },
      post_build: { commands: ['exit "$FAILED"'] },
    },
  };
}

export function buildSpec(kind: BuildKind): string {
  const spec =
    kind === "pr-check"
      ? prCheck()
      : deploy(kind === "deploy-test" ? "test" : "prod", kind === "deploy-test");
  return stringify(spec, { lineWidth: 0 });
}
