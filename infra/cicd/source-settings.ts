import { z } from "zod";

/**
 * Where the code lives: a CodeCommit repository the stack creates (`mlops:repositoryName`), or a
 * GitHub, GitLab or Bitbucket repository reached through an AWS CodeConnections connection. The
 * branch is `mlops:branch` and the watched paths `mlops:triggerPaths` in either mode.
 */

/** Provider types CodeConnections connects to (CreateConnection `ProviderType`). */
export const CONNECTION_PROVIDERS = ["GitHub", "GitLab", "Bitbucket", "GitHubEnterpriseServer"] as const;
export type ConnectionProvider = (typeof CONNECTION_PROVIDERS)[number];

/**
 * A connection's ARN. The service was renamed in 2024; connections made before carry the
 * `codestar-connections` prefix, later ones `codeconnections`, and an IAM statement must name the
 * action with the prefix of the ARN it grants (Developer Tools console guide, "Connections rename").
 */
export const CONNECTION_ARN =
  /^arn:aws[a-z-]*:(codeconnections|codestar-connections):([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d):(\d{12}):connection\/[0-9a-f-]{36}$/;

/** Globs one push filter carries, and push filters one trigger has (CodePipeline API model). */
export const GLOBS_PER_PUSH_FILTER = 8;
export const MAX_TRIGGER_GLOBS = 3 * GLOBS_PER_PUSH_FILTER;

/** The service prefix (`codeconnections` or `codestar-connections`) of a connection ARN. */
export const connectionService = (arn: string) => arn.split(":")[2];

const codeCommit = z.strictObject({
  kind: z.literal("codecommit").describe("a CodeCommit repository the stack creates (mlops:repositoryName)"),
});

const codeConnections = z
  .strictObject({
    kind: z.literal("codeconnections").describe("a repository reached through a CodeConnections connection"),
    providerType: z
      .enum(CONNECTION_PROVIDERS, `must be one of ${CONNECTION_PROVIDERS.join(", ")}`)
      .describe("where the repository is hosted"),
    connectionArn: z
      .string()
      .regex(
        CONNECTION_ARN,
        "must be a connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<id>)",
      )
      .optional()
      .describe("an existing connection, already AVAILABLE"),
    createConnection: z
      .strictObject({
        hostArn: z
          .string()
          .regex(
            /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[\w-]+:\d{12}:host\/[\w-]+$/,
            "must be a CodeConnections host ARN",
          )
          .optional()
          .describe("the host of a GitHub Enterprise Server"),
      })
      .optional()
      .describe(
        "the stack creates the connection; it stays PENDING until someone completes it in the console",
      ),
    fullRepositoryId: z
      .string()
      .regex(
        /^[\w.-]+(\/[\w.-]+)+$/,
        "must be the repository as owner/name (GitLab groups: group/subgroup/name)",
      )
      .describe("the repository, e.g. acme/churn-model"),
    serverUrl: z
      .url({ protocol: /^https$/, error: "must be the server's https:// URL" })
      .optional()
      .describe("a GitHub Enterprise Server's URL, e.g. https://git.example.com"),
  })
  .superRefine((source, ctx) => {
    if (Boolean(source.connectionArn) === Boolean(source.createConnection))
      ctx.addIssue({
        code: "custom",
        path: ["connectionArn"],
        message:
          "give either connectionArn (an existing connection) or createConnection, not both or neither",
      });
    const enterprise = source.providerType === "GitHubEnterpriseServer";
    if (enterprise !== Boolean(source.serverUrl))
      ctx.addIssue({
        code: "custom",
        path: ["serverUrl"],
        message: "is required for GitHubEnterpriseServer and only for it",
      });
    if (source.createConnection && enterprise !== Boolean(source.createConnection.hostArn))
      ctx.addIssue({
        code: "custom",
        path: ["createConnection", "hostArn"],
        message: "is required to create a GitHubEnterpriseServer connection, and only for it",
      });
  });

export const sourceSettings = z
  .discriminatedUnion("kind", [codeCommit, codeConnections], {
    error: 'kind must be "codecommit" or "codeconnections"',
  })
  .default({ kind: "codecommit" });

export type SourceSettings = z.infer<typeof sourceSettings>;
export type ConnectionSource = Extract<SourceSettings, { kind: "codeconnections" }>;
