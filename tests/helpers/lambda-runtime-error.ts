import { types } from "node:util";

/**
 * How the Node.js Lambda runtime reports an error a handler threw, which is what Step Functions
 * matches Retry and Catch `ErrorEquals` against. Mirrors `toRuntimeResponse` in
 * aws/aws-lambda-nodejs-runtime-interface-client (src/Errors.js): only a native error, or an object
 * with string `name`, `message` and `stack`, keeps its name; anything else is reported by its `typeof`.
 */
export function lambdaErrorResponse(error: unknown): { errorType: string; errorMessage: string } {
  const candidate = error as { name?: unknown; message?: unknown; stack?: unknown } | null;
  const errorShaped =
    !!candidate &&
    typeof candidate.name === "string" &&
    typeof candidate.message === "string" &&
    typeof candidate.stack === "string" &&
    candidate.name !== "" &&
    candidate.message !== "";
  if (types.isNativeError(error) || errorShaped) {
    if (!candidate?.stack) return { errorType: "handled", errorMessage: "(no stack)" };
    return { errorType: String(candidate.name), errorMessage: String(candidate.message) };
  }
  return { errorType: typeof error, errorMessage: String(error) };
}
