import type { APIGatewayProxyEvent } from "aws-lambda";
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { predict, settingsFromEnvironment, type MicroserviceSettings } from "../../functions/microservice";
import type { LocalAccount } from "./account";
import { actingAs, type Session } from "./identity";
import { HttpError, listen, readBody } from "./http";

/**
 * API Gateway stand-in: `POST /<stage>/predictions` with an API key, proxied to the same microservice
 * handler the cloud runs, with the deployed function's settings and as its role (its SageMaker
 * Runtime client pointed at the local endpoints).
 */
export interface LocalApi {
  url: string;
  /**
   * Adds a stage served by a deployed function (its logical name in the program, e.g.
   * `mlops-microservice`); returns its prediction URL and API key.
   */
  addStage(stage: string, functionName: string): { url: string; apiKey: string };
}

interface ApiStage {
  settings: MicroserviceSettings;
  session: Session;
  apiKey: string;
}

/**
 * API Gateway's payload limit for a REST API, 10 MB
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html).
 */
export const API_PAYLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

/**
 * The request's body, read as API Gateway reads it: a larger one is answered as its
 * REQUEST_TOO_LARGE gateway response is, 413 with {"message": "Request Too Long"}
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html),
 * saying the limit too.
 */
async function readPayload(request: IncomingMessage): Promise<Buffer> {
  try {
    return await readBody(request, { maxBytes: API_PAYLOAD_LIMIT_BYTES, timeoutMs: 10_000 });
  } catch (error) {
    if (!(error instanceof HttpError) || error.status !== 413) throw error;
    throw new HttpError(
      413,
      `Request Too Long: the body is larger than ${API_PAYLOAD_LIMIT_BYTES} bytes (API Gateway's 10 MB limit)`,
    );
  }
}

export async function startApi(account: LocalAccount): Promise<LocalApi> {
  const stages = new Map<string, ApiStage>();
  const { url } = await listen(async (request, response) => {
    const match = /^\/([^/]+)\/predictions$/.exec(new URL(request.url ?? "/", "http://local").pathname);
    const stage = match ? stages.get(match[1]) : undefined;
    const reply = (status: number, body: string) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(body);
    };
    if (!stage) return reply(404, JSON.stringify({ message: "Missing Authentication Token" }));
    if (request.headers["x-api-key"] !== stage.apiKey)
      return reply(403, JSON.stringify({ message: "Forbidden" }));
    const body = (await readPayload(request)).toString("utf8");
    const event = {
      httpMethod: request.method ?? "GET",
      body: body.length ? body : null,
      path: request.url,
    } as APIGatewayProxyEvent;
    const result = await actingAs(stage.session, () => predict(event, stage.settings));
    reply(result.statusCode, result.body);
  });
  return {
    url,
    addStage(stage, functionName) {
      const apiKey = randomBytes(16).toString("hex");
      const fn = account.deployedFunction(functionName);
      const session = account.assume(fn.roleArn, "lambda.amazonaws.com", fn.name);
      stages.set(stage, { settings: settingsFromEnvironment(fn.environment), session, apiKey });
      return { url: `${url}/${stage}/predictions`, apiKey };
    },
  };
}
