import type { z } from "zod";
import { NamedError } from "./named-error";
import { closestMatch } from "./suggest";

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

/** The parts of a schema's definition a walk by path needs (zod 4 keeps them on `def`). */
interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
}
const defOf = (schema: z.ZodType) => schema.def as unknown as SchemaDef;

/** The schemas a value may have to match: wrappers (optional, default, pipe) taken off, unions spread. */
function alternatives(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return alternatives(def.innerType);
  if (def.type === "pipe" && def.in) return alternatives(def.in);
  if (def.type === "union" && def.options) return def.options.flatMap(alternatives);
  return [schema];
}

function childSchemas(schema: z.ZodType, key: PropertyKey): z.ZodType[] {
  return alternatives(schema).flatMap((option) => {
    const { type, shape, element, valueType } = defOf(option);
    if (type === "object") return shape && Object.hasOwn(shape, key) ? [shape[String(key)]] : [];
    if (type === "array" && typeof key === "number" && element) return [element];
    return type === "record" && valueType ? [valueType] : [];
  });
}

/** The keys the object schema at `path` of `schema` accepts; none when no object schema is there. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const atPath = path.reduce<z.ZodType[]>(
    (found, key) => found.flatMap((s) => childSchemas(s, key)),
    [schema],
  );
  const keys = atPath.flatMap(alternatives).flatMap((option) => Object.keys(defOf(option).shape ?? {}));
  return [...new Set(keys)];
}

/**
 * One line for keys the schema does not know, with the known key each was probably meant to be
 * (one not already set beside it), when one is close.
 */
function describeUnknownKeys(
  issue: z.core.$ZodIssueUnrecognizedKeys,
  input: unknown,
  nameField: (path: readonly PropertyKey[]) => string,
  schema: z.ZodType | undefined,
): string {
  const present = valueAt(input, issue.path);
  const set = present !== null && typeof present === "object" ? Object.keys(present) : [];
  const unused = schema ? keysAt(schema, issue.path).filter((key) => !set.includes(key)) : [];
  const named = issue.keys.map((key) => {
    const meant = closestMatch(key, unused);
    return { key: nameField([...issue.path, key]), meant: meant && nameField([...issue.path, meant]) };
  });
  if (named.length === 1 && named[0].meant)
    return `unknown key ${named[0].key}: did you mean ${named[0].meant}?`;
  const keys = named.map(({ key, meant }) => (meant ? `${key} (did you mean ${meant}?)` : key));
  return `unknown key${keys.length > 1 ? "s" : ""} ${keys.join(", ")}: remove ${keys.length > 1 ? "them" : "it"} or fix the spelling`;
}

/**
 * A value that matches no option of a union is judged by the one option of its kind, when just one
 * is (an object where the others are strings): its own problems say more than "Invalid input".
 */
function withinUnions(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== "invalid_union") return [issue];
  const ofItsKind = issue.errors.filter(
    (problems) => !problems.some((problem) => problem.code === "invalid_type" && problem.path.length === 0),
  );
  if (ofItsKind.length !== 1) return [issue];
  return ofItsKind[0].flatMap((problem) =>
    withinUnions({ ...problem, path: [...issue.path, ...problem.path] }),
  );
}

/**
 * Turns zod issues into lines that name the field, the value found and what is allowed.
 * `nameField` maps a zod path to the name the user knows (a config key, a JSON path); with the
 * `schema` the issues came from, an unknown key gets the known key it was probably meant to be.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  nameField: (path: readonly PropertyKey[]) => string = joinPath,
  schema?: z.ZodType,
): string[] {
  return issues.flatMap(withinUnions).map((issue) => {
    if (issue.code === "unrecognized_keys") return describeUnknownKeys(issue, input, nameField, schema);
    const field = nameField(issue.path) || "(document)";
    const value = valueAt(input, issue.path);
    const message =
      issue.code === "invalid_type" && value === undefined ? `required (${issue.expected})` : issue.message;
    return `${field} = ${showValue(value)}: ${message}`;
  });
}
