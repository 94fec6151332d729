import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsContext } from "../shared/aws-context";
import { kmsUseVia, type Statement } from "../shared/iam";
import {
  GLOBS_PER_PUSH_FILTER,
  connectionService,
  type ConnectionProvider,
  type ConnectionSource,
} from "./source-settings";
import { SOURCE_ACTION } from "./stages";

/** The repository runs start from, as the pipeline, its role and its trigger see it. */
export interface PipelineSource {
  /** The Source action's provider and configuration. */
  readonly action: { provider: string; configuration: Record<string, pulumi.Input<string>> };
  /** What the pipeline role needs to fetch the source. */
  readonly pipelineStatements: Statement[];
  /** Services that use the project key for the pipeline while it fetches the source. */
  readonly keyServices: string[];
  /** The V2 trigger, when the source filters pushes itself (no push filter needed). */
  readonly triggers?: aws.types.input.codepipeline.PipelineTrigger[];
  /** How the pull-request check's project checks the repository out. */
  readonly checkout: {
    readonly type: string;
    readonly location: pulumi.Input<string>;
    readonly auth?: { type: string; resource: pulumi.Input<string> };
    readonly reportBuildStatus?: boolean;
  };
  /** What the pull-request check's role needs to clone the repository (and comment, on CodeCommit). */
  readonly checkStatements: Statement[];
  /** The pull-request events a CodeBuild webhook starts the check on (connections only). */
  readonly pullRequestEvents?: string;
  /** The CodeCommit repository the stack created, in that mode. */
  readonly repository?: aws.codecommit.Repository;
  /** The connection, in CodeConnections mode. */
  readonly connection?: SourceConnection;
}

/** A connection: its ARN, the service prefix IAM names it with, and its status if the stack made it. */
export interface SourceConnection {
  readonly arn: pulumi.Output<string>;
  readonly service: string;
  readonly status?: pulumi.Output<string>;
}

/** A CodeCommit repository the stack creates, encrypted with the project key. */
export function codeCommitSource(
  name: string,
  settings: { repositoryName: string; branch: string; key: aws.kms.Key; ctx: AwsContext },
  parent: pulumi.Resource,
): PipelineSource {
  const repository = new aws.codecommit.Repository(
    `${name}-repo`,
    {
      repositoryName: settings.repositoryName,
      description: "Code, configuration and pipeline definition of the continuous ML pipeline",
      defaultBranch: settings.branch,
      kmsKeyId: settings.key.arn,
    },
    { parent },
  );
  const configuration = {
    RepositoryName: repository.repositoryName,
    BranchName: settings.branch,
    // Runs start from the push filter and the data trigger, never from polling.
    PollForSourceChanges: "false",
    OutputArtifactFormat: "CODE_ZIP",
  };
  const pipelineStatements: Statement[] = [
    {
      Sid: "ReadSource",
      Action: [
        "codecommit:GetBranch",
        "codecommit:GetCommit",
        "codecommit:GetRepository",
        "codecommit:UploadArchive",
        "codecommit:GetUploadArchiveStatus",
        "codecommit:CancelUploadArchive",
      ],
      Resource: repository.arn,
    },
  ];
  const checkStatements: Statement[] = [
    { Sid: "CloneSource", Action: "codecommit:GitPull", Resource: repository.arn },
    { Sid: "CommentOnPullRequest", Action: "codecommit:PostCommentForPullRequest", Resource: repository.arn },
    kmsUseVia(settings.key.arn, ["codecommit"], settings.ctx),
  ];
  return {
    action: { provider: "CodeCommit", configuration },
    pipelineStatements,
    keyServices: ["codecommit"],
    checkout: { type: "CODECOMMIT", location: repository.cloneUrlHttp },
    checkStatements,
    repository,
  };
}

/**
 * A GitHub, GitLab or Bitbucket repository through a CodeConnections connection: the stack's own
 * (PENDING until someone completes the handshake in the console) or an existing one. Pushes are
 * filtered by the pipeline's V2 trigger on the branch and the watched paths.
 */
export function connectionSource(
  name: string,
  settings: { source: ConnectionSource; branch: string; triggerPaths: string[] },
  parent: pulumi.Resource,
): PipelineSource {
  const { source, branch } = settings;
  const created =
    source.createConnection &&
    new aws.codeconnections.Connection(
      `${name}-connection`,
      {
        name: `${name}-${pulumi.getStack()}`.slice(0, 32),
        ...(source.createConnection.hostArn
          ? { hostArn: source.createConnection.hostArn }
          : { providerType: source.providerType }),
      },
      { parent },
    );
  // A connection made through the CodeConnections API has a `codeconnections` ARN.
  const connection: SourceConnection = created
    ? { arn: created.arn, service: "codeconnections", status: created.connectionStatus }
    : { arn: pulumi.output(source.connectionArn!), service: connectionService(source.connectionArn!) };
  const arn = connection.arn;
  const configuration = {
    ConnectionArn: arn,
    FullRepositoryId: source.fullRepositoryId,
    BranchName: branch,
    // The builds need the files, not git history: a zip, which needs no connection in CodeBuild.
    OutputArtifactFormat: "CODE_ZIP",
  };
  return {
    action: { provider: "CodeStarSourceConnection", configuration },
    pipelineStatements: [useConnection("UseSourceConnection", connection)],
    keyServices: [],
    checkout: {
      ...CHECKOUT[source.providerType](source),
      auth: { type: "CODECONNECTIONS", resource: arn },
      // The check's outcome reaches the pull request as its build status.
      reportBuildStatus: true,
    },
    checkStatements: [connectionToken(connection)],
    pullRequestEvents: PULL_REQUEST_EVENTS[source.providerType],
    triggers: [pushTrigger(branch, settings.triggerPaths)],
    connection,
  };
}

/**
 * Pushes to the branch that change a watched path start a run. One push filter holds 8 path globs
 * and a trigger 3 push filters, any of which starts it (CodePipeline API: GitFilePathPatternList,
 * GitPushFilterList), so the globs are spread over as many filters as they need.
 */
export function pushTrigger(
  branch: string,
  triggerPaths: string[],
): aws.types.input.codepipeline.PipelineTrigger {
  const pushes = [];
  for (let start = 0; start < triggerPaths.length; start += GLOBS_PER_PUSH_FILTER)
    pushes.push({
      branches: { includes: [branch] },
      filePaths: { includes: triggerPaths.slice(start, start + GLOBS_PER_PUSH_FILTER) },
    });
  return {
    providerType: "CodeStarSourceConnection",
    gitConfiguration: { sourceActionName: SOURCE_ACTION, pushes },
  };
}

/**
 * `UseConnection` on one connection, with the prefix of its ARN: an IAM statement must name the
 * action with the service prefix of the resource it grants (Developer Tools console guide,
 * "Connections rename - Summary of changes").
 */
function useConnection(sid: string, connection: SourceConnection): Statement {
  return { Sid: sid, Action: `${connection.service}:UseConnection`, Resource: connection.arn };
}

/**
 * A CodeBuild project's source type and clone URL for each provider (CodeBuild API, ProjectSource:
 * GITHUB, GITHUB_ENTERPRISE, GITLAB, BITBUCKET with an HTTPS clone URL).
 */
const CHECKOUT: Record<ConnectionProvider, (source: ConnectionSource) => { type: string; location: string }> =
  {
    GitHub: (source) => ({ type: "GITHUB", location: `https://github.com/${source.fullRepositoryId}.git` }),
    GitLab: (source) => ({ type: "GITLAB", location: `https://gitlab.com/${source.fullRepositoryId}.git` }),
    Bitbucket: (source) => ({
      type: "BITBUCKET",
      location: `https://bitbucket.org/${source.fullRepositoryId}.git`,
    }),
    GitHubEnterpriseServer: (source) => ({
      type: "GITHUB_ENTERPRISE",
      location: `${source.serverUrl!.replace(/\/$/, "")}/${source.fullRepositoryId}.git`,
    }),
  };

/**
 * Pull-request events each provider's webhook sends CodeBuild; Bitbucket has no "reopened" (CodeBuild
 * User Guide: GitHub, GitLab and Bitbucket webhook events).
 */
const PULL_REQUEST_EVENTS: Record<ConnectionProvider, string> = {
  GitHub: "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED, PULL_REQUEST_REOPENED",
  GitHubEnterpriseServer: "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED, PULL_REQUEST_REOPENED",
  GitLab: "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED, PULL_REQUEST_REOPENED",
  Bitbucket: "PULL_REQUEST_CREATED, PULL_REQUEST_UPDATED",
};

/**
 * A CodeBuild project that authenticates to the provider with a connection asks it for a token
 * (CodeBuild User Guide, "Connect CodeBuild to a source provider with a connection").
 */
function connectionToken(connection: SourceConnection): Statement {
  return {
    Sid: "UseSourceConnection",
    Action: [`${connection.service}:GetConnectionToken`, `${connection.service}:GetConnection`],
    Resource: connection.arn,
  };
}
