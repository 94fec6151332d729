/** A failure with a clear message (bad input, missing tools); exit code 2. */
export class LocalUsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LocalUsageError";
  }
}
