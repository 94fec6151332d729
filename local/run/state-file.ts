import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { z } from "zod";
import { jsonErrorPosition, jsonErrorReason } from "../../config/json-text";
import { joinPath, showValue } from "../../config/validation";
import { LocalUsageError } from "./usage-error";

/**
 * The files local mode keeps between runs in the runs folder (the model registry, SageMaker's
 * hosting, the drift ledger, each run's record), read through one checked reader: a damaged file is
 * named with what is wrong and what to do, never read as empty and never a stack trace. Written
 * whole, flushed to disk and renamed into place, so a crash mid-write leaves the old content.
 */

/** What a state file is for, and how to recover from a damaged one (shown in the error). */
export interface StateFileKind<T> {
  /** "the model registry" */
  what: string;
  schema: z.ZodType<T>;
  /** What the person can do: "move it aside; npm run runs -- --repair rebuilds it from the run records". */
  remedy: string;
}

export class StateFileError extends LocalUsageError {
  constructor(
    readonly path: string,
    readonly problem: string,
    remedy: string,
    what: string,
  ) {
    super(`${path} (${what}) is damaged: ${problem}. ${remedy}`);
    this.name = "StateFileError";
  }
}

function problemOf(text: string, error: unknown): string {
  const message = (error as Error).message;
  const at = jsonErrorPosition(text, message);
  return `${at ? `line ${at.line}, column ${at.column}: ` : ""}not valid JSON (${jsonErrorReason(message)})`;
}

/** The first thing the schema found wrong, named by its path in the file. */
function schemaProblem(issues: z.core.$ZodIssue[], value: unknown): string {
  const [issue] = issues;
  const path = joinPath(issue.path);
  let found: unknown = value;
  for (const key of issue.path) found = (found as Record<PropertyKey, unknown> | undefined)?.[key];
  return `${path || "the file"} = ${showValue(found)}: ${issue.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`;
}

/** The file's content, checked; undefined when there is no file. Throws StateFileError when damaged. */
export function readStateFile<T>(path: string, kind: StateFileKind<T>): T | undefined {
  if (!existsSync(path)) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new StateFileError(
      path,
      `cannot be read (${(error as NodeJS.ErrnoException).code})`,
      kind.remedy,
      kind.what,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(path, problemOf(text, error), kind.remedy, kind.what);
  }
  const parsed = kind.schema.safeParse(value);
  if (!parsed.success)
    throw new StateFileError(path, schemaProblem(parsed.error.issues, value), kind.remedy, kind.what);
  return parsed.data;
}

/** Writes JSON whole: beside the file, flushed to disk, then renamed over it. */
export function writeStateFile(path: string, value: unknown, indent?: number): void {
  const partial = `${path}.${process.pid}.tmp`;
  const fd = openSync(partial, "w");
  try {
    writeSync(fd, JSON.stringify(value, null, indent));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
}
