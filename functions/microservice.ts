import { InvokeEndpointCommand } from "@aws-sdk/client-sagemaker-runtime";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { z } from "zod";
import { sagemakerRuntime } from "./lib/clients";
import { readEnvironment } from "./lib/env";
import { logger } from "./lib/logger";
import { BadPayload, parsePayload } from "./lib/prediction-payload";

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
