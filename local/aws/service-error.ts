/**
 * An error a local AWS service answers with: its code (`ValidationException`, `NoSuchKey`) as the
 * service's protocol names it, its message, and the HTTP status. Each front (a JSON or REST server,
 * a Step Functions Task) writes it the way that front reports service errors.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}
