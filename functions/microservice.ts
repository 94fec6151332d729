import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { z } from "zod";
import { sagemakerRuntime } from "./lib/clients";
import { readEnvironment } from "./lib/env";
import { logger } from "./lib/logger";

/**
 * The prediction API's backend. Validates the payload against the model's feature count, scores it on
 * the SageMaker endpoint, and answers with probabilities and classes. Bad input gets a 400 that says
 * what is wrong; endpoint trouble gets a 502 or 503 with a safe message, never a stack trace.
 *
 *   POST /predictions  {"features": [69 numbers]}  or  {"instances": [[...], [...]]}
 */

export interface MicroserviceSettings {
  endpointName: string;
  featureCount: number;
  /** Probability at or above which the class is 1. */
  threshold: number;
  maxBatch: number;
}

export interface Prediction {
  probability: number;
  class: 0 | 1;
}

export function settingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): MicroserviceSettings {
  const values = readEnvironment(
    z.object({
      ENDPOINT_NAME: z.string().min(1),
      FEATURE_COUNT: z.coerce.number().int().min(1),
      CLASS_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
      MAX_BATCH: z.coerce.number().int().min(1).default(100),
    }),
    env,
  );
  return {
    endpointName: values.ENDPOINT_NAME,
    featureCount: values.FEATURE_COUNT,
    threshold: values.CLASS_THRESHOLD,
    maxBatch: values.MAX_BATCH,
  };
}

/** A problem with the request, answered with 400 and this message. */
export class BadPayload extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadPayload";
  }
}

function row(value: unknown, where: string, featureCount: number): number[] {
  if (!Array.isArray(value)) throw new BadPayload(`${where} must be a list of ${featureCount} numbers`);
  if (value.length !== featureCount) {
    throw new BadPayload(`${where} must have ${featureCount} values, got ${value.length}`);
  }
  value.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new BadPayload(`${where}[${i}] must be a finite number, got ${JSON.stringify(v) ?? String(v)}`);
    }
  });
  return value as number[];
}

/** The rows to score, from `{"features": [...]}` or `{"instances": [[...], ...]}`. */
export function parsePayload(body: string | null, settings: MicroserviceSettings): number[][] {
  if (!body)
    throw new BadPayload('the request body is empty; send {"features": [...]} or {"instances": [[...]]}');
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch (error) {
    throw new BadPayload(`the request body is not JSON (${(error as Error).message})`);
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new BadPayload('the request body must be an object: {"features": [...]} or {"instances": [[...]]}');
  }
  const { features, instances, ...rest } = payload as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new BadPayload(`unknown field ${JSON.stringify(unknown[0])}; use "features" or "instances"`);
  if (features !== undefined && instances !== undefined)
    throw new BadPayload('send either "features" or "instances", not both');
  if (features !== undefined) return [row(features, "features", settings.featureCount)];
  if (instances === undefined) throw new BadPayload('missing "features" (one row) or "instances" (a batch)');
  if (!Array.isArray(instances) || instances.length === 0)
    throw new BadPayload('"instances" must be a non-empty list of rows');
  if (instances.length > settings.maxBatch) {
    throw new BadPayload(
      `"instances" has ${instances.length} rows; at most ${settings.maxBatch} per request`,
    );
  }
  return instances.map((r, i) => row(r, `instances[${i}]`, settings.featureCount));
}

/** XGBoost answers CSV: one probability per row, separated by newlines or commas. */
export function parseScores(body: string, expected: number): number[] {
  const scores = body
    .trim()
    .split(/[\n,]/)
    .filter((s) => s.trim().length > 0)
    .map(Number);
  if (scores.length !== expected || scores.some((s) => !Number.isFinite(s))) {
    throw new Error(
      `the endpoint returned ${scores.length} scores for ${expected} rows: ${body.slice(0, 200)}`,
    );
  }
  return scores;
}

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

/** Which status an endpoint failure maps to: 503 when retrying may help, 502 otherwise. */
export function endpointFailureStatus(error: unknown): 502 | 503 {
  const name = error instanceof Error ? error.name : "";
  return [
    "ThrottlingException",
    "ServiceUnavailable",
    "ValidationError",
    "InternalDependencyException",
    "TimeoutError",
  ].includes(name) ||
    (error instanceof Error && /ECONNREFUSED|ETIMEDOUT|socket hang up/.test(error.message))
    ? 503
    : 502;
}

export async function predict(
  event: APIGatewayProxyEvent,
  settings: MicroserviceSettings,
): Promise<APIGatewayProxyResult> {
  if (event.httpMethod && event.httpMethod !== "POST") return json(405, { message: "use POST" });
  let rows: number[][];
  try {
    rows = parsePayload(event.body, settings);
  } catch (error) {
    if (error instanceof BadPayload) return json(400, { message: error.message });
    throw error;
  }
  try {
    const response = await sagemakerRuntime().send(
      new InvokeEndpointCommand({
        EndpointName: settings.endpointName,
        ContentType: "text/csv",
        Accept: "text/csv",
        Body: new TextEncoder().encode(rows.map((r) => r.join(",")).join("\n")),
      }),
    );
    const scores = parseScores(new TextDecoder().decode(response.Body), rows.length);
    const predictions: Prediction[] = scores.map((probability) => ({
      probability,
      class: probability >= settings.threshold ? 1 : 0,
    }));
    return json(200, {
      predictions,
      endpoint: settings.endpointName,
      variant: response.InvokedProductionVariant ?? null,
    });
  } catch (error) {
    const status = endpointFailureStatus(error);
    logger().error("Endpoint call failed", { endpoint: settings.endpointName, error: String(error), status });
    return json(status, {
      message:
        status === 503
          ? "the model endpoint is unavailable; try again shortly"
          : "the model endpoint could not score the request",
    });
  }
}

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  try {
    return await predict(event, settingsFromEnvironment());
  } catch (error) {
    logger().error("Unexpected failure", { error: String(error) });
    return json(500, { message: "internal error" });
  }
}
