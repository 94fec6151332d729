/**
 * JSON a person wrote (a config file, a file handed to a CLI), parsed so that a syntax error says
 * where it is as an editor counts: `file:line:column`, not a parser's offset into the text.
 */

/** V8 shows this many characters on each side of an unexpected token in a long text. */
const EXCERPT_REACH = 10;

/** Offsets into a text are 0-based; lines and columns 1-based, as editors and compilers show them. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  return { line: before.split("\n").length, column: offset - before.lastIndexOf("\n") };
}

/**
 * Where an unexpected token is, from the excerpt V8 quotes instead of an offset: the whole text when
 * it is short (the token's first occurrence), else up to ten characters on each side of it, with `...`
 * where the excerpt stops short of the text's start or end.
 */
function unexpectedTokenOffset(text: string, message: string): number | undefined {
  const quoted = /^Unexpected token '(.+?)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(message);
  if (!quoted) return undefined;
  const [, token, cutBefore, excerpt, cutAfter] = quoted;
  if (!cutBefore && !cutAfter) return text.indexOf(token);
  if (!cutBefore) return excerpt.length - EXCERPT_REACH;
  if (!cutAfter) return text.length - excerpt.length + EXCERPT_REACH;
  for (let start = text.indexOf(excerpt); start >= 0; start = text.indexOf(excerpt, start + 1))
    if (text.startsWith(token, start + EXCERPT_REACH)) return start + EXCERPT_REACH;
  return undefined;
}

/**
 * Where JSON.parse stopped. Node 22's V8 says `at position 21 (line 3 column 10)`, Node 20's only
 * `at position 21`; both quote an excerpt instead for an unexpected token, and say only "Unexpected
 * end of JSON input" for a text that stops early (the error is at its end).
 */
export function jsonErrorPosition(
  text: string,
  message: string,
): { line: number; column: number } | undefined {
  const stated = /\(line (\d+) column (\d+)\)/.exec(message);
  if (stated) return { line: Number(stated[1]), column: Number(stated[2]) };
  const at = /at position (\d+)/.exec(message);
  const offset = at
    ? Number(at[1])
    : message.startsWith("Unexpected end of JSON input")
      ? text.trimEnd().length
      : unexpectedTokenOffset(text, message);
  return offset === undefined || offset < 0 ? undefined : lineAndColumn(text, offset);
}

/** What is wrong, without the offset or the excerpt (the position says where). */
export function jsonErrorReason(message: string): string {
  return message
    .replace(/ (in|after) JSON at position \d+[\s\S]*$/, (_match, word: string) =>
      word === "after" ? " after JSON" : "",
    )
    .replace(/^(Unexpected token '.+?'), [\s\S]*$/, "$1");
}

/**
 * Parses JSON text read from `file` (an editor's byte-order mark is not part of it). A syntax error
 * is thrown as `invalid(where, reason)` makes it: `where` is `file:line:column`, or the file alone
 * when the parser gave nothing to place it by.
 */
export function parseJsonText(
  text: string,
  file: string,
  invalid: (where: string, reason: string) => Error,
): unknown {
  const json = text.replace(/^\uFEFF/, "");
  try {
    return JSON.parse(json);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = jsonErrorPosition(json, message);
    const where = position ? `${file}:${position.line}:${position.column}` : file;
    throw invalid(where, jsonErrorReason(message));
  }
}
