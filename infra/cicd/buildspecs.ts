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

/**
 * Runtimes the build image (`aws/codebuild/amazonlinux-x86_64-standard:5.0`, Amazon Linux 2023)
 * provides: https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html.
 * Node.js 20 left maintenance in April 2026; Lambda and the builds run 22.
 */
export const BUILD_RUNTIMES = { nodejs: 22, python: 3.11 } as const;

/**
 * What `npm test` needs from Python: XGBoost 1.7.4, the version in SageMaker's xgboost:1.7-1 image
 * that local mode trains with (numpy below 2, which XGBoost 1.7 predates). AWS's API models, which
 * the contract tests and local mode read, are vendored in the repository (local/aws/api-models).
 */
export const PYTHON_TEST_PACKAGES = ["xgboost==1.7.4", "numpy==1.26.4", "scipy==1.11.4"];

const install = (runsTests: boolean) => [
  `curl -fsSL https://get.pulumi.com | sh -s -- --version "$${PULUMI_ENV.version}"`,
  'export PATH="$HOME/.pulumi/bin:$PATH"',
  "pulumi version",
  ...(runsTests
    ? [
        `python3 -m pip install --quiet --disable-pip-version-check ${PYTHON_TEST_PACKAGES.map((p) => `"${p}"`).join(" ")}`,
        'export MLOPS_PYTHON="$(command -v python3)"',
      ]
    : []),
  "npm ci --no-audit --no-fund",
];

/** The AWS profile Pulumi runs under: the deployment role, assumed from the build's own credentials. */
export const DEPLOYER_PROFILE = "pulumi-deployer";

/**
 * The deployment role as a named profile, not exported credentials: Pulumi (and only Pulumi) runs
 * with `AWS_PROFILE`, the SDKs assume the role from the container's credentials and refresh it for
 * long deployments, and every `aws` command stays on the CodeBuild role that holds its grants.
 * https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html (credential_source)
 */
const deployerProfile = [
  `aws configure set profile.${DEPLOYER_PROFILE}.role_arn "$${PULUMI_ENV.roleArn}"`,
  `aws configure set profile.${DEPLOYER_PROFILE}.credential_source EcsContainer`,
  `aws configure set profile.${DEPLOYER_PROFILE}.role_session_name "pulumi-$CODEBUILD_BUILD_NUMBER"`,
  `aws configure set profile.${DEPLOYER_PROFILE}.region "$AWS_REGION"`,
];

/** A command run with the deployment role. */
export const asDeployer = (command: string) =>
  `AWS_PROFILE=${DEPLOYER_PROFILE} AWS_SDK_LOAD_CONFIG=1 ${command}`;

const pulumiLogin = [
  ...deployerProfile,
  // Fails here, with the role in the message, if the role cannot be assumed.
  asDeployer("aws sts get-caller-identity --query Arn --output text"),
  asDeployer(`pulumi login "$${PULUMI_ENV.backend}"`),
];

/**
 * Every policy pack in the repository, so a new pack is enforced without editing the pipeline; a
 * pack's `<stack>.json` (prod.json makes every rule mandatory) is its policy config for that stack.
 * Each pack is a project of its own (what `pulumi policy publish` uploads), installed from its lock.
 */
const policyPacks = (stack: string) => [
  `POLICY_ARGS=""; for pack in policy/*/PulumiPolicy.yaml; do dir=$(dirname "$pack"); npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error; POLICY_ARGS="$POLICY_ARGS --policy-pack $dir"; if [ -f "$dir/${stack}.json" ]; then POLICY_ARGS="$POLICY_ARGS --policy-pack-config $dir/${stack}.json"; fi; done`,
  `echo "policy packs for ${stack}:$POLICY_ARGS"`,
];

/**
 * Deploying prod points the stack at the run's model package and baseline; the previous values are
 * kept so a failed deploy can restore them.
 */
const pointProdAtModel = [
  `if [ -n "\${APPROVED_MODEL_PACKAGE_ARN:-}" ]; then PREVIOUS_MODEL_PACKAGE_ARN=$(${asDeployer("pulumi config get -s prod mlops:approvedModelPackageArn")} || true); PREVIOUS_RUN_ID=$(${asDeployer("pulumi config get -s prod mlops:approvedRunId")} || true); ${asDeployer('pulumi config set -s prod mlops:approvedModelPackageArn "$APPROVED_MODEL_PACKAGE_ARN"')}; ${asDeployer('pulumi config set -s prod mlops:approvedRunId "$APPROVED_RUN_ID"')}; fi`,
];

/**
 * After the deploy: the package is Approved in the registry (and so the champion the next run is
 * judged against) only once prod serves it, i.e. the blue/green rollout finished without a rollback.
 * Otherwise it is Rejected with the reason and the stack points at the previous model again. The
 * CodeBuild role holds the registry grant.
 */
const recordRelease = [
  `if [ -n "\${APPROVED_MODEL_PACKAGE_ARN:-}" ]; then if [ "$CODEBUILD_BUILD_SUCCEEDING" = "1" ]; then aws sagemaker update-model-package --model-package-arn "$APPROVED_MODEL_PACKAGE_ARN" --model-approval-status Approved --approval-description "Serving in prod after build $CODEBUILD_BUILD_ID"; else aws sagemaker update-model-package --model-package-arn "$APPROVED_MODEL_PACKAGE_ARN" --model-approval-status Rejected --approval-description "The prod deploy failed or rolled back (build $CODEBUILD_BUILD_ID)"; if [ -n "\${PREVIOUS_MODEL_PACKAGE_ARN:-}" ]; then ${asDeployer('pulumi config set -s prod mlops:approvedModelPackageArn "$PREVIOUS_MODEL_PACKAGE_ARN"')}; ${asDeployer('pulumi config set -s prod mlops:approvedRunId "$PREVIOUS_RUN_ID"')}; fi; fi; fi`,
];

const selectStack = (stack: string) =>
  asDeployer(
    `pulumi stack select --create "${stack}" --secrets-provider "$${PULUMI_ENV.secretsProvider}" --non-interactive`,
  );

function deploy(stack: "test" | "prod", runTests: boolean) {
  return {
    version: "0.2",
    env: { shell: "bash", "exported-variables": ["STACK_OUTPUTS_FILE"] },
    phases: {
      install: { "runtime-versions": runtimes(runTests), commands: install(runTests) },
      pre_build: { commands: [...(runTests ? ["npm test"] : []), ...pulumiLogin, ...policyPacks(stack)] },
      build: {
        commands: [
          selectStack(stack),
          ...(stack === "prod" ? pointProdAtModel : []),
          // A preview with the packs first: a mandatory violation stops the build before any change.
          asDeployer(`pulumi preview --non-interactive --diff $POLICY_ARGS -s "${stack}"`),
          asDeployer(`pulumi up --yes --non-interactive --skip-preview $POLICY_ARGS -s "${stack}"`),
        ],
      },
      post_build: {
        commands: [
          ...(stack === "prod" ? recordRelease : []),
          asDeployer(`pulumi stack output --json -s "${stack}" > stack-outputs.json`),
          "STACK_OUTPUTS_FILE=stack-outputs.json",
        ],
      },
    },
    artifacts: { files: ["stack-outputs.json"] },
  };
}

const step = (label: string, command: string, log: string) =>
  `if ${command} > ${log} 2>&1; then echo "| ${label} | passed |" >> summary.md; else FAILED=1; echo "| ${label} | **failed** (see build log) |" >> summary.md; fi; tail -n 40 ${log}`;

/**
 * The prod stack in the pull-request check. When production is in its own account, only the Deploy
 * stage's role may reach it, so a pull request checks the prod stack offline, against the same packs.
 */
function prodCheck(options: BuildSpecOptions): string[] {
  if (options.prodInOwnAccount) {
    return [
      step(
        "prod stack against the policies (offline: production is in its own account)",
        "npm run -s policy -- --stack prod",
        "policy-prod.log",
      ),
    ];
  }
  return [
    ...policyPacks("prod"),
    step(
      "preview prod stack with policies",
      asDeployer("pulumi preview --non-interactive $POLICY_ARGS -s prod"),
      "preview-prod.log",
    ),
  ];
}

/**
 * The pull-request check: tests and a policy-enforced preview of both stacks, every step run even when
 * one fails, then one comment on the pull request with the outcome, and a failed build if anything failed.
 */
function prCheck(options: BuildSpecOptions) {
  const codeCommit = options.commentOnCodeCommit ?? true;
  return {
    version: "0.2",
    env: { shell: "bash" },
    phases: {
      install: { "runtime-versions": runtimes(true), commands: install(true) },
      pre_build: { commands: [...pulumiLogin] },
      build: {
        commands: [
          // A webhook build names its commit in CodeBuild's own variable.
          ...(codeCommit ? [] : ['SOURCE_COMMIT="$CODEBUILD_RESOLVED_SOURCE_VERSION"']),
          'FAILED=0; printf "### Pipeline checks for %s\\n\\n| check | result |\\n|---|---|\\n" "$SOURCE_COMMIT" > summary.md',
          step("npm test", "npm test", "tests.log"),
          ...policyPacks("test"),
          step(
            "preview test stack with policies",
            asDeployer("pulumi preview --non-interactive $POLICY_ARGS -s test"),
            "preview-test.log",
          ),
          ...prodCheck(options),
        ],
        finally: [
          'echo "" >> summary.md; echo "Build: $CODEBUILD_BUILD_URL" >> summary.md',
          ...(codeCommit ? [codeCommitComment] : ["cat summary.md"]),
        ],
      },
      post_build: { commands: ['exit "$FAILED"'] },
    },
  };
}

// The CodeBuild role comments (it holds the grant); a comment that cannot be posted is a warning,
// never a failure of checks that passed.
const codeCommitComment =
  'aws codecommit post-comment-for-pull-request --pull-request-id "$PULL_REQUEST_ID" --repository-name "$REPOSITORY_NAME" --before-commit-id "$DESTINATION_COMMIT" --after-commit-id "$SOURCE_COMMIT" --content "$(cat summary.md)" || echo "warning: could not comment on pull request $PULL_REQUEST_ID; the checks\' result stands"';

/** Python only where the tests run; Node.js everywhere. */
const runtimes = (runsTests: boolean) =>
  runsTests
    ? { nodejs: BUILD_RUNTIMES.nodejs, python: BUILD_RUNTIMES.python }
    : { nodejs: BUILD_RUNTIMES.nodejs };

export interface BuildSpecOptions {
  /** Production runs in its own account (`mlops:prodAccount`). */
  readonly prodInOwnAccount?: boolean;
  /**
   * The pull request is a CodeCommit one, which the check comments on; on GitHub, GitLab or Bitbucket
   * the check's outcome reaches the pull request as the build status CodeBuild reports.
   */
  readonly commentOnCodeCommit?: boolean;
}

export function buildSpec(kind: BuildKind, options: BuildSpecOptions = {}): string {
  const spec =
    kind === "pr-check"
      ? prCheck(options)
      : deploy(kind === "deploy-test" ? "test" : "prod", kind === "deploy-test");
  return stringify(spec, { lineWidth: 0 });
}
