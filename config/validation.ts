import type { z } from "zod";
import { NamedError } from "./named-error";

/** Raised when a configuration document does not match its schema; the message is meant for a human. */
export class ConfigValidationError extends NamedError {
  constructor(
    message: string,
    /** One line per problem, already formatted. */
    readonly problems: string[],
  ) {
    super("ConfigValidationError", message);
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Renders a value the way a person would type it in a config file, shortened when long. */
export function showValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function joinPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
}

/**
 * Turns zod issues into lines that name the field, the value found and what is allowed.
 * `nameField` maps a zod path to the name the user knows (a config key, a JSON path).
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  nameField: (path: readonly PropertyKey[]) => string = joinPath,
): string[] {
  return issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((key) => nameField([...issue.path, key]));
      return `unknown key${keys.length > 1 ? "s" : ""} ${keys.join(", ")}: remove ${keys.length > 1 ? "them" : "it"} or fix the spelling`;
    }
    const field = nameField(issue.path) || "(document)";
    const value = valueAt(input, issue.path);
    const message =
      issue.code === "invalid_type" && value === undefined ? `required (${issue.expected})` : issue.message;
    return `${field} = ${showValue(value)}: ${message}`;
  });
}
