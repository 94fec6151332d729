import { randomUUID } from "node:crypto";
import { listen, readBody } from "../http";
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
 * must exist, and its variables must be ones the pipeline declares, on a V2 pipeline
 * (BEHAVIOURS.codePipelineVariables). A started execution is handed to `onStart` (watch mode runs it).
 */

export interface StartedExecution {
  pipelineName: string;
  pipelineExecutionId: string;
  /** Every declared variable: the request's values over the declared defaults. */
  variables: Record<string, string>;
}

interface DeclaredPipeline {
  name: string;
  pipelineType?: string;
  variables?: { name: string; defaultValue?: string }[];
}

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
    // The same client request token starts one execution, however often it is sent.
    const token =
      typeof input.clientRequestToken === "string"
        ? `${pipeline.name}|${input.clientRequestToken}`
        : undefined;
    const known = token && byToken.get(token);
    if (known) return { pipelineExecutionId: known };
    const pipelineExecutionId = randomUUID();
    if (token) byToken.set(token, pipelineExecutionId);
    onStart({ pipelineName: pipeline.name, pipelineExecutionId, variables });
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
