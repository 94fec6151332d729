import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import type { ProdAccount } from "../shared/cross-account";
import { kmsUseVia, serviceRole, type Statement } from "../shared/iam";
import { logGroup } from "../shared/log-group";
import type { PipelineSource } from "./source";
import { buildSpec, PULUMI_ENV, type BuildKind } from "./buildspecs";
import { artifactAccess, buildStatements, recordReleases } from "./roles";

/** How the build steps reach the Pulumi state backend and which roles they deploy with. */
export interface PulumiDeploymentArgs {
  /** Pulumi CLI version the builds install. */
  readonly version: string;
  /** State backend URL for `pulumi login` (s3://, https://, azblob://, gs://). */
  readonly backendUrl: string;
  /** Secrets provider for new stacks (`default` or `awskms://...`). */
  readonly secretsProvider: string;
  /** SSM SecureString parameter with a Pulumi access token; needed for Pulumi Cloud backends. */
  readonly accessTokenParameter?: string;
  /** Role `pulumi up` assumes; it holds the permissions to create the stacks' resources. */
  readonly deployRoleArn: string;
  /** Role pull-request previews assume; read-only is enough. Defaults to `deployRoleArn`. */
  readonly previewRoleArn?: string;
  /** Production in its own account: the Deploy build runs as its pipeline role. */
  readonly prodAccount?: ProdAccount;
}

/** What every build of the backbone shares. */
export interface BuildSettings {
  readonly ctx: AwsContext;
  readonly key: aws.kms.Key;
  readonly pulumi: PulumiDeploymentArgs;
  /** CodeBuild image and compute type. */
  readonly environment: { readonly image: string; readonly computeType: string };
  readonly logRetentionDays: number;
  /** The repository: how the pull-request check checks it out, and what that takes. */
  readonly source: PipelineSource;
  /** The branch a pull-request check builds against. */
  readonly branch: string;
  readonly artifactBucketArn: pulumi.Input<string>;
  /** The model registry group the Deploy build records releases in. */
  readonly modelPackageGroupName?: pulumi.Input<string>;
}

const DESCRIPTIONS: Record<BuildKind, string> = {
  "deploy-test": "Tests, previews with policies, and deploys the test stack",
  "deploy-prod": "Previews with policies and deploys the prod stack",
  "pr-check": "Checks a pull request: tests and policy previews of both stacks",
};

/** The build, deploy and pull-request-check projects. */
export function backboneBuilds(name: string, settings: BuildSettings, component: pulumi.Resource) {
  const { deployRoleArn, previewRoleArn, prodAccount } = settings.pulumi;
  return {
    build: buildProject(name, "deploy-test", deployRoleArn, settings, component),
    // The only role the production account's deployment role trusts, when production has its own.
    deploy: buildProject(
      name,
      "deploy-prod",
      prodAccount?.pipelineRoleArn ?? deployRoleArn,
      settings,
      component,
    ),
    prCheck: buildProject(name, "pr-check", previewRoleArn ?? deployRoleArn, settings, component),
  };
}

/** What a build's role may do besides logging and assuming the Pulumi role. */
function buildAccess(kind: BuildKind, settings: BuildSettings): Statement[] {
  const { key, ctx } = settings;
  if (kind === "pr-check") return settings.source.checkStatements;
  return [
    artifactAccess(settings.artifactBucketArn, true),
    kmsUseVia(key.arn, ["s3"], ctx),
    ...(kind === "deploy-prod" && settings.modelPackageGroupName
      ? [recordReleases(ctx, settings.modelPackageGroupName)]
      : []),
  ];
}

/** Settings reach the buildspec as environment variables, so a config change does not rewrite it. */
function buildVariables(pulumiSettings: PulumiDeploymentArgs, pulumiRoleArn: string) {
  return [
    { name: PULUMI_ENV.version, value: pulumiSettings.version, type: "PLAINTEXT" },
    { name: PULUMI_ENV.backend, value: pulumiSettings.backendUrl, type: "PLAINTEXT" },
    { name: PULUMI_ENV.secretsProvider, value: pulumiSettings.secretsProvider, type: "PLAINTEXT" },
    { name: PULUMI_ENV.roleArn, value: pulumiRoleArn, type: "PLAINTEXT" },
    ...(pulumiSettings.accessTokenParameter
      ? [
          {
            name: PULUMI_ENV.accessToken,
            value: pulumiSettings.accessTokenParameter,
            type: "PARAMETER_STORE",
          },
        ]
      : []),
  ];
}

function buildProject(
  name: string,
  kind: BuildKind,
  pulumiRoleArn: string,
  settings: BuildSettings,
  component: pulumi.Resource,
): aws.codebuild.Project {
  const { ctx, key } = settings;
  const pullRequest = kind === "pr-check";
  const logs = logGroup(
    `${name}-${kind}-logs`,
    {
      logGroupName: `/mlops/${pulumi.getStack()}/codebuild/${kind}`,
      retentionInDays: settings.logRetentionDays,
      kmsKeyArn: key.arn,
    },
    component,
  );
  const access = { ctx, keyArn: key.arn, accessTokenParameter: settings.pulumi.accessTokenParameter };
  const specOptions = {
    prodInOwnAccount: settings.pulumi.prodAccount !== undefined,
    commentOnCodeCommit: settings.source.repository !== undefined,
  };
  const role = serviceRole(
    `${name}-${kind}-role`,
    {
      service: "codebuild.amazonaws.com",
      description: DESCRIPTIONS[kind],
      statements: buildStatements(
        { ...access, logGroupArn: logs.arn, pulumiRoleArn },
        buildAccess(kind, settings),
      ),
      ctx,
    },
    component,
  );
  return new aws.codebuild.Project(
    `${name}-${kind}`,
    {
      name: `${name}-${kind}-${pulumi.getStack()}`,
      description: DESCRIPTIONS[kind],
      serviceRole: role.arn,
      encryptionKey: key.arn,
      buildTimeout: 60,
      queuedTimeout: 480,
      source: pullRequest
        ? { ...settings.source.checkout, gitCloneDepth: 1, buildspec: buildSpec(kind, specOptions) }
        : { type: "CODEPIPELINE", buildspec: buildSpec(kind, specOptions) },
      sourceVersion: pullRequest ? `refs/heads/${settings.branch}` : undefined,
      artifacts: { type: pullRequest ? "NO_ARTIFACTS" : "CODEPIPELINE" },
      environment: {
        type: "LINUX_CONTAINER",
        image: settings.environment.image,
        computeType: settings.environment.computeType,
        privilegedMode: false,
        imagePullCredentialsType: "CODEBUILD",
        environmentVariables: buildVariables(settings.pulumi, pulumiRoleArn),
      },
      logsConfig: {
        cloudwatchLogs: { status: "ENABLED", groupName: logs.name },
        s3Logs: { status: "DISABLED" },
      },
    },
    { parent: component, dependsOn: [role] },
  );
}
