import { z } from "zod";
import { describeIssues } from "../../config/validation";
import { NamedError } from "../../config/named-error";

/** A function's environment does not match what its infrastructure should have set. */
export class EnvironmentError extends NamedError {
  constructor(message: string) {
    super("EnvironmentError", message);
  }
}

/** Reads a handler's settings from environment variables, naming each missing or bad variable. */
export function readEnvironment<T extends z.ZodType>(
  schema: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<T> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, env);
  throw new EnvironmentError(`Function misconfigured: ${problems.join("; ")}`);
}

/** An environment variable holding a JSON list of strings (a function: schemas are built on use). */
export const jsonStringList = () =>
  z.string().transform((text, ctx) => {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: "must be a JSON list of strings" });
    return z.NEVER;
  });
