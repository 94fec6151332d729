import type { SageMakerRuntimeClientConfig } from "@aws-sdk/client-sagemaker-runtime";
import type { LocalHosting } from "./hosting";
import type { LocalAccount } from "./account";
import { AccessDenied } from "./iam/denial";
import { requestsFor } from "./iam/sdk-requests";
import { accessKeyOf } from "./identity";
import { bindRequest } from "./rest-binding";
import { validateInput, validationMessage } from "./validate";

/**
 * SageMaker Runtime's `InvokeEndpoint` protocol over local hosting, served to the microservice's SDK
 * client as its request handler: the real client still builds, signs and parses each call, but no
 * loopback HTTP round trip sits between them (it would be a large share of a local call; in the
 * cloud that hop is the network between Lambda and the endpoint). Each call is validated against the
 * API model and authorized as its signer, as the service does.
 */

export interface RuntimeRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RuntimeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The service's answer to one request, errors in its JSON error shape with `x-amzn-errortype`. */
export async function answerInvocation(
  hosting: LocalHosting,
  account: LocalAccount,
  request: RuntimeRequest,
): Promise<RuntimeAnswer> {
  const bound = bindRequest("sagemaker-runtime", {
    method: request.method,
    url: request.path,
    headers: request.headers,
    body: request.body,
  });
  if (bound?.operation !== "InvokeEndpoint")
    return failure(
      404,
      "UnknownOperationException",
      "only POST /endpoints/{name}/invocations is served locally",
    );
  const violations = validateInput("sagemaker-runtime", "InvokeEndpoint", bound.input);
  if (violations.length > 0) return failure(400, "ValidationError", validationMessage(violations));
  const session = account.sessionOf(accessKeyOf(request.headers.authorization));
  if (!session)
    return failure(
      403,
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  try {
    account.authorize(
      session,
      requestsFor(
        session.roleArn,
        { service: "SageMakerRuntime", operation: "InvokeEndpoint", input: bound.input },
        account.iam,
      ),
    );
    const target = bound.input.TargetVariant;
    const result = await hosting.invoke(
      String(bound.input.EndpointName),
      request.body,
      typeof target === "string" ? target : undefined,
    );
    return {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "x-amzn-invoked-production-variant": result.variant,
      },
      body: result.body,
    };
  } catch (error) {
    if (error instanceof AccessDenied) return failure(400, "AccessDeniedException", error.message);
    const e = error as Error & { type?: string; status?: number };
    return failure(e.status ?? 500, e.type ?? "InternalFailure", e.message);
  }
}

const failure = (status: number, type: string, message: string): RuntimeAnswer => ({
  status,
  headers: { "content-type": "application/json", "x-amzn-errortype": type },
  body: JSON.stringify({ message }),
});

type RequestHandler = Exclude<SageMakerRuntimeClientConfig["requestHandler"], undefined>;

/** The runtime as the SDK client's request handler: the SDK serializes, signs and parses as usual. */
export function inProcessRuntime(hosting: LocalHosting, account: LocalAccount): RequestHandler {
  const decoder = new TextDecoder();
  return {
    async handle(request: { method: string; path: string; headers: Record<string, string>; body?: unknown }) {
      const body =
        request.body instanceof Uint8Array ? decoder.decode(request.body) : String(request.body ?? "");
      const answer = await answerInvocation(hosting, account, { ...request, body });
      return {
        response: { statusCode: answer.status, headers: answer.headers, body: Buffer.from(answer.body) },
      };
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
  };
}
