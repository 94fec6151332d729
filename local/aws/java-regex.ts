/**
 * AWS's API models write member patterns as Java regular expressions (the services validate with
 * them). This turns one into a JavaScript RegExp that matches the whole value, as the services do:
 * a rejected value's message quotes the pattern and "Member must satisfy regular expression
 * pattern". Java syntax JavaScript lacks is translated: POSIX classes (`\p{Alnum}`, `\p{Print}`,
 * ASCII as in java.util.regex.Pattern without UNICODE_CHARACTER_CLASS), `\A` and `\z`, identity
 * escapes of ordinary characters (`\_`, `\ `), and a quantifier on an anchor (`$` `{1,256}`, which
 * the SageMaker model uses for CustomerMetadataValue; the length bound is the shape's max anyway).
 */

const POSIX: Record<string, string> = {
  Lower: "a-z",
  Upper: "A-Z",
  ASCII: "\\x00-\\x7F",
  Alpha: "a-zA-Z",
  Digit: "0-9",
  Alnum: "a-zA-Z0-9",
  Punct: "!-\\/:-@\\[-`{-~",
  Graph: "!-~",
  Print: " -~",
  Blank: " \\t",
  Cntrl: "\\x00-\\x1F\\x7F",
  XDigit: "0-9a-fA-F",
  Space: " \\t\\n\\x0B\\f\\r",
};

/** Characters a JavaScript `u`-mode pattern lets be escaped (outside a class, and `-` inside one). */
const SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);
/** Escapes with a meaning in both dialects. */
const MEANINGFUL = new Set([..."dDwWsSbBtnrfv0123456789xuc"]);

function escapeAt(source: string, i: number, inClass: boolean): { text: string; next: number } {
  const char = source[i + 1];
  if (char === undefined) return { text: "\\\\", next: i + 1 };
  if (char === "p" || char === "P") {
    const close = source.indexOf("}", i);
    const name = source.slice(i + 3, close);
    const posix = POSIX[name];
    if (posix === undefined) return { text: source.slice(i, close + 1), next: close + 1 };
    if (char === "P") return { text: inClass ? `\\P{ASCII}` : `[^${posix}]`, next: close + 1 };
    return { text: inClass ? posix : `[${posix}]`, next: close + 1 };
  }
  if (char === "A") return { text: "^", next: i + 2 };
  if (char === "z" || char === "Z") return { text: "$", next: i + 2 };
  if (MEANINGFUL.has(char) || SYNTAX.has(char) || (inClass && char === "-"))
    return { text: `\\${char}`, next: i + 2 };
  return { text: char, next: i + 2 };
}

/** The pattern in JavaScript's `u` dialect. */
export function javaToJs(source: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < source.length;) {
    const char = source[i];
    if (char === "\\") {
      const { text, next } = escapeAt(source, i, inClass);
      out += text;
      i = next;
      continue;
    }
    if (char === "[" && !inClass) inClass = true;
    else if (char === "]" && inClass) inClass = false;
    else if (!inClass && char === "{" && out.endsWith("$")) {
      // A bounded repeat of an anchor matches what the anchor alone matches.
      i = source.indexOf("}", i) + 1;
      continue;
    }
    out += char;
    i++;
  }
  return out;
}

const compiled = new Map<string, RegExp>();

/** The whole-value matcher of a model pattern (compiled once per pattern and process). */
export function wholeValuePattern(source: string): RegExp {
  let pattern = compiled.get(source);
  if (!pattern) {
    pattern = new RegExp(`^(?:${javaToJs(source)})$`, "u");
    compiled.set(source, pattern);
  }
  return pattern;
}
