import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseJsonText } from "../../config/json-text";

/** A problem the user can fix (bad stack name, bad override); the CLI prints it and exits 2. */
export class OfflineUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OfflineUsageError";
  }
}

/**
 * A JSON file a user hands a CLI, parsed; a problem names the file, and for bad JSON the line and
 * column, never a bare parser offset.
 */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new OfflineUsageError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return parseJsonText(
    text,
    path,
    (where, reason) => new OfflineUsageError(`${what} ${where} is not valid JSON (${reason})`),
  );
}

export interface StackFile {
  project: string;
  /** Config as the Pulumi CLI hands it to a program: every value a string (JSON for structured ones). */
  config: Record<string, string>;
  /** Keys whose values are secrets; their values are replaced by a placeholder offline. */
  secretKeys: string[];
}

export const SECRET_PLACEHOLDER = "[secret]";

function readYaml(path: string): unknown {
  try {
    return parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new OfflineUsageError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

export function projectName(root: string): string {
  const doc = readYaml(join(root, "Pulumi.yaml")) as { name?: unknown } | null;
  if (!doc || typeof doc.name !== "string")
    throw new OfflineUsageError(`${join(root, "Pulumi.yaml")} has no project name`);
  return doc.name;
}

export function stacksIn(root: string): string[] {
  return readdirSync(root)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/** Reads `Pulumi.<stack>.yaml` the way the CLI does, namespacing bare keys with the project name. */
export function readStackFile(root: string, stack: string): StackFile {
  const project = projectName(root);
  const path = join(root, `Pulumi.${stack}.yaml`);
  if (!/^[\w.-]+$/.test(stack) || !existsSync(path)) {
    throw new OfflineUsageError(
      `Unknown stack "${stack}": there is no Pulumi.${stack}.yaml. Stacks here: ${stacksIn(root).join(", ") || "(none)"}.`,
    );
  }
  const doc = (readYaml(path) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    if (value && typeof value === "object" && "secure" in value) {
      config[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { project, config, secretKeys };
}

/**
 * Parses `key=value` overrides. A value that parses as JSON is structured config (lists, objects,
 * numbers, booleans) and is passed on as JSON text, as the CLI does; anything else is a plain string.
 */
export function parseOverrides(project: string, pairs: readonly string[]): Record<string, string> {
  const overrides: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0)
      throw new OfflineUsageError(`--config "${pair}": expected key=value, e.g. --config branch=main`);
    const rawKey = pair.slice(0, at).trim();
    const value = pair.slice(at + 1);
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    let structured: unknown;
    try {
      structured = JSON.parse(value);
    } catch {
      structured = undefined;
    }
    overrides[key] =
      structured !== undefined && typeof structured !== "string" ? JSON.stringify(structured) : value;
  }
  return overrides;
}
