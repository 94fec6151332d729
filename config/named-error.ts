/**
 * The base of the project's own error types, safe to pack into a Lambda.
 *
 * Pulumi packs a handler by serializing its closure, and it rewrites a class into a plain function
 * whose constructor calls `Error.call(this, message)`. Called without `new`, `Error` returns a fresh
 * object and sets nothing on `this`: the packed error has no message and no stack, and is not a
 * native error. The Lambda runtime then reports it with `errorType: "object"` instead of its name
 * (aws/aws-lambda-nodejs-runtime-interface-client, src/Errors.js, `toRuntimeResponse` accepts only
 * native errors or objects with string name, message and stack), so no Step Functions Retry or Catch
 * on the name would ever match. Setting the three fields here keeps them in the packed code.
 */
export class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
    this.message = message;
    if (typeof this.stack !== "string") Error.captureStackTrace(this);
  }
}
