import { Logger } from "@aws-lambda-powertools/logger";

let instance: Logger | undefined;

/**
 * One structured JSON logger per process, created on first use: handlers are serialized into Lambda
 * archives, and a logger built at module load would be copied into the archive by value.
 */
export function logger(): Logger {
  instance ??= new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "mlops" });
  return instance;
}
