import { readFileSync } from "node:fs";
import { lineAndColumn } from "../../config/json-text";
import { OfflineUsageError } from "./stack-files";

/**
 * A program module that does not compile, said as a compiler would: the file, line and column and
 * what is wrong. ts-node reports TypeScript's syntax errors with paths relative to the working
 * folder and a banner; V8 reports the rest (a name declared twice) as a bare SyntaxError whose
 * message names no file, with the position in the JavaScript ts-node produced.
 */

interface Diagnostic {
  file?: { fileName: string; text: string };
  start?: number;
  code: number;
  messageText: string | { messageText: string };
}

/** ts-node's compile error: its diagnostics carry the file and the offset TypeScript found. */
function isTsError(error: unknown): error is Error & { diagnostics: Diagnostic[] } {
  return (
    error instanceof Error && error.name === "TSError" && Array.isArray(Reflect.get(error, "diagnostics"))
  );
}

function describeDiagnostic({ file, start, code, messageText }: Diagnostic): string {
  const text = typeof messageText === "string" ? messageText : messageText.messageText;
  if (!file || start === undefined) return `${text} (TS${code})`;
  const { line, column } = lineAndColumn(file.text, start);
  return `${file.fileName}:${line}:${column}: ${text} (TS${code})`;
}

/**
 * The source line V8 could not compile: Node puts `<file>:<line>`, the line's code and a caret above
 * the SyntaxError in its stack. The line counts in the transpiled JavaScript; the same code on one
 * line of the source gives the source's line.
 */
function describeCompileFailure(error: Error): string | undefined {
  const shown = /^(.+):(\d+)\n(.*)\n( *)\^/.exec(error.stack ?? "");
  if (error.name !== "SyntaxError" || !shown) return undefined;
  const [, file, compiledLine, code, indent] = shown;
  let source: string[] = [];
  try {
    source = readFileSync(file, "utf8").split("\n");
  } catch {
    // Not a file on disk: the compiled position is all there is.
  }
  const matching = source.flatMap((line, index) => (line === code ? [index + 1] : []));
  const line = /\.[cm]?js$/.test(file)
    ? Number(compiledLine)
    : matching.length === 1
      ? matching[0]
      : undefined;
  const where =
    line === undefined
      ? `${file} (line ${compiledLine} of its transpiled JavaScript)`
      : `${file}:${line}:${indent.length + 1}`;
  return `${where}: ${error.message}`;
}

/**
 * What to say when loading the program module `label` names failed because a module did not
 * compile; undefined for any other failure (the program's own errors keep their message).
 */
export function programCompileError(error: unknown, label: string): OfflineUsageError | undefined {
  const problems = isTsError(error)
    ? error.diagnostics.map(describeDiagnostic)
    : error instanceof Error
      ? [describeCompileFailure(error)].filter((problem) => problem !== undefined)
      : [];
  if (problems.length === 0) return undefined;
  const listed = problems.length === 1 ? ` ${problems[0]}` : problems.map((p) => `\n  ${p}`).join("");
  return new OfflineUsageError(`${label} does not compile:${listed}`);
}
