import { z } from "zod";
import { builtOnce } from "../../config/built-once";
import { NamedError } from "../../config/named-error";
import { gateSchema } from "../../config/ml-config";
import { describeIssues, showValue } from "../../config/validation";

/**
 * What the state machine sends the controller, one shape per action. The state machine's builder
 * writes these payloads; a contract test compares each Task state's payload with the schema here, so
 * the two cannot drift apart unnoticed.
 */

/** The request itself is wrong (a bug in the state machine or a hand-made call). */
export class BadRequest extends NamedError {
  constructor(message: string) {
    super("BadRequest", message);
  }
}

/** Built on each call: handlers are serialized into Lambda archives, and a built schema cannot be. */
export function controllerRequestSchema() {
  const text = z.string().min(1, "must be a non-empty string");
  const s3Uri = z.string().regex(/^s3:\/\/[^/]+\/.*/, "must be an s3:// URI");
  const optionalText = z.string().optional();
  return z.discriminatedUnion("action", [
    z.strictObject({
      action: z.literal("explainDataFailure"),
      reportUri: s3Uri,
      failure: z.object({ Error: optionalText, Cause: optionalText }).optional(),
    }),
    z.strictObject({
      action: z.literal("trackExperiment"),
      experimentName: text,
      trialName: text,
      runId: optionalText,
      commitId: optionalText,
    }),
    z.strictObject({
      action: z.literal("evaluate"),
      predictionsUri: s3Uri,
      evaluationUri: s3Uri,
      gate: gateSchema(),
      modelPackageGroupName: text,
    }),
    z.strictObject({
      action: z.literal("findEndpoint"),
      endpointName: text,
      /** What the new configuration runs on; an execution of an older definition sends none. */
      kind: z.enum(["instance", "serverless"]).optional(),
    }),
    z.strictObject({ action: z.literal("checkEndpoint"), endpointName: text, expectedConfigName: text }),
    z.strictObject({ action: z.literal("checkEndpointDeleted"), endpointName: text }),
  ]);
}

export type ControllerRequest = z.infer<ReturnType<typeof controllerRequestSchema>>;
export type Action = ControllerRequest["action"];
/** The request of one action. */
export type RequestOf<A extends Action> = Extract<ControllerRequest, { action: A }>;

/** The actions the controller knows, in the schema's order. */
export const actionNames = (): Action[] => requestSchema().options.map((option) => option.shape.action.value);

const requestSchema = () => builtOnce("controller-request", controllerRequestSchema);

/** The typed request, or a BadRequest naming the action, each wrong field, its value and what is allowed. */
export function parseControllerRequest(raw: unknown): ControllerRequest {
  const action = (raw as { action?: unknown } | null)?.action;
  if (typeof action !== "string" || !actionNames().includes(action as Action)) {
    throw new BadRequest(`Unknown action ${showValue(action)}; expected one of ${actionNames().join(", ")}`);
  }
  const result = requestSchema().safeParse(raw);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, raw);
  throw new BadRequest(`${action}: ${problems.join("; ")}`);
}
