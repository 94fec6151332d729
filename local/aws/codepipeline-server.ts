import { randomUUID } from "node:crypto";
import { listen, readBody } from "./http";
import type { LocalAccount } from "./account";
import { BEHAVIOURS } from "./behaviour";
import { AccessDenied } from "./iam/denial";
import { requestsFor } from "./iam/sdk-requests";
import { accessKeyOf } from "./identity";
import { ServiceError } from "./service-error";
import { validateInput, validationMessage } from "./validate";

/**
 * A local CodePipeline for the calls the triggers make (StartPipelineExecution), against the
 * pipelines the stacks deploy: the request is validated and authorized as its signer, the pipeline
 * must exist, its variables must be ones the pipeline declares, and its source revisions must name
 * source actions with a revision type of their provider, on a V2 pipeline
 * (BEHAVIOURS.codePipelineVariables, BEHAVIOURS.codePipelineSourceRevisions). A started execution is handed to `onStart` (watch mode runs it).
 */

export interface StartedExecution {
  pipelineName: string;
  pipelineExecutionId: string;
  /** Every declared variable: the request's values over the declared defaults. */
  variables: Record<string, string>;
  /** The source revisions the request overrides, by source action. */
  sourceRevisions: Record<string, { revisionType: string; revisionValue: string }>;
}

interface DeclaredAction {
  name: string;
  category: string;
  provider: string;
  configuration?: Record<string, string>;
}

interface DeclaredPipeline {
  name: string;
  pipelineType?: string;
  variables?: { name: string; defaultValue?: string }[];
  stages?: { name: string; actions: DeclaredAction[] }[];
}

interface SourceRevision {
  actionName: string;
  revisionType: string;
  revisionValue: string;
}

/**
 * The revision types each source provider takes, as the guide's examples pair them ("a specific
 * commit ID from your CodeCommit source"; image digests for ECR; object versions and keys for S3).
 */
const REVISION_TYPES: Record<string, string[]> = {
  CodeCommit: ["COMMIT_ID"],
  CodeStarSourceConnection: ["COMMIT_ID"],
  ECR: ["IMAGE_DIGEST"],
  S3: ["S3_OBJECT_VERSION_ID", "S3_OBJECT_KEY"],
};

function pipelineNamed(account: LocalAccount, name: string): DeclaredPipeline {
  const found = account.iam
    .ofType("aws:codepipeline/pipeline:Pipeline")
    .map((p) => p.inputs as unknown as DeclaredPipeline)
    .find((p) => p.name === name);
  if (!found)
    throw new ServiceError(
      "PipelineNotFoundException",
      `The account with id '${account.id}' does not include a pipeline with the name '${name}'`,
    );
  return found;
}

/** The execution's variables, as CodePipeline resolves them: declared ones only, V2 only. */
function resolvedVariables(
  pipeline: DeclaredPipeline,
  given: { name: string; value: string }[],
): Record<string, string> {
  if (given.length > 0 && pipeline.pipelineType !== "V2")
    throw new ServiceError(
      "ValidationException",
      `Pipeline ${pipeline.name} is a V1 pipeline; pipeline-level variables need V2 (${BEHAVIOURS.codePipelineVariables.source})`,
    );
  const declared = new Map((pipeline.variables ?? []).map((v) => [v.name, v.defaultValue ?? ""]));
  for (const variable of given)
    if (!declared.has(variable.name))
      throw new ServiceError(
        "ValidationException",
        `Pipeline ${pipeline.name} declares no variable ${variable.name} (it declares ${[...declared.keys()].join(", ") || "none"})`,
      );
  return Object.fromEntries([...declared, ...given.map((v): [string, string] => [v.name, v.value])]);
}

/** The request's source revision overrides, as CodePipeline accepts them (BEHAVIOURS.codePipelineSourceRevisions). */
function resolvedRevisions(
  pipeline: DeclaredPipeline,
  given: SourceRevision[],
): StartedExecution["sourceRevisions"] {
  const source = BEHAVIOURS.codePipelineSourceRevisions.source;
  if (given.length > 0 && pipeline.pipelineType !== "V2")
    throw new ServiceError(
      "ValidationException",
      `Pipeline ${pipeline.name} is a V1 pipeline; source revision overrides need V2 (${source})`,
    );
  const actions = (pipeline.stages ?? []).flatMap((stage) => stage.actions);
  const resolved: StartedExecution["sourceRevisions"] = {};
  for (const revision of given) {
    const action = actions.find((a) => a.name === revision.actionName && a.category === "Source");
    if (!action)
      throw new ServiceError(
        "ValidationException",
        `Pipeline ${pipeline.name} has no source action ${revision.actionName} (its source actions: ${actions
          .filter((a) => a.category === "Source")
          .map((a) => a.name)
          .join(", ")})`,
      );
    const allowed = REVISION_TYPES[action.provider] ?? [];
    if (!allowed.includes(revision.revisionType))
      throw new ServiceError(
        "ValidationException",
        `Source action ${action.name} (${action.provider}) takes revision types ${allowed.join(", ") || "none"}, not ${revision.revisionType} (${source})`,
      );
    if (
      revision.revisionType === "S3_OBJECT_KEY" &&
      action.configuration?.AllowOverrideForS3ObjectKey !== "true"
    )
      throw new ServiceError(
        "ValidationException",
        `Source action ${action.name} needs AllowOverrideForS3ObjectKey set to true for an S3_OBJECT_KEY override (${source})`,
      );
    const key = action.provider === "S3" ? `${action.name}:${revision.revisionType}` : action.name;
    if (resolved[key])
      throw new ServiceError(
        "ValidationException",
        `Source action ${action.name} is overridden twice with ${revision.revisionType}`,
      );
    resolved[key] = { revisionType: revision.revisionType, revisionValue: revision.revisionValue };
  }
  return resolved;
}

export async function startCodePipeline(
  account: LocalAccount,
  onStart: (execution: StartedExecution) => void,
) {
  const byToken = new Map<string, string>();
  const start = (input: Record<string, unknown>): { pipelineExecutionId: string } => {
    const pipeline = pipelineNamed(account, String(input.name));
    const variables = resolvedVariables(
      pipeline,
      (input.variables ?? []) as { name: string; value: string }[],
    );
    const sourceRevisions = resolvedRevisions(pipeline, (input.sourceRevisions ?? []) as SourceRevision[]);
    // The same client request token starts one execution, however often it is sent.
    const token =
      typeof input.clientRequestToken === "string"
        ? `${pipeline.name}|${input.clientRequestToken}`
        : undefined;
    const known = token && byToken.get(token);
    if (known) return { pipelineExecutionId: known };
    const pipelineExecutionId = randomUUID();
    if (token) byToken.set(token, pipelineExecutionId);
    onStart({ pipelineName: pipeline.name, pipelineExecutionId, variables, sourceRevisions });
    return { pipelineExecutionId };
  };
  return listen(async (request, response) => {
    const operation = String(request.headers["x-amz-target"] ?? "").replace(/^CodePipeline_20150709\./, "");
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify(body));
    };
    try {
      const text = (await readBody(request)).toString("utf8");
      const input = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      if (operation !== "StartPipelineExecution")
        throw new ServiceError(
          "UnknownOperationException",
          `${operation} is not served by the local CodePipeline`,
        );
      const violations = validateInput("codepipeline", operation, input);
      if (violations.length > 0) throw new ServiceError("ValidationException", validationMessage(violations));
      const session = account.sessionOf(accessKeyOf(request.headers.authorization));
      if (!session)
        throw new ServiceError(
          "UnrecognizedClientException",
          "The security token included in the request is invalid.",
        );
      try {
        account.authorize(
          session,
          requestsFor(session.roleArn, { service: "CodePipeline", operation, input }, account.iam),
        );
      } catch (error) {
        if (error instanceof AccessDenied) throw new ServiceError("AccessDeniedException", error.message);
        throw error;
      }
      reply(200, start(input));
    } catch (error) {
      const code = error instanceof ServiceError ? error.code : "InternalFailure";
      reply(400, { __type: code, message: error instanceof Error ? error.message : String(error) });
    }
  });
}
